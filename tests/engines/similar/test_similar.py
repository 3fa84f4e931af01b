"""The similar-cases engine, without Django."""

import pytest

from learningcity.engines.similar import Case, similar_cases


def cases():
    return [
        Case(
            1,
            "en",
            "Adult literacy circles in public libraries for migrant women",
            frozenset({"literacy", "inclusion"}),
        ),
        Case(
            2,
            "en",
            "Libraries run literacy circles for adults and migrants",
            frozenset({"literacy"}),
        ),
        Case(
            3, "en", "Urban gardens teach sustainable development to children", frozenset({"esd"})
        ),
        Case(
            4,
            "fr",
            "Des jardins urbains pour apprendre le développement durable aux enfants",
            frozenset({"esd"}),
        ),
        Case(5, "zh-hans", "社区图书馆为成人提供识字课程", frozenset({"literacy"})),
        Case(6, "zh-hans", "图书馆成人识字小组", frozenset({"literacy"})),
    ]


def test_nearest_is_the_same_topic_with_reasons():
    found = similar_cases(cases(), k=2)
    assert found[1][0].key == 2
    assert found[1][0].shared_themes == ("literacy",)
    assert {"literacy", "circles"} <= set(found[1][0].shared_terms)
    assert found[3][0].key == 4  # shared theme across languages
    assert found[5][0].key == 6 and found[5][0].shared_terms  # Chinese by character pairs


def test_never_itself_scores_bounded_and_order_independent():
    found = similar_cases(cases(), k=5)
    for key, neighbours in found.items():
        assert key not in {n.key for n in neighbours}
        assert all(0.0 <= n.score <= 1.0 for n in neighbours)
        assert [n.score for n in neighbours] == sorted((n.score for n in neighbours), reverse=True)
    reversed_found = similar_cases(list(reversed(cases())), k=5)
    assert {k: [n.key for n in v] for k, v in found.items()} == {
        k: [n.key for n in v] for k, v in reversed_found.items()
    }


def test_edge_cases():
    assert similar_cases([]) == {}
    assert similar_cases([Case(1, "en", "alone")]) == {1: ()}
    unrelated = similar_cases([Case(1, "en", "apples"), Case(2, "en", "trains")])
    assert unrelated == {1: (), 2: ()}
    with pytest.raises(ValueError):
        similar_cases([Case(1, "en", "a"), Case(1, "en", "b")])
    with pytest.raises(ValueError):
        similar_cases(cases(), k=0)
    # Blocks smaller than the number of cases give the same answer.
    assert similar_cases(cases(), k=3, block=2) == similar_cases(cases(), k=3)

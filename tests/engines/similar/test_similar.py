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


# -- the vectorised top-k and reasons give what the pair-by-pair version gave -----------


def _reference(cases, k=5, text_weight=0.7, min_score=0.05):
    """The first version of the engine: the full score matrix at once, then per case
    a sort of the candidates and, per kept pair, the shared words from the two rows."""
    import numpy as np
    from scipy import sparse

    from learningcity.engines.similar import similar as engine

    counts, words_of = engine._case_terms(cases)
    vocabulary = engine._vocabulary(counts, words_of)
    vectors = engine._tfidf(counts, vocabulary)
    cosine = np.asarray(vectors.dot(sparse.csr_matrix(vectors.T)).todense(), dtype=np.float32)
    themes, sizes = engine._themes_matrix(cases)
    shared = themes @ themes.T
    union = sizes[:, None] + sizes[None, :] - shared
    jaccard = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
    scores = text_weight * cosine + (1.0 - text_weight) * jaccard
    keys = [case.key for case in cases]
    found = {}
    for row in range(len(cases)):
        scores[row, row] = -1.0
        chosen = sorted(
            (c for c in range(len(cases)) if c != row and scores[row, c] >= min_score),
            key=lambda c: (-round(float(scores[row, c]), 6), keys[c]),
        )[:k]
        neighbours = []
        for column in chosen:
            product = vectors.getrow(row).multiply(vectors.getrow(column)).tocoo()
            order = np.argsort(-product.data, kind="stable")[: engine.MAX_SHARED_TERMS]
            neighbours.append(
                (
                    keys[column],
                    round(min(1.0, max(0.0, float(scores[row, column]))), 4),
                    tuple(sorted(cases[row].themes & cases[column].themes)),
                    tuple(vocabulary.surface[int(product.col[i])] for i in order),
                )
            )
        found[keys[row]] = neighbours
    return found


def _corpus(n, seed):
    import random

    rng = random.Random(seed)
    common = [
        "literacy",
        "library",
        "adults",
        "migrants",
        "digital",
        "older",
        "garden",
        "climate",
        "health",
    ]
    chinese = "社区图书馆为成人提供识字课程小组学习"
    made = []
    for i in range(n):
        if i % 7 == 0 and made:  # exact duplicates: ties broken by the smaller key
            twin = made[rng.randrange(len(made))]
            made.append(Case(1000 - i, twin.language, twin.text, twin.themes))
            continue
        if i % 5 == 0:
            text = "".join(rng.choices(chinese, k=30))
            language = "zh-hans"
        else:
            words = rng.choices(common, k=20) + [f"rare{rng.randint(0, 60)}" for _ in range(8)]
            text, language = " ".join(words), "en"
        themes = frozenset(rng.sample(["a", "b", "c", "d", "e"], rng.randint(0, 2)))
        made.append(Case(1000 - i, language, text, themes))
    return made


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_results_as_the_pair_by_pair_version(seed):
    corpus = _corpus(160, seed)
    for block in (512, 37):
        found = similar_cases(corpus, k=5, block=block)
        assert {
            key: [(n.key, n.score, n.shared_themes, n.shared_terms) for n in neighbours]
            for key, neighbours in found.items()
        } == _reference(corpus)

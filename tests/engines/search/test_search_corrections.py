"""Two additive engine answers the finder needs (issue 8): the indexed words a typo
was matched to, and a distance limit that keeps online learning out."""

from learningcity.engines.search import Document, Facet, Point, Query, Schema, Text, build_index

SCHEMA = Schema((Facet("cost", ("free", "fee")),))
CENTRE = Point(51.90, -8.47)


def doc(key, title, **fields):
    return Document(key=key, texts=(Text("en", title, ""),), facets={"cost": 0}, **fields)


INDEX = build_index(
    [
        doc(1, "Yoga for everyone", latitude=51.90, longitude=-8.47),
        doc(2, "Yoga in the hills", latitude=52.30, longitude=-8.47),
        doc(3, "Online yoga class", remote=True),
        doc(4, "Hybrid yoga far away", remote=True, latitude=52.30, longitude=-8.47),
    ],
    SCHEMA,
)


def test_a_typo_reports_the_words_it_was_matched_to():
    result = INDEX.search(Query(text="yoag"))
    assert result.approximate_words == ("yoag",)
    assert result.corrections == {"yoag": ("yoga",)}


def test_exact_words_have_no_corrections():
    assert INDEX.search(Query(text="yoga")).corrections == {}


def test_remote_learning_passes_a_distance_limit_by_default():
    result = INDEX.search(Query(origin=CENTRE, max_km=1))
    assert {hit.key for hit in result.hits} == {1, 3, 4}


def test_a_distance_limit_for_places_only_keeps_what_is_within_reach():
    result = INDEX.search(Query(origin=CENTRE, max_km=1, distance_keeps_remote=False))
    assert {hit.key for hit in result.hits} == {1}

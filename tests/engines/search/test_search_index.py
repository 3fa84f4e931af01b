"""The search index: text, facets with disjunctive counts, distance, dates, ages,
pagination, relaxations, personal ranking and incremental changes."""

import math

import pytest

from learningcity.engines.search import (
    AGE,
    DATES,
    DISTANCE,
    TEXT,
    Document,
    Facet,
    Point,
    Preferences,
    Query,
    Schema,
    Sort,
    Text,
    build_index,
)

SCHEMA = Schema(
    (
        Facet("topic", ("arts", "digital", "health"), multi=True),
        Facet("cost", ("free", "fee")),
        Facet("day", ("mon", "sat"), multi=True),
        Facet("access", ("step_free", "hearing_loop"), multi=True, match_all=True),
    )
)
CENTRE = Point(6.2442, -75.5812)
NOW = 1_800_000_000.0
DAY = 86_400.0


def doc(key, title, *, body="", language="es", topic=0, cost=0, day=0, access=0, **fields):
    facets = {"topic": topic, "cost": cost, "day": day, "access": access}
    return Document(key=key, texts=(Text(language, title, body),), facets=facets, **fields)


def north_of_centre(km):
    return CENTRE.latitude + km / 111.195


@pytest.fixture
def catalogue():
    return build_index(
        [
            doc(
                1,
                "Taller de pintura",
                topic=0b001,
                cost=0,
                day=0b10,
                access=0b11,
                latitude=north_of_centre(0.5),
                longitude=CENTRE.longitude,
                next_start=NOW + DAY,
            ),
            doc(
                2,
                "Curso de programación con Python",
                topic=0b010,
                cost=1,
                day=0b01,
                latitude=north_of_centre(3),
                longitude=CENTRE.longitude,
                next_start=NOW + 3 * DAY,
            ),
            doc(
                3,
                "Yoga para personas mayores",
                topic=0b100,
                cost=0,
                day=0b10,
                access=0b01,
                min_age=60,
                latitude=north_of_centre(8),
                longitude=CENTRE.longitude,
                next_start=NOW + 2 * DAY,
            ),
            doc(
                4,
                "Pintura digital en línea",
                topic=0b011,
                cost=0,
                day=0b01,
                remote=True,
                next_start=NOW + 10 * DAY,
            ),
            doc(
                5,
                "Club de lectura",
                body="Leemos cuentos y poesía",
                topic=0b001,
                cost=1,
                latitude=north_of_centre(1),
                longitude=CENTRE.longitude,
                max_age=12,
            ),
        ],
        SCHEMA,
    )


def keys(result):
    return [hit.key for hit in result.hits]


def search(index, **fields):
    return index.search(Query(languages=("es", "en"), now=NOW, **fields))


def test_an_empty_query_finds_everything_soonest_first_with_undated_last(catalogue):
    result = search(catalogue)
    assert result.total == 5
    assert keys(result) == [1, 3, 2, 4, 5]


def test_words_match_through_their_stems(catalogue):
    assert keys(search(catalogue, text="pinturas")) == [1, 4]


def test_every_word_must_match(catalogue):
    assert keys(search(catalogue, text="pintura digital")) == [4]


def test_title_words_rank_above_description_words(catalogue):
    index = build_index(
        [doc(1, "Club de cuentos", body="poesía"), doc(2, "Club de poesía", body="cuentos")],
        SCHEMA,
    )
    assert keys(search(index, text="poesia")) == [2, 1]


def test_a_typo_still_finds_the_word_and_is_reported(catalogue):
    result = search(catalogue, text="pintrua")
    assert keys(result) == [1, 4]
    assert result.approximate_words == ("pintrua",)


def test_a_word_matching_nothing_is_reported_and_gives_no_result(catalogue):
    result = search(catalogue, text="astronomia")
    assert result.total == 0
    assert result.unknown_words == ("astronomia",)


def test_a_query_of_stop_words_only_does_not_filter(catalogue):
    assert search(catalogue, text="de la y").total == 5


def test_facet_values_of_one_facet_are_alternatives(catalogue):
    result = search(catalogue, filters={"topic": frozenset({"arts", "health"})})
    assert sorted(keys(result)) == [1, 3, 4, 5]


def test_different_facets_must_all_match(catalogue):
    result = search(catalogue, filters={"topic": frozenset({"arts"}), "cost": frozenset({"free"})})
    assert sorted(keys(result)) == [1, 4]


def test_facet_counts_ignore_their_own_selection_but_not_the_others(catalogue):
    result = search(catalogue, filters={"topic": frozenset({"arts"}), "cost": frozenset({"free"})})
    # Topic counts: the free ones, whatever their topic.
    assert result.facets["topic"] == {"arts": 2, "digital": 1, "health": 1}
    # Cost counts: the arts ones, whatever their cost.
    assert result.facets["cost"] == {"free": 2, "fee": 1}
    # An unselected facet is counted within the current results.
    assert result.facets["day"] == {"mon": 1, "sat": 1}


def test_a_match_all_facet_needs_every_chosen_value(catalogue):
    result = search(catalogue, filters={"access": frozenset({"step_free", "hearing_loop"})})
    assert keys(result) == [1]
    assert result.facets["access"] == {"step_free": 1, "hearing_loop": 1}


def test_unknown_facet_values_are_refused(catalogue):
    with pytest.raises(ValueError, match="unknown values"):
        search(catalogue, filters={"cost": frozenset({"cheap"})})


def test_nearest_sort_orders_by_distance_and_reports_it(catalogue):
    result = search(catalogue, origin=CENTRE, sort=Sort.NEAREST)
    assert keys(result) == [1, 5, 2, 3, 4]  # the online one has no place: last
    assert result.hits[0].distance_km == pytest.approx(0.5, abs=0.01)
    assert result.hits[-1].distance_km is None


def test_a_distance_limit_keeps_close_places_and_online_learning(catalogue):
    result = search(catalogue, origin=CENTRE, max_km=2, sort=Sort.NEAREST)
    assert keys(result) == [1, 5, 4]


def test_ages_outside_an_opportunitys_range_are_left_out(catalogue):
    assert 3 not in keys(search(catalogue, age=30))
    assert 3 in keys(search(catalogue, age=70))
    assert 5 not in keys(search(catalogue, age=70))


def test_a_date_window_keeps_what_starts_in_it(catalogue):
    result = search(catalogue, starts_from=NOW, starts_before=NOW + 2.5 * DAY)
    assert keys(result) == [1, 3]


def test_past_dates_sort_as_nothing_coming_up():
    index = build_index(
        [doc(1, "Pasado", next_start=NOW - DAY), doc(2, "Futuro", next_start=NOW + DAY)], SCHEMA
    )
    assert keys(search(index)) == [2, 1]


def test_pages_follow_each_other_without_gaps_or_repeats():
    index = build_index([doc(key, f"Curso {key}", next_start=NOW) for key in range(1, 48)], SCHEMA)
    seen = []
    for page in range(5):
        result = search(index, offset=page * 10, limit=10)
        assert result.total == 47
        seen += keys(result)
    assert seen == list(range(1, 48))


def test_an_empty_result_says_which_filter_to_drop(catalogue):
    result = search(
        catalogue, text="yoga", filters={"cost": frozenset({"fee"})}, origin=CENTRE, max_km=1.5
    )
    assert result.total == 0
    relaxations = {relaxation.filter: relaxation.total for relaxation in result.relaxations}
    # Without the words: the club 1 km away charges a fee.
    assert relaxations == {"cost": 0, DISTANCE: 0, TEXT: 1}
    assert result.relaxations[0].filter == TEXT


def test_relaxations_cover_age_and_dates(catalogue):
    result = search(catalogue, text="yoga", age=20, starts_from=NOW, starts_before=NOW + DAY / 2)
    assert {relaxation.filter for relaxation in result.relaxations} == {TEXT, AGE, DATES}


def test_changes_replace_and_remove_documents(catalogue):
    changed = catalogue.with_changes(
        [doc(1, "Taller de cerámica", topic=0b001, next_start=NOW + DAY)], removed=[2]
    )
    assert keys(search(changed, text="pintura")) == [4]
    assert keys(search(changed, text="ceramica")) == [1]
    assert 2 not in keys(search(changed))
    assert changed.size == 4
    # The original index is untouched (searches in other threads keep their view).
    assert keys(search(catalogue, text="pintura")) == [1, 4]


def test_facet_counts_include_changed_documents(catalogue):
    changed = catalogue.with_changes([doc(6, "Taller de danza", cost=0, topic=0b001)], [])
    assert search(changed).facets["cost"]["free"] == search(catalogue).facets["cost"]["free"] + 1


def test_a_delta_segment_is_merged_not_stacked(catalogue):
    once = catalogue.with_changes([doc(6, "Uno")], [])
    twice = once.with_changes([doc(7, "Dos")], [])
    assert len(twice.segments) == 2
    assert sorted(keys(search(twice, text="uno"))) == [6]


def test_many_changes_ask_for_a_rebuild(catalogue):
    changed = catalogue.with_changes([doc(key, "Nuevo") for key in range(10, 30)], [])
    assert changed.needs_rebuild
    assert not catalogue.needs_rebuild


def test_a_personal_ranking_prefers_wishes_met_and_says_which(catalogue):
    wishes = {"topic": frozenset({"health"}), "day": frozenset({"sat"})}
    result = search(catalogue, preferences=Preferences(wishes=wishes, weights={"topic": 3}))
    assert keys(result)[0] == 3
    assert result.hits[0].matched == {"topic": ("health",), "day": ("sat",)}
    assert result.hits[-1].matched == {}


def test_a_personal_ranking_favours_closer_places():
    index = build_index(
        [
            doc(key, "Taller", latitude=north_of_centre(km), longitude=CENTRE.longitude)
            for key, km in ((1, 6.0), (2, 0.4), (3, 2.0))
        ],
        SCHEMA,
    )
    result = search(index, origin=CENTRE, preferences=Preferences())
    assert keys(result) == [2, 3, 1]


def test_an_empty_index_answers_plainly():
    result = build_index([], SCHEMA).search(Query(text="algo", now=NOW))
    assert result.total == 0 and result.hits == ()
    assert result.facets["cost"] == {"free": 0, "fee": 0}


def test_invalid_points_are_refused():
    with pytest.raises(ValueError):
        Point(91, 0)
    with pytest.raises(ValueError):
        Point(math.nan, 0)

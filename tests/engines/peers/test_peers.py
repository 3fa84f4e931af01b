"""The peer-matching engine, without Django."""

from learningcity.engines.peers import (
    CityFacts,
    Reason,
    cities_like,
    cities_that_can_help,
    weakest_areas,
)

HOME = CityFacts(
    1,
    region="africa",
    size_band=2,
    gdp_per_capita=3000.0,
    schooling_years=8.0,
    clusters=frozenset({"literacy", "esd"}),
)


def test_a_city_like_mine_comes_first_with_every_reason():
    twin = CityFacts(
        2,
        region="africa",
        size_band=2,
        gdp_per_capita=3300.0,
        schooling_years=8.5,
        clusters=frozenset({"literacy"}),
    )
    far = CityFacts(3, region="europe", size_band=4, gdp_per_capita=60000.0, schooling_years=13.0)
    found = cities_like(HOME, [far, twin, HOME])
    assert [suggestion.key for suggestion in found] == [2]  # not itself; far has no reason
    kinds = [reason.kind for reason in found[0].reasons]
    assert kinds == ["region", "size", "gdp", "schooling", "clusters"]
    assert found[0].reasons[-1] == Reason("clusters", items=("literacy",))
    assert found[0].reasons[2] == Reason("gdp", own=3000.0, theirs=3300.0)


def test_nearer_figures_score_higher_and_ties_go_by_key():
    near = CityFacts(5, region="africa", gdp_per_capita=3100.0)
    farther = CityFacts(4, region="africa", gdp_per_capita=5000.0)
    same = CityFacts(6, region="africa", gdp_per_capita=3100.0)
    found = cities_like(HOME, [farther, same, near], k=3)
    assert [suggestion.key for suggestion in found] == [5, 6, 4]
    assert found[0].score > found[2].score
    # GDP 5000 against 3000 is more than one and a half times: not given as a reason.
    assert [reason.kind for reason in found[2].reasons] == ["region"]


def test_missing_figures_are_not_guessed():
    sparse = CityFacts(7, region="africa")
    (found,) = cities_like(HOME, [sparse])
    assert [reason.kind for reason in found.reasons] == ["region"]
    assert found.score == 0.25
    assert cities_like(CityFacts(8), [CityFacts(9)]) == []
    assert cities_like(HOME, [sparse], k=0) == []


def test_adjacent_size_band_is_half_alike():
    (found,) = cities_like(HOME, [CityFacts(10, size_band=3)])
    assert found.score == 0.1 and found.reasons == (Reason("size"),)
    assert cities_like(HOME, [CityFacts(11, size_band=4)]) == []


def test_weakest_areas_lowest_first_ties_by_code():
    assert weakest_areas({"b": 40.0, "a": 40.0, "c": 10.0, "d": 90.0}, 3) == ["c", "a", "b"]
    assert weakest_areas({"a": float("nan"), "b": 1.0}) == ["b"]
    assert weakest_areas({}) == []


def test_cities_that_can_help_lead_where_i_am_weakest():
    mine = {"benefits": 30.0, "building": 55.0, "conditions": 70.0}
    others = {
        2: {"benefits": 80.0, "building": 60.0, "conditions": 20.0},
        3: {"benefits": 35.0, "building": 90.0},
        4: {"benefits": 10.0, "building": 40.0, "conditions": 99.0},  # strong elsewhere only
    }
    found = cities_that_can_help(mine, others)
    assert [suggestion.key for suggestion in found] == [2, 3]
    assert found[0].score == 55.0
    assert found[0].reasons == (
        Reason("stronger", items=("benefits",), own=30.0, theirs=80.0),
        Reason("stronger", items=("building",), own=55.0, theirs=60.0),
    )
    assert cities_that_can_help({}, others) == []
    assert cities_that_can_help(mine, others, k=1)[0].key == 2

"""The matching engine, without Django: optimality against an exact LP, the
lexicographic objective, capacities, re-matching, and the weekly-slot rules."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linprog

from learningcity.engines.matching import Candidate, PairArrays, solve_matching
from learningcity.engines.matching.fit import (
    Profile,
    SlotError,
    WeeklySlot,
    assess,
    check_weekly_slots,
    overlap_minutes,
)


def _arrays(candidates: list[Candidate], capacity: dict[str, int]) -> PairArrays:
    return PairArrays.from_candidates(candidates, capacity)


def _lp_optimum(candidates: list[Candidate], capacity: dict[str, int]) -> tuple[int, float]:
    """The lexicographic optimum by two exact LPs (HiGHS through SciPy): the most pairs,
    then the best total score among matchings with that many pairs."""
    persons = sorted({c.person for c in candidates})
    helpers = list(capacity)
    n = len(candidates)
    rows, bounds = [], []
    for person in persons:
        rows.append([1.0 if c.person == person else 0.0 for c in candidates])
        bounds.append(1.0)
    for helper in helpers:
        rows.append([1.0 if c.helper == helper else 0.0 for c in candidates])
        bounds.append(float(capacity[helper]))
    a_ub, b_ub = np.array(rows), np.array(bounds)
    most = linprog(-np.ones(n), A_ub=a_ub, b_ub=b_ub, bounds=(0, 1), method="highs")
    count = round(-most.fun)
    scores = np.array([c.score for c in candidates])
    best = linprog(
        -scores,
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=np.ones((1, n)),
        b_eq=[count],
        bounds=(0, 1),
        method="highs",
    )
    return count, -best.fun


@pytest.mark.parametrize("seed", range(25))
def test_the_matching_equals_the_exact_lp_optimum_on_random_instances(seed):
    rng = np.random.default_rng(seed)
    n_people, n_helpers = int(rng.integers(3, 14)), int(rng.integers(2, 8))
    capacity = {f"h{j}": int(rng.integers(0, 3)) for j in range(n_helpers)}
    decimals = int(rng.integers(0, 3))
    candidates = [
        Candidate(f"p{i}", f"h{j}", round(float(rng.uniform(-5, 100)), decimals))
        for i in range(n_people)
        for j in range(n_helpers)
        if rng.random() < 0.45
    ]
    if not candidates:
        return
    result = solve_matching(_arrays(candidates, capacity))
    count, total = _lp_optimum(candidates, capacity)
    assert result.optimal
    assert result.matched == count
    assert result.total_score == pytest.approx(total, abs=1e-6)
    used: dict[str, int] = {}
    for match in result.matches:
        used[match.helper] = used.get(match.helper, 0) + 1
    assert all(used[h] <= capacity[h] for h in used)
    assert len({m.person for m in result.matches}) == result.matched


def test_more_people_matched_beats_a_higher_score():
    # p1 alone with h1 scores 100; matching both people scores only 2 in all.
    candidates = [
        Candidate("p1", "h1", 100),
        Candidate("p1", "h2", 1),
        Candidate("p2", "h1", 1),
    ]
    result = solve_matching(_arrays(candidates, {"h1": 1, "h2": 1}))
    assert {(m.person, m.helper) for m in result.matches} == {("p1", "h2"), ("p2", "h1")}
    assert result.total_score == 2


def test_among_equal_counts_the_best_total_wins_and_capacity_is_respected():
    candidates = [
        Candidate("a", "x", 5),
        Candidate("b", "x", 9),
        Candidate("c", "x", 7),
        Candidate("c", "y", 1),
    ]
    result = solve_matching(_arrays(candidates, {"x": 2, "y": 0}))
    assert {(m.person, m.helper) for m in result.matches} == {("b", "x"), ("c", "x")}
    assert result.matched == 2
    assert result.total_score == 16


def test_existing_pairs_stay_when_moving_would_only_raise_the_score():
    candidates = [Candidate("p1", "h1", 10), Candidate("p1", "h2", 90), Candidate("p2", "h1", 5)]
    arrays = _arrays(candidates, {"h1": 1, "h2": 1})
    # Without history p1 goes to h2 (both matched, total 95).
    fresh = solve_matching(arrays)
    assert {(m.person, m.helper) for m in fresh.matches} == {("p1", "h2"), ("p2", "h1")}
    # p1 already with h1 and p2 not matchable elsewhere: p1 stays, p2 waits.
    kept = solve_matching(
        _arrays([Candidate("p1", "h1", 10), Candidate("p1", "h2", 90)], {"h1": 1, "h2": 1}),
        existing={"p1": "h1"},
    )
    assert [(m.person, m.helper, m.kept) for m in kept.matches] == [("p1", "h1", True)]
    assert kept.moves == []


def test_an_existing_pair_moves_only_when_that_matches_more_people_and_says_so():
    candidates = [Candidate("p1", "h1", 50), Candidate("p1", "h2", 10), Candidate("p2", "h1", 5)]
    result = solve_matching(_arrays(candidates, {"h1": 1, "h2": 1}), existing={"p1": "h1"})
    assert result.matched == 2
    assert [(m.person, m.previous_helper, m.new_helper) for m in result.moves] == [
        ("p1", "h1", "h2")
    ]
    assert result.gained_by_moves == 1


def test_fixed_pairs_are_kept_and_use_the_helpers_capacity():
    candidates = [Candidate("p1", "h1", 1), Candidate("p2", "h1", 50)]
    result = solve_matching(_arrays(candidates, {"h1": 1}), fixed={"p1": "h1"})
    assert [(m.person, m.helper, m.fixed) for m in result.matches] == [("p1", "h1", True)]


def test_scores_with_many_decimals_still_give_the_lp_optimum():
    rng = np.random.default_rng(7)
    candidates = [
        Candidate(f"p{i}", f"h{j}", float(rng.uniform(0, 1))) for i in range(8) for j in range(5)
    ]
    capacity = {f"h{j}": 2 for j in range(5)}
    result = solve_matching(_arrays(candidates, capacity))
    count, total = _lp_optimum(candidates, capacity)
    assert (result.matched, result.total_score) == (count, pytest.approx(total, abs=1e-5))
    assert not result.exact_scores


def test_an_empty_instance_matches_nobody():
    result = solve_matching(_arrays([], {"h1": 2}))
    assert (result.matched, result.total_score, result.optimal) == (0, 0.0, True)


def test_weekly_slots_refuse_inverted_and_overlapping_times():
    with pytest.raises(SlotError) as inverted:
        check_weekly_slots([WeeklySlot(0, 600, 540)])
    assert (inverted.value.row, inverted.value.code) == (1, "inverted")
    with pytest.raises(SlotError) as overlap:
        check_weekly_slots([WeeklySlot(2, 600, 720), WeeklySlot(1, 0, 60), WeeklySlot(2, 700, 800)])
    assert (overlap.value.row, overlap.value.code) == (3, "overlap")
    assert check_weekly_slots([WeeklySlot(2, 720, 800), WeeklySlot(2, 600, 720)])[0].start == 600


def test_overlap_counts_the_minutes_both_are_free():
    a = [WeeklySlot(0, 540, 720), WeeklySlot(2, 600, 660)]
    b = [WeeklySlot(0, 600, 780), WeeklySlot(3, 600, 660)]
    assert overlap_minutes(a, b) == 120


def _person(**changes: object) -> Profile:
    base: dict[str, object] = {
        "id": "p",
        "languages": frozenset({"es"}),
        "interests": frozenset({"arts", "sport"}),
        "slots": (WeeklySlot(0, 540, 720),),
        "place": (6.25, -75.57),
    }
    return Profile(**{**base, **changes})  # type: ignore[arg-type]


def _helper(**changes: object) -> Profile:
    base: dict[str, object] = {
        "id": "h",
        "languages": frozenset({"es", "en"}),
        "interests": frozenset({"arts"}),
        "slots": (WeeklySlot(0, 600, 720),),
        "place": (6.26, -75.58),
        "travel_km": 10.0,
        "gender": "woman",
    }
    return Profile(**{**base, **changes})  # type: ignore[arg-type]


def test_a_fitting_pair_is_feasible_with_its_reasons():
    fit = assess(_person(), _helper())
    assert fit.feasible
    assert fit.shared_languages == ("es",)
    assert fit.shared_interests == ("arts",)
    assert fit.minutes_together == 120
    assert 0 < fit.km_apart < 2
    assert fit.score == pytest.approx(20 + 30 + fit.parts["near"], abs=0.01)


@pytest.mark.parametrize(
    ("person", "helper", "blocker"),
    [
        ({}, {"checks_valid": False}, "checks"),
        ({"languages": frozenset({"ar"})}, {}, "language"),
        ({"slots": (WeeklySlot(4, 540, 600),)}, {}, "time"),
        ({"place": (6.60, -75.57)}, {}, "distance"),
        ({"wants_gender": "man"}, {}, "preference"),
    ],
)
def test_each_hard_constraint_rules_a_pair_out(person, helper, blocker):
    fit = assess(_person(**person), _helper(**helper))
    assert not fit.feasible
    assert fit.blockers == (blocker,)

"""The outreach engine on its own: p-median against the published optima, maximal
covering and p-median against brute force, OR-Library parsing, routing."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from learningcity.engines.outreach import InputError, plan_coverage, plan_median
from learningcity.engines.outreach.orlib import parse_pmed, read_optima, read_pmed
from learningcity.engines.outreach.routing import (
    RoutingError,
    Stop,
    Vehicle,
    plan_week,
)

PMED = Path(__file__).resolve().parents[3] / "shared" / "reference" / "planning" / "pmed"
H = 3600


@pytest.mark.parametrize("name", ["pmed1", "pmed4", "pmed5"])
def test_pmedian_equals_published_optimum(name: str) -> None:
    if not PMED.is_dir():
        pytest.skip("reference instances not present")
    inst = read_pmed(PMED / f"{name}.txt")
    plan = plan_median(inst.dist, np.ones(inst.n), inst.p, 1.0, time_limit=120)
    assert plan.optimal
    assert plan.objective_value == read_optima(PMED / "pmedopt.txt")[name]
    assert len(plan.chosen) == inst.p


def test_orlib_duplicate_edges_last_one_wins() -> None:
    text = "3 3 1\n1 2 10\n2 3 5\n2 1 1\n"
    inst = parse_pmed(text)
    assert inst.dist[0, 1] == 1  # not 10: the later "2 1 1" replaces "1 2 10"
    assert inst.dist[0, 2] == 6


def _random_instance(seed: int, n: int = 14, m: int = 8) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    d = rng.integers(0, 100, size=(n, 2)).astype(float)
    c = rng.integers(0, 100, size=(m, 2)).astype(float)
    dist = np.hypot(d[:, None, 0] - c[None, :, 0], d[:, None, 1] - c[None, :, 1])
    return dist, rng.integers(0, 10, n).astype(float)


@pytest.mark.parametrize("seed", range(6))
def test_coverage_equals_brute_force(seed: int) -> None:
    dist, w = _random_instance(seed)
    radius, p = 25.0, 3
    best = max(
        float(w[(dist[:, list(s)] <= radius).any(axis=1)].sum())
        for s in itertools.combinations(range(dist.shape[1]), p)
    )
    plan = plan_coverage(dist, w, radius, p)
    assert plan.optimal and plan.gap == 0
    assert plan.covered_weight == best
    assert len(plan.chosen) == p
    assert plan.total_weight == w.sum()


def test_coverage_with_required_stop_and_radius_per_point() -> None:
    dist, w = _random_instance(11)
    radius = np.where(np.arange(len(w)) % 2 == 0, 15.0, 35.0)  # two groups, two radii
    best = max(
        float(w[(dist[:, list(s)] <= radius[:, None]).any(axis=1)].sum())
        for s in itertools.combinations(range(dist.shape[1]), 3)
        if 5 in s
    )
    plan = plan_coverage(dist, w, radius, 3, required=[5])
    assert 5 in plan.chosen
    assert plan.covered_weight == best


@pytest.mark.parametrize("seed", range(3))
def test_median_equals_brute_force(seed: int) -> None:
    dist, w = _random_instance(seed)
    best = min(
        float(w @ dist[:, list(s)].min(axis=1))
        for s in itertools.combinations(range(dist.shape[1]), 3)
    )
    plan = plan_median(dist, w, 3, 20.0)
    assert plan.optimal
    assert plan.objective_value == pytest.approx(best, rel=1e-9)


@pytest.mark.parametrize("seed", range(3))
def test_median_with_required_stop_equals_brute_force(seed: int) -> None:
    dist, w = _random_instance(20 + seed, n=30, m=9)
    best = min(
        float(w @ dist[:, list(s)].min(axis=1))
        for s in itertools.combinations(range(dist.shape[1]), 3)
        if 4 in s
    )
    plan = plan_median(dist, w, 3, 20.0, required=[4])
    assert plan.optimal and plan.gap == 0
    assert 4 in plan.chosen and len(plan.chosen) == 3
    assert plan.objective_value == pytest.approx(best, rel=1e-9)


def test_median_stopped_by_its_time_limit_reports_a_valid_gap() -> None:
    rng = np.random.default_rng(5)
    demand, sites = rng.uniform(0, 5000, (500, 2)), rng.uniform(0, 5000, (60, 2))
    dist = np.hypot(*(demand[:, None, :] - sites[None, :, :]).transpose(2, 0, 1))
    w = rng.integers(1, 50, 500).astype(float)
    quick = plan_median(dist, w, 6, 300.0, time_limit=0.05)
    assert quick.seconds < 3  # the whole limit: heuristic, bound and solver
    assert len(quick.chosen) == 6
    assert quick.optimal or quick.gap > 0
    best = plan_median(dist, w, 6, 300.0, time_limit=120)
    assert best.optimal
    # The bound behind the gap holds: no plan is cheaper than it.
    assert quick.objective_value * (1 - quick.gap) <= best.objective_value * (1 + 1e-9)
    assert quick.objective_value >= best.objective_value * (1 - 1e-9)


def test_bad_stop_counts_are_refused() -> None:
    dist, w = _random_instance(0)
    with pytest.raises(InputError, match="only 8 candidates"):
        plan_coverage(dist, w, 10.0, 9)
    with pytest.raises(InputError, match="at least 1"):
        plan_coverage(dist, w, 10.0, 0)


def test_week_plan_reports_every_stop_it_cannot_serve() -> None:
    van = Vehicle("van", (0, 0), 9 * H, 17 * H, 1800, days=(0, 2))
    stops = [
        Stop("near", (2000, 0), 9 * H, 12 * H),
        Stop("afternoon", (0, 3000), 15 * H, 16 * H, days=(2,)),
        Stop("too-far", (200_000, 0), 9 * H, 10 * H),
        Stop("saturday", (500, 500), 9 * H, 17 * H, days=(5,)),
    ]
    plan = plan_week(stops, [van], time_limit_per_day=0.2)
    served = {v.stop_id: (r.day, v) for r in plan.routes for v in r.visits}
    assert set(served) == {"near", "afternoon"}
    assert served["afternoon"][0] == 2
    assert 15 * H <= served["afternoon"][1].arrive <= 16 * H
    assert {(u.stop_id, u.reason) for u in plan.unserved} == {
        ("too-far", "window"),
        ("saturday", "no_vehicle"),
    }


def test_week_plan_moves_a_stop_that_does_not_fit_its_day() -> None:
    # Two stops with the same one-hour window 20 km apart: one van cannot do both on
    # one day, so one goes to the other day instead of being dropped.
    van = Vehicle("van", (0, 0), 9 * H, 17 * H, 3000, days=(0, 1))
    stops = [
        Stop("east", (10_000, 0), 10 * H, 11 * H),
        Stop("west", (-10_000, 0), 10 * H, 11 * H),
    ]
    plan = plan_week(stops, [van], time_limit_per_day=0.2)
    assert not plan.unserved
    assert sorted(len(r.visits) for r in plan.routes) == [1, 1]


def test_week_plan_without_vehicles_says_so() -> None:
    with pytest.raises(RoutingError, match="vehicle"):
        plan_week([Stop("a", (0, 0), 0, 10)], [])


def test_learning_deserts_by_group_and_district() -> None:
    from learningcity.engines.outreach.deserts import learning_deserts
    from learningcity.engines.outreach.geometry import Frame, Points

    blocks = Points(("b1", "b2", "b3"), np.array([0.0, 400.0, 2000.0]), np.zeros(3), Frame.PLANE)
    sites = Points(("library",), np.array([0.0]), np.array([0.0]), Frame.PLANE)
    report = learning_deserts(
        blocks,
        {"older": [10, 20, 30], "under_five": [1, 2, 3]},
        ["north", "north", "south"],
        sites,
        {"older": 300.0, "under_five": 500.0},  # a shorter walk for older people
    )
    assert report.beyond == {"older": 50.0, "under_five": 3.0}
    assert report.by_district["older"] == {"north": 20.0, "south": 30.0}
    assert report.by_district["under_five"] == {"north": 0.0, "south": 3.0}
    assert report.total["older"] == 60.0

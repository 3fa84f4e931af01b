"""Benchmark of the outreach planner (``make bench-outreach``).

Run with ``python bench/bench_outreach.py [--quick] [--instances pmed1,C101,...]
[--solomon-seconds 30] [--repeat 3]``. Prints:

1. p-median on OR-Library pmed1–pmed20 (shortest paths, last duplicate edge wins):
   the optimum found, the published one, equal or not, proven or not, seconds.
2. VRPTW on the Solomon instances (PyVRP, 30 s each by default): distance, vehicles,
   gap to ``best_known.csv``.
3. A city of 5,000 demand blocks and 500 candidate stops: maximal covering (radius
   500 m, 50 stops) and p-median (50 stops), each with a 60 s limit for the whole plan
   (the target): median seconds of ``--repeat`` runs, the objective, proven or the gap.

``--quick``: pmed1–pmed10, 5 s per Solomon instance, one city run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from learningcity.engines.outreach.geometry import Frame, Points, distance_matrix
from learningcity.engines.outreach.orlib import read_optima, read_pmed
from learningcity.engines.outreach.solomon import gap, read_best_known, read_solomon, solve_solomon
from learningcity.engines.outreach.stops import plan_coverage, plan_median

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "planning"
PMED = [f"pmed{i}" for i in range(1, 21)]


def city(n: int = 5000, m: int = 500, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Demand in 25 neighbourhoods of a 12 km × 12 km city, candidates anywhere."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 12_000, size=(25, 2))
    xy = centres[rng.integers(0, 25, n)] + rng.normal(0, 900, size=(n, 2))
    weight = rng.integers(1, 60, n).astype(np.float64)
    cxy = rng.uniform(0, 12_000, size=(m, 2))
    demand = Points(tuple(map(str, range(n))), xy[:, 0], xy[:, 1], Frame.PLANE)
    cand = Points(tuple(map(str, range(m))), cxy[:, 0], cxy[:, 1], Frame.PLANE)
    return distance_matrix(demand, cand), weight


def bench_pmed(names: list[str], time_limit: float) -> bool:
    optima = read_optima(REFERENCE / "pmed" / "pmedopt.txt")
    print("p-median, OR-Library (Lagrangian bound and fixing, then HiGHS on the radius model)")
    print(f"{'instance':<9}{'n':>5}{'p':>5}{'found':>9}{'optimum':>9}  equal  proven{'seconds':>9}")
    all_equal = True
    total = 0.0
    for name in names:
        inst = read_pmed(REFERENCE / "pmed" / f"{name}.txt")
        began = time.perf_counter()
        plan = plan_median(inst.dist, np.ones(inst.n), inst.p, 1.0, time_limit=time_limit)
        seconds = time.perf_counter() - began
        total += seconds
        equal = round(plan.objective_value) == optima[name]
        all_equal &= equal
        print(
            f"{name:<9}{inst.n:>5}{inst.p:>5}{plan.objective_value:>9.0f}{optima[name]:>9}"
            f"  {'yes' if equal else 'NO':<5}  {'yes' if plan.optimal else 'no':<6}{seconds:>9.2f}",
            flush=True,
        )
    print(f"{len(names)} instances in {total:.1f} s, time limit {time_limit:g} s each")
    return all_equal


def bench_solomon(names: list[str], seconds: float) -> None:
    best = read_best_known(REFERENCE / "solomon" / "best_known.csv")
    print(f"\nVRPTW, Solomon (PyVRP, {seconds:g} s each; distance objective, unrounded)")
    print(f"{'instance':<9}{'distance':>10}{'best':>10}{'gap':>8}{'vehicles':>10}  feasible")
    gaps = []
    for name in names:
        inst = read_solomon(REFERENCE / "solomon" / f"{name}.txt")
        res = solve_solomon(inst, seconds)
        g = gap(res.distance, best[name])
        gaps.append(g)
        print(
            f"{name:<9}{res.distance:>10.2f}{best[name]:>10.2f}{g:>8.2%}{res.vehicles:>10}"
            f"  {'yes' if res.feasible else 'NO'}",
            flush=True,
        )
    if gaps:
        print(f"largest gap {max(gaps):.2%}, mean {statistics.mean(gaps):.2%}")


def bench_city(repeat: int) -> None:
    print("\nCity plan: 5,000 demand blocks × 500 candidate stops (time limit 60 s)")
    dist, weight = city()
    for label, run in [
        ("coverage, 500 m, 50 stops", lambda: plan_coverage(dist, weight, 500.0, 50)),
        ("p-median, 50 stops", lambda: plan_median(dist, weight, 50, 500.0)),
    ]:
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            plan = run()
            times.append(time.perf_counter() - began)
        # The objective, proof and gap of the last run (runs stop on the clock, so
        # they may differ slightly).
        print(
            f"{label:<28} median {statistics.median(times):6.2f} s of {repeat}"
            f" (max {max(times):.2f} s)  objective {plan.objective_value:,.0f}"
            f"  {'proven optimal' if plan.optimal else f'gap {plan.gap:.4%}'}"
            f"  covered {plan.covered_weight:,.0f} of {plan.total_weight:,.0f}",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--instances", default="", help="comma-separated pmed/Solomon names")
    parser.add_argument("--solomon-seconds", type=float, default=None)
    parser.add_argument("--pmed-limit", type=float, default=600.0)
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--skip-city", action="store_true")
    args = parser.parse_args()
    solomon_all = sorted(p.stem for p in (REFERENCE / "solomon").glob("*.txt"))
    pmed = PMED[:10] if args.quick else PMED
    solomon = solomon_all
    if args.instances:
        wanted = {w.strip() for w in args.instances.split(",") if w.strip()}
        pmed = [n for n in PMED if n in wanted]
        solomon = [n for n in solomon_all if n in wanted]
    seconds = args.solomon_seconds or (5.0 if args.quick else 30.0)
    repeat = args.repeat or (1 if args.quick else 3)
    print("2 cores, shared with other work: timings are indicative.\n")
    ok = bench_pmed(pmed, args.pmed_limit) if pmed else True
    if solomon:
        bench_solomon(solomon, seconds)
    if not args.skip_city:
        bench_city(repeat)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

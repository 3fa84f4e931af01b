"""Benchmark of the index engine on deterministic synthetic data.

Run with ``python bench/bench_index.py [--repeat 30] [--sa-n 1024] [--years 5] [--panel-sa-n 256]``.
Generates 1,000 units x 42 indicators in a 4-level tree (42 indicators -> 7 pillars ->
3 sub-indices -> index), with groups, denominators and ~3 % missing values, then times
every stage of the example pipeline (median and p95 over repeats), the same pipeline
as a panel build over ``--years`` time points (global normalisation, COINr purse),
the uncertainty/sensitivity analysis (N base samples, 5 inputs, N x 7 runs) and the
same analysis of the panel's latest year (every alternative built as a panel).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from learningcity.engines.index import (
    parse_data,
    parse_meta,
    parse_spec,
    run_panel,
    run_pipeline,
)
from learningcity.engines.index.meta import IndexMeta
from learningcity.engines.index.sensitivity import run_sensitivity

N_UNITS = 1000
PILLARS = 7
PER_PILLAR = 6
SUBINDEX = (("S1", 3), ("S2", 2), ("S3", 2))
STEPS: list[dict[str, Any]] = [
    {"step": "denominate"},
    {"step": "impute", "f_i": "i_mean_grp", "use_group": "Region"},
    {"step": "screen", "dat_thresh": 0.9, "unit_screen": "byNA"},
    {"step": "treat", "winmax": 5},
    {"step": "normalise", "f_n": "n_minmax", "f_n_para": [0, 100]},
    {"step": "aggregate", "f_ag": "a_amean"},
]
SPEC = {"steps": STEPS}


def synthetic_meta() -> pd.DataFrame:
    """iMeta for 42 indicators in 7 pillars, 3 sub-indices and one index."""
    rows = []
    k = 0
    pillar_parent = [s for s, count in SUBINDEX for _ in range(count)]
    for p in range(PILLARS):
        for _ in range(PER_PILLAR):
            k += 1
            rows.append(
                {
                    "Level": "1",
                    "iCode": f"I{k:02d}",
                    "Parent": f"P{p + 1}",
                    "Direction": "-1" if k % 5 == 0 else "1",
                    "Weight": "1",
                    "Type": "Indicator",
                    "Denominator": "Pop" if k % 7 == 0 else "NA",
                }
            )
    for p in range(PILLARS):
        rows.append(
            {
                "Level": "2",
                "iCode": f"P{p + 1}",
                "Parent": pillar_parent[p],
                "Direction": "1",
                "Weight": "1",
                "Type": "Aggregate",
                "Denominator": "NA",
            }
        )
    for s, _ in SUBINDEX:
        rows.append(
            {
                "Level": "3",
                "iCode": s,
                "Parent": "Index",
                "Direction": "1",
                "Weight": "1",
                "Type": "Aggregate",
                "Denominator": "NA",
            }
        )
    rows.append(
        {
            "Level": "4",
            "iCode": "Index",
            "Parent": "NA",
            "Direction": "1",
            "Weight": "1",
            "Type": "Aggregate",
            "Denominator": "NA",
        }
    )
    rows.append(
        {
            "Level": "NA",
            "iCode": "Region",
            "Parent": "NA",
            "Direction": "NA",
            "Weight": "NA",
            "Type": "Group",
            "Denominator": "NA",
        }
    )
    rows.append(
        {
            "Level": "NA",
            "iCode": "Pop",
            "Parent": "NA",
            "Direction": "NA",
            "Weight": "NA",
            "Type": "Denominator",
            "Denominator": "NA",
        }
    )
    return pd.DataFrame(rows).astype(str)


def synthetic_data(seed: int = 42) -> pd.DataFrame:
    """Deterministic iData: lognormal indicators (some skewed), ~3 % missing."""
    rng = np.random.default_rng(seed)
    n_ind = PILLARS * PER_PILLAR
    latent = rng.normal(size=(N_UNITS, 1))
    x = latent + rng.normal(scale=1.0, size=(N_UNITS, n_ind))
    x = np.exp(x * np.where(np.arange(n_ind) % 4 == 0, 1.2, 0.4))
    x[rng.random(x.shape) < 0.03] = np.nan
    df = pd.DataFrame(x, columns=[f"I{k + 1:02d}" for k in range(n_ind)]).astype(object)
    df = df.where(~df.isna(), "NA")
    df.insert(0, "uCode", [f"U{i:04d}" for i in range(N_UNITS)])
    df["Region"] = rng.choice(["North", "South", "East", "West"], size=N_UNITS)
    df["Pop"] = rng.uniform(1, 100, size=N_UNITS)
    return df.astype(str)


PANEL_SPEC = {
    "split_to": "all",
    "steps": [{**step, "global": True} if step["step"] == "normalise" else step for step in STEPS],
}


def synthetic_panel(years: int, seed: int = 42) -> pd.DataFrame:
    """``years`` time points of the synthetic data: each year drifts up ~3 % with noise."""
    base = synthetic_data(seed)
    rng = np.random.default_rng(seed + 1)
    codes = [c for c in base.columns if c.startswith("I")]
    raw = base[codes].replace("NA", "nan").astype(float).to_numpy()
    frames = []
    for k in range(years):
        values = raw * (1 + 0.03 * k) * rng.lognormal(0.0, 0.1, size=raw.shape)
        year = base.copy()
        year[codes] = np.where(np.isnan(values), "NA", values.astype(str))
        year.insert(1, "Time", str(2020 + k))
        frames.append(year)
    return pd.concat(frames, ignore_index=True)


def _time_panel(meta: IndexMeta, years: int, repeat: int) -> None:
    units = parse_data(synthetic_panel(years), meta)
    spec = parse_spec(PANEL_SPEC)
    per_stage: dict[str, list[float]] = {}
    totals: list[float] = []
    for _ in range(repeat):
        timings: dict[str, float] = {}
        start = time.perf_counter()
        run_panel(meta, units, spec, timings)
        totals.append(time.perf_counter() - start)
        for k, v in timings.items():
            per_stage.setdefault(k, []).append(v)
    print(
        f"panel, {N_UNITS} units x {PILLARS * PER_PILLAR} indicators x {years} time points, "
        f"global normalisation, {repeat} repeats"
    )
    for stage, seconds in per_stage.items():
        print(f"  {stage:<12} {_summary(seconds)}")
    print(f"  {'TOTAL':<12} {_summary(totals)}")


def _time_panel_sensitivity(meta: IndexMeta, years: int, n: int) -> None:
    """The uncertainty analysis of a panel's latest year: every alternative is built as
    a panel (global normalisation over all years), as for a monitoring index run."""
    units = parse_data(synthetic_panel(years), meta)
    start = time.perf_counter()
    res = run_sensitivity(meta, units, parse_spec(PANEL_SPEC), n=n, seed=1)
    elapsed = time.perf_counter() - start
    print(
        f"panel sensitivity, {years} time points, N = {n}, {res.n_runs} runs: {_summary([elapsed])}"
    )


def _summary(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"median {statistics.median(ms):8.2f} ms   p95 {p95:8.2f} ms"


def main() -> int:
    """Time the pipeline stages and the sensitivity analysis."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--sa-n", type=int, default=1024)
    parser.add_argument("--sa-repeat", type=int, default=1)
    parser.add_argument("--years", type=int, default=5, help="time points of the panel case")
    parser.add_argument("--panel-repeat", type=int, default=10)
    parser.add_argument("--panel-sa-n", type=int, default=256, help="N of the panel analysis")
    args = parser.parse_args()
    meta = parse_meta(synthetic_meta())
    units = parse_data(synthetic_data(), meta)
    spec = parse_spec(SPEC)
    per_stage: dict[str, list[float]] = {}
    totals: list[float] = []
    for _ in range(args.repeat):
        timings: dict[str, float] = {}
        start = time.perf_counter()
        run_pipeline(meta, units, spec, timings)
        totals.append(time.perf_counter() - start)
        for k, v in timings.items():
            per_stage.setdefault(k, []).append(v)
    print(
        f"pipeline, {N_UNITS} units x {PILLARS * PER_PILLAR} indicators, 4 levels, "
        f"{args.repeat} repeats"
    )
    for stage, seconds in per_stage.items():
        print(f"  {stage:<12} {_summary(seconds)}")
    print(f"  {'TOTAL':<12} {_summary(totals)}")
    _time_panel(meta, args.years, args.panel_repeat)
    sa_times = []
    for _ in range(args.sa_repeat):
        start = time.perf_counter()
        res = run_sensitivity(meta, units, spec, n=args.sa_n, seed=1)
        sa_times.append(time.perf_counter() - start)
    print(f"sensitivity, N = {args.sa_n}, k = 5, {res.n_runs} runs: {_summary(sa_times)}")
    print(res.indices.to_string(index=False))
    _time_panel_sensitivity(meta, args.years, args.panel_sa_n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

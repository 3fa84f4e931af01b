"""The faster uncertainty analysis gives the results the engine gave before it.

``data/sensitivity_before_speedup.json`` holds what ``run_sensitivity`` returned before
runs were evaluated in blocks (all runs of a block level by level, one sort per block
of runs, shared pipeline prefixes): learningcity commit 03a550e, ``engines/index``. Sobol'
indices must agree to 5e-15 and everything derived from ranks (the per-run outputs,
the rank intervals, every unit's rank in every run) byte for byte. The cases cover
missing values reaching the aggregation, every aggregator the analysis offers, "no
treatment" as an alternative, screened-out units and a panel build.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from compindex import datasets, parse_data, parse_meta, parse_spec
from compindex.sensitivity import run_sensitivity

BEFORE = json.loads(
    (Path(__file__).parent / "data" / "sensitivity_before_speedup.json").read_text()
)


def _panel_frame(base: pd.DataFrame, years: int) -> pd.DataFrame:
    rng = np.random.default_rng(43)
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


def _cases() -> Iterator[tuple[str, Any, Any, Any]]:
    ex = datasets.asem()
    meta = parse_meta(ex.imeta)
    yield "asem_example", meta, parse_data(ex.idata, meta), parse_spec(ex.spec)
    smeta = parse_meta(datasets.synthetic_meta())
    base = datasets.synthetic_data(300, seed=5)
    steps = [s for s in datasets.p1_spec()["steps"] if s["step"] != "impute"]
    options = {
        "aggregation": ["a_amean", "a_gmean", "a_hmean", "a_genmean"],
        "normalisation": [
            {"f_n": "n_minmax", "f_n_para": [1, 100]},
            {"f_n": "n_rank"},
            {"f_n": "n_minmax", "f_n_para": [10, 20]},
        ],
        "winmax": [None, 2, 4],
        "bootstrap": 200,
    }
    spec = parse_spec({"steps": steps, "sensitivity": options})
    yield "synthetic_missing_all_aggregations", smeta, parse_data(base, smeta), spec
    panel_steps = [
        {**s, "global": True} if s["step"] == "normalise" else s
        for s in datasets.p1_spec()["steps"]
    ]
    pspec = parse_spec({"split_to": "all", "steps": panel_steps})
    yield "synthetic_panel", smeta, parse_data(_panel_frame(base, 2), smeta), pspec


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("case", list(_cases()), ids=lambda c: c[0])
def test_results_unchanged_by_the_speed_up(case: tuple[str, Any, Any, Any]) -> None:
    name, meta, units, spec = case
    before = BEFORE[name]
    res = run_sensitivity(meta, units, spec, n=before["n"], seed=before["seed"])
    assert res.n_runs == before["n_runs"]
    for column, values in before["indices"].items():
        got = res.indices[column].tolist()
        if column == "Input":
            assert got == values
            continue
        expected = np.array([np.nan if v is None else v for v in values], dtype=float)
        np.testing.assert_allclose(got, expected, rtol=5e-15, atol=1e-15, equal_nan=True)
    assert (
        _sha(np.ascontiguousarray(res.outputs, dtype=np.float64).tobytes())
        == before["outputs_sha256"]
    )
    table = res.ranks.to_csv(index=False, float_format=repr).encode()
    assert _sha(table) == before["rank_table_sha256"]
    assert str(res.unit_ranks.dtype) == before["unit_ranks_dtype"]
    assert _sha(np.ascontiguousarray(res.unit_ranks).tobytes()) == before["unit_ranks_sha256"]


def test_rank_runs_is_scipy_rankdata_row_by_row() -> None:
    from compindex.sensitivity import rank_runs
    from scipy.stats import rankdata

    rng = np.random.default_rng(0)
    scores = np.round(rng.normal(size=(40, 30)), 1)  # many ties
    scores[3, :5] = np.nan
    scores[7, :] = np.nan
    expected = rankdata(-scores, method="min", axis=1, nan_policy="omit")
    np.testing.assert_array_equal(rank_runs(scores), expected)

"""Uncertainty and sensitivity analysis on a small problem."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from index_helpers import write_tiny

from learningcity.engines.index import load_inputs, load_spec
from learningcity.engines.index.sensitivity import (
    SensitivityConfig,
    batched_index,
    run_sensitivity,
    saltelli_design,
    sobol_indices,
)


@pytest.fixture()
def tiny(tmp_path: Path) -> tuple[object, object, object]:
    d, m, s = write_tiny(tmp_path)
    meta, units = load_inputs(d, m)
    return meta, units, load_spec(s)


def test_shapes_bounds_and_reproducibility(tiny: tuple) -> None:  # type: ignore[type-arg]
    meta, units, spec = tiny
    calls: list[tuple[int, int]] = []
    res = run_sensitivity(
        meta, units, spec, n=64, seed=7, progress=lambda d, t: calls.append((d, t))
    )
    assert res.n_runs == 64 * 7 and res.outputs.shape == (448,)
    assert res.unit_ranks.shape == (6, 448)
    assert calls[-1] == (448, 448)
    st = res.indices["STi"].to_numpy()
    si = res.indices["Si"].to_numpy()
    assert np.all(st >= -1e-12) and np.all(st <= 1.5)
    assert np.all(si <= 1.2) and np.all(si >= -0.5)
    assert np.all(res.indices["STi_low"] <= res.indices["STi_high"])
    again = run_sensitivity(meta, units, spec, n=64, seed=7)
    np.testing.assert_array_equal(res.outputs, again.outputs)
    r = res.ranks
    assert np.all((r["Q5"] <= r["Median"]) & (r["Median"] <= r["Q95"]))


def test_sobol_estimators_on_additive_function() -> None:
    rng = np.random.default_rng(0)
    x = saltelli_design(4096, 2, seed=1)
    n = 4096
    f = x[:, 0] + 0.5 * x[:, 1]  # variances 1/12 and 1/48: S = 0.8, 0.2
    s, st = sobol_indices(f[:n], f[n : 2 * n], f[2 * n :].reshape(2, n))
    np.testing.assert_allclose(s, [0.8, 0.2], atol=0.03)
    np.testing.assert_allclose(st, [0.8, 0.2], atol=0.03)
    assert rng is not None


def test_batched_index_matches_pipeline_aggregation(tiny: tuple) -> None:  # type: ignore[type-arg]
    from learningcity.engines.index import run_pipeline
    from learningcity.engines.index.sensitivity import _level_plan

    meta, units, spec = tiny
    res = run_pipeline(meta, units, spec)
    norm = res.stages["Normalised"]
    w = {
        c: np.array([meta.weight(c), meta.weight(c)])
        for c in meta.by_code
        if meta.by_code[c].type in ("Indicator", "Aggregate")
    }
    scores = batched_index(norm.values, norm.codes, meta, _level_plan(meta), w, "a_amean", 2)
    np.testing.assert_allclose(scores[:, 0], res.stages["Aggregated"].column("Idx"))
    np.testing.assert_allclose(scores[:, 1], scores[:, 0])


def test_config_validation() -> None:
    from learningcity.engines.index import IndexInputError

    with pytest.raises(IndexInputError, match="a_copeland"):
        SensitivityConfig.from_mapping({"aggregation": ["a_copeland"]})
    with pytest.raises(IndexInputError, match="unknown option"):
        SensitivityConfig.from_mapping({"noise": 1})

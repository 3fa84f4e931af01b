"""Uncertainty and sensitivity analysis on a small problem."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from compindex import load_inputs, load_spec, parse_spec, run_panel
from compindex.sensitivity import (
    SensitivityConfig,
    _combo_spec,
    analysed_time,
    batched_index,
    bootstrap_ci,
    run_sensitivity,
    saltelli_design,
    sobol_indices,
)
from index_helpers import TINY_DATA, TINY_SPEC, write_tiny


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
    from compindex import run_pipeline
    from compindex.sensitivity import _level_plan

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
    from compindex import IndexInputError

    with pytest.raises(IndexInputError, match="a_copeland"):
        SensitivityConfig.from_mapping({"aggregation": ["a_copeland"]})
    with pytest.raises(IndexInputError, match="unknown option"):
        SensitivityConfig.from_mapping({"noise": 1})


THREE_UNITS = "\n".join(TINY_DATA.splitlines()[:4]) + "\n"
PLAIN = {"steps": [{"step": "normalise"}, {"step": "aggregate"}]}


@pytest.mark.parametrize("n", [2, 3, 8])
def test_few_samples_give_nan_or_ordered_intervals_without_numpy_warnings(
    tmp_path: Path, n: int
) -> None:
    d, m, s = write_tiny(tmp_path, data=THREE_UNITS, spec=PLAIN)
    meta, units = load_inputs(d, m)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "All-NaN slice encountered" would fail here
        res = run_sensitivity(meta, units, load_spec(s), n=n, seed=1)
    for index in ("Si", "STi"):
        low, high = res.indices[f"{index}_low"], res.indices[f"{index}_high"]
        assert ((low.isna() & high.isna()) | (low <= high)).all()


def test_a_bootstrap_of_an_output_that_never_varies_gives_nan_intervals() -> None:
    flat = np.ones(4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        low, high = bootstrap_ci(flat, flat, np.ones((5, 4)), 100, 0.95, np.random.default_rng(0))
        s, st = sobol_indices(flat, flat, np.ones((5, 4)))
    assert low.shape == high.shape == (2, 5)
    assert np.isnan(low).all() and np.isnan(high).all()
    assert np.isnan(s).all() and np.isnan(st).all()  # undefined, not infinite


def test_no_bootstrap_resamples_means_no_intervals() -> None:
    rng = np.random.default_rng(0)
    f = rng.random(16)
    low, high = bootstrap_ci(f, f[::-1], rng.random((5, 16)), 0, 0.95, rng)
    assert np.isnan(low).all() and np.isnan(high).all()


def test_a_panel_spec_is_analysed_at_its_latest_year_with_global_normalisation(
    tmp_path: Path,
) -> None:
    from test_panel import tiny_panel_data

    steps = [
        {**step, "global": True} if step["step"] == "normalise" else step
        for step in TINY_SPEC["steps"]
    ]
    spec = {"split_to": "all", "steps": steps}
    d, m, s = write_tiny(tmp_path, data=tiny_panel_data(), spec=spec)
    meta, units = load_inputs(d, m)
    parsed = load_spec(s)
    assert analysed_time(units, parsed) == 2021
    res = run_sensitivity(meta, units, parsed, n=8, seed=2)
    latest = run_panel(meta, units, parsed).coins[2021.0].results()
    assert latest is not None
    nominal = dict(zip(res.ranks["uCode"], res.ranks["Nominal"], strict=True))
    assert nominal == dict(zip(latest["uCode"], latest["Rank"], strict=True))
    assert res.unit_ranks.shape == (6, 8 * 7)
    # the alternatives keep the nominal's choice of pooling the years, or not
    for pooled in (True, False):
        nominal_spec = parse_spec({**spec, "steps": [{"step": "normalise", "global": pooled}]})
        combo = _combo_spec(nominal_spec, "i_mean", 3, {"f_n": "n_rank"})
        assert [step.params for step in combo.steps if step.kind == "normalise"] == [
            {"f_n": "n_rank", "global": pooled}
        ]


def test_a_unit_without_any_score_in_the_nominal_build_gets_nan_not_a_warning(
    tmp_path: Path,
) -> None:
    d, m, s = write_tiny(tmp_path, data=TINY_DATA + "ZZZ,Nowhere,EU,10,NA,NA,NA,NA\n", spec=PLAIN)
    meta, units = load_inputs(d, m)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = run_sensitivity(meta, units, load_spec(s), n=8, seed=1)
    nowhere = res.ranks.set_index("uCode").loc["ZZZ"]
    assert np.isnan(nowhere["Nominal"]) and np.isnan(nowhere["MeanAbsShift"])
    assert res.ranks["MeanAbsShift"].notna().sum() == 6


NO_TREATMENT_SPEC = {
    "steps": [
        {"step": "normalise", "f_n": "n_minmax", "f_n_para": [0, 100]},
        {"step": "aggregate", "f_ag": "a_amean"},
    ],
    "sensitivity": {"weight_noise": 0},
}
# Germany lacks i3 and leads on i4: first without imputation, third when i3 is imputed.
GAPPY_DATA = """uCode,uName,Region,Pop,i1,i2,i3,i4
FRA,France,EU,60,3,10,1,2
DEU,Germany,EU,80,2.5,33,NA,9
CHN,China,AS,1400,1,30,3,2
JPN,Japan,AS,120,4,35,5,6
IND,India,AS,1300,2,40,4,1
ITA,Italy,EU,59,6,25,2,7
"""


def test_default_alternatives_include_the_nominal_choices() -> None:
    cfg = SensitivityConfig.around(parse_spec(NO_TREATMENT_SPEC))
    assert "none" in cfg.imputation and None in cfg.winmax
    assert "a_amean" in cfg.aggregation
    treated = parse_spec({**TINY_SPEC, "sensitivity": {"imputation": ["i_median"]}})
    cfg = SensitivityConfig.around(treated)
    assert cfg.imputation == ["i_median"]  # listed by the spec: kept as it is
    assert 2 in cfg.winmax and None not in cfg.winmax


def test_nominal_pipeline_is_among_the_sampled_builds(tmp_path: Path) -> None:
    """A pipeline without imputation or treatment (the platform's "standard" one) on
    data with gaps: some sampled builds must be the nominal build itself, so its ranks
    are among the sampled ranks (before, every build imputed and winsorised, and a
    published rank could lie outside its own 5-95 % interval)."""
    d, m, s = write_tiny(tmp_path, data=GAPPY_DATA, spec=NO_TREATMENT_SPEC)
    meta, units = load_inputs(d, m)
    spec = load_spec(s)
    res = run_sensitivity(meta, units, spec, n=64, seed=3)
    nominal = res.ranks.set_index("uCode")["Nominal"]
    from compindex import run_pipeline

    built = run_pipeline(meta, units, spec).aggregated
    assert built is not None
    expected = np.array([nominal[u] for u in built.ucodes])
    matches = np.all(res.unit_ranks == expected[:, None], axis=0)
    assert matches.any()
    r = res.ranks
    assert np.all((r["Q5"] <= r["Nominal"]) & (r["Nominal"] <= r["Q95"]))


def test_no_imputation_and_no_treatment_options_leave_the_steps_out() -> None:
    combo = _combo_spec(parse_spec(TINY_SPEC), "none", None, {"f_n": "n_rank"})
    assert [step.kind for step in combo.steps] == ["denominate", "normalise"]
    combo = _combo_spec(parse_spec(TINY_SPEC), "i_mean", 3, {"f_n": "n_rank"})
    assert [step.kind for step in combo.steps] == ["denominate", "impute", "treat", "normalise"]
    assert dict(combo.steps[2].params)["winmax"] == 3

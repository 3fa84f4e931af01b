"""Pipeline options beyond the reference examples (COINr names and semantics)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from compindex import (
    IndexInputError,
    parse_data,
    parse_meta,
    parse_spec,
    run_pipeline,
)
from compindex.results import results_table
from compindex.weights import effective_weights
from index_helpers import TINY_DATA, TINY_META


def frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def run(
    steps: list[dict[str, object]], meta: str = TINY_META, data: str = TINY_DATA, **extra: object
):
    m = parse_meta(frame(meta))
    return run_pipeline(m, parse_data(frame(data), m), parse_spec({"steps": steps, **extra}))


def test_goalposts_from_imeta_flip_negative_direction() -> None:
    meta = TINY_META.replace(
        "Denominator\n",
        "Denominator,goalpost_lower,goalpost_upper,goalpost_scale,goalpost_trunc2posts\n",
    )
    lines = meta.splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        out.append(line + (",0,50,100,TRUE" if ",Indicator," in line else ",NA,NA,NA,NA"))
    res = run(
        [{"step": "normalise", "f_n": "n_goalposts", "f_n_para": "use_iMeta"}],
        meta="\n".join(out) + "\n",
    )
    norm = res.stages["Normalised"]
    raw = res.stages["Raw"]
    # i2 has Direction -1: score = (upper - x)/(upper - lower), truncated to [0, 1] * 100
    np.testing.assert_allclose(norm.column("i2"), np.clip((50 - raw.column("i2")) / 50, 0, 1) * 100)
    np.testing.assert_allclose(norm.column("i1"), np.clip(raw.column("i1") / 50, 0, 1) * 100)


def test_dist2targ_from_imeta_uses_target_times_direction() -> None:
    meta = TINY_META.replace("Denominator\n", "Denominator,Target\n")
    lines = meta.splitlines()
    out = [lines[0]] + [ln + (",10" if ",Indicator," in ln else ",NA") for ln in lines[1:]]
    res = run(
        [{"step": "impute"}, {"step": "normalise", "f_n": "n_dist2targ", "f_n_para": "use_iMeta"}],
        meta="\n".join(out) + "\n",
    )
    x = -res.stages["Imputed"].column("i2")
    np.testing.assert_allclose(
        res.stages["Normalised"].column("i2"), (x - x.min()) / (-10 - x.min())
    )


def test_copeland_genmean_and_weights_options() -> None:
    base = [{"step": "impute"}, {"step": "normalise", "f_n_para": [1, 100]}]
    cop = run([*base, {"step": "aggregate", "f_ag": ["a_amean", "a_copeland"]}])
    idx = cop.stages["Aggregated"].column("Idx")
    assert np.all(idx == np.round(idx)) and abs(idx).max() <= 5
    gen = run([*base, {"step": "aggregate", "f_ag": "a_genmean", "f_ag_para": {"p": 1}}])
    am = run([*base, {"step": "aggregate"}])
    # weights of i3 (2) and i4 (1) are used; p = 1 equals the arithmetic mean
    np.testing.assert_allclose(gen.stages["Aggregated"].values, am.stages["Aggregated"].values)
    eq = run([*base, {"step": "aggregate", "w": "equal"}])
    p2 = eq.stages["Aggregated"].column("P2")
    norm = eq.stages["Normalised"]
    np.testing.assert_allclose(p2, (norm.column("i3") + norm.column("i4")) / 2)
    pca = run([*base, {"step": "aggregate", "w": ["equal", "PCA"]}])
    assert np.all(np.isfinite(pca.stages["Aggregated"].column("Idx")))
    assert abs(pca.weights["P1"]) == pytest.approx(abs(pca.weights["P2"]))
    with pytest.raises(IndexInputError, match=r"cancel out"):
        run([*base, {"step": "aggregate", "w": "PCA"}])
    with pytest.raises(IndexInputError, match="a_genmean needs"):
        run([*base, {"step": "aggregate", "f_ag": "a_genmean"}])


def test_dat_thresh_and_results_layouts() -> None:
    res = run([{"step": "normalise"}, {"step": "aggregate", "dat_thresh": 0.6}])
    agg = res.stages["Aggregated"]
    assert np.isnan(agg.column("P2")[agg.ucodes.index("DEU")])  # 1 of 2 values < 0.6
    summ = results_table(agg, res.meta, "Summ")
    assert list(summ.columns) == ["uCode", "Idx", "Rank"]
    full = results_table(agg, res.meta, "Full")
    assert list(full.columns) == ["uCode", "Rank", "Idx", "P1", "P2", "i1", "i2", "i3", "i4"]
    ranks = results_table(agg, res.meta, "Aggs", use="ranks")
    assert ranks.iloc[0]["Idx"] == 1
    eff = effective_weights(res.meta)
    assert eff.set_index("iCode").loc["i3", "EffWeight"] == pytest.approx(0.5 * 2 / 3)


def test_row_imputation_screen_force_and_treat_indiv() -> None:
    res = run(
        [
            {"step": "impute", "impute_by": "row", "group_level": 2},
            {
                "step": "screen",
                "unit_screen": "byNA",
                "dat_thresh": 1,
                "Force": [{"uCode": "CHN", "Include": False}],
            },
            {
                "step": "treat",
                "global_specs": {"f1_para": {"winmax": 1}},
                "indiv_specs": {"i1": "none"},
            },
        ]
    )
    assert "CHN" not in res.stages["Screened"].ucodes
    assert not np.isnan(res.stages["Imputed"].values).any()
    assert list(res.treat.details["iCode"]) == ["i2", "i3", "i4"]  # type: ignore[union-attr]


def test_panel_data_latest_time_and_panel_imputation() -> None:
    rows = ["uCode,Time,Region,Pop,i1,i2,i3,i4"]
    for t in (2020, 2021):
        for u, vals in (("AAA", "1,2,3,4"), ("BBB", "2,3,1,5"), ("CCC", "4,1,2,2")):
            rows.append(f"{u},{t},EU,10,{vals}")
    rows[-1] = "CCC,2021,EU,10,NA,1,2,2"
    data = "\n".join(rows) + "\n"
    res = run(
        [
            {"step": "impute", "f_i": "impute_panel", "f_i_para": {"imp_type": "latest"}},
            {"step": "normalise"},
            {"step": "aggregate"},
        ],
        data=data,
    )
    imp = res.stages["Imputed"]
    assert imp.ucodes == ("AAA", "BBB", "CCC")
    assert imp.column("i1")[2] == 4  # taken from 2020
    old = run([{"step": "normalise"}], data=data, Time=2020)
    assert old.stages["Raw"].column("i1")[2] == 4


def test_disable_and_none_options() -> None:
    res = run([{"step": "impute", "disable": True}, {"step": "treat", "global_specs": "none"}])
    raw = res.stages["Raw"].values
    np.testing.assert_array_equal(np.isnan(res.stages["Treated"].values), np.isnan(raw))


def test_parameter_shorthands() -> None:
    from compindex.normalise import make_norm_spec

    assert make_norm_spec("n_dist2ref", [3]).f_n_para == {"iref": 3}
    assert make_norm_spec("n_goalposts", [0, 10, 1]).f_n_para == {"gposts": [0, 10, 1]}
    base = [{"step": "impute"}, {"step": "normalise", "f_n_para": [1, 100]}]
    a = run([*base, {"step": "aggregate", "f_ag": "a_genmean", "f_ag_para": [1]}])
    b = run([*base, {"step": "aggregate", "w": [{"iCode": "i3", "Weight": 1}]}])
    c = run([*base, {"step": "aggregate", "w": "equal"}])
    np.testing.assert_allclose(b.stages["Aggregated"].values, c.stages["Aggregated"].values)
    assert np.all(np.isfinite(a.stages["Aggregated"].column("Idx")))

"""Panel builds: every time point of panel data, as the coins of a COINr purse."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from compindex import (
    IndexInputError,
    PanelResult,
    build_index,
    parse_data,
    parse_meta,
    parse_spec,
    run_panel,
    run_pipeline,
)
from compindex.cli import main
from index_helpers import TINY_DATA, TINY_META, TINY_SPEC, write_tiny

# Two indicators (i2 negative) under one index; hand-computed below.
HAND_META = """Level,iCode,iName,Direction,Weight,Type,Parent
1,i1,Ind 1,1,1,Indicator,Idx
1,i2,Ind 2,-1,1,Indicator,Idx
2,Idx,Index,1,1,Aggregate,NA
"""
HAND_DATA = """uCode,Time,i1,i2
CCC,2021,5,20
AAA,2020,0,10
BBB,2020,5,20
CCC,2020,10,30
AAA,2021,10,10
BBB,2021,20,0
"""
MINMAX = {"step": "normalise", "f_n": "n_minmax", "f_n_para": [0, 100], "global": True}


def frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def panel(steps: list[dict[str, object]], data: str = HAND_DATA, **extra: object) -> PanelResult:
    meta = parse_meta(frame(HAND_META))
    spec = parse_spec({"split_to": "all", "steps": steps, **extra})
    return run_panel(meta, parse_data(frame(data), meta), spec)


def column(result: PanelResult, stage: str, code: str) -> dict[tuple[str, float], float]:
    stacked = result.stage(stage)
    values = stacked.data.column(code)
    return {
        (u, float(t)): float(v)
        for u, t, v in zip(stacked.data.ucodes, stacked.times, values, strict=True)
    }


def tiny_panel_data() -> str:
    """TINY_DATA for 2020 and 2021 (2021: i1 + 1, i3 doubled, DEU's i3 known)."""
    lines = TINY_DATA.strip().splitlines()
    header = lines[0].replace("uName,", "uName,Time,")
    rows = []
    for year in (2020, 2021):
        for line in lines[1:]:
            cells = line.split(",")
            if year == 2021:
                cells[4] = str(int(cells[4]) + 1)
                cells[6] = "4" if cells[6] == "NA" else str(2 * int(cells[6]))
            rows.append(",".join([*cells[:2], str(year), *cells[2:]]))
    return "\n".join([header, *rows]) + "\n"


def test_global_minmax_uses_min_and_max_over_both_years() -> None:
    res = panel([MINMAX])
    i1 = column(res, "Normalised", "i1")
    # i1 over both years: min 0, max 20
    assert i1 == pytest.approx(
        {
            ("AAA", 2020): 0,
            ("BBB", 2020): 25,
            ("CCC", 2020): 50,
            ("AAA", 2021): 50,
            ("BBB", 2021): 100,
            ("CCC", 2021): 25,
        }
    )
    # i2 is negative: -x over both years runs from -30 to 0
    i2 = column(res, "Normalised", "i2")
    assert i2[("AAA", 2020)] == pytest.approx(200 / 3)
    assert i2[("CCC", 2020)] == 0
    assert i2[("BBB", 2021)] == 100


def test_same_raw_value_in_two_years_gets_the_same_normalised_value() -> None:
    res = panel([MINMAX])
    i1, i2 = column(res, "Normalised", "i1"), column(res, "Normalised", "i2")
    assert i1[("CCC", 2020)] == i1[("AAA", 2021)]  # both raw 10
    assert i1[("BBB", 2020)] == i1[("CCC", 2021)]  # both raw 5
    assert i2[("AAA", 2020)] == i2[("AAA", 2021)]  # both raw 10


def test_global_is_the_default_of_a_panel_build_as_in_coinr() -> None:
    implicit = panel([{"step": "normalise", "f_n": "n_minmax", "f_n_para": [0, 100]}])
    assert column(implicit, "Normalised", "i1") == column(panel([MINMAX]), "Normalised", "i1")


def test_global_false_normalises_each_year_on_its_own() -> None:
    res = panel([{**MINMAX, "global": False}])
    i1 = column(res, "Normalised", "i1")
    assert [i1[(u, 2020)] for u in ("AAA", "BBB", "CCC")] == [0, 50, 100]
    # 2021: min 5, max 20
    assert [i1[(u, 2021)] for u in ("AAA", "BBB", "CCC")] == pytest.approx([100 / 3, 100, 0])


def test_global_zscore_uses_the_mean_and_sd_of_all_years() -> None:
    res = panel([{"step": "normalise", "f_n": "n_zscore", "global": True}])
    pooled = np.array([0, 5, 10, 10, 20, 5], dtype=float)
    z = (10 - pooled.mean()) / pooled.std(ddof=1)
    i1 = column(res, "Normalised", "i1")
    assert i1[("CCC", 2020)] == pytest.approx(z)
    assert i1[("AAA", 2021)] == pytest.approx(z)


def test_results_rank_units_within_each_year() -> None:
    res = panel([MINMAX, {"step": "aggregate"}])
    table = res.results()
    assert table is not None
    assert list(table.columns) == ["uCode", "Time", "Rank", "Idx"]
    assert list(zip(table["Time"], table["uCode"], table["Rank"], strict=True)) == [
        (
            2020,
            "AAA",
            1,
        ),
        (2020, "BBB", 2),
        (2020, "CCC", 3),
        (2021, "BBB", 1),
        (2021, "AAA", 2),
        (2021, "CCC", 3),
    ]
    # AAA 2021: mean of 50 (i1) and 66.67 (i2); rounded to 2 decimals as get_results
    assert table.loc[4, "Idx"] == 58.33


def test_each_year_matches_its_own_build_when_nothing_is_pooled() -> None:
    meta = parse_meta(frame(TINY_META))
    units = parse_data(frame(tiny_panel_data()), meta)
    per_year = {"step": "normalise", "global": False}
    steps = [*TINY_SPEC["steps"][:-2], per_year, {"step": "aggregate"}]
    res = run_panel(meta, units, parse_spec({"split_to": "all", "steps": steps}))
    assert res.times == (2020.0, 2021.0)
    for year in (2020, 2021):
        alone = run_pipeline(meta, units, parse_spec({"Time": year, "steps": steps}))
        coin = res.coins[float(year)]
        for name, data in alone.stages.items():
            assert coin.stages[name].ucodes == data.ucodes
            np.testing.assert_array_equal(coin.stages[name].values, data.values)


def test_panel_imputation_fills_a_gap_from_the_previous_year() -> None:
    data = HAND_DATA.replace("AAA,2021,10,10", "AAA,2021,NA,10")
    res = panel([{"step": "impute", "f_i": "impute_panel"}, MINMAX], data=data)
    assert column(res, "Imputed", "i1")[("AAA", 2021)] == 0  # AAA's 2020 value


def test_screening_keeps_different_units_in_different_years() -> None:
    data = HAND_DATA.replace("BBB,2021,20,0", "BBB,2021,NA,NA")
    res = panel([{"step": "screen", "unit_screen": "byNA", "dat_thresh": 1}, MINMAX], data=data)
    normalised = res.stage("Normalised")
    assert list(zip(normalised.data.ucodes, normalised.times, strict=True)) == [
        ("AAA", 2020),
        ("BBB", 2020),
        ("CCC", 2020),
        ("AAA", 2021),
        ("CCC", 2021),
    ]


def test_split_to_a_list_builds_only_those_years() -> None:
    data = HAND_DATA + "AAA,2022,1,1\nBBB,2022,2,2\nCCC,2022,3,3\n"
    res = panel([MINMAX], data=data, split_to=[2022, 2020])
    assert res.times == (2020.0, 2022.0)
    # pooled over 2020 and 2022 only: i1 max is 10, not 2021's 20
    assert column(res, "Normalised", "i1")[("CCC", 2020)] == 100


def test_problem_in_one_year_names_that_year() -> None:
    data = HAND_DATA.replace("BBB,2021,20,0", "BBB,2021,10,0").replace("CCC,2021,5", "CCC,2021,10")
    with pytest.raises(IndexInputError, match=r"Time 2021: normalise \(iCode 'i1'.*zero range"):
        panel([{**MINMAX, "global": False}], data=data)


def test_one_time_point_data_builds_as_before_whatever_global_says() -> None:
    meta = parse_meta(frame(HAND_META))
    one_year = "\n".join(line for line in HAND_DATA.splitlines() if "2021" not in line) + "\n"
    units = parse_data(frame(one_year), meta)
    plain = run_pipeline(meta, units, parse_spec([{**MINMAX, "global": False}]))
    pooled = run_pipeline(meta, units, parse_spec({"split_to": "all", "steps": [MINMAX]}))
    np.testing.assert_array_equal(
        plain.stages["Normalised"].values, pooled.stages["Normalised"].values
    )


def test_one_time_point_files_have_no_time_column_and_match_a_plain_build(tmp_path: Path) -> None:
    d, m, s = write_tiny(tmp_path)
    build_index(d, m, s, tmp_path / "plain")
    split_spec = tmp_path / "split.json"
    split_spec.write_text(json.dumps({**TINY_SPEC, "split_to": "all"}))
    build_index(d, m, split_spec, tmp_path / "split")
    for name in ("Raw", "Normalised", "Aggregated", "results", "treat_details"):
        plain = (tmp_path / "plain" / f"{name}.csv").read_text()
        assert (tmp_path / "split" / f"{name}.csv").read_text() == plain


def test_cli_writes_a_time_column_after_ucode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = {**TINY_SPEC, "split_to": "all"}
    spec["steps"] = [*TINY_SPEC["steps"][:2], {"step": "screen"}, *TINY_SPEC["steps"][2:]]
    d, m, s = write_tiny(tmp_path, data=tiny_panel_data(), spec=spec)
    out = tmp_path / "out"
    args = ["build", "--data", str(d), "--meta", str(m), "--spec", str(s), "--out", str(out)]
    assert main([*args, "--audit"]) == 0
    assert "for Time 2020, 2021" in capsys.readouterr().out
    for stage in ("Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised"):
        table = pd.read_csv(out / f"{stage}.csv")
        assert list(table.columns) == ["uCode", "Time", "i1", "i2", "i3", "i4"], stage
        assert list(table["Time"]) == [2020] * 6 + [2021] * 6
        assert list(table["uCode"][:6]) == ["CHN", "DEU", "FRA", "IND", "ITA", "JPN"]
    results = pd.read_csv(out / "results.csv")
    assert list(results.columns) == ["uCode", "Time", "Rank", "Idx", "P1", "P2"]
    assert list(results["Rank"]) == [1, 2, 3, 4, 5, 6] * 2
    assert list(pd.read_csv(out / "screen_details.csv").columns[:2]) == ["uCode", "Time"]
    for name in ("treat_details", "eff_weights", "audit_stats"):
        assert pd.read_csv(out / f"{name}.csv").columns[0] == "Time", name
    raw = pd.read_csv(out / "Raw.csv")
    chn_2021 = raw[(raw["uCode"] == "CHN") & (raw["Time"] == 2021)]
    assert chn_2021["i1"].item() == 2  # 2020's 1, plus 1


def test_cli_refuses_a_duplicated_unit_and_time_with_row_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = HAND_DATA + "BBB,2020,7,7\n"
    spec = {"split_to": "all", "steps": [MINMAX]}
    d, m, s = write_tiny(tmp_path, meta=HAND_META, data=data, spec=spec)
    args = ["build", "--data", str(d), "--meta", str(m), "--spec", str(s)]
    assert main([*args, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "iData row 8: duplicate unit: uCode 'BBB' and Time 2020 already in row 4" in err
    assert not (tmp_path / "out").exists()


def test_non_numeric_time_is_refused_with_row_and_column() -> None:
    meta = parse_meta(frame(HAND_META))
    with pytest.raises(IndexInputError) as info:
        parse_data(frame(HAND_DATA.replace("BBB,2021", "BBB,twenty21")), meta)
    assert str(info.value) == (
        "iData row 7 (uCode 'BBB'), column 'Time': value 'twenty21' is not a number "
        "(use NA or leave empty for missing)"
    )


def test_missing_time_in_panel_data_is_refused() -> None:
    meta = parse_meta(frame(HAND_META))
    with pytest.raises(IndexInputError, match=r"iData row 3 \(uCode 'AAA'\), column 'Time'"):
        parse_data(frame(HAND_DATA.replace("AAA,2020", "AAA,NA")), meta)


def test_split_to_a_time_without_data_is_refused() -> None:
    with pytest.raises(IndexInputError, match=r"no data for Time 2019 \(iData has Time 2020, 2021"):
        panel([MINMAX], split_to=[2019, 2020])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"split_to": "some"}, "'split_to' must be \"all\" or a list of Time values"),
        ({"split_to": [2020, 2020]}, "lists a Time value twice"),
        ({"split_to": "all", "Time": 2020}, "use either 'Time'"),
        ({"panel": True}, 'unknown top-level key \'panel\'.*use "split_to": "all"'),
    ],
)
def test_bad_split_to_is_refused(extra: dict[str, object], message: str) -> None:
    with pytest.raises(IndexInputError, match=message):
        parse_spec({"steps": [MINMAX], **extra})


def test_treat_has_no_global_option_as_in_coinr() -> None:
    message = r"step 1 \(treat\): 'global' is a parameter of normalise only"
    with pytest.raises(IndexInputError, match=message):
        parse_spec({"split_to": "all", "steps": [{"step": "treat", "global": True}]})


def test_global_must_be_true_or_false() -> None:
    with pytest.raises(IndexInputError, match="'global' must be true or false"):
        parse_spec([{**MINMAX, "global": "yes"}])


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ({"step": "normalise", "f_n": "n_goalposts", "f_n_para": "use_iMeta"}, "use_iMeta"),
        ({"step": "normalise", "f_n": "n_dist2ref", "f_n_para": {"iref": "AAA"}}, "reference"),
    ],
)
def test_pooling_refuses_what_cannot_be_pooled(step: dict[str, object], message: str) -> None:
    with pytest.raises(IndexInputError, match=message):
        panel([step])


def test_global_normalisation_of_one_chosen_year_is_refused() -> None:
    meta = parse_meta(frame(HAND_META))
    units = parse_data(frame(HAND_DATA), meta)
    with pytest.raises(IndexInputError, match=r"pools every time point.*split_to"):
        run_pipeline(meta, units, parse_spec({"Time": 2020, "steps": [MINMAX]}))


def test_one_build_refuses_a_spec_that_splits_into_several_years() -> None:
    meta = parse_meta(frame(HAND_META))
    units = parse_data(frame(HAND_DATA), meta)
    with pytest.raises(IndexInputError, match="selects 2 time points"):
        run_pipeline(meta, units, parse_spec({"split_to": "all", "steps": [MINMAX]}))

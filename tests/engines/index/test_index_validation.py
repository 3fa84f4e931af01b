"""Bad-input handling: every problem reported in one IndexInputError, in plain language."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from compindex import (
    IndexInputError,
    build_index,
    parse_data,
    parse_meta,
    parse_spec,
)
from index_helpers import TINY_DATA, TINY_META, TINY_SPEC, write_tiny


def meta_frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def messages(exc: pytest.ExceptionInfo[IndexInputError]) -> str:
    return "\n".join(str(p) for p in exc.value.problems)


def test_tiny_inputs_are_valid(tmp_path: Path) -> None:
    d, m, s = write_tiny(tmp_path)
    res = build_index(d, m, s, tmp_path / "out")
    assert list(res.stages) == [
        "Raw",
        "Denominated",
        "Imputed",
        "Treated",
        "Normalised",
        "Aggregated",
    ]
    table = pd.read_csv(tmp_path / "out" / "results.csv")
    assert list(table.columns) == ["uCode", "Rank", "Idx", "P1", "P2"]
    assert sorted(table["Rank"]) == list(range(1, 7))


def test_duplicate_orphan_and_cycle_all_reported() -> None:
    bad = TINY_META.replace("1,i4,Ind 4,1,1,Indicator,P2,NA", "1,i3,Ind 4,1,1,Indicator,P9,NA")
    bad = bad.replace("2,P1,Pillar 1,1,1,Aggregate,Idx,NA", "2,P1,Pillar 1,1,1,Aggregate,P1,NA")
    with pytest.raises(IndexInputError) as exc:
        parse_meta(meta_frame(bad))
    text = messages(exc)
    assert "duplicate iCode 'i3'" in text
    assert "Parent 'P9' is not an iCode" in text
    assert "cycle: P1 -> P1" in text
    assert len(exc.value.problems) >= 3


def test_cycle_between_two_aggregates() -> None:
    bad = TINY_META.replace(
        "2,P2,Pillar 2,1,1,Aggregate,Idx,NA", "2,P2,Pillar 2,1,1,Aggregate,P3,NA"
    )
    bad += "2,P3,Pillar 3,1,1,Aggregate,P2,NA\n"
    with pytest.raises(IndexInputError, match=r"cycle: P2 -> P3 -> P2|cycle: P3 -> P2 -> P3"):
        parse_meta(meta_frame(bad))


def test_meta_type_level_direction_weight_checks() -> None:
    bad = TINY_META.replace("1,i1,Ind 1,1,1,Indicator", "2,i1,Ind 1,0,x,Indicator")
    bad = bad.replace("1,i2,Ind 2,-1,1,Indicator", "1,i2,Ind 2,-1,1,Indicatr")
    with pytest.raises(IndexInputError) as exc:
        parse_meta(meta_frame(bad))
    text = messages(exc)
    assert "Type 'Indicatr' is not allowed" in text
    assert "Weight 'x' is not a number" in text
    assert "Direction must be 1 or -1" in text
    assert "an Indicator must be at Level 1, not 2" in text


def test_missing_required_column() -> None:
    with pytest.raises(IndexInputError, match=r"required column 'Weight'"):
        parse_meta(meta_frame(TINY_META.replace("Weight", "Wt")))


def test_data_unknown_missing_and_non_numeric() -> None:
    meta = parse_meta(meta_frame(TINY_META))
    data = TINY_DATA.replace(
        "uCode,uName,Region,Pop,i1,i2,i3,i4", "uCode,uName,Region,Pop,i1,i2,i3,extra"
    )
    data = data.replace("FRA,France,EU,60,3,10", "FRA,France,EU,60,abc,10")
    data = data.replace("ITA,", "FRA,")
    with pytest.raises(IndexInputError) as exc:
        parse_data(meta_frame(data), meta)
    text = messages(exc)
    assert "iData column 'extra': not described in iMeta" in text
    assert "iCode 'i4'" in text and "no column in iData" in text
    assert "row 2 (uCode 'FRA'), column 'i1': value 'abc' is not a number" in text
    assert "duplicate unit: uCode 'FRA'" in text


def test_unknown_step_method_and_parameter() -> None:
    with pytest.raises(IndexInputError) as exc:
        parse_spec(
            {
                "steps": [
                    {"step": "smooth"},
                    {"step": "normalise", "f_n": "n_magic"},
                    {"step": "aggregate", "f_ag": "a_mean", "weights": 1},
                    {"step": "impute", "f_i": "i_mode"},
                ]
            }
        )
    text = messages(exc)
    assert "unknown step 'smooth'" in text
    assert "unknown f_n 'n_magic'" in text
    assert "unknown f_ag 'a_mean'" in text
    assert "unknown parameter 'weights'" in text
    assert "unknown f_i 'i_mode'" in text


def test_zero_variance_indicator_named(tmp_path: Path) -> None:
    data = TINY_DATA.replace(",9\n", ",5\n").replace(",8\n", ",5\n").replace(",2\n", ",5\n")
    data = data.replace(",6\n", ",5\n").replace(",NA\n", ",5\n").replace(",7\n", ",5\n")
    d, m, s = write_tiny(tmp_path, data=data)
    with pytest.raises(IndexInputError, match=r"iCode 'i4'.*zero range"):
        build_index(d, m, s, tmp_path / "out")


def test_geometric_mean_negative_values_named(tmp_path: Path) -> None:
    spec = {
        "steps": [
            {"step": "normalise", "f_n": "n_zscore"},
            {"step": "aggregate", "f_ag": "a_gmean"},
        ]
    }
    d, m, s = write_tiny(tmp_path, spec=spec)
    with pytest.raises(IndexInputError) as exc:
        build_index(d, m, s, tmp_path / "out")
    text = messages(exc)
    assert "group 'P1', a_gmean" in text and "'i1'" in text and "[1, 100]" in text


def test_spec_default_is_valid() -> None:
    spec = parse_spec(TINY_SPEC)
    assert [s.kind for s in spec.steps] == [
        "denominate",
        "impute",
        "treat",
        "normalise",
        "aggregate",
    ]

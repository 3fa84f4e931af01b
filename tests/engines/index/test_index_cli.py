"""CLI: ``index build`` and ``index sensitivity`` through ``main(argv)``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from compindex.cli import main
from index_helpers import TINY_META, write_tiny


def test_build_writes_stages_and_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d, m, s = write_tiny(tmp_path)
    out = tmp_path / "out"
    code = main(
        [
            "build",
            "--data",
            str(d),
            "--meta",
            str(m),
            "--spec",
            str(s),
            "--out",
            str(out),
            "--audit",
        ]
    )
    assert code == 0
    for name in (
        "Raw",
        "Denominated",
        "Imputed",
        "Treated",
        "Normalised",
        "Aggregated",
        "results",
        "eff_weights",
        "treat_details",
        "audit_stats",
    ):
        assert (out / f"{name}.csv").is_file(), name
    agg = pd.read_csv(out / "Aggregated.csv")
    assert list(agg.columns) == ["uCode", "i1", "i2", "i3", "i4", "P1", "P2", "Idx"]
    assert list(agg["uCode"]) == ["CHN", "DEU", "FRA", "IND", "ITA", "JPN"]
    assert "wrote" in capsys.readouterr().out


def test_build_bad_input_returns_nonzero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    d, m, s = write_tiny(tmp_path, meta=TINY_META.replace("Idx,NA\n", "Nowhere,NA\n", 1))
    code = main(
        [
            "build",
            "--data",
            str(d),
            "--meta",
            str(m),
            "--spec",
            str(s),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "error" in err and "Nowhere" in err


def test_missing_file_and_bad_arguments(tmp_path: Path) -> None:
    assert (
        main(
            [
                "build",
                "--data",
                "nope.csv",
                "--meta",
                "nope.csv",
                "--spec",
                "x.json",
                "--out",
                str(tmp_path),
            ]
        )
        == 2
    )
    assert main(["frobnicate"]) == 2


def test_sensitivity_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d, m, s = write_tiny(tmp_path)
    out = tmp_path / "sa"
    code = main(
        [
            "sensitivity",
            "--data",
            str(d),
            "--meta",
            str(m),
            "--spec",
            str(s),
            "--out",
            str(out),
            "--n",
            "16",
            "--seed",
            "3",
        ]
    )
    assert code == 0
    idx = pd.read_csv(out / "sensitivity_indices.csv")
    assert list(idx["Input"]) == [
        "weights",
        "normalisation",
        "aggregation",
        "imputation",
        "winsorisation",
    ]
    ranks = pd.read_csv(out / "rank_intervals.csv")
    assert len(ranks) == 6
    assert "112/112 runs" in capsys.readouterr().err

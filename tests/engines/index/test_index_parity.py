"""Parity with COINr 1.1.14 on the ASEM reference pipelines (relative diff <= 1e-9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from index_helpers import assert_frames_close, read_csv, require_reference

from learningcity.engines.index import build_index

STAGES = ["Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated"]


@pytest.fixture(scope="module")
def example_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    ref = require_reference() / "asem"
    out = tmp_path_factory.mktemp("example_coin")
    build_index(
        ref / "ASEM_iData.csv", ref / "ASEM_iMeta.csv", ref / "example_coin" / "spec.json", out
    )
    return ref / "example_coin", out


@pytest.mark.parametrize("stage", STAGES)
def test_example_coin_stage(example_out: tuple[Path, Path], stage: str) -> None:
    ref, out = example_out
    assert_frames_close(read_csv(ref / f"{stage}.csv"), read_csv(out / f"{stage}.csv"))


@pytest.mark.parametrize("name", ["treat_details", "eff_weights"])
def test_example_coin_details(example_out: tuple[Path, Path], name: str) -> None:
    ref, out = example_out
    assert_frames_close(read_csv(ref / f"{name}.csv"), read_csv(out / f"{name}.csv"))


def test_example_coin_results(example_out: tuple[Path, Path]) -> None:
    ref, out = example_out
    assert_frames_close(
        read_csv(ref / "results.csv"), read_csv(out / "results.csv"), rtol=0, atol=1e-9
    )


def _summary_results(out: Path) -> object:
    table = read_csv(out / "results.csv")
    return table[["uCode", "Index", "Rank"]]


def test_joss_pipeline_results(tmp_path: Path) -> None:
    ref = require_reference() / "asem"
    build_index(
        ref / "ASEM_iData.csv",
        ref / "ASEM_iMeta.csv",
        ref / "joss_pipeline" / "spec.json",
        tmp_path,
    )
    assert_frames_close(
        read_csv(ref / "joss_pipeline" / "results.csv"),
        _summary_results(tmp_path),
        rtol=0,
        atol=1e-9,
    )


def test_geom_1_100_results(tmp_path: Path) -> None:
    ref = require_reference() / "asem"
    spec = json.loads((ref / "example_coin" / "spec.json").read_text())
    spec["steps"][-2]["f_n_para"] = [1, 100]
    spec["steps"][-1]["f_ag"] = "a_gmean"
    spec["results"] = {"tab_type": "Summ"}
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    build_index(
        ref / "ASEM_iData.csv", ref / "ASEM_iMeta.csv", tmp_path / "spec.json", tmp_path / "out"
    )
    assert_frames_close(
        read_csv(ref / "geom_1_100" / "results.csv"),
        read_csv(tmp_path / "out" / "results.csv"),
        rtol=0,
        atol=1e-9,
    )


def test_geom_mean_on_0_100_fails_like_coinr(tmp_path: Path) -> None:
    from learningcity.engines.index import IndexInputError

    ref = require_reference() / "asem"
    spec = json.loads((ref / "example_coin" / "spec.json").read_text())
    spec["steps"][-1]["f_ag"] = "a_gmean"
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    with pytest.raises(IndexInputError, match=r"\[1, 100\]"):
        build_index(
            ref / "ASEM_iData.csv", ref / "ASEM_iMeta.csv", tmp_path / "spec.json", tmp_path / "out"
        )

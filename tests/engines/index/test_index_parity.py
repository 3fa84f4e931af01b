"""Parity with COINr 1.1.14 on the ASEM reference pipelines (relative diff <= 1e-9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from compindex import build_index
from index_helpers import assert_frames_close, read_csv, require_reference

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
    from compindex import IndexInputError

    ref = require_reference() / "asem"
    spec = json.loads((ref / "example_coin" / "spec.json").read_text())
    spec["steps"][-1]["f_ag"] = "a_gmean"
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    with pytest.raises(IndexInputError, match=r"\[1, 100\]"):
        build_index(
            ref / "ASEM_iData.csv", ref / "ASEM_iMeta.csv", tmp_path / "spec.json", tmp_path / "out"
        )


def test_bundled_asem_data_is_the_reference_input() -> None:
    from compindex.datasets import asem_path

    ref = require_reference() / "asem"
    for name in ("ASEM_iData.csv", "ASEM_iMeta.csv"):
        assert Path(asem_path(name)).read_bytes() == (ref / name).read_bytes(), name
    bundled = json.loads(Path(asem_path("example_spec.json")).read_text())
    assert bundled == json.loads((ref / "example_coin" / "spec.json").read_text())


def test_example_coin_through_the_python_api() -> None:
    """COINr's build_example_coin() step by step with the notebook API, every stage."""
    import compindex as ci

    ref = require_reference() / "asem" / "example_coin"
    ex = ci.asem()
    coin = ci.Coin(ex.idata, ex.imeta).denominate()
    coin.impute("i_mean_grp", use_group="EurAsia_group").screen("byNA", dat_thresh=0.9)
    coin.treat(5).normalise("n_minmax", f_n_para=[0, 100]).aggregate("a_amean")
    for stage in STAGES:
        assert_frames_close(read_csv(ref / f"{stage}.csv"), coin.get_dset(stage))
    assert_frames_close(read_csv(ref / "eff_weights.csv"), coin.get_eff_wts())
    assert_frames_close(read_csv(ref / "results.csv"), coin.get_results(), rtol=0, atol=1e-9)

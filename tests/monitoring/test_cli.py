"""The ``learningcity index`` command line, run as a real process on the reference data.

The reference data lives in the shared folder next to the project (``../shared``);
set ``LEARNINGCITY_SHARED`` to use another copy. Without it these tests are skipped."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("LEARNINGCITY_SHARED", ROOT.parent / "shared"))
ASEM = SHARED / "reference" / "index" / "asem"
COMMAND = Path(sys.executable).parent / "learningcity"

pytestmark = pytest.mark.skipif(
    not (ASEM / "ASEM_iData.csv").is_file(),
    reason=f"reference data not found in {ASEM} (set LEARNINGCITY_SHARED)",
)


def learningcity(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LEARNINGCITY_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(
        [str(COMMAND), *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def inputs(spec: Path | str, out: Path) -> list[str]:
    return [
        "--data",
        str(ASEM / "ASEM_iData.csv"),
        "--meta",
        str(ASEM / "ASEM_iMeta.csv"),
        "--spec",
        str(spec),
        "--out",
        str(out),
    ]


def test_index_build_writes_every_stage_and_the_results_of_the_reference_pipeline(tmp_path):
    out = tmp_path / "out"
    done = learningcity(
        "index", "build", *inputs(ASEM / "example_coin" / "spec.json", out), tmp_path=tmp_path
    )
    assert done.returncode == 0, done.stderr
    written = {path.name for path in out.iterdir()}
    stages = {
        "Raw.csv",
        "Denominated.csv",
        "Imputed.csv",
        "Screened.csv",
        "Treated.csv",
        "Normalised.csv",
        "Aggregated.csv",
    }
    assert stages | {"results.csv", "eff_weights.csv", "treat_details.csv"} <= written
    ours = (out / "results.csv").read_text().splitlines()
    reference = (ASEM / "example_coin" / "results.csv").read_text().splitlines()
    assert ours[:3] == reference[:3]  # header, and the two best countries with their scores


def test_a_bad_spec_is_refused_with_a_clear_message_and_a_non_zero_status(tmp_path):
    spec = tmp_path / "bad.json"
    spec.write_text('{"steps": [{"step": "normalise", "f_n": "n_bogus"}]}')
    out = tmp_path / "out"
    done = learningcity("index", "build", *inputs(spec, out), tmp_path=tmp_path)
    assert done.returncode != 0
    assert "n_bogus" in done.stderr and "pipeline step 1 (normalise)" in done.stderr
    assert not (out / "results.csv").exists()


def test_a_missing_input_file_is_refused(tmp_path):
    done = learningcity(
        "index",
        "build",
        "--data",
        str(tmp_path / "none.csv"),
        "--meta",
        str(ASEM / "ASEM_iMeta.csv"),
        "--spec",
        str(ASEM / "example_coin" / "spec.json"),
        "--out",
        str(tmp_path / "out"),
        tmp_path=tmp_path,
    )
    assert done.returncode != 0
    assert "file not found" in done.stderr


def test_help_is_the_engines_help(tmp_path):
    done = learningcity("index", "--help", tmp_path=tmp_path)
    assert done.returncode == 0
    assert "build" in done.stdout and "sensitivity" in done.stdout
    build_help = learningcity("index", "build", "--help", tmp_path=tmp_path)
    assert "--data" in build_help.stdout and "--spec" in build_help.stdout


def test_index_sensitivity_writes_rank_intervals(tmp_path):
    out = tmp_path / "out"
    done = learningcity(
        "index",
        "sensitivity",
        *inputs(ASEM / "joss_pipeline" / "spec.json", out),
        "--n",
        "8",
        "--seed",
        "3",
        tmp_path=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    intervals = (out / "rank_intervals.csv").read_text().splitlines()
    assert intervals[0].split(",")[:4] == ['"uCode"', '"Nominal"', '"Median"', '"Q5"']
    assert len(intervals) == 52  # header and 51 countries

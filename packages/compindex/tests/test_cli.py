"""The ``compindex`` command as a user runs it: a new process, files in, files out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from compindex.datasets import asem_path

COMMAND = [sys.executable, "-m", "compindex.cli"]
STAGES = ["Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, check=False)


def _inputs() -> list[str]:
    return [
        "--data", asem_path("ASEM_iData.csv"),
        "--meta", asem_path("ASEM_iMeta.csv"),
        "--spec", asem_path("example_spec.json"),
    ]  # fmt: skip


def test_help_names_both_commands() -> None:
    done = _run("--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: compindex")
    assert "build" in done.stdout and "sensitivity" in done.stdout


def test_build_writes_every_stage_and_results(tmp_path: Path) -> None:
    done = _run("build", *_inputs(), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "wrote 7 stage(s)" in done.stdout
    for name in [*STAGES, "results", "eff_weights", "treat_details", "screen_details"]:
        assert (tmp_path / f"{name}.csv").is_file(), name
    header, first = (tmp_path / "results.csv").read_text().splitlines()[:2]
    assert header.startswith('"uCode","Rank","Index"')
    # COINr 1.1.14's example coin: Switzerland first with 68.2 (rounded to 2 decimals).
    assert first.startswith('"CHE",1,68.')


def test_build_matches_the_python_api(tmp_path: Path) -> None:
    import compindex as ci

    assert _run("build", *_inputs(), "--out", str(tmp_path / "cli")).returncode == 0
    ex = ci.asem()
    ci.Coin.from_spec(ex.idata, ex.imeta, ex.spec).write(tmp_path / "api")
    for path in sorted((tmp_path / "cli").iterdir()):
        assert path.read_bytes() == (tmp_path / "api" / path.name).read_bytes(), path.name


def test_bad_spec_is_refused_with_the_step_named(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"steps": [{"step": "normalise", "f_n": "n_bogus"}]}))
    args = [*_inputs()[:4], "--spec", str(spec), "--out", str(tmp_path / "out")]
    done = _run("build", *args)
    assert done.returncode == 2
    assert "error: the index could not be built" in done.stderr
    assert "n_bogus" in done.stderr
    assert not (tmp_path / "out").exists()


def test_missing_file_is_refused(tmp_path: Path) -> None:
    done = _run("build", "--data", str(tmp_path / "nope.csv"), *_inputs()[2:], "--out", "x")
    assert done.returncode == 2 and "file not found" in done.stderr


def test_sensitivity_writes_indices_and_rank_intervals(tmp_path: Path) -> None:
    done = _run("sensitivity", *_inputs(), "--out", str(tmp_path), "--n", "16", "--seed", "3")
    assert done.returncode == 0, done.stderr
    assert "112 runs" in done.stdout
    indices = (tmp_path / "sensitivity_indices.csv").read_text().splitlines()
    assert indices[0] == '"Input","Si","Si_low","Si_high","STi","STi_low","STi_high"'
    assert [line.split(",")[0] for line in indices[1:]] == [
        '"weights"', '"normalisation"', '"aggregation"', '"imputation"', '"winsorisation"'
    ]  # fmt: skip
    assert len((tmp_path / "rank_intervals.csv").read_text().splitlines()) == 52


@pytest.mark.parametrize(
    ("argv", "absent"),
    [
        (["--help"], ("numpy", "pandas", "scipy")),
        (["build", "OUT"], ("pandas", "scipy")),
    ],
)
def test_commands_import_only_what_they_need(
    tmp_path: Path, argv: list[str], absent: tuple[str, ...]
) -> None:
    """Start-up time is import time: --help needs no NumPy, a build no pandas or SciPy."""
    if argv[0] == "build":
        argv = ["build", *_inputs(), "--out", str(tmp_path)]
    code = (
        "import sys\n"
        "from compindex.cli import main\n"
        "try:\n"
        f"    main({argv!r}, prog='compindex')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {list(absent)!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    ("before", "environ", "expected"),
    [
        ("", {}, "1"),
        ("", {"OMP_NUM_THREADS": "3"}, "None"),  # the user's choice stands
        ("", {"OPENBLAS_NUM_THREADS": "2"}, "2"),
        ("import numpy\n", {}, "None"),  # too late to matter: left alone
    ],
)
def test_the_command_asks_for_one_blas_thread_unless_told_otherwise(
    before: str, environ: dict[str, str], expected: str
) -> None:
    import os

    from compindex.cli import THREAD_VARIABLES

    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES} | environ
    code = (
        f"{before}import os\n"
        "from compindex.cli import one_blas_thread\n"
        "one_blas_thread()\n"
        "print(os.environ.get('OPENBLAS_NUM_THREADS'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.strip() == expected

"""``learningcity programmes match`` as people type it (the console script, a process of
its own) and as Python code calls it (``call_command``): the same files, the same
result."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

PAIRS = "person,helper,score\nr1,v1,10\nr2,v1,8\nr2,v2,3\n"
CAPACITY = "helper,capacity\nv1,1\nv2,1\n"


def _files(tmp_path: Path) -> tuple[Path, Path, Path]:
    pairs, capacity = tmp_path / "pairs.csv", tmp_path / "capacity.csv"
    pairs.write_text(PAIRS)
    capacity.write_text(CAPACITY)
    return pairs, capacity, tmp_path / "matches.json"


def test_the_console_script_writes_the_result(tmp_path):
    script = shutil.which("learningcity", path=str(Path(sys.executable).parent))
    pairs, capacity, out = _files(tmp_path)
    done = subprocess.run(
        [script, "programmes", "match", "--pairs", pairs, "--capacity", capacity, "--out", out],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    assert result["matches"] == [{"person": "r1", "helper": "v1"}, {"person": "r2", "helper": "v2"}]
    assert (result["matched"], result["total_score"], result["optimal"]) == (2, 13.0, True)


def test_the_console_script_refuses_bad_input_with_status_2(tmp_path):
    script = shutil.which("learningcity", path=str(Path(sys.executable).parent))
    pairs, capacity, out = _files(tmp_path)
    capacity.write_text("helper,capacity\nv1,one\n")
    done = subprocess.run(
        [script, "programmes", "match", "--pairs", pairs, "--capacity", capacity, "--out", out],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "capacity.csv line 2, column capacity: 'one' is not a whole number" in done.stderr
    assert not out.exists()


def test_call_command_runs_the_same_engine(tmp_path):
    pairs, capacity, out = _files(tmp_path)
    call_command(
        "programmes", "match", "--pairs", str(pairs), "--capacity", str(capacity), "--out", str(out)
    )
    assert json.loads(out.read_text())["matched"] == 2
    capacity.write_text("helper,capacity\nv1,-1\n")
    with pytest.raises(CommandError):
        call_command(
            "programmes",
            "match",
            "--pairs",
            str(pairs),
            "--capacity",
            str(capacity),
            "--out",
            str(out),
        )

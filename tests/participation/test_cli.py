"""``learningcity participation tally``: the exact contract, run as users run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.engines.budgeting.test_tally import INSTANCES, _pabutools

COMMAND = [sys.executable, "-m", "learningcity.manage", "participation", "tally"]


def test_the_command_line_writes_the_funded_ids_and_their_cost(tmp_path: Path) -> None:
    path = tmp_path / "vote.pb"
    path.write_text(INSTANCES["medium"], encoding="utf-8")
    out = tmp_path / "result.json"
    done = subprocess.run(
        [*COMMAND, "--pb", str(path), "--rule", "equal-shares-completed", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    assert set(result["selected"]) == _pabutools(path, "equal-shares-completed")
    assert isinstance(result["cost"], int)


def test_a_bad_rule_exits_non_zero_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "vote.pb"
    path.write_text(INSTANCES["small"], encoding="utf-8")
    done = subprocess.run(
        [*COMMAND, "--pb", str(path), "--rule", "mes", "--out", str(tmp_path / "r.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "'mes' is not a rule" in done.stderr
    assert not (tmp_path / "r.json").exists()

"""``learningcity programmes match``: the file contract and its bad-input messages,
through the engine's command line (the Django command hands it every argument)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from learningcity.engines.matching.cli import main


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _run(tmp_path: Path, pairs: str, capacity: str) -> tuple[int, Path]:
    out = tmp_path / "matches.json"
    status = main(
        [
            "match",
            "--pairs",
            str(_write(tmp_path / "pairs.csv", pairs)),
            "--capacity",
            str(_write(tmp_path / "capacity.csv", capacity)),
            "--out",
            str(out),
        ]
    )
    return status, out


def test_the_result_file_holds_matches_count_total_and_optimality(tmp_path):
    status, out = _run(
        tmp_path,
        "person,helper,score\nr1,v1,10\nr1,v2,4\nr2,v1,8\nr3,v2,3.5\nr4,v2,1\n",
        "helper,capacity\nv1,1\nv2,2\nv3,5\n",
    )
    assert status == 0
    result = json.loads(out.read_text())
    assert set(result) == {"matches", "matched", "total_score", "optimal"}
    pairs = {(m["person"], m["helper"]) for m in result["matches"]}
    # Everyone can be matched (r1→v2, r2→v1, r3→v2 fills v2, so r4 waits) — 3 is the most.
    assert result["matched"] == 3 == len(pairs)
    assert result["total_score"] == pytest.approx(8 + 4 + 3.5)
    assert result["optimal"] is True
    assert all(set(m) == {"person", "helper"} for m in result["matches"])


def test_ids_are_kept_as_written_and_a_person_without_pairs_is_unmatched(tmp_path):
    status, out = _run(tmp_path, "person,helper,score\n007,A-1,1\n", "helper,capacity\nA-1,1\n")
    assert status == 0
    assert json.loads(out.read_text())["matches"] == [{"person": "007", "helper": "A-1"}]


def test_a_header_only_pairs_file_matches_nobody(tmp_path):
    status, out = _run(tmp_path, "person,helper,score\n", "helper,capacity\nv1,1\n")
    assert status == 0
    assert json.loads(out.read_text()) == {
        "matches": [],
        "matched": 0,
        "total_score": 0.0,
        "optimal": True,
    }


@pytest.mark.parametrize(
    ("pairs", "capacity", "expected"),
    [
        (
            "person,helper,score\nr1,v9,1\nr2,v1,2\n",
            "helper,capacity\nv1,1\n",
            ["pairs.csv line 2, column helper: 'v9' is not in the capacity file"],
        ),
        (
            "person,helper,score\nr1,v1,abc\nr2,v1,nan\n",
            "helper,capacity\nv1,1\n",
            [
                "pairs.csv line 2, column score: 'abc' is not a number",
                "pairs.csv line 3, column score: 'nan' is not a finite number",
            ],
        ),
        (
            "person,helper,score\nr1,v1,1\n",
            "helper,capacity\nv1,-2\nv2,x\n",
            [
                "capacity.csv line 2, column capacity: -2 is negative",
                "capacity.csv line 3, column capacity: 'x' is not a whole number",
            ],
        ),
        (
            "person,helper,score\nr1,v1,1\nr1,v1,2\n",
            "helper,capacity\nv1,1\n",
            ["pairs.csv line 3: the pair 'r1', 'v1' is listed twice (first on line 2)"],
        ),
        (
            "person,score\nr1,1\n",
            "helper,capacity\nv1,1\n",
            ["pairs.csv line 1: missing column helper"],
        ),
    ],
)
def test_bad_input_names_every_row_and_column_and_writes_nothing(
    tmp_path, capsys, pairs, capacity, expected
):
    status, out = _run(tmp_path, pairs, capacity)
    assert status == 2
    message = capsys.readouterr().err
    for problem in expected:
        assert problem in message
    assert not out.exists()


def test_a_missing_file_is_a_clear_error(tmp_path, capsys):
    status = main(
        [
            "match",
            "--pairs",
            str(tmp_path / "nope.csv"),
            "--capacity",
            str(_write(tmp_path / "capacity.csv", "helper,capacity\nv1,1\n")),
            "--out",
            str(tmp_path / "m.json"),
        ]
    )
    assert status == 2
    assert "nope.csv: cannot be read" in capsys.readouterr().err

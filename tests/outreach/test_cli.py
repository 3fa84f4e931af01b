"""``learningcity outreach plan-stops``: the file contract, checked as users run it."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from learningcity.engines.outreach import cli

KEYS = {"chosen", "covered_weight", "total_weight", "objective_value", "optimal", "gap"}


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def _files(tmp_path: Path, seed: int = 3) -> tuple[Path, Path, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    d = rng.integers(0, 1000, size=(30, 2))
    w = rng.integers(1, 20, size=30)
    c = rng.integers(0, 1000, size=(9, 2))
    demand = _write(
        tmp_path / "demand.csv",
        "id,x,y,weight",
        [f"b{i},{x},{y},{k}" for i, ((x, y), k) in enumerate(zip(d, w, strict=True))],
    )
    cands = _write(
        tmp_path / "candidates.csv", "id,x,y", [f"S-{i:02d},{x},{y}" for i, (x, y) in enumerate(c)]
    )
    return demand, cands, d, w, c


def test_plan_stops_writes_the_proven_optimum(tmp_path: Path) -> None:
    demand, cands, d, w, c = _files(tmp_path)
    out = tmp_path / "plan.json"
    status = cli.main(
        [
            "plan-stops",
            "--demand",
            str(demand),
            "--candidates",
            str(cands),
            "--radius",
            "180",
            "--stops",
            "3",
            "--out",
            str(out),
        ]
    )
    assert status == 0
    plan = json.loads(out.read_text())
    assert set(plan) == KEYS
    dist = np.hypot(d[:, None, 0] - c[None, :, 0], d[:, None, 1] - c[None, :, 1])
    best = max(
        int(w[(dist[:, list(s)] <= 180).any(axis=1)].sum())
        for s in itertools.combinations(range(9), 3)
    )
    assert plan["covered_weight"] == best == plan["objective_value"]
    assert plan["total_weight"] == int(w.sum())
    assert plan["optimal"] is True and plan["gap"] == 0
    assert len(plan["chosen"]) == 3 and all(
        isinstance(s, str) and s.startswith("S-") for s in plan["chosen"]
    )
    chosen = [int(s[2:]) for s in plan["chosen"]]
    assert int(w[(dist[:, chosen] <= 180).any(axis=1)].sum()) == best


def test_median_objective(tmp_path: Path) -> None:
    demand, cands, d, w, c = _files(tmp_path, seed=5)
    out = tmp_path / "plan.json"
    args = [
        "plan-stops",
        "--demand",
        str(demand),
        "--candidates",
        str(cands),
        "--radius",
        "100",
        "--stops",
        "2",
        "--objective",
        "median",
        "--out",
        str(out),
    ]
    assert cli.main(args) == 0
    plan = json.loads(out.read_text())
    dist = np.hypot(d[:, None, 0] - c[None, :, 0], d[:, None, 1] - c[None, :, 1])
    best = min(float(w @ dist[:, list(s)].min(axis=1)) for s in itertools.combinations(range(9), 2))
    assert plan["objective_value"] == pytest.approx(best, rel=1e-9)


def test_lat_lon_columns_are_metres_on_the_globe(tmp_path: Path) -> None:
    # 0.001° of latitude is about 111 m: a 120 m radius covers the first point only.
    demand = _write(
        tmp_path / "d.csv", "id,lat,lon,weight", ["a,51.5000,-0.1,2", "b,51.5020,-0.1,5"]
    )
    cands = _write(tmp_path / "c.csv", "id,lat,lon", ["s,51.5010,-0.1", "t,51.4990,-0.1"])
    out = tmp_path / "p.json"
    assert (
        cli.main(
            [
                "plan-stops",
                "--demand",
                str(demand),
                "--candidates",
                str(cands),
                "--radius",
                "120",
                "--stops",
                "1",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    plan = json.loads(out.read_text())
    assert plan["chosen"] == ["s"] and plan["covered_weight"] == 7
    assert math.isclose(plan["total_weight"], 7)


@pytest.mark.parametrize(
    ("demand_rows", "extra", "message"),
    [
        (["a,0,0,1"], ["--radius", "0"], "--radius"),
        (["a,0,0,1"], ["--radius", "-5"], "--radius"),
        (["a,0,0,1"], ["--stops", "3"], "only 2 candidates"),
        (["a,0,0,1"], ["--stops", "0"], "--stops"),
        (["a,0,0,1", "b,1,x,1"], [], "line 3: y 'x' is not a number"),
        (["a,0,0,1", "a,1,1,1"], [], "line 3: id 'a' already used on line 2"),
        (["a,0,0,-1"], [], "line 2: weight must not be negative"),
    ],
)
def test_bad_input_names_it_and_writes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    demand_rows: list[str],
    extra: list[str],
    message: str,
) -> None:
    demand = _write(tmp_path / "demand.csv", "id,x,y,weight", demand_rows)
    cands = _write(tmp_path / "candidates.csv", "id,x,y", ["s,0,0", "t,5,5"])
    out = tmp_path / "plan.json"
    base = {"--radius": "10", "--stops": "1"}
    for flag, value in zip(extra[::2], extra[1::2], strict=True):
        base[flag] = value
    args = ["plan-stops", "--demand", str(demand), "--candidates", str(cands), "--out", str(out)]
    for flag, value in base.items():
        args += [flag, value]
    assert cli.main(args) != 0
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_missing_column_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demand = _write(tmp_path / "demand.csv", "id,x,y", ["a,0,0"])
    cands = _write(tmp_path / "candidates.csv", "id,x,y", ["s,0,0"])
    out = tmp_path / "plan.json"
    assert (
        cli.main(
            [
                "plan-stops",
                "--demand",
                str(demand),
                "--candidates",
                str(cands),
                "--radius",
                "5",
                "--stops",
                "1",
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert "'weight'" in capsys.readouterr().err
    assert not out.exists()


def test_console_script_runs_the_same_contract(tmp_path: Path) -> None:
    demand, cands, *_ = _files(tmp_path)
    out = tmp_path / "plan.json"
    script = Path(sys.executable).with_name("learningcity")
    done = subprocess.run(
        [
            str(script),
            "outreach",
            "plan-stops",
            "--demand",
            str(demand),
            "--candidates",
            str(cands),
            "--radius",
            "180",
            "--stops",
            "3",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert set(json.loads(out.read_text())) == KEYS
    bad = subprocess.run(
        [
            str(script),
            "outreach",
            "plan-stops",
            "--demand",
            str(demand),
            "--candidates",
            str(cands),
            "--radius",
            "0",
            "--stops",
            "3",
            "--out",
            str(tmp_path / "x.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode != 0 and "--radius" in bad.stderr
    assert not (tmp_path / "x.json").exists()

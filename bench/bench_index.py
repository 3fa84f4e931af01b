"""Benchmark of the index engine (the ``compindex`` package) on deterministic synthetic data.

Run with ``python bench/bench_index.py [--repeat 30] [--process-repeat 5]
[--command-repeat 10] [--sa-n 1024] [--sa-repeat 3] [--years 5] [--panel-sa-n 256]``.

Data: ``compindex.datasets.synthetic()``, 1,000 units x 42 indicators in a 4-level tree
(42 indicators -> 7 pillars -> 3 sub-indices -> index), with groups, denominators and
~3 % missing values, and the P1 pipeline (denominate, group-mean imputation, screening,
treatment, min-max, arithmetic means).

Prints, as medians (and p95) over repeats:

* process level: ``--help`` and the whole ``build`` of P1 as a new process, for the
  package's own command (``compindex``) and for the platform's (``learningcity index``,
  which also imports Django), wall time and the CPU time of the process;
* in memory: the whole ``build`` command (read the CSVs, run, write every CSV) in this
  process, through ``compindex.cli.main`` and through Django's
  ``call_command("index", "build", ...)``; every stage of ``run_pipeline``, the same
  with CSV parsing, a panel build over ``--years`` time points (global normalisation,
  COINr purse), the uncertainty / sensitivity analysis (N base samples, 5 inputs,
  N x 7 runs) and the same analysis of the panel's latest year. The platform runs this
  same code (its adapter calls the package), so the engine's figures hold for both.

The machine's load average is printed before and after: on a shared machine, compare
figures taken at similar loads (wall time is about CPU time only when the load
average is below the number of CPUs).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from compindex import parse_data, parse_meta, parse_spec, run_panel, run_pipeline
from compindex.datasets import P1_STEPS, p1_spec, synthetic_data, synthetic_meta
from compindex.io import load_inputs
from compindex.meta import IndexMeta
from compindex.sensitivity import run_sensitivity

N_UNITS = 1000
N_INDICATORS = 42
SPEC = p1_spec()
STEPS = list(P1_STEPS)
PANEL_SPEC = {
    "split_to": "all",
    "steps": [{**step, "global": True} if step["step"] == "normalise" else step for step in STEPS],
}
BIN = Path(sys.executable).parent


def synthetic_panel(years: int, seed: int = 42) -> pd.DataFrame:
    """``years`` time points of the synthetic data: each year drifts up ~3 % with noise."""
    import numpy as np

    base = synthetic_data(N_UNITS, seed)
    rng = np.random.default_rng(seed + 1)
    codes = [c for c in base.columns if c.startswith("I")]
    raw = base[codes].replace("NA", "nan").astype(float).to_numpy()
    frames = []
    for k in range(years):
        values = raw * (1 + 0.03 * k) * rng.lognormal(0.0, 0.1, size=raw.shape)
        year = base.copy()
        year[codes] = np.where(np.isnan(values), "NA", values.astype(str))
        year.insert(1, "Time", str(2020 + k))
        frames.append(year)
    return pd.concat(frames, ignore_index=True)


def _summary(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"median {statistics.median(ms):8.2f} ms   p95 {p95:8.2f} ms   (n={len(ms)})"


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPU(s)"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _process(argv: list[str], repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of ``argv`` as a new process, ``repeat``
    times (the first run also warms the file cache and is dropped)."""
    times, cpu = [], []
    for i in range(repeat + 1):
        start, start_cpu = time.perf_counter(), _children_cpu()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if i:
            times.append(time.perf_counter() - start)
            cpu.append(_children_cpu() - start_cpu)
    return times, cpu


def _with_cpu(times: list[float], cpu: list[float]) -> str:
    return f"{_summary(times)}   CPU median {statistics.median(cpu) * 1000:7.1f} ms"


def _build_args(files: dict[str, Path], out: Path) -> list[str]:
    return [
        *("build", "--data", str(files["data"]), "--meta", str(files["meta"])),
        *("--spec", str(files["spec"]), "--out", str(out)),
    ]


def _time_processes(files: dict[str, Path], out: Path, repeat: int) -> None:
    commands = {
        "compindex": [str(BIN / "compindex")],
        "learningcity index": [str(BIN / "learningcity"), "index"],
    }
    print(f"whole process, P1 on {N_UNITS} x {N_INDICATORS}, {repeat} runs each")
    for name, cmd in commands.items():
        print(f"  {name + ' --help':<28} {_with_cpu(*_process([*cmd, '--help'], repeat))}")
        tag = name.replace(" ", "-")
        measured = _process([*cmd, *_build_args(files, out / tag)], repeat)
        print(f"  {name + ' build':<28} {_with_cpu(*measured)}")


def _setup_django() -> None:
    os.environ.setdefault("LEARNINGCITY_DATA_DIR", tempfile.mkdtemp(prefix="bench-index-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learningcity.settings")
    import django

    django.setup()


def _time_commands(files: dict[str, Path], out: Path, repeat: int) -> None:
    """The whole ``build`` in this process (modules already loaded): through the
    package's command line and through the platform's management command."""
    from compindex import cli

    _setup_django()
    from django.core.management import call_command

    args = _build_args(files, out)
    runs: dict[str, Callable[[], object]] = {
        "compindex build": lambda: cli.main(args, prog="compindex"),
        "learningcity index build": lambda: call_command("index", *args),
    }
    print(f"in memory: the whole build command, CSVs read and written, {repeat} repeats")
    for name, run in runs.items():
        times, cpu = [], []
        for i in range(repeat + 1):  # the first run loads modules and is dropped
            start, start_cpu = time.perf_counter(), time.process_time()
            with contextlib.redirect_stdout(io.StringIO()):
                run()
            if i:
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
        print(f"  {name:<26} {_with_cpu(times, cpu)}")


def _time_pipeline(meta: IndexMeta, files: dict[str, Path], repeat: int) -> None:
    units = parse_data(synthetic_data(N_UNITS), meta)
    spec = parse_spec(SPEC)
    per_stage: dict[str, list[float]] = {}
    totals: list[float] = []
    parsed: list[float] = []
    for _ in range(repeat):
        timings: dict[str, float] = {}
        start = time.perf_counter()
        run_pipeline(meta, units, spec, timings)
        totals.append(time.perf_counter() - start)
        for k, v in timings.items():
            per_stage.setdefault(k, []).append(v)
        start = time.perf_counter()
        m, u = load_inputs(files["data"], files["meta"])
        run_pipeline(m, u, spec)
        parsed.append(time.perf_counter() - start)
    print(f"in memory: pipeline, {N_UNITS} x {N_INDICATORS}, 4 levels, {repeat} repeats")
    for stage, seconds in per_stage.items():
        print(f"  {stage:<12} {_summary(seconds)}")
    print(f"  {'run_pipeline':<12} {_summary(totals)}")
    print(f"  {'with CSVs':<12} {_summary(parsed)}   (reading iData/iMeta, then run_pipeline)")


def _time_panel(meta: IndexMeta, years: int, repeat: int) -> None:
    units = parse_data(synthetic_panel(years), meta)
    spec = parse_spec(PANEL_SPEC)
    per_stage: dict[str, list[float]] = {}
    totals: list[float] = []
    for _ in range(repeat):
        timings: dict[str, float] = {}
        start = time.perf_counter()
        run_panel(meta, units, spec, timings)
        totals.append(time.perf_counter() - start)
        for k, v in timings.items():
            per_stage.setdefault(k, []).append(v)
    print(
        f"in memory: panel, {N_UNITS} x {N_INDICATORS} x {years} time points, "
        f"global normalisation, {repeat} repeats"
    )
    for stage, seconds in per_stage.items():
        print(f"  {stage:<12} {_summary(seconds)}")
    print(f"  {'TOTAL':<12} {_summary(totals)}")


def _time_sensitivity(meta: IndexMeta, n: int, repeat: int) -> None:
    units = parse_data(synthetic_data(N_UNITS), meta)
    spec = parse_spec(SPEC)
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        res = run_sensitivity(meta, units, spec, n=n, seed=1)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    print(f"in memory: sensitivity, N = {n}, k = 5, {res.n_runs} runs: {_summary(times)}")
    print(f"  CPU time of the process: median {statistics.median(cpu) * 1000:8.2f} ms")
    print(res.indices.to_string(index=False))


def _time_panel_sensitivity(meta: IndexMeta, years: int, n: int) -> None:
    """The uncertainty analysis of a panel's latest year: every alternative is built as
    a panel (global normalisation over all years), as for a monitoring index run."""
    units = parse_data(synthetic_panel(years), meta)
    start = time.perf_counter()
    res = run_sensitivity(meta, units, parse_spec(PANEL_SPEC), n=n, seed=1)
    elapsed = time.perf_counter() - start
    print(
        f"in memory: panel sensitivity, {years} time points, N = {n}, {res.n_runs} runs: "
        f"{_summary([elapsed])}"
    )


def main() -> int:
    """Time the commands as processes, the pipeline stages and the sensitivity analysis."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--process-repeat", type=int, default=5)
    parser.add_argument("--command-repeat", type=int, default=10)
    parser.add_argument("--sa-n", type=int, default=1024)
    parser.add_argument("--sa-repeat", type=int, default=3)
    parser.add_argument("--years", type=int, default=5, help="time points of the panel case")
    parser.add_argument("--panel-repeat", type=int, default=10)
    parser.add_argument("--panel-sa-n", type=int, default=256, help="N of the panel analysis")
    args = parser.parse_args()
    print(_load())
    meta_frame = synthetic_meta()
    meta = parse_meta(meta_frame)
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        root = Path(tmp)
        files = {"data": root / "iData.csv", "meta": root / "iMeta.csv", "spec": root / "p1.json"}
        synthetic_data(N_UNITS).to_csv(files["data"], index=False)
        meta_frame.to_csv(files["meta"], index=False)
        files["spec"].write_text(json.dumps(SPEC))
        _time_processes(files, root / "out", args.process_repeat)
        _time_commands(files, root / "out-in-memory", args.command_repeat)
        _time_pipeline(meta, files, args.repeat)
    _time_panel(meta, args.years, args.panel_repeat)
    _time_sensitivity(meta, args.sa_n, args.sa_repeat)
    _time_panel_sensitivity(meta, args.years, args.panel_sa_n)
    print(_load())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

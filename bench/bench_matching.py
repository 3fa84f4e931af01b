"""Benchmark of the programmes' matching engine (``make bench-matching``).

Run with ``python bench/bench_matching.py [--people 10000] [--helpers 10000]
[--candidates 50] [--repeat 5]``. Builds a random instance (each person has about
``--candidates`` feasible helpers, scores with two decimals, capacities 1–3), writes
``pairs.csv`` and ``capacity.csv`` to a temporary folder, and prints:

1. the deployed command end to end, ``learningcity programmes match --pairs …
   --capacity … --out matches.json``, as a separate process: median and every run's
   wall-clock seconds (CSV read to result written, Django start included), and its
   peak RSS (the child's ``ru_maxrss``);
2. the engine's own split, in this process: reading the CSV files, solving
   (OR-Tools min-cost maximum flow), writing the result;
3. the result: people matched, total score, optimal.

Target (issue 10): 10,000 × 10,000 with about 500,000 pairs in ≤ 5 s.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from learningcity.engines.matching.cli import result_document, write_json_atomically
from learningcity.engines.matching.files import read_capacity, read_pairs
from learningcity.engines.matching.solver import solve_matching


def write_instance(folder: Path, people: int, helpers: int, candidates: int, seed: int) -> int:
    rng = np.random.default_rng(seed)
    count = 0
    with (folder / "pairs.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person", "helper", "score"])
        for person in range(people):
            chosen = rng.choice(helpers, size=min(candidates, helpers), replace=False)
            scores = np.round(rng.uniform(0, 100, size=chosen.size), 2)
            writer.writerows(
                (f"r{person}", f"v{h}", f"{s:.2f}") for h, s in zip(chosen, scores, strict=True)
            )
            count += chosen.size
    with (folder / "capacity.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["helper", "capacity"])
        writer.writerows((f"v{h}", int(c)) for h, c in enumerate(rng.integers(1, 4, helpers)))
    return count


def command() -> list[str]:
    found = shutil.which("learningcity", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "learningcity.manage"]


def run_command(folder: Path) -> tuple[float, float]:
    """Wall seconds of one run of the deployed command, and its peak RSS in MiB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    began = time.perf_counter()
    subprocess.run(
        [
            *command(),
            "programmes",
            "match",
            "--pairs",
            str(folder / "pairs.csv"),
            "--capacity",
            str(folder / "capacity.csv"),
            "--out",
            str(folder / "matches.json"),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - began
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return seconds, peak / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--helpers", type=int, default=10_000)
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learningcity.settings")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        began = time.perf_counter()
        pairs = write_instance(
            folder, arguments.people, arguments.helpers, arguments.candidates, arguments.seed
        )
        print(
            f"instance: {arguments.people:,} people, {arguments.helpers:,} helpers, "
            f"{pairs:,} feasible pairs ({(folder / 'pairs.csv').stat().st_size / 2**20:.1f} MiB "
            f"of CSV), written in {time.perf_counter() - began:.1f} s"
        )

        print("\n1. learningcity programmes match, CSV to result, a process per run")
        runs = [run_command(folder) for _ in range(arguments.repeat)]
        seconds = [s for s, _ in runs]
        print(
            f"   median {statistics.median(seconds):.2f} s over {len(seconds)} runs "
            f"({', '.join(f'{s:.2f}' for s in seconds)}); target ≤ 5 s; "
            f"peak RSS {max(r for _, r in runs):.0f} MiB"
        )
        document = json.loads((folder / "matches.json").read_text())

        print("\n2. the engine's own split, in this process (median of the runs)")
        reads, solves, writes = [], [], []
        for _ in range(arguments.repeat):
            t0 = time.perf_counter()
            arrays = read_pairs(folder / "pairs.csv", read_capacity(folder / "capacity.csv"))
            t1 = time.perf_counter()
            result = solve_matching(arrays)
            t2 = time.perf_counter()
            write_json_atomically(folder / "inproc.json", result_document(result))
            t3 = time.perf_counter()
            reads.append(t1 - t0)
            solves.append(t2 - t1)
            writes.append(t3 - t2)
        print(
            f"   read {statistics.median(reads):.2f} s · solve {statistics.median(solves):.2f} s"
            f" · write {statistics.median(writes):.2f} s"
        )
        print("\n3. result")
        print(
            f"   matched {document['matched']:,} of {arguments.people:,}, total score "
            f"{document['total_score']:,.2f}, optimal {document['optimal']}; the same in-process: "
            f"{result.matched == document['matched']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

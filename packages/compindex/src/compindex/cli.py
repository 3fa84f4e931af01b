"""Command-line interface: ``compindex build`` and ``compindex sensitivity``.

``main(argv)`` takes the arguments after the command's name (e.g.
``["build", "--data", "iData.csv", ...]``) so it can be wired into a Django management
command (``learningcity index``, whose usage line says ``index``) or any other entry
point; :func:`run` is the ``compindex`` console script. Input problems are printed to
stderr, one per line, and give exit status 2; success gives 0. ``build`` on panel data
with a spec ``"split_to"`` builds every selected time point and writes the CSVs with a
``Time`` column; ``sensitivity`` on such a spec builds every alternative as a panel too
and analyses the latest time point.

Only argparse is imported up front: NumPy, pandas and SciPy load inside the step that
needs them (``--help`` needs none of them; ``build`` reads and writes CSV without
pandas and needs no SciPy).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from .errors import IndexInputError


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Build composite indicators (COINr-compatible)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("build", "run a pipeline and write every stage, results and details as CSV"),
        ("sensitivity", "uncertainty and Sobol' sensitivity analysis of a pipeline"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--data", required=True, help="iData CSV (units x columns)")
        p.add_argument("--meta", required=True, help="iMeta CSV (indicator metadata)")
        p.add_argument("--spec", required=True, help="pipeline JSON ({'steps': [...]})")
        p.add_argument("--out", required=True, help="output directory")
        if name == "build":
            p.add_argument("--audit", action="store_true", help="also write audit tables")
        else:
            p.add_argument("--n", type=int, default=1024, help="base sample size N")
            p.add_argument("--seed", type=int, default=None, help="random seed")
    return parser


def progress_bar(stream: TextIO) -> Callable[[int, int], None]:
    """A text progress bar on ``stream`` usable as a ``progress`` callback."""
    start = time.perf_counter()

    def report(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        elapsed = time.perf_counter() - start
        stream.write(f"\r[{bar}] {done}/{total} runs {elapsed:5.1f}s")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return report


def _build(args: argparse.Namespace) -> int:
    from .io import build_index
    from .panel import PanelResult

    result = build_index(args.data, args.meta, args.spec, args.out)
    if args.audit:  # pandas comes in with the audit only
        from .audit import audit, audit_panel, write_audit
    if isinstance(result, PanelResult):
        if args.audit:
            write_audit(audit_panel(result), Path(args.out))
        times = ", ".join(f"{t:g}" for t in result.times)
        print(f"wrote {len(result.stage_names())} stage(s) for Time {times} to {args.out}")
        return 0
    if args.audit:
        write_audit(audit(result), Path(args.out))
    print(f"wrote {len(result.stages)} stage(s) to {args.out}")
    return 0


def _sensitivity(args: argparse.Namespace) -> int:
    from .io import load_inputs
    from .sensitivity import run_sensitivity, write_sensitivity
    from .spec import load_spec

    if args.n < 2:
        raise IndexInputError("--n must be at least 2", where="sensitivity")
    meta, units = load_inputs(args.data, args.meta)
    spec = load_spec(args.spec)
    res = run_sensitivity(
        meta, units, spec, n=args.n, seed=args.seed, progress=progress_bar(sys.stderr)
    )
    write_sensitivity(res, Path(args.out))
    print(f"wrote sensitivity results ({res.n_runs} runs) to {args.out}")
    return 0


def main(argv: list[str] | None = None, prog: str = "index") -> int:
    """Entry point; returns the process exit status. ``prog`` names the command in
    usage lines (``index`` under ``learningcity``, ``compindex`` on its own)."""
    try:
        args = _parser(prog).parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage error
        return int(exc.code) if isinstance(exc.code, int) else 2
    try:
        if args.command == "build":
            return _build(args)
        return _sensitivity(args)
    except IndexInputError as exc:
        print("error: the index could not be built:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


# What BLAS libraries read for their number of threads (OpenBLAS reads the first three).
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS")


def one_blas_thread() -> None:
    """Have OpenBLAS start one thread, not one per core, unless the environment already
    chooses (any of :data:`THREAD_VARIABLES`) or NumPy is already loaded.

    The engine's matrix products are small (units x a handful of children): a pool of
    BLAS threads makes none of them faster, costs about 50 ms of CPU as NumPy loads and
    spins for nothing on a busy machine (a whole ``build`` of 1,000 x 42 took 0.51 s of
    CPU with two threads, 0.41 s with one). Results do not depend on it."""
    if "numpy" in sys.modules or any(name in os.environ for name in THREAD_VARIABLES):
        return
    os.environ["OPENBLAS_NUM_THREADS"] = "1"


def run() -> None:
    """The ``compindex`` console script."""
    one_blas_thread()
    raise SystemExit(main(sys.argv[1:], prog="compindex"))


if __name__ == "__main__":  # pragma: no cover
    run()

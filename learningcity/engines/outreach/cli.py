"""``learningcity outreach plan-stops``: the stop planner on files.

    learningcity outreach plan-stops --demand demand.csv --candidates candidates.csv \\
        --radius R --stops P [--objective coverage|median] --out plan.json

demand.csv: ``id,x,y,weight`` (metres on a plane) or ``id,lat,lon,weight`` (degrees;
great-circle distances in metres), optionally a ``radius`` column (metres) for points
with their own walking radius. candidates.csv: ``id,x,y`` or ``id,lat,lon``. A point
is covered when a chosen stop is at a distance ≤ its radius. plan.json holds
``chosen`` (candidate ids as written in the file), ``covered_weight``,
``total_weight``, ``objective_value`` (the covered weight, or for ``median`` the sum of
weight × distance to the nearest chosen stop), ``optimal`` and ``gap``.

Bad input: a message naming the input (and line) to change, exit status 2, and no
file written.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .inputs import InputError, read_candidates, read_demand
from .stops import Objective, StopPlan, plan_stops

BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise InputError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="learningcity outreach", description="Outreach planning.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    plan = sub.add_parser(
        "plan-stops",
        help="choose stops covering the most weighted demand (or the p-median)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    plan.add_argument("--demand", required=True, type=Path, help="demand CSV: id,x,y,weight")
    plan.add_argument("--candidates", required=True, type=Path, help="candidate CSV: id,x,y")
    plan.add_argument("--radius", required=True, help="walking radius in metres (> 0)")
    plan.add_argument("--stops", required=True, help="how many stops to choose (≥ 1)")
    plan.add_argument("--objective", choices=[o.value for o in Objective], default="coverage")
    plan.add_argument("--out", required=True, type=Path, help="where to write plan.json")
    plan.add_argument(
        "--require",
        action="append",
        default=[],
        metavar="ID",
        help="a candidate id that must be chosen (repeat, or separate with commas)",
    )
    plan.add_argument(
        "--time-limit",
        default="60",
        help="seconds for the solver; when reached, the best plan so far and its gap",
    )
    return parser


def _read(path: Path, label: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{label}: cannot read {str(path)!r} ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"{label}: {str(path)!r} is not UTF-8 text") from None


def _positive(text: str, label: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{label}: {text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"{label}: must be a number more than 0 (got {text!r})")
    return value


def _count(text: str, label: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise InputError(f"{label}: {text!r} is not a whole number") from None
    if value < 1:
        raise InputError(f"{label}: choose at least 1 stop (got {value})")
    return value


def plan_json(plan: StopPlan, candidate_ids: Sequence[str]) -> dict[str, object]:
    return {
        "chosen": [candidate_ids[j] for j in plan.chosen],
        "covered_weight": plan.covered_weight,
        "total_weight": plan.total_weight,
        "objective_value": plan.objective_value,
        "optimal": plan.optimal,
        "gap": plan.gap,
    }


def _write_atomically(path: Path, text: str) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=".plan-", suffix=".json", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _plan_stops(args: argparse.Namespace) -> int:
    radius = _positive(args.radius, "--radius")
    stops = _count(args.stops, "--stops")
    time_limit = _positive(args.time_limit, "--time-limit")
    if not args.out.parent.is_dir() and str(args.out.parent):
        raise InputError(f"--out: the folder {str(args.out.parent)!r} does not exist")
    demand = read_demand(_read(args.demand, "--demand"), f"demand file {args.demand}")
    candidates = read_candidates(
        _read(args.candidates, "--candidates"), f"candidates file {args.candidates}"
    )
    required = [c.strip() for item in args.require for c in item.split(",") if c.strip()]
    plan = plan_stops(
        demand,
        candidates,
        radius,
        stops,
        Objective(args.objective),
        required,
        time_limit,
    )
    _write_atomically(args.out, json.dumps(plan_json(plan, candidates.ids), indent=2) + "\n")
    state = "optimal" if plan.optimal else f"time limit reached, gap {plan.gap:.4%}"
    print(
        f"{len(plan.chosen)} stops chosen ({state}): covered weight "
        f"{plan.covered_weight:g} of {plan.total_weight:g}, objective "
        f"{plan.objective_value:g}, {plan.seconds:.1f} s; written to {args.out}"
    )
    return 0


def _quiet_banner() -> None:
    """HiGHS prints its banner on stdout when the first solver is made; the command
    line's own output says what happened, so make that first one with stdout muted."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        _quiet_banner()
        args = _parser().parse_args(argv)
        if args.command == "plan-stops":
            return _plan_stops(args)
    except InputError as exc:
        print(f"learningcity outreach: error: {exc}", file=sys.stderr)
        return BAD_INPUT
    return BAD_INPUT

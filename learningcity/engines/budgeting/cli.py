"""``learningcity participation tally``: count a pabulib file's approval ballots.

    learningcity participation tally --pb FILE.pb --rule RULE --out result.json

RULE is ``greedy``, ``equal-shares`` or ``equal-shares-completed`` (see
``engines.budgeting.tally``). result.json holds ``selected`` (the funded project ids,
as written in the file, in the file's order), ``cost`` (their total) and ``rule``.

Bad input: a message naming the line and field to change, exit status 2, and no file
written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .pabulib import PabulibError
from .tally import RULES, tally

BAD_INPUT = 2


class InputError(ValueError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise InputError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="learningcity participation", description="Civic participation.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    count = sub.add_parser(
        "tally",
        help="count a pabulib file's approval ballots by a rule",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    count.add_argument("--pb", required=True, type=Path, help="the pabulib .pb file")
    count.add_argument("--rule", required=True, help=f"one of: {', '.join(RULES)}")
    count.add_argument("--out", required=True, type=Path, help="where to write result.json")
    return parser


def _write_atomically(path: Path, text: str) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=".tally-", suffix=".json", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _tally(args: argparse.Namespace) -> int:
    if args.rule not in RULES:
        raise InputError(f"--rule: {args.rule!r} is not a rule; choose one of {', '.join(RULES)}")
    if str(args.out.parent) and not args.out.parent.is_dir():
        raise InputError(f"--out: the folder {str(args.out.parent)!r} does not exist")
    try:
        text = args.pb.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"--pb: cannot read {str(args.pb)!r} ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(f"--pb: {str(args.pb)!r} is not UTF-8 text") from None
    try:
        outcome = tally(text, args.rule)
    except PabulibError as exc:
        raise InputError(f"{args.pb}: {exc}") from None
    _write_atomically(args.out, json.dumps(outcome.as_json(), indent=2) + "\n")
    print(
        f"{args.rule}: {len(outcome.selected)} projects funded, cost "
        f"{outcome.as_json()['cost']}; written to {args.out}"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        if args.command == "tally":
            return _tally(args)
    except InputError as exc:
        print(f"learningcity participation: error: {exc}", file=sys.stderr)
        return BAD_INPUT
    return BAD_INPUT

"""``learningcity programmes match``: the matching engine on files.

    learningcity programmes match --pairs pairs.csv --capacity capacity.csv --out matches.json

pairs.csv: ``person,helper,score``, the feasible pairs only; capacity.csv:
``helper,capacity``. matches.json holds ``matches`` (a list of ``{"person", "helper"}``
with the ids as written in the files), ``matched`` (their count), ``total_score`` and
``optimal``. A person missing from every pair is simply unmatched. The objective is
lexicographic: as many people matched as possible, then the largest total score.

Bad input: every problem named by file, line and column, exit status 2, and no file
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
from typing import Any

from .files import InputError, read_capacity, read_pairs
from .solver import MatchingError, MatchResult, solve_matching

BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise InputError([message])


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="learningcity programmes", description="Inclusion programmes.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    match = sub.add_parser(
        "match",
        help="match people with helpers: most people first, then the best total score",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    match.add_argument("--pairs", required=True, type=Path, help="person,helper,score CSV")
    match.add_argument("--capacity", required=True, type=Path, help="helper,capacity CSV")
    match.add_argument("--out", required=True, type=Path, help="where to write matches.json")
    return parser


def result_document(result: MatchResult) -> dict[str, Any]:
    return {
        "matches": [{"person": m.person, "helper": m.helper} for m in result.matches],
        "matched": result.matched,
        "total_score": result.total_score,
        "optimal": result.optimal,
    }


def write_json_atomically(path: Path, document: dict[str, Any]) -> None:
    """Write beside the target, then rename: a reader never sees half a file."""
    directory = path.resolve().parent
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, then renamed)
        "w", dir=directory, prefix=f".{path.name}.", suffix=".tmp", delete=False, encoding="utf-8"
    )
    try:
        with handle:
            json.dump(document, handle, ensure_ascii=False)
            handle.write("\n")
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    try:
        arguments = _parser().parse_args(argv)
        if not arguments.out.resolve().parent.is_dir():
            raise InputError([f"--out: the folder {arguments.out.parent} does not exist"])
        capacity = read_capacity(arguments.capacity)
        pairs = read_pairs(arguments.pairs, capacity)
        result = solve_matching(pairs)
        write_json_atomically(arguments.out, result_document(result))
    except InputError as error:
        print(f"learningcity programmes: {error}", file=sys.stderr)
        return BAD_INPUT
    except MatchingError as error:
        print(f"learningcity programmes: {error}", file=sys.stderr)
        return BAD_INPUT
    print(
        f"matched {result.matched} of {len(pairs.persons)} people, "
        f"total score {result.total_score:g}, written to {arguments.out}"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

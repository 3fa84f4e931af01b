"""Reading the matching's CSV files, with every error named by file, line and column.

``pairs.csv``: ``person,helper,score`` (the feasible pairs only; extra columns are
ignored); ``capacity.csv``: ``helper,capacity``. Ids are kept exactly as written (after
trimming spaces). A file is read whole or not at all: every bad row is listed.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .solver import PairArrays

# Enough to fix a file by; the count of the rest is given.
MAX_LISTED_ERRORS = 50


class InputError(ValueError):
    """Bad input: ``problems`` lists each one as ``file line N, column C: what``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_LISTED_ERRORS]
        more = len(problems) - len(shown)
        text = "\n".join(shown) + (f"\n… and {more} more problems" if more else "")
        super().__init__(text)


@dataclass(frozen=True)
class _Row:
    line: int
    values: dict[str, str]


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[_Row]:
    name = path.name
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise InputError([f"{name}: cannot be read ({error.strerror or error})"]) from error
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as error:
            raise InputError([f"{name} line 1: not a readable CSV file ({error})"]) from error
        if header is None:
            raise InputError(
                [f"{name}: the file is empty; it needs the header {','.join(required)}"]
            )
        columns = [column.strip().lower() for column in header]
        missing = [column for column in required if column not in columns]
        if missing:
            raise InputError(
                [
                    f"{name} line 1: missing column {', '.join(missing)} "
                    f"(the header must name {','.join(required)})"
                ]
            )
        positions = {column: columns.index(column) for column in required}
        try:
            for line, record in enumerate(reader, start=2):
                if not any(cell.strip() for cell in record):
                    continue  # a blank line
                values = {
                    column: record[i].strip() if i < len(record) else ""
                    for column, i in positions.items()
                }
                yield _Row(line, values)
        except (csv.Error, UnicodeDecodeError) as error:
            raise InputError([f"{name}: not a readable CSV file ({error})"]) from error


def read_capacity(path: Path) -> dict[str, int]:
    """Each helper's capacity, in file order."""
    capacity: dict[str, int] = {}
    first_line: dict[str, int] = {}
    problems: list[str] = []
    name = path.name
    for row in _rows(path, ("helper", "capacity")):
        helper, text = row.values["helper"], row.values["capacity"]
        where = f"{name} line {row.line}"
        if not helper:
            problems.append(f"{where}, column helper: the helper id is empty")
            continue
        if helper in capacity:
            problems.append(
                f"{where}, column helper: {helper!r} is listed twice "
                f"(first on line {first_line[helper]})"
            )
            continue
        try:
            value = int(text)
        except ValueError:
            problems.append(f"{where}, column capacity: {text!r} is not a whole number")
            continue
        if value < 0:
            problems.append(f"{where}, column capacity: {value} is negative")
            continue
        capacity[helper] = value
        first_line[helper] = row.line
    if problems:
        raise InputError(problems)
    return capacity


def read_pairs(path: Path, capacity: dict[str, int]) -> PairArrays:
    """The feasible pairs, checked against the helpers that have a capacity.

    A well-formed file is read by pandas' C parser and checked with array operations
    (half a million pairs in well under a second); any problem found sends the file
    through the row-by-row reader, which names every bad line exactly."""
    fast = _read_pairs_fast(path, capacity)
    return fast if fast is not None else _read_pairs_by_row(path, capacity)


def _read_pairs_fast(path: Path, capacity: dict[str, int]) -> PairArrays | None:
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            skipinitialspace=True,
        )
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError):
        return None
    frame.columns = [str(column).strip().lower() for column in frame.columns]
    if not {"person", "helper", "score"} <= set(frame.columns) or frame.empty:
        return None
    person = frame["person"].str.strip()
    helper = frame["helper"].str.strip()
    scores = pd.to_numeric(frame["score"].str.strip(), errors="coerce").to_numpy(np.float64)
    helpers = list(capacity)
    helper_index = pd.Index(helpers).get_indexer(pd.Index(helper))
    bad = (
        (person.isna() | (person == "")).to_numpy()
        | (helper_index < 0)
        | ~np.isfinite(scores)
        | pd.DataFrame({"p": person, "h": helper}).duplicated().to_numpy()
    )
    if bad.any():
        return None
    person_index, persons = pd.factorize(person, sort=False)
    return PairArrays(
        persons=[str(p) for p in persons],
        helpers=helpers,
        person_index=person_index.astype(np.int64),
        helper_index=helper_index.astype(np.int64),
        scores=scores,
        capacities=np.asarray([capacity[h] for h in helpers], dtype=np.int64),
    )


def _read_pairs_by_row(path: Path, capacity: dict[str, int]) -> PairArrays:
    helpers = list(capacity)
    helper_position = {helper: i for i, helper in enumerate(helpers)}
    persons: list[str] = []
    person_position: dict[str, int] = {}
    person_index: list[int] = []
    helper_index: list[int] = []
    scores: list[float] = []
    seen: dict[tuple[str, str], int] = {}
    problems: list[str] = []
    name = path.name
    for row in _rows(path, ("person", "helper", "score")):
        person, helper, text = row.values["person"], row.values["helper"], row.values["score"]
        where = f"{name} line {row.line}"
        row_problems = []
        if not person:
            row_problems.append(f"{where}, column person: the person id is empty")
        if not helper:
            row_problems.append(f"{where}, column helper: the helper id is empty")
        elif helper not in helper_position:
            row_problems.append(f"{where}, column helper: {helper!r} is not in the capacity file")
        try:
            score = float(text)
        except ValueError:
            score = math.nan
            row_problems.append(f"{where}, column score: {text!r} is not a number")
        else:
            if not math.isfinite(score):
                row_problems.append(f"{where}, column score: {text!r} is not a finite number")
        if not row_problems and (person, helper) in seen:
            row_problems.append(
                f"{where}: the pair {person!r}, {helper!r} is listed twice "
                f"(first on line {seen[(person, helper)]})"
            )
        if row_problems:
            problems.extend(row_problems)
            continue
        seen[(person, helper)] = row.line
        position = person_position.setdefault(person, len(persons))
        if position == len(persons):
            persons.append(person)
        person_index.append(position)
        helper_index.append(helper_position[helper])
        scores.append(score)
    if problems:
        raise InputError(problems)
    return PairArrays(
        persons=persons,
        helpers=helpers,
        person_index=np.asarray(person_index, dtype=np.int64),
        helper_index=np.asarray(helper_index, dtype=np.int64),
        scores=np.asarray(scores, dtype=np.float64),
        capacities=np.asarray([capacity[h] for h in helpers], dtype=np.int64),
    )

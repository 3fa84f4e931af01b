"""Indicator metadata (COINr's ``iMeta``): parsing, validation and the index tree.

The metadata table describes every column of the unit data and the aggregation
hierarchy. :func:`parse_meta` validates it the way COINr's ``check_iMeta()`` does
(and a little more: cycles, orphan parents and childless aggregates are reported
explicitly), collecting every problem before raising a single
:class:`~compindex.errors.IndexInputError`.

:class:`IndexMeta` keeps the rows in two orders, because COINr uses both:

* the original order (``indicator_codes``): columns of the ``Raw`` data set;
* COINr's internal order ``order(Level, Parent)`` (``sorted_rows``), set by
  ``new_coin()``; this fixes the order of children within a group, of the effective
  weights table and of the results table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import IndexInputError, Problem
from .numeric import r_sort_key, r_sorted

if TYPE_CHECKING:
    import pandas as pd

    from .table import Table

REQUIRED_COLUMNS = ("Level", "iCode", "Parent", "Direction", "Type", "Weight")
KNOWN_COLUMNS = (*REQUIRED_COLUMNS, "iName", "Unit", "Target", "Denominator")
ALLOWED_TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")
MISSING_TOKENS = frozenset({"", "NA", "NaN", "nan", "N/A", "NULL", "null", "None"})

MetaValue = float | str | bool | None


@dataclass(frozen=True)
class MetaRow:
    """One row of ``iMeta`` with typed values (``None`` = missing)."""

    code: str
    name: str
    level: int | None
    parent: str | None
    direction: float | None
    weight: float | None
    type: str
    denominator: str | None = None
    target: float | None = None
    extra: Mapping[str, MetaValue] = field(default_factory=dict)


def is_missing(value: object) -> bool:
    """True for empty cells, ``NA`` tokens and float NaN."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and value.strip() in MISSING_TOKENS


def parse_number(value: object) -> float | None:
    """Parse a cell as a float; ``None`` when missing; raise ``ValueError`` if not numeric."""
    if is_missing(value):
        return None
    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if text.upper() in {"TRUE", "FALSE"}:
        raise ValueError(text)
    return float(text)


def parse_extra(value: object) -> MetaValue:
    """Parse an optional metadata cell: number, logical (TRUE/FALSE), text or missing."""
    if is_missing(value):
        return None
    text = str(value).strip()
    if text.upper() in {"TRUE", "FALSE", "T", "F"}:
        return text.upper().startswith("T")
    try:
        return float(text)
    except ValueError:
        return text


class IndexMeta:
    """Validated indicator metadata plus helpers to navigate the index tree."""

    def __init__(self, rows: list[MetaRow], extra_columns: list[str]) -> None:
        self.rows: tuple[MetaRow, ...] = tuple(rows)
        self.extra_columns: tuple[str, ...] = tuple(extra_columns)
        self.by_code: dict[str, MetaRow] = {r.code: r for r in rows}
        self.indicator_codes: tuple[str, ...] = tuple(r.code for r in rows if r.type == "Indicator")
        self.sorted_rows: tuple[MetaRow, ...] = tuple(_coinr_order(rows))
        levels = [r.level for r in rows if r.level is not None]
        self.max_level: int = max(levels) if levels else 1

    @property
    def structural_rows(self) -> tuple[MetaRow, ...]:
        """Indicator and Aggregate rows in COINr's ``order(Level, Parent)``."""
        return tuple(r for r in self.sorted_rows if r.type in ("Indicator", "Aggregate"))

    def codes_of_type(self, type_name: str) -> list[str]:
        """Codes of a given ``Type`` in original order."""
        return [r.code for r in self.rows if r.type == type_name]

    def children(self, parent: str) -> list[str]:
        """Children of ``parent`` in COINr's internal (sorted) order."""
        return [
            r.code
            for r in self.sorted_rows
            if r.parent == parent and r.level is not None and r.type != "Group"
        ]

    def groups_at(self, level: int) -> list[str]:
        """Aggregate codes created at ``level`` (>= 2), in R's ``tapply`` order.

        COINr groups level ``level - 1`` codes by ``Parent`` with ``tapply``, whose
        groups follow the alphabetical factor levels of the parent codes.
        """
        parents = {
            r.parent for r in self.sorted_rows if r.level == level - 1 and r.parent is not None
        }
        return r_sorted(parents)

    def aggregation_order(self) -> list[str]:
        """All aggregate codes in the column order of COINr's ``Aggregated`` data set."""
        out: list[str] = []
        for level in range(2, self.max_level + 1):
            out.extend(self.groups_at(level))
        return out

    def weight(self, code: str) -> float:
        """Metadata weight of ``code`` (0 if missing)."""
        w = self.by_code[code].weight
        return 0.0 if w is None else w

    def direction(self, code: str) -> float:
        """Direction (+1/-1) of ``code``; defaults to +1 if missing."""
        d = self.by_code[code].direction
        return 1.0 if d is None else d

    def top_code(self) -> str:
        """Code of the highest-level aggregate (the index)."""
        tops = [r.code for r in self.structural_rows if r.level == self.max_level]
        return tops[0]

    def lineage(self) -> list[list[str]]:
        """COINr's ``get_lineage()``: for each indicator, its chain of ancestors.

        Rows are sorted from the top level down (``do.call(order, rev(wideS))``).
        """
        chains: list[list[str]] = []
        for code in self.indicator_codes:
            chain = [code]
            cur = self.by_code[code].parent
            while cur is not None and len(chain) < self.max_level:
                chain.append(cur)
                cur = self.by_code[cur].parent if cur in self.by_code else None
            chains.append(chain)
        return sorted(chains, key=lambda c: [r_sort_key(x) for x in reversed(c)])


def _coinr_order(rows: list[MetaRow]) -> list[MetaRow]:
    """``iMeta[order(Level, Parent), ]``: stable, missing values last."""

    def key(r: MetaRow) -> tuple[int, float, int, tuple[str, str]]:
        lev_missing = 1 if r.level is None else 0
        lev = float(r.level) if r.level is not None else 0.0
        par_missing = 1 if r.parent is None else 0
        par = r_sort_key(r.parent) if r.parent is not None else ("", "")
        return (lev_missing, lev, par_missing, par)

    return sorted(rows, key=key)


def read_meta_csv(path: str) -> pd.DataFrame:
    """Read an iMeta CSV keeping every cell as text (parsing happens in :func:`parse_meta`)."""
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False)


def parse_meta(table: pd.DataFrame | Table) -> IndexMeta:
    """Validate an ``iMeta`` table and build :class:`IndexMeta`.

    Raises :class:`IndexInputError` listing every problem found.
    """
    missing_cols = [c for c in REQUIRED_COLUMNS if c not in table.columns]
    if missing_cols:
        raise IndexInputError(
            [
                Problem(
                    "iMeta",
                    f"required column '{c}' is missing (required: {', '.join(REQUIRED_COLUMNS)})",
                )
                for c in missing_cols
            ]
        )
    problems: list[Problem] = []
    extra_columns = [c for c in table.columns if c not in KNOWN_COLUMNS]
    records: list[dict[Any, Any]] = table.to_dict(orient="records")
    rows = [
        _parse_row(i, {str(k): v for k, v in rec.items()}, extra_columns, problems)
        for i, rec in enumerate(records)
    ]
    parsed = [r for r in rows if r is not None]
    _check_codes(table, problems)
    _check_levels(parsed, problems)
    _check_structure(parsed, problems)
    if problems:
        raise IndexInputError(problems)
    return IndexMeta(parsed, extra_columns)


def _where(i: int, code: str | None) -> str:
    return f"iMeta row {i + 2}" + (f" (iCode '{code}')" if code else "")


def _parse_row(
    i: int, rec: Mapping[str, object], extra_cols: list[str], problems: list[Problem]
) -> MetaRow | None:
    code_raw = rec.get("iCode")
    code = None if is_missing(code_raw) else str(code_raw).strip()
    where = _where(i, code)
    if code is None:
        problems.append(Problem(where, "iCode is missing; every row needs a code"))
        return None
    if code[0].isdigit():
        problems.append(Problem(where, "iCode must not start with a number"))
    type_raw = rec.get("Type")
    type_name = "" if is_missing(type_raw) else str(type_raw).strip()
    if type_name not in ALLOWED_TYPES:
        problems.append(
            Problem(
                where,
                f"Type '{type_name}' is not allowed; use one of {', '.join(ALLOWED_TYPES)}",
            )
        )
    structural = type_name in ("Indicator", "Aggregate")
    level = _parse_level(rec.get("Level"), where, structural, problems)
    if type_name == "Indicator" and level is not None and level != 1:
        problems.append(Problem(where, f"an Indicator must be at Level 1, not {level}"))
    direction = _parse_num(rec, "Direction", where, problems)
    if structural and direction not in (-1.0, 1.0):
        problems.append(Problem(where, "Direction must be 1 or -1 for indicators and aggregates"))
    weight = _parse_num(rec, "Weight", where, problems)
    if structural and weight is None:
        problems.append(Problem(where, "Weight is missing; indicators and aggregates need one"))
    target = _parse_num(rec, "Target", where, problems) if "Target" in rec else None
    parent = None if is_missing(rec.get("Parent")) else str(rec.get("Parent")).strip()
    denom = rec.get("Denominator")
    name = rec.get("iName")
    return MetaRow(
        code=code,
        name=code if is_missing(name) else str(name),
        level=level,
        parent=parent,
        direction=direction,
        weight=weight,
        type=type_name,
        denominator=None if is_missing(denom) else str(denom).strip(),
        target=target,
        extra={c: parse_extra(rec.get(c)) for c in extra_cols},
    )


def _parse_level(
    value: object, where: str, structural: bool, problems: list[Problem]
) -> int | None:
    try:
        num = parse_number(value)
    except ValueError:
        problems.append(Problem(where, f"Level '{value}' is not a number"))
        return None
    if num is None:
        if structural:
            problems.append(Problem(where, "Level is missing; indicators and aggregates need one"))
        return None
    if num != int(num) or num < 1:
        problems.append(Problem(where, f"Level must be a positive whole number, not {value}"))
        return None
    return int(num)


def _parse_num(
    rec: Mapping[str, object], col: str, where: str, problems: list[Problem]
) -> float | None:
    try:
        return parse_number(rec.get(col))
    except ValueError:
        problems.append(Problem(where, f"{col} '{rec.get(col)}' is not a number"))
        return None


def _check_codes(table: pd.DataFrame | Table, problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for i, raw in enumerate(table["iCode"].tolist()):
        if is_missing(raw):
            continue
        code = str(raw).strip()
        if code in seen:
            problems.append(
                Problem(
                    _where(i, code),
                    f"duplicate iCode '{code}' (also in iMeta row {seen[code] + 2}); "
                    "codes must be unique",
                )
            )
        else:
            seen[code] = i


def _check_levels(rows: list[MetaRow], problems: list[Problem]) -> None:
    levels = {r.level for r in rows if r.level is not None and r.type != "Group"}
    if not levels:
        problems.append(Problem("iMeta", "no rows with a Level: there is no index structure"))
        return
    gaps = sorted(set(range(1, max(levels) + 1)) - levels)
    if gaps:
        problems.append(
            Problem("iMeta", f"Level has gaps: no rows at level(s) {', '.join(map(str, gaps))}")
        )
    if not any(r.type == "Indicator" for r in rows):
        problems.append(Problem("iMeta", "no rows of Type 'Indicator'"))


def _check_structure(rows: list[MetaRow], problems: list[Problem]) -> None:
    by_code = {r.code: r for r in rows}
    structural = [r for r in rows if r.type in ("Indicator", "Aggregate") and r.level is not None]
    if not structural:
        return
    max_level = max(r.level for r in structural if r.level is not None)
    tops = [r for r in structural if r.level == max_level]
    if len(tops) > 1:
        problems.append(
            Problem(
                "iMeta",
                f"the top level ({max_level}) has {len(tops)} codes "
                f"({', '.join(r.code for r in tops)}); an index needs a single top aggregate",
            )
        )
    for r in rows:
        _check_parent(r, by_code, max_level, problems)
    _check_cycles(structural, by_code, problems)
    parents = {r.parent for r in structural if r.parent is not None}
    for r in structural:
        if r.type == "Aggregate" and r.code not in parents:
            problems.append(
                Problem(
                    f"iMeta (iCode '{r.code}')",
                    "this Aggregate has no children: no row names it as Parent",
                )
            )


def _check_parent(
    r: MetaRow, by_code: Mapping[str, MetaRow], max_level: int, problems: list[Problem]
) -> None:
    where = f"iMeta (iCode '{r.code}')"
    if r.type not in ("Indicator", "Aggregate") or r.level is None:
        return
    if r.parent is None:
        if r.level < max_level:
            problems.append(
                Problem(where, f"Parent is missing; a Level {r.level} code needs a parent")
            )
        return
    if r.level == max_level:
        problems.append(
            Problem(where, f"the top-level code must not have a Parent (found '{r.parent}')")
        )
        return
    parent = by_code.get(r.parent)
    if parent is None:
        problems.append(
            Problem(where, f"Parent '{r.parent}' is not an iCode in iMeta (orphan parent)")
        )
        return
    if parent.type != "Aggregate":
        problems.append(
            Problem(where, f"Parent '{r.parent}' has Type '{parent.type}', not 'Aggregate'")
        )
    if parent.level is not None and parent.level != r.level + 1:
        problems.append(
            Problem(
                where,
                f"Parent '{r.parent}' is at Level {parent.level}; it must be at Level "
                f"{r.level + 1}, immediately above this code",
            )
        )


def _check_cycles(
    structural: list[MetaRow], by_code: Mapping[str, MetaRow], problems: list[Problem]
) -> None:
    reported: set[frozenset[str]] = set()
    for r in structural:
        path = [r.code]
        cur = r.parent
        while cur is not None and cur in by_code:
            if cur in path:
                cycle = [*path[path.index(cur) :], cur]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    problems.append(
                        Problem(
                            f"iMeta (iCode '{cur}')",
                            "the Parent links form a cycle: " + " -> ".join(cycle),
                        )
                    )
                break
            path.append(cur)
            cur = by_code[cur].parent

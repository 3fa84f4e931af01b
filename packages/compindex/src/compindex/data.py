"""Unit data (COINr's ``iData``) and the :class:`Dataset` matrix passed between steps.

Every step of the pipeline is a pure function over a :class:`Dataset`: a float
matrix (units x codes, ``NaN`` = missing) with its row labels (``uCode``) and
column labels (indicator or aggregate codes). :class:`UnitData` holds everything
else about the units: names, time, group columns and denominators.

:func:`parse_data` checks the unit data against the metadata the way COINr's
``new_coin()`` does (codes present both ways, numeric indicators, unique units),
reporting each bad cell by row, column and unit code.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from .errors import IndexInputError, Problem
from .meta import MISSING_TOKENS, IndexMeta, is_missing, parse_number
from .numeric import FloatArray, r_sort_key

if TYPE_CHECKING:
    import pandas as pd

    from .table import Table

SPECIAL_COLUMNS = ("uCode", "uName", "Time")
MAX_CELL_PROBLEMS = 20


@dataclass(frozen=True)
class Dataset:
    """A units x codes float matrix with labels (one COINr data set)."""

    ucodes: tuple[str, ...]
    codes: tuple[str, ...]
    values: FloatArray

    def column(self, code: str) -> FloatArray:
        """Values of one code (a view)."""
        return self.values[:, self.codes.index(code)]

    def subset_rows(self, keep: np.ndarray) -> Dataset:
        """Rows where the boolean mask ``keep`` is true."""
        idx = np.flatnonzero(keep)
        return Dataset(tuple(self.ucodes[i] for i in idx), self.codes, self.values[idx].copy())

    def with_values(self, values: FloatArray) -> Dataset:
        """Same labels, new values."""
        return replace(self, values=values)

    def with_columns(self, codes: list[str], values: FloatArray) -> Dataset:
        """Append columns."""
        return Dataset(self.ucodes, (*self.codes, *codes), np.hstack([self.values, values]))

    def to_frame(self) -> pd.DataFrame:
        """As a pandas frame with a leading ``uCode`` column."""
        import pandas as pd

        df = pd.DataFrame(self.values, columns=list(self.codes))
        df.insert(0, "uCode", list(self.ucodes))
        return df


@dataclass(frozen=True)
class UnitData:
    """Validated unit data: indicator matrix plus unit-level metadata columns.

    ``raw`` rows follow COINr's order (by ``uCode``, or by ``Time`` then ``uCode`` for
    panel data); ``raw`` columns follow the indicator order of ``iMeta``.
    """

    raw: Dataset
    names: tuple[str, ...]
    times: FloatArray | None
    groups: dict[str, tuple[str | None, ...]] = field(default_factory=dict)
    numeric: dict[str, FloatArray] = field(default_factory=dict)

    @property
    def is_panel(self) -> bool:
        """True when the data has more than one distinct ``Time``."""
        return self.times is not None and np.unique(self.times[~np.isnan(self.times)]).size > 1

    def rows_for(self, ucodes: tuple[str, ...]) -> np.ndarray:
        """Row indices of ``ucodes`` within the (single-time) data."""
        pos = {u: i for i, u in enumerate(self.raw.ucodes)}
        return np.array([pos[u] for u in ucodes], dtype=np.intp)

    def select_rows(self, mask: np.ndarray) -> UnitData:
        """Restrict every column to the rows in the boolean ``mask``."""
        idx = np.flatnonzero(mask)
        return UnitData(
            raw=self.raw.subset_rows(mask),
            names=tuple(self.names[i] for i in idx),
            times=None if self.times is None else self.times[idx],
            groups={k: tuple(v[i] for i in idx) for k, v in self.groups.items()},
            numeric={k: v[idx] for k, v in self.numeric.items()},
        )


def read_data_csv(path: str) -> pd.DataFrame:
    """Read an iData CSV keeping every cell as text (parsed by :func:`parse_data`)."""
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False)


def parse_data(table: pd.DataFrame | Table, meta: IndexMeta) -> UnitData:
    """Validate ``iData`` against ``meta`` and build :class:`UnitData`.

    Raises :class:`IndexInputError` with every problem found.
    """
    problems: list[Problem] = []
    if "uCode" not in table.columns:
        raise IndexInputError([Problem("iData", "required column 'uCode' is missing")])
    _check_columns(table, meta, problems)
    ucodes = [("" if is_missing(u) else str(u).strip()) for u in table["uCode"].tolist()]
    for i, u in enumerate(ucodes):
        if not u:
            problems.append(Problem(f"iData row {i + 2}", "uCode is empty"))
    numeric_cols = [
        c
        for c in table.columns
        if c in meta.by_code and meta.by_code[c].type in ("Indicator", "Denominator")
    ]
    if "Time" in table.columns:
        numeric_cols.append("Time")
    parsed = {c: _parse_numeric_column(table, c, ucodes, problems) for c in numeric_cols}
    times = parsed.get("Time")
    if times is not None:
        _check_panel_times(table, times, ucodes, problems)
    _check_duplicates(ucodes, times, problems)
    if problems:
        raise IndexInputError(problems)
    order = _coinr_row_order(ucodes, times)
    return _build(table, meta, ucodes, parsed, order)


def _check_columns(table: pd.DataFrame | Table, meta: IndexMeta, problems: list[Problem]) -> None:
    seen: set[str] = set()
    for col in table.columns:
        if col in seen:
            problems.append(Problem("iData", f"column '{col}' appears more than once"))
        seen.add(col)
        if col not in SPECIAL_COLUMNS and col not in meta.by_code:
            problems.append(
                Problem(
                    f"iData column '{col}'",
                    "not described in iMeta; add an iMeta row for it (Type 'Other' to pass "
                    "it through unused)",
                )
            )
    for r in meta.rows:
        if r.type != "Aggregate" and r.code not in table.columns:
            problems.append(
                Problem(
                    f"iMeta (iCode '{r.code}')",
                    f"Type '{r.type}' code has no column in iData",
                )
            )
        if r.type == "Indicator" and r.denominator is not None:
            d = meta.by_code.get(r.denominator)
            if r.denominator not in table.columns:
                problems.append(
                    Problem(
                        f"iMeta (iCode '{r.code}')",
                        f"Denominator '{r.denominator}' is not a column of iData",
                    )
                )
            elif d is None or d.type not in ("Denominator", "Indicator", "Other"):
                problems.append(
                    Problem(
                        f"iMeta (iCode '{r.code}')",
                        f"Denominator '{r.denominator}' must have Type 'Denominator' in iMeta",
                    )
                )


def _plain_numbers(raw: list[object]) -> FloatArray | None:
    """The common column in one pass: text numbers and missing tokens as a CSV holds
    them, or floats. ``None`` when a cell needs :func:`parse_number`'s careful look
    (a token with spaces, a logical, text, an integer object...), which then parses the
    whole column; every cell accepted here is what :func:`parse_number` makes of it."""
    nan = float("nan")
    out: list[float] = []
    append = out.append
    try:
        for cell in raw:
            if isinstance(cell, str):
                append(nan if cell in MISSING_TOKENS else float(cell))
            elif isinstance(cell, float):
                append(cell)
            else:
                return None
    except ValueError:
        return None
    return np.array(out, dtype=np.float64)


def _parse_numeric_column(
    table: pd.DataFrame | Table, col: str, ucodes: list[str], problems: list[Problem]
) -> FloatArray:
    raw = table[col].tolist()
    plain = _plain_numbers(raw)
    if plain is not None:
        return plain
    out = np.full(len(raw), np.nan)
    bad = 0
    for i, cell in enumerate(raw):
        try:
            v = parse_number(cell)
        except ValueError:
            bad += 1
            if bad <= MAX_CELL_PROBLEMS:
                problems.append(
                    Problem(
                        f"iData row {i + 2} (uCode '{ucodes[i]}'), column '{col}'",
                        f"value '{cell}' is not a number (use NA or leave empty for missing)",
                    )
                )
            continue
        if v is not None:
            out[i] = v
    if bad > MAX_CELL_PROBLEMS:
        problems.append(
            Problem(f"iData column '{col}'", f"{bad - MAX_CELL_PROBLEMS} more non-numeric values")
        )
    return out


def _check_panel_times(
    table: pd.DataFrame | Table, times: FloatArray, ucodes: list[str], problems: list[Problem]
) -> None:
    """Panel data (several Time values) needs a finite Time on every row.

    Rows whose Time is not a number are already reported by the numeric parser.
    """
    if np.unique(times[np.isfinite(times)]).size < 2:
        return
    cells = table["Time"].tolist()
    bad = [i for i, t in enumerate(times) if not np.isfinite(t) and _blank_or_infinite(cells[i])]
    for i in bad[:MAX_CELL_PROBLEMS]:
        problems.append(
            Problem(
                f"iData row {i + 2} (uCode '{ucodes[i]}'), column 'Time'",
                "Time is missing or infinite; panel data needs a Time value on every row",
            )
        )
    if len(bad) > MAX_CELL_PROBLEMS:
        problems.append(
            Problem(
                "iData column 'Time'", f"{len(bad) - MAX_CELL_PROBLEMS} more missing Time values"
            )
        )


def _blank_or_infinite(cell: object) -> bool:
    try:
        value = parse_number(cell)
    except ValueError:
        return False  # not a number: reported by the numeric parser
    return value is None or not np.isfinite(value)


def split_times(units: UnitData, split_to: str | tuple[float, ...]) -> list[float]:
    """Time points of the coins COINr's ``new_coin(split_to = ...)`` makes, ascending.

    ``split_to`` is ``"all"`` or a list of Time values, each of which must be in iData.
    Returns ``[]`` when iData has no Time column (nothing to split: one build).
    """
    if units.times is None:
        return []
    present = np.unique(units.times[np.isfinite(units.times)])
    if split_to == "all":
        return [float(t) for t in present]
    missing = [t for t in split_to if t not in present]
    if missing:
        have = ", ".join(f"{t:g}" for t in present)
        raise IndexInputError(
            [
                Problem(
                    "pipeline spec: split_to",
                    f"no data for Time {', '.join(f'{t:g}' for t in missing)} "
                    f"(iData has Time {have})",
                )
            ]
        )
    return sorted(float(t) for t in split_to)


def _check_duplicates(ucodes: list[str], times: FloatArray | None, problems: list[Problem]) -> None:
    seen: dict[tuple[str, float], int] = {}
    for i, u in enumerate(ucodes):
        t = float(times[i]) if times is not None else 0.0
        key = (u, t)
        if key in seen:
            extra = f" and Time {t:g}" if times is not None else ""
            problems.append(
                Problem(
                    f"iData row {i + 2}",
                    f"duplicate unit: uCode '{u}'{extra} already in row {seen[key] + 2}",
                )
            )
        else:
            seen[key] = i


def _coinr_row_order(ucodes: list[str], times: FloatArray | None) -> list[int]:
    """COINr sorts by uCode, or by Time then uCode for panel data."""
    panel = times is not None and np.unique(times[~np.isnan(times)]).size > 1
    if panel and times is not None:
        t = times
        return sorted(range(len(ucodes)), key=lambda i: (float(t[i]), r_sort_key(ucodes[i])))
    return sorted(range(len(ucodes)), key=lambda i: r_sort_key(ucodes[i]))


def _build(
    table: pd.DataFrame | Table,
    meta: IndexMeta,
    ucodes: list[str],
    parsed: dict[str, FloatArray],
    order: list[int],
) -> UnitData:
    idx = np.array(order, dtype=np.intp)
    ind = list(meta.indicator_codes)
    values = np.column_stack([parsed[c][idx] for c in ind]) if ind else np.empty((len(idx), 0))
    names_col = table["uName"].tolist() if "uName" in table.columns else ucodes
    groups: dict[str, tuple[str | None, ...]] = {}
    numeric: dict[str, FloatArray] = {}
    for col in table.columns:
        if col in SPECIAL_COLUMNS or col in ind:
            continue
        if col in parsed:
            numeric[col] = parsed[col][idx]
        else:
            cells = table[col].tolist()
            groups[col] = tuple(None if is_missing(cells[i]) else str(cells[i]) for i in idx)
    return UnitData(
        raw=Dataset(tuple(ucodes[i] for i in idx), tuple(ind), values.astype(np.float64)),
        names=tuple(str(names_col[i]) for i in idx),
        times=parsed["Time"][idx] if "Time" in parsed else None,
        groups=groups,
        numeric=numeric,
    )

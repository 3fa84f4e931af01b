"""Reading demand and candidate points from CSV text, with messages naming the row.

The command line and the app both read through here, so a bad file gets the same
clear message everywhere: which input, which line, which column, what to change.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np

from .geometry import Frame, Points


class InputError(ValueError):
    """Bad input: the message says which input to change (and where)."""


@dataclass(frozen=True)
class Demand:
    """Demand points with a weight each and, optionally, their own walking radius."""

    points: Points
    weight: np.ndarray
    radius: np.ndarray | None  # metres per point; None: the plan's radius for all


_LAT = ("lat", "latitude")
_LON = ("lon", "lng", "long", "longitude")


def _header(fields: list[str], name: str) -> dict[str, int]:
    return {f.strip().lower().lstrip("\ufeff"): i for i, f in enumerate(fields)}


def _pick(cols: dict[str, int], names: tuple[str, ...]) -> int | None:
    for n in names:
        if n in cols:
            return cols[n]
    return None


def _number(text: str, name: str, line: int, column: str) -> float:
    raw = text.strip()
    try:
        value = float(raw)
    except ValueError:
        raise InputError(f"{name}, line {line}: {column} {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(f"{name}, line {line}: {column} {raw!r} is not a finite number")
    return value


def read_points(
    text: str, name: str, *, weights: bool
) -> tuple[Points, list[float], list[float] | None]:
    """Parse ``id,x,y`` (or ``id,lat,lon``) rows, plus ``weight`` (and an optional
    ``radius``) when ``weights``. ``name`` is how messages name the input."""
    rows = list(csv.reader(io.StringIO(text)))
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise InputError(f"{name} is empty: it needs a header line and one row per point")
    cols = _header(rows[0], name)
    id_col = cols.get("id")
    x_col, y_col = cols.get("x"), cols.get("y")
    lat_col, lon_col = _pick(cols, _LAT), _pick(cols, _LON)
    wanted = "id,x,y" + (",weight" if weights else "")
    if id_col is None:
        raise InputError(f"{name}: the header has no 'id' column (expected {wanted})")
    if x_col is not None and y_col is not None:
        frame, ca, cb, labels = Frame.PLANE, x_col, y_col, ("x", "y")
    elif lat_col is not None and lon_col is not None:
        frame, ca, cb, labels = Frame.GLOBE, lat_col, lon_col, ("lat", "lon")
    else:
        raise InputError(
            f"{name}: the header needs 'x' and 'y' columns (metres) or 'lat' and 'lon' "
            f"(expected {wanted})"
        )
    w_col = cols.get("weight")
    r_col = cols.get("radius")
    if weights and w_col is None:
        raise InputError(f"{name}: the header has no 'weight' column (expected {wanted})")
    needed = max(c for c in (id_col, ca, cb, w_col if weights else None, r_col) if c is not None)

    ids: list[str] = []
    first_line: dict[str, int] = {}
    a: list[float] = []
    b: list[float] = []
    w: list[float] = []
    r: list[float] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue  # blank lines are not points
        if len(row) <= needed:
            raise InputError(f"{name}, line {line}: too few values (expected {wanted})")
        ident = row[id_col].strip()
        if not ident:
            raise InputError(f"{name}, line {line}: the id is empty")
        if ident in first_line:
            raise InputError(
                f"{name}, line {line}: id {ident!r} already used on line {first_line[ident]}"
            )
        first_line[ident] = line
        va = _number(row[ca], name, line, labels[0])
        vb = _number(row[cb], name, line, labels[1])
        if frame is Frame.GLOBE and not (-90.0 <= va <= 90.0 and -180.0 <= vb <= 180.0):
            raise InputError(
                f"{name}, line {line}: lat must be within -90..90 and lon within -180..180"
            )
        ids.append(ident)
        a.append(va)
        b.append(vb)
        if weights:
            assert w_col is not None
            weight = _number(row[w_col], name, line, "weight")
            if weight < 0:
                raise InputError(f"{name}, line {line}: weight must not be negative")
            w.append(weight)
            if r_col is not None:
                cell = row[r_col].strip()
                radius = _number(cell, name, line, "radius") if cell else math.nan
                if cell and radius <= 0:
                    raise InputError(f"{name}, line {line}: radius must be more than 0")
                r.append(radius)
    if not ids:
        raise InputError(f"{name} has a header but no rows")
    points = Points(
        tuple(ids), np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), frame
    )
    return points, w, (r if weights and r_col is not None else None)


def read_demand(text: str, name: str = "demand.csv") -> Demand:
    points, w, r = read_points(text, name, weights=True)
    radius = None if r is None else np.asarray(r, dtype=np.float64)
    return Demand(points, np.asarray(w, dtype=np.float64), radius)


def read_candidates(text: str, name: str = "candidates.csv") -> Points:
    points, _, _ = read_points(text, name, weights=False)
    return points

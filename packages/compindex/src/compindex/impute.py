"""Imputation of missing values, mirroring COINr ``Impute()`` and its ``i_*`` functions.

Column-wise (the default, ``impute_by = "column"``) each indicator is imputed on its
own:

* ``i_mean`` / ``i_median``: the column mean / median of the non-missing values;
* ``i_mean_grp`` / ``i_median_grp``: the mean / median within the unit's group
  (``use_group``); units whose group is missing are left untouched, and a group with
  no observed value stays missing, as in COINr.

Row-wise (``impute_by = "row"``) a unit's missing values get the mean/median of its
other indicators; as COINr does by default, columns are first min-max scaled (after
applying directions) and scaled back afterwards (``normalise_first``), optionally
within the indicator groups of ``group_level``.

Panel data (several ``Time`` values per unit) is imputed by :func:`impute_panel`
(COINr ``impute_panel()``): ``"latest"`` takes the latest earlier observation (up to
``max_time`` time points back), ``"constant"`` and ``"linear"`` interpolate along each
unit's time series like ``stats::approx(rule = 2)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .errors import IndexInputError, Problem
from .numeric import BoolArray, FloatArray

COLUMN_METHODS = ("i_mean", "i_median", "i_mean_grp", "i_median_grp")
PANEL_TYPES = ("latest", "constant", "linear")


def _centre(values: FloatArray, method: str) -> FloatArray:
    """Column means or medians ignoring NaN (NaN for all-missing columns)."""
    out = np.full(values.shape[1], np.nan)
    has = ~np.all(np.isnan(values), axis=0)
    if method.startswith("i_median"):
        out[has] = np.nanmedian(values[:, has], axis=0)
    else:
        out[has] = np.nanmean(values[:, has], axis=0)
    return out


def _fill(values: FloatArray, fill: FloatArray, rows: np.ndarray | None = None) -> None:
    """Replace NaN in ``values[rows]`` by the per-column ``fill`` (in place)."""
    block = values if rows is None else values[rows]
    nan = np.isnan(block)
    block[nan] = np.broadcast_to(fill, block.shape)[nan]
    if rows is not None:
        values[rows] = block


def check_not_all_missing(values: FloatArray, codes: Sequence[str]) -> None:
    """COINr refuses to impute a column with no data at all; say which ones."""
    empty = np.all(np.isnan(values), axis=0)
    if np.any(empty):
        raise IndexInputError(
            [
                Problem(
                    f"impute (iCode '{codes[int(j)]}')",
                    "every value is missing, so it cannot be imputed; remove the indicator "
                    "or fix its data",
                )
                for j in np.flatnonzero(empty)
            ]
        )


def impute_columns(
    values: FloatArray,
    codes: Sequence[str],
    f_i: str,
    groups: Sequence[str | None] | None = None,
    skip_f_na: bool = True,
) -> FloatArray:
    """Column-wise imputation (COINr ``impute_by = "column"``). Returns a new array."""
    out = values.copy()
    if not np.any(np.isnan(out)):
        return out
    check_not_all_missing(out, codes)
    if f_i in ("i_mean", "i_median"):
        _fill(out, _centre(out, f_i))
        return out
    if groups is None:
        raise IndexInputError(
            [Problem("impute", f"f_i '{f_i}' needs a grouping column: set 'use_group'")]
        )
    if not skip_f_na and any(g is None for g in groups):
        raise IndexInputError(
            [Problem("impute", "the group column has missing values and skip_f_na is false")]
        )
    labels = np.array(["" if g is None else g for g in groups], dtype=object)
    known = np.array([g is not None for g in groups], dtype=bool)
    for g in dict.fromkeys(labels[known]):
        rows = np.flatnonzero(known & (labels == g))
        _fill(out, _centre(out[rows], f_i), rows)
    return out


def impute_rows(
    values: FloatArray,
    f_i: str,
    directions: FloatArray,
    normalise_first: bool = True,
    column_groups: Sequence[str] | None = None,
) -> FloatArray:
    """Row-wise imputation (COINr ``impute_by = "row"``), optionally by column groups.

    With ``normalise_first`` each column is multiplied by its direction and min-max
    scaled to [0, 1] before imputing, then transformed back (COINr's default).
    """
    if f_i not in ("i_mean", "i_median"):
        raise IndexInputError(
            [Problem("impute", f"impute_by 'row' supports i_mean and i_median, not '{f_i}'")]
        )
    out = values.copy()
    if not np.any(np.isnan(out)):
        return out
    if column_groups is None:
        column_groups = ["all"] * out.shape[1]
    labels = np.array(column_groups, dtype=object)
    for g in dict.fromkeys(column_groups):
        cols = np.flatnonzero(labels == g)
        out[:, cols] = _impute_row_block(out[:, cols], f_i, directions[cols], normalise_first)
    return out


def _impute_row_block(
    block: FloatArray, f_i: str, directions: FloatArray, normalise_first: bool
) -> FloatArray:
    x = block * directions if normalise_first else block.copy()
    if normalise_first:
        mn = np.nanmin(x, axis=0)
        mx = np.nanmax(x, axis=0)
        x = (x - mn) / (mx - mn)
    imputed = _centre(x.T, f_i)
    nan = np.isnan(x)
    x[nan] = np.broadcast_to(imputed[:, None], x.shape)[nan]
    if normalise_first:
        x = (x * (mx - mn) + mn) * directions
    result = block.copy()
    result[nan] = x[nan]
    return result


def impute_panel(
    values: FloatArray,
    ucodes: Sequence[str],
    times: FloatArray,
    imp_type: str = "latest",
    max_time: int | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Impute panel data along each unit's time series (COINr ``impute_panel()``).

    Returns the imputed values and, for each cell, the time its value came from
    (NaN where still missing).
    """
    if imp_type not in PANEL_TYPES:
        raise IndexInputError(
            [
                Problem(
                    "impute (impute_panel)",
                    f"imp_type '{imp_type}' unknown; use one of {', '.join(PANEL_TYPES)}",
                )
            ]
        )
    years = np.unique(times[~np.isnan(times)])
    if years.size < 2:
        raise IndexInputError(
            [Problem("impute (impute_panel)", "needs data for at least two Time values")]
        )
    out = values.copy()
    source = np.where(np.isnan(values), np.nan, times[:, None])
    units = np.array(ucodes, dtype=object)
    for u in dict.fromkeys(ucodes):
        rows = np.flatnonzero(units == u)
        rows = rows[np.argsort(times[rows], kind="stable")]
        if imp_type == "latest":
            _latest(values, out, source, rows, times, years, max_time)
        else:
            _interpolate(values, out, source, rows, times, imp_type)
    return out, source


def _latest(
    orig: FloatArray,
    out: FloatArray,
    source: FloatArray,
    rows: np.ndarray,
    times: FloatArray,
    years: FloatArray,
    max_time: int | None,
) -> None:
    row_at = {float(times[r]): int(r) for r in rows}
    for r in rows:
        missing: BoolArray = np.isnan(orig[r])
        if not missing.any():
            continue
        older = years[years < times[r]][::-1]
        if max_time is not None:
            older = older[:max_time]
        for t in older:
            r_old = row_at.get(float(t))
            if r_old is None:
                continue
            take = missing & ~np.isnan(orig[r_old])
            out[r, take] = orig[r_old, take]
            source[r, take] = t
            missing = missing & ~take
            if not missing.any():
                break


def _interpolate(
    orig: FloatArray,
    out: FloatArray,
    source: FloatArray,
    rows: np.ndarray,
    times: FloatArray,
    imp_type: str,
) -> None:
    t = times[rows]
    for j in range(orig.shape[1]):
        y = orig[rows, j]
        ok = ~np.isnan(y)
        if ok.all() or not ok.any():
            continue
        tx, ty = t[ok], y[ok]
        tm = t[~ok]
        if imp_type == "linear":
            filled = np.interp(tm, tx, ty)
        else:
            pos = np.searchsorted(tx, tm, side="right") - 1
            filled = ty[np.clip(pos, 0, tx.size - 1)]
        out[rows[~ok], j] = filled
        source[rows[~ok], j] = tm

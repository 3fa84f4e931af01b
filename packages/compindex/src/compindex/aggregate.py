"""Aggregation up the index tree, mirroring COINr ``Aggregate()`` and its ``a_*`` functions.

Level by level (2 to the top), the codes of the level below are grouped by
``Parent`` (groups in R's alphabetical ``tapply`` order, children in COINr's iMeta
order) and each group is aggregated row-wise with weights (relative, renormalised
within the group):

* ``a_amean``: weighted arithmetic mean; missing values are dropped and the
  remaining weights renormalised (a row with no data gives NaN);
* ``a_gmean``: ``exp(sum(w log x)/sum(w))`` over non-missing values; needs x > 0;
* ``a_hmean``: ``sum(w)/sum(w/x)`` over non-missing values; needs x != 0;
* ``a_genmean(p)``: ``(sum(w x^p)/sum(w))^(1/p)``; as in COINr, a row with any
  missing value gives NaN, ``p = 0`` is refused and ``p < 0`` needs x > 0;
* ``a_copeland``: Copeland scores from the weighted outranking matrix (by data
  frame). COINr 1.1.14 maps outranking values of exactly 0.5 (ties) to -1, because it
  recodes ``== 0.5`` to 0 before recoding ``< 0.5`` to -1; this is reproduced.

``dat_thresh`` sets a row's result to NaN when its share of non-missing values in
the group is below the threshold (not used by ``a_copeland``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .data import Dataset
from .errors import IndexInputError, Problem
from .meta import IndexMeta
from .numeric import FloatArray

AGGREGATORS = ("a_amean", "a_gmean", "a_hmean", "a_genmean", "a_copeland")
AGG_PARAMETERS: dict[str, tuple[str, ...]] = {
    "a_amean": (),
    "a_gmean": (),
    "a_hmean": (),
    "a_genmean": ("p",),
    "a_copeland": (),
}


@dataclass
class LevelSpec:
    """How to aggregate into one level: method, parameters, weights, threshold."""

    f_ag: str = "a_amean"
    f_ag_para: dict[str, Any] = field(default_factory=dict)
    weights: Mapping[str, float] | None = None
    dat_thresh: float | None = None


class _GroupError(Exception):
    def __init__(self, message: str, cols: Sequence[int] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.cols = list(cols)


def _masked(x: FloatArray) -> tuple[np.ndarray, FloatArray]:
    ok = ~np.isnan(x)
    return ok, np.where(ok, x, 0.0)


def a_amean(x: FloatArray, w: FloatArray) -> FloatArray:
    """Row-wise weighted arithmetic mean ignoring NaN (COINr ``a_amean``)."""
    ok, xz = _masked(x)
    den = ok @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (xz @ w) / den
    y[~ok.any(axis=1)] = np.nan
    return y


def a_gmean(x: FloatArray, w: FloatArray) -> FloatArray:
    """Row-wise weighted geometric mean ignoring NaN (COINr ``a_gmean``)."""
    bad = np.any(x <= 0, axis=0)
    if np.any(bad):
        raise _GroupError(
            "zero or negative values: a geometric mean needs x > 0", np.flatnonzero(bad).tolist()
        )
    ok = ~np.isnan(x)
    logs = np.where(ok, np.log(np.where(ok, x, 1.0)), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.exp((logs @ w) / (ok @ w))
    y[~ok.any(axis=1)] = np.nan
    return y


def a_hmean(x: FloatArray, w: FloatArray) -> FloatArray:
    """Row-wise weighted harmonic mean ignoring NaN (COINr ``a_hmean``)."""
    bad = np.any(x == 0, axis=0)
    if np.any(bad):
        raise _GroupError("zero values: a harmonic mean needs x != 0", np.flatnonzero(bad).tolist())
    ok = ~np.isnan(x)
    inv = np.where(ok, 1.0 / np.where(ok, x, 1.0), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = (ok @ w) / (inv @ w)
    y[~ok.any(axis=1)] = np.nan
    return y


def a_genmean(x: FloatArray, w: FloatArray, p: float) -> FloatArray:
    """Row-wise weighted generalised mean (COINr ``a_genmean``; NaN if any value missing)."""
    if p == 0:
        raise _GroupError("p = 0 is not allowed (it is the geometric mean: use a_gmean)")
    if p < 0:
        bad = np.any(x <= 0, axis=0)
        if np.any(bad):
            raise _GroupError(
                "zero or negative values with negative p: the generalised mean needs x > 0",
                np.flatnonzero(bad).tolist(),
            )
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        y = ((x**p) @ w / np.sum(w)) ** (1.0 / p)
    return np.asarray(y, dtype=np.float64)


def outrank_matrix(x: FloatArray, w: FloatArray) -> FloatArray:
    """COINr ``outrankMatrix()``: share of weight where row i beats row j (ties count half)."""
    wn = w / np.nansum(w)
    n = x.shape[0]
    orm = np.zeros((n, n))
    for k in range(x.shape[1]):
        col = x[:, k]
        orm += wn[k] * (col[:, None] > col[None, :])
        orm += wn[k] / 2 * (col[:, None] == col[None, :])
    upper = np.triu(orm, 1)
    full = upper + np.tril(1 - upper.T, -1)
    np.fill_diagonal(full, 0.0)
    return full


def a_copeland(x: FloatArray, w: FloatArray) -> FloatArray:
    """Copeland scores as computed by COINr 1.1.14 (ties recoded to -1, see module doc)."""
    orm = outrank_matrix(x, w)
    out = orm.copy()
    out[orm > 0.5] = 1.0
    out[orm == 0.5] = 0.0
    out[out < 0.5] = -1.0
    np.fill_diagonal(out, 0.0)
    return np.asarray(out.sum(axis=1), dtype=np.float64)


_ROWWISE: dict[str, Callable[..., FloatArray]] = {
    "a_amean": a_amean,
    "a_gmean": a_gmean,
    "a_hmean": a_hmean,
    "a_genmean": a_genmean,
    "a_copeland": a_copeland,
}


def aggregate_group(x: FloatArray, w: FloatArray, spec: LevelSpec) -> FloatArray:
    """Aggregate one group's block ``x`` (units x children) with weights ``w``."""
    func = _ROWWISE[spec.f_ag]
    if spec.f_ag == "a_copeland":
        return func(x, w)
    thresh = spec.dat_thresh
    keep = np.ones(x.shape[0], dtype=bool)
    if thresh is not None:
        keep = (np.sum(~np.isnan(x), axis=1) / x.shape[1]) >= thresh
    y = np.full(x.shape[0], np.nan)
    if np.any(keep):
        y[keep] = func(x[keep], w, **spec.f_ag_para)
    return y


def aggregate_level(data: Dataset, meta: IndexMeta, level: int, spec: LevelSpec) -> Dataset:
    """Create the aggregates of ``level`` from the codes of ``level - 1`` in ``data``.

    Returns ``data`` with the new columns appended (groups in R ``tapply`` order).
    """
    cols = {c: j for j, c in enumerate(data.codes)}
    new_codes: list[str] = []
    new_values: list[FloatArray] = []
    problems: list[Problem] = []
    for parent in meta.groups_at(level):
        kids = meta.children(parent)
        absent = [k for k in kids if k not in cols]
        if absent:
            problems.append(
                Problem(f"aggregate (group '{parent}')", f"missing data for {', '.join(absent)}")
            )
            continue
        x = data.values[:, [cols[k] for k in kids]]
        w = _group_weights(kids, spec, meta)
        try:
            new_values.append(aggregate_group(x, w, spec))
        except _GroupError as exc:
            problems.append(_group_problem(parent, kids, spec, exc))
            continue
        new_codes.append(parent)
    if problems:
        raise IndexInputError(problems)
    return data.with_columns(new_codes, np.column_stack(new_values))


def aggregate(data: Dataset, meta: IndexMeta, levels: Sequence[LevelSpec]) -> Dataset:
    """Aggregate ``data`` (indicator columns) up to the top level.

    ``levels[i]`` is used to create level ``i + 2``. Returns the indicators followed
    by all aggregates (COINr's ``Aggregated`` data set).
    """
    if len(levels) != meta.max_level - 1:
        raise IndexInputError(
            [Problem("aggregate", f"expected {meta.max_level - 1} level specifications")]
        )
    for lev in range(2, meta.max_level + 1):
        data = aggregate_level(data, meta, lev, levels[lev - 2])
    return data


def _group_weights(kids: Sequence[str], spec: LevelSpec, meta: IndexMeta) -> FloatArray:
    if spec.weights is None:
        return np.ones(len(kids))
    return np.array([float(spec.weights.get(k, meta.weight(k))) for k in kids])


def _group_problem(parent: str, kids: Sequence[str], spec: LevelSpec, exc: _GroupError) -> Problem:
    names = ", ".join(f"'{kids[c]}'" for c in exc.cols)
    where = f"aggregate (group '{parent}', {spec.f_ag})"
    msg = exc.message + (f" in {names}" if names else "")
    if spec.f_ag in ("a_gmean", "a_hmean", "a_genmean"):
        msg += (
            "; normalise to a strictly positive range first, e.g. n_minmax with "
            "f_n_para [1, 100], or use a_amean"
        )
    return Problem(where, msg)

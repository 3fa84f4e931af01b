"""Weights: metadata weights, equal weights, PCA weights and effective weights.

* Metadata weights are the ``Weight`` column of ``iMeta``; like COINr they are
  relative within each aggregation group (renormalised when aggregating).
* :func:`pca_weights` mirrors COINr ``get_PCA()``: within each group, a PCA on the
  standardised, complete-case data (``prcomp(center = TRUE, scale = TRUE)``) and the
  loadings of the first component as weights. The sign of a principal component is
  arbitrary (LAPACK decides, in R as here); loadings may be negative.
* :func:`effective_weights` mirrors COINr ``get_eff_wts()``: each weight divided by
  its group total and multiplied by its parent's effective weight, top-down.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from .data import Dataset
from .errors import IndexInputError, Problem
from .meta import IndexMeta
from .table import Table

if TYPE_CHECKING:
    import pandas as pd

WeightMap = dict[str, float]


def meta_weights(meta: IndexMeta) -> WeightMap:
    """``Weight`` column of iMeta for indicators and aggregates."""
    return {r.code: meta.weight(r.code) for r in meta.structural_rows}


def equal_weights(meta: IndexMeta) -> WeightMap:
    """Weight 1 for every indicator and aggregate (equal within each group)."""
    return {r.code: 1.0 for r in meta.structural_rows}


def pca_group_weights(block: np.ndarray, where: str) -> np.ndarray:
    """First-component loadings of a standardised complete-case PCA of ``block``."""
    k = block.shape[1]
    if k == 1:
        return np.ones(1)
    complete = block[~np.any(np.isnan(block), axis=1)]
    if complete.shape[0] < 2:
        raise IndexInputError(
            [Problem(where, "PCA weights need at least two units with complete data")]
        )
    sd = complete.std(axis=0, ddof=1)
    if np.any(sd == 0):
        raise IndexInputError([Problem(where, "PCA weights: a column has zero variance")])
    z = (complete - complete.mean(axis=0)) / sd
    if not np.all(np.isfinite(z)):
        raise IndexInputError([Problem(where, "PCA weights need finite data")])
    _, _, vt = np.linalg.svd(z, full_matrices=False)
    w = np.asarray(vt[0], dtype=np.float64)
    if abs(w.sum()) < 1e-8 * np.abs(w).sum():
        raise IndexInputError(
            [
                Problem(
                    where,
                    "the first-component loadings cancel out (they sum to zero), so they "
                    "cannot be used as relative weights; use metadata or equal weights",
                )
            ]
        )
    return w


def pca_weights(data: Dataset, meta: IndexMeta, level: int) -> WeightMap:
    """PCA weights for the codes at ``level`` grouped by parent (COINr ``get_PCA``)."""
    out: WeightMap = {}
    for parent in meta.groups_at(level + 1):
        kids = meta.children(parent)
        missing = [c for c in kids if c not in data.codes]
        if missing:
            raise IndexInputError(
                [Problem("weights (PCA)", f"codes not in data: {', '.join(missing)}")]
            )
        block = data.values[:, [data.codes.index(c) for c in kids]]
        w = pca_group_weights(block, f"weights (PCA, group '{parent}')")
        out.update(zip(kids, w.tolist(), strict=True))
    return out


def effective_weights(meta: IndexMeta, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """COINr ``get_eff_wts()``: columns iCode, Level, Weight, EffWeight.

    Rows follow COINr's internal iMeta order (by Level, then Parent).
    """
    return effective_weights_table(meta, weights).to_frame()


def effective_weights_table(meta: IndexMeta, weights: Mapping[str, float] | None = None) -> Table:
    """:func:`effective_weights` as a plain :class:`~compindex.table.Table`."""
    w = dict(meta_weights(meta))
    if weights:
        w.update(weights)
    rows = meta.structural_rows
    group_sum: dict[str | None, float] = {}
    for r in rows:
        key = None if r.level == meta.max_level else r.parent
        group_sum[key] = group_sum.get(key, 0.0) + w[r.code]
    eff: dict[str, float] = {}
    for r in sorted(rows, key=lambda r: -(r.level or 0)):
        key = None if r.level == meta.max_level else r.parent
        local = w[r.code] / group_sum[key]
        eff[r.code] = local if key is None else local * eff[key]
    return Table(
        {
            "iCode": [r.code for r in rows],
            "Level": [r.level for r in rows],
            "Weight": [w[r.code] for r in rows],
            "EffWeight": [eff[r.code] for r in rows],
        }
    )

"""Results tables, mirroring COINr ``get_results()``.

* ``tab_type = "Aggs"`` (default here): ``uCode``, ``Rank``, then every aggregate from
  the top level down (within a level in COINr's iMeta order);
* ``"Summ"``: ``uCode``, the index (or ``order_by``) and ``Rank``;
* ``"Full"``: as ``"Aggs"`` followed by the indicators in lineage order.

Ranks are ``rank(-score, ties.method = "min")`` computed on unrounded scores (COINr
1.1.9+); rows are sorted by decreasing score (stable, missing last); numbers are
rounded to ``nround`` decimals. ``use = "ranks"`` replaces every score by its rank.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .data import Dataset
from .errors import IndexInputError, Problem
from .meta import IndexMeta
from .numeric import rank_desc
from .table import Table

if TYPE_CHECKING:
    import pandas as pd

TAB_TYPES = ("Summ", "Aggs", "Full")
USES = ("scores", "ranks")


def round_values(values: np.ndarray, nround: int) -> np.ndarray:
    """Round to ``nround`` decimals, correctly rounding the binary value (like R >= 4.0)."""
    # Python's round() leaves NaN and infinities as they are.
    return np.array([round(v, nround) for v in values.tolist()], dtype=np.float64)


def _results_codes(meta: IndexMeta) -> list[str]:
    """Aggregates from the top level down: ``order(-Level, Parent)`` on iMeta."""
    rows = [r for r in meta.structural_rows if r.type == "Aggregate"]
    return [r.code for r in sorted(rows, key=lambda r: -(r.level or 0))]


def results_table(
    data: Dataset,
    meta: IndexMeta,
    tab_type: str = "Aggs",
    order_by: str | None = None,
    nround: int | None = 2,
    use: str = "scores",
) -> pd.DataFrame:
    """Build a COINr-style results table from an aggregated data set."""
    return results_columns(data, meta, tab_type, order_by, nround, use).to_frame()


def results_columns(
    data: Dataset,
    meta: IndexMeta,
    tab_type: str = "Aggs",
    order_by: str | None = None,
    nround: int | None = 2,
    use: str = "scores",
) -> Table:
    """:func:`results_table` as a plain :class:`~compindex.table.Table` (no pandas):
    rows by descending score (missing last, ties in unit order)."""
    if tab_type not in TAB_TYPES:
        raise IndexInputError(
            [Problem("results", f"tab_type '{tab_type}' unknown; use {', '.join(TAB_TYPES)}")]
        )
    if use not in USES:
        raise IndexInputError([Problem("results", f"use '{use}' unknown; use scores or ranks")])
    sortcode = order_by or meta.top_code()
    if sortcode not in data.codes:
        raise IndexInputError(
            [Problem("results", f"'{sortcode}' is not in the data set (was it aggregated?)")]
        )
    score = data.column(sortcode)
    if tab_type == "Summ":
        cols = ["uCode", sortcode, "Rank"]
    else:
        cols = ["uCode", "Rank", *_results_codes(meta)]
        if tab_type == "Full":
            cols += [chain[0] for chain in meta.lineage()]
    order = np.argsort(np.where(np.isnan(score), np.inf, -score), kind="stable")
    out: dict[str, Any] = {}
    for c in cols:
        if c == "uCode":
            out[c] = [data.ucodes[i] for i in order]
        elif c == "Rank":
            out[c] = rank_desc(score)[order]
        else:
            out[c] = data.column(c)[order]
    value_cols = [c for c in cols if c not in ("uCode", "Rank")]
    if use == "ranks":
        for c in value_cols:
            out[c] = rank_desc(np.asarray(out[c], dtype=np.float64))
        del out["Rank"]
    elif nround is not None:
        for c in value_cols:
            out[c] = round_values(np.asarray(out[c], dtype=np.float64), nround)

    def frame() -> pd.DataFrame:
        import pandas as pd

        table = pd.DataFrame(out)
        return table.astype({"Rank": "Int64"}) if "Rank" in table.columns else table

    return Table(out, frame)

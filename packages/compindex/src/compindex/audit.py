"""Statistical audit of a built index (COINr's analysis functions).

* :func:`indicator_stats` - COINr ``get_stats()``: per-column min/max/mean/median/sd,
  skew and kurtosis (e1071 type 2), availability, zeros, unique values and flags;
* :func:`correlations` - Pearson correlations (pairwise complete) of every code
  with its parent and with the index, as in COINr ``get_corr(withparent)``; plus the
  full matrix via :func:`correlation_matrix`;
* :func:`cronbach` - Cronbach's alpha of each aggregation group (complete cases),
  as COINr ``get_cronbach()``;
* :func:`collinearity` - pairs within the same group correlated at or above a
  threshold (COINr ``get_corr_flags()``, default 0.9);
* per-unit data availability (COINr ``get_data_avail()``).

:func:`audit_panel` audits each time point of a panel build and stacks the tables
with a ``Time`` column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .data import Dataset
from .meta import IndexMeta
from .numeric import FloatArray, kurt, skew
from .panel import PanelResult, with_time
from .pipeline import PipelineResult
from .screen import data_availability


@dataclass(frozen=True)
class Audit:
    """Audit tables of a pipeline result."""

    stats: pd.DataFrame
    correlations: pd.DataFrame
    cronbach: pd.DataFrame
    collinearity: pd.DataFrame
    availability: pd.DataFrame


def indicator_stats(
    data: Dataset,
    t_skew: float = 2.0,
    t_kurt: float = 3.5,
    t_avail: float = 0.65,
    t_zero: float = 0.5,
    t_unq: float = 0.5,
) -> pd.DataFrame:
    """COINr ``get_stats()`` (unrounded) for each column of ``data``."""
    n = data.values.shape[0]
    rows = []
    for j, code in enumerate(data.codes):
        x = data.values[:, j]
        v = x[~np.isnan(x)]
        n_av = v.size
        sk, kt = skew(x), kurt(x)
        nz = int(np.sum(v != 0))
        _, counts = np.unique(v, return_counts=True)
        nunq = counts.size
        nsame = int(counts.max()) if counts.size else 0
        rows.append(
            {
                "iCode": code,
                "Min": v.min() if n_av else np.nan,
                "Max": v.max() if n_av else np.nan,
                "Mean": v.mean() if n_av else np.nan,
                "Median": float(np.median(v)) if n_av else np.nan,
                "Std": v.std(ddof=1) if n_av > 1 else np.nan,
                "Skew": sk,
                "Kurt": kt,
                "N.Avail": n_av,
                "N.NonZero": nz,
                "N.Unique": nunq,
                "N.Same": nsame,
                "Frc.Avail": n_av / n if n else np.nan,
                "Frc.NonZero": nz / n_av if n_av else np.nan,
                "Frc.Unique": nunq / n_av if n_av else np.nan,
                "Frc.Same": nsame / n_av if n_av else np.nan,
                "Flag.Avail": "ok" if n and n_av / n >= t_avail else "LOW",
                "Flag.NonZero": "ok" if n and nz / n >= t_zero else "LOW",
                "Flag.Unique": "ok" if n and nunq / n >= t_unq else "LOW",
                "Flag.SkewKurt": "OUT" if abs(sk) > t_skew and kt > t_kurt else "ok",
            }
        )
    return pd.DataFrame(rows)


def _pair_corr(a: FloatArray, b: FloatArray) -> float:
    ok = ~(np.isnan(a) | np.isnan(b))
    if ok.sum() < 3:
        return float("nan")
    x, y = a[ok], b[ok]
    if x.std() == 0 or y.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def correlation_matrix(data: Dataset) -> pd.DataFrame:
    """Pearson correlations of all columns (pairwise complete observations)."""
    k = len(data.codes)
    m = np.full((k, k), np.nan)
    for i in range(k):
        for j in range(i, k):
            m[i, j] = m[j, i] = _pair_corr(data.values[:, i], data.values[:, j])
    return pd.DataFrame(m, index=list(data.codes), columns=list(data.codes))


def correlations(data: Dataset, meta: IndexMeta) -> pd.DataFrame:
    """Correlation of each code with its parent and with the index (within/across levels)."""
    top = meta.top_code()
    rows = []
    for r in meta.structural_rows:
        if r.code not in data.codes or r.code == top:
            continue
        x = data.column(r.code)
        parent = _pair_corr(x, data.column(r.parent)) if r.parent in data.codes else np.nan
        index = _pair_corr(x, data.column(top)) if top in data.codes else np.nan
        rows.append(
            {
                "iCode": r.code,
                "Level": r.level,
                "Parent": r.parent,
                "CorrWithParent": parent,
                "CorrWithIndex": index,
            }
        )
    return pd.DataFrame(rows)


def cronbach_alpha(block: FloatArray) -> float:
    """Cronbach's alpha of the columns of ``block`` using complete rows."""
    x = block[~np.any(np.isnan(block), axis=1)]
    k = x.shape[1]
    if k < 2 or x.shape[0] < 2:
        return float("nan")
    total = x.sum(axis=1).var(ddof=1)
    if total == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total))


def cronbach(data: Dataset, meta: IndexMeta) -> pd.DataFrame:
    """Cronbach's alpha for every aggregation group present in ``data``."""
    rows = []
    for level in range(2, meta.max_level + 1):
        for parent in meta.groups_at(level):
            kids = [c for c in meta.children(parent) if c in data.codes]
            if len(kids) < 2:
                continue
            block = data.values[:, [data.codes.index(c) for c in kids]]
            rows.append(
                {
                    "Group": parent,
                    "Level": level,
                    "N.Children": len(kids),
                    "CronbachAlpha": cronbach_alpha(block),
                }
            )
    return pd.DataFrame(rows, columns=["Group", "Level", "N.Children", "CronbachAlpha"])


def collinearity(data: Dataset, meta: IndexMeta, cor_thresh: float = 0.9) -> pd.DataFrame:
    """Pairs of codes in the same group with correlation >= ``cor_thresh``."""
    rows = []
    for level in range(2, meta.max_level + 1):
        for parent in meta.groups_at(level):
            kids = [c for c in meta.children(parent) if c in data.codes]
            for i, a in enumerate(kids):
                for b in kids[i + 1 :]:
                    r = _pair_corr(data.column(a), data.column(b))
                    if not np.isnan(r) and r >= cor_thresh:
                        rows.append({"Group": parent, "Code1": a, "Code2": b, "Corr": r})
    return pd.DataFrame(rows, columns=["Group", "Code1", "Code2", "Corr"])


def audit(result: PipelineResult, cor_thresh: float = 0.9) -> Audit:
    """Audit tables for a pipeline result (aggregated data if available)."""
    data = result.aggregated or result.last
    base = result.stages.get("Normalised", result.last)
    indicators = Dataset(
        base.ucodes,
        tuple(c for c in base.codes if c in result.meta.indicator_codes),
        base.values[
            :, [base.codes.index(c) for c in base.codes if c in result.meta.indicator_codes]
        ],
    )
    return Audit(
        stats=indicator_stats(result.stages["Raw"]),
        correlations=correlations(data, result.meta),
        cronbach=cronbach(data, result.meta),
        collinearity=collinearity(
            indicators if result.aggregated is None else data, result.meta, cor_thresh
        ),
        availability=data_availability(result.stages["Raw"]),
    )


def audit_panel(result: PanelResult, cor_thresh: float = 0.9) -> Audit:
    """Audit tables of every time point, stacked with a ``Time`` column."""
    audits = {t: audit(coin, cor_thresh) for t, coin in result.coins.items()}

    def stacked(table: Callable[[Audit], pd.DataFrame]) -> pd.DataFrame:
        return pd.concat([with_time(table(a), t) for t, a in audits.items()], ignore_index=True)

    return Audit(
        stats=stacked(lambda a: a.stats),
        correlations=stacked(lambda a: a.correlations),
        cronbach=stacked(lambda a: a.cronbach),
        collinearity=stacked(lambda a: a.collinearity),
        availability=stacked(lambda a: a.availability),
    )


def write_audit(a: Audit, out: Path) -> None:
    """Write audit tables as CSV files ``audit_*.csv`` in ``out``."""
    from .io import write_frame

    out.mkdir(parents=True, exist_ok=True)
    write_frame(out / "audit_stats.csv", a.stats)
    write_frame(out / "audit_correlations.csv", a.correlations)
    write_frame(out / "audit_cronbach.csv", a.cronbach)
    write_frame(out / "audit_collinearity.csv", a.collinearity)
    write_frame(out / "audit_availability.csv", a.availability)

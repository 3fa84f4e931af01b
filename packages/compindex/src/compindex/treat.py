"""Outlier treatment, mirroring COINr ``Treat()`` / ``qTreat()`` (1.1.x code, not help text).

For each indicator (independently, directions are *not* used):

1. ``f_pass`` (``check_SkewKurt``): the indicator passes when
   ``|skew| < skew_thresh`` **or** ``kurt < kurt_thresh`` (e1071 type-2 estimators;
   defaults 2 and 3.5), i.e. it is treated when ``|skew| >= 2`` *and* ``kurt >= 3.5``.
2. If it fails, ``f1`` (``winsorise``): while failing and fewer than ``winmax`` points
   have been winsorised, the most extreme value on the side of the skew (high if
   ``skew >= 0``) — with any ties — is set to the next value, re-checking each time.
   COINr counts winsorised points as the number of points currently tied at the
   winsorised extreme(s), which is what ``nwin`` reports.
3. If it still fails, ``f2`` (default ``log_CT``) is applied to the *original* values
   (``combine_treat = false``): ``log(x - min + 0.01 (max - min))``. ``log_CT_plus``
   mirrors this for negative skew (``-log(max + a - x)``).

A three-valued ``Pass`` (true / false / missing) is kept as in R: with too few points
the check is missing and the indicator is returned untreated. Errors while treating
one indicator (e.g. constant values) leave it untreated, as COINr's ``tryCatch``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .data import Dataset
from .errors import IndexInputError, Problem
from .numeric import FloatArray, skew, skew_kurt
from .table import Table

if TYPE_CHECKING:
    import pandas as pd

F1_METHODS = ("winsorise",)
F2_METHODS = ("log_CT", "log_CT_plus", "log_CT_orig", "log_GII", "boxcox", "none")
F_PASS_METHODS = ("check_SkewKurt",)

TriBool = bool | None


class _TreatFailure(Exception):
    """Internal: treatment of one column failed (COINr would warn and skip it)."""


@dataclass
class TreatSpecs:
    """Specifications of the two-stage treatment (COINr ``global_specs`` list)."""

    f1: str = "winsorise"
    winmax: int | None = 5
    skew_thresh: float = 2.0
    kurt_thresh: float = 3.5
    force_win: bool = False
    f2: str | None = "log_CT"
    f2_para: dict[str, Any] = field(default_factory=dict)
    f_pass: str = "check_SkewKurt"
    pass_skew_thresh: float = 2.0
    pass_kurt_thresh: float = 3.5
    none: bool = False


@dataclass(frozen=True)
class TreatResult:
    """Treated data plus COINr's ``Dets_Table`` and ``Treated_Points``."""

    data: Dataset
    detail_table: Table
    points_table: Table

    @property
    def details(self) -> pd.DataFrame:
        """COINr's ``Dets_Table`` as a data frame."""
        return self.detail_table.to_frame()

    @property
    def treated_points(self) -> pd.DataFrame:
        """COINr's ``Treated_Points`` as a data frame."""
        return self.points_table.to_frame()


def check_skew_kurt(
    x: FloatArray, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
) -> tuple[TriBool, float, float]:
    """COINr ``check_SkewKurt``: (pass, skew, kurtosis) with R's NA logic."""
    sk, kt = skew_kurt(x)
    a: TriBool = None if np.isnan(sk) else bool(abs(sk) < skew_thresh)
    b: TriBool = None if np.isnan(kt) else bool(kt < kurt_thresh)
    if a is True or b is True:
        return True, sk, kt
    if a is None or b is None:
        return None, sk, kt
    return False, sk, kt


def winsorise(
    x: FloatArray,
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    force_win: bool = False,
) -> tuple[FloatArray, int, list[str]]:
    """COINr ``winsorise()``: returns (values, nwin, per-point labels winhi/winlo/'')."""
    x = x.copy()
    passing, sk, _ = check_skew_kurt(x, skew_thresh, kurt_thresh)
    imax: np.ndarray = np.empty(0, dtype=np.intp)
    imin: np.ndarray = np.empty(0, dtype=np.intp)
    nwin = 0

    def below() -> bool:
        return winmax is None or nwin < winmax

    while _r_or(_r_not(passing), force_win) and below():
        if np.isnan(sk):  # sk: skew of the current x, from the last check
            raise _TreatFailure("skew is undefined")
        if sk >= 0:
            imax = np.flatnonzero(x == np.nanmax(x))
            x[imax] = _next_extreme(x, imax, np.nanmax, -np.inf)
        else:
            imin = np.flatnonzero(x == np.nanmin(x))
            x[imin] = _next_extreme(x, imin, np.nanmin, np.inf)
        nwin = imax.size + imin.size
        passing, sk, _ = check_skew_kurt(x, skew_thresh, kurt_thresh)
    labels = [""] * x.size
    for i in imax:
        labels[i] = "winhi"
    for i in imin:
        labels[i] = "winlo"
    return x, nwin, labels


def _r_not(v: TriBool) -> TriBool:
    return None if v is None else not v


def _r_or(a: TriBool, b: bool) -> bool:
    """``while`` on R's ``a | b``; a missing result is an error in R."""
    if a is True or b:
        return True
    if a is None:
        raise _TreatFailure("missing value in treatment check")
    return False


def _next_extreme(x: FloatArray, idx: np.ndarray, fn: Any, empty: float) -> float:
    rest = np.delete(x, idx)
    rest = rest[~np.isnan(rest)]
    return float(fn(rest)) if rest.size else empty


def apply_f2(x: FloatArray, f2: str, para: Mapping[str, Any]) -> tuple[FloatArray, str]:
    """Second-stage transformation; returns (values, label for treated points)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        mx, mn = float(np.nanmax(x)), float(np.nanmin(x))
        if f2 == "log_CT":
            return np.log(x - mn + 0.01 * (mx - mn)), "log_CT"
        if f2 == "log_CT_plus":
            a = 0.01 * (mx - mn)
            if skew(x) > 0:
                return np.log(x - mn + a), "log_CT"
            return -np.log(mx + a - x), "log_CT_neg"
        if f2 == "log_CT_orig":
            return np.log(x - mn + 1), "log_CT_orig"
        if f2 == "log_GII":
            # COINr's log_GII computes the transform but returns x unchanged (kept as is).
            return x.copy(), "log_GII"
        if f2 == "boxcox":
            return _boxcox(x, para), "boxcox"
    raise IndexInputError([Problem("treat", f"unknown f2 '{f2}'")])


def _boxcox(x: FloatArray, para: Mapping[str, Any]) -> FloatArray:
    if "lambda" not in para:
        raise IndexInputError([Problem("treat", "f2 'boxcox' needs f2_para {'lambda': ...}")])
    lam = float(para["lambda"])
    y = x - np.nanmin(x) + 1 if para.get("makepos", True) else x.copy()
    return np.log(y) if lam == 0 else (y**lam - 1) / lam


def treat_vector(
    x: FloatArray, specs: TreatSpecs, combine_treat: bool = False
) -> tuple[FloatArray, dict[str, object], list[str]]:
    """COINr ``Treat.numeric``: returns (values, details row, treated-point labels)."""
    details: dict[str, object] = {}
    labels = [""] * x.size
    if specs.none:
        return x.copy(), details, labels
    p0 = _record_check(x, specs, details, 0)
    if p0 is None:
        return x.copy(), {}, labels
    if p0:
        return x.copy(), details, labels
    x1, nwin, labels = winsorise(
        x, specs.winmax, specs.skew_thresh, specs.kurt_thresh, specs.force_win
    )
    details["winsorise.nwin"] = nwin
    p1 = _record_check(x1, specs, details, 1)
    if p1 is None:
        return x.copy(), details, [""] * x.size
    if p1 or specs.f2 in (None, "none"):
        return x1, details, labels
    base = x1 if combine_treat else x
    x2, label = apply_f2(base, specs.f2, specs.f2_para)
    labels = (
        [f"{w}+{label}" if w else label for w in labels] if combine_treat else ([label] * x.size)
    )
    p2 = _record_check(x2, specs, details, 2)
    if p2 is None:
        return x.copy(), details, [""] * x.size
    return x2, details, labels


def _record_check(x: FloatArray, specs: TreatSpecs, details: dict[str, object], k: int) -> TriBool:
    p, sk, kt = check_skew_kurt(x, specs.pass_skew_thresh, specs.pass_kurt_thresh)
    details[f"check_SkewKurt{k}.Pass"] = p
    details[f"check_SkewKurt{k}.Skew"] = sk
    details[f"check_SkewKurt{k}.Kurt"] = kt
    return p


def treat(
    data: Dataset,
    specs: TreatSpecs,
    indiv_specs: Mapping[str, TreatSpecs] | None = None,
    combine_treat: bool = False,
) -> TreatResult:
    """Treat every column of ``data`` (COINr ``Treat.coin`` / ``qTreat``)."""
    values = data.values.copy()
    rows: list[dict[str, object]] = []
    points: dict[str, list[str]] = {}
    for j, code in enumerate(data.codes):
        col_specs = (indiv_specs or {}).get(code, specs)
        try:
            xj, det, labels = treat_vector(values[:, j], col_specs, combine_treat)
        except _TreatFailure:
            continue
        values[:, j] = xj
        points[code] = labels
        if det:
            rows.append({"iCode": code, **det})
    return TreatResult(
        data.with_values(values),
        _details_frame(rows),
        Table({"uCode": list(data.ucodes), **points}),
    )


def _details_frame(rows: Sequence[dict[str, object]]) -> Table:
    """Union of columns in order of first appearance (COINr ``rbind_fill``)."""
    cols: list[str] = []
    for r in rows:
        cols.extend(c for c in r if c not in cols)
    records = [{c: r.get(c) for c in cols} for r in rows]

    def frame() -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(records, columns=cols)

    return Table({c: [rec[c] for rec in records] for c in cols}, frame)

"""Small numeric helpers shared by the steps, written to mirror R/COINr exactly.

* :func:`r_sort_key` reproduces the ordering R gives to character codes (``sort``,
  ``order``, ``factor`` levels) under an English locale: case-insensitive first, with
  lower case before upper case on ties. COINr's output column order (e.g. aggregates
  produced via ``tapply``) and its unit order (``order(uCode)``) depend on it.
* :func:`skew` / :func:`kurt` are the e1071 "type 2" estimators COINr copies
  (:func:`skew_kurt` gives both at once).
* :func:`rank_min` is ``rank(x, ties.method = "min", na.last = "keep")``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def r_sort_key(code: str) -> tuple[str, str]:
    """Sort key approximating R's locale collation of character codes."""
    return (code.casefold(), code.swapcase())


def r_sorted(codes: Iterable[str]) -> list[str]:
    """Codes sorted as R's ``sort()`` would sort them."""
    return sorted(codes, key=r_sort_key)


def as_float_array(values: Sequence[float] | FloatArray) -> FloatArray:
    """Copy ``values`` into a new float64 array."""
    return np.array(values, dtype=np.float64)


def _centred(x: FloatArray, min_n: int) -> tuple[int, FloatArray, float] | None:
    """``(n, x - mean, sum of squares)`` of the non-NaN values; ``None`` if degenerate."""
    v = x[~np.isnan(x)]
    n = v.size
    if n < min_n:
        return None
    d = v - v.mean()
    m2 = float(np.sum(d**2))
    return None if m2 == 0.0 else (n, d, m2)


def _skew_of(n: int, d: FloatArray, m2: float) -> float:
    y = np.sqrt(n) * float(np.sum(d**3)) / m2**1.5
    return float(y * np.sqrt(n * (n - 1)) / (n - 2))


def _kurt_of(n: int, d: FloatArray, m2: float) -> float:
    r = n * float(np.sum(d**4)) / m2**2
    return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def skew(x: FloatArray) -> float:
    """Sample skewness, e1071 type 2 (Excel's SKEW); NaN values are dropped.

    Mirrors COINr ``skew(x, na.rm = TRUE)``: returns NaN with fewer than 3 points.
    """
    c = _centred(x, 3)
    return float("nan") if c is None else _skew_of(*c)


def kurt(x: FloatArray) -> float:
    """Sample excess kurtosis, e1071 type 2 (Excel's KURT); NaN values are dropped.

    Mirrors COINr ``kurt(x, na.rm = TRUE)``: returns NaN with fewer than 4 points.
    """
    c = _centred(x, 4)
    return float("nan") if c is None else _kurt_of(*c)


def skew_kurt(x: FloatArray) -> tuple[float, float]:
    """``(skew(x), kurt(x))`` computed from one centring of the data (same values).

    Inside :func:`remembered_skew_kurt` the result for the same values is computed once
    (the uncertainty analysis treats the same columns with several ``winmax``)."""
    memo = _SKEW_KURT_MEMO.get()
    if memo is None:
        return _skew_kurt(x)
    key = x.tobytes()
    found = memo.get(key)
    if found is None:
        found = memo[key] = _skew_kurt(x)
    return found


def _skew_kurt(x: FloatArray) -> tuple[float, float]:
    c = _centred(x, 3)
    if c is None:
        return float("nan"), float("nan")
    return _skew_of(*c), (_kurt_of(*c) if c[0] >= 4 else float("nan"))


_SKEW_KURT_MEMO: ContextVar[dict[bytes, tuple[float, float]] | None] = ContextVar(
    "skew_kurt_memo", default=None
)


@contextmanager
def remembered_skew_kurt() -> Iterator[None]:
    """Within the block, :func:`skew_kurt` of the same float64 values (byte for byte)
    is computed once: same results, fewer passes over the data."""
    token = _SKEW_KURT_MEMO.set({})
    try:
        yield
    finally:
        _SKEW_KURT_MEMO.reset(token)


def rank_min(x: FloatArray) -> FloatArray:
    """``rank(x, ties.method = "min", na.last = "keep")``: 1 = smallest, NaN kept."""
    out = np.full(x.shape, np.nan)
    ok = ~np.isnan(x)
    v = x[ok]
    out[ok] = np.searchsorted(np.sort(v), v, side="left") + 1.0
    return out


def rank_desc(x: FloatArray) -> FloatArray:
    """Ranks where the highest value gets rank 1 (COINr: ``rank(-x, ties = "min")``)."""
    return rank_min(-x)


def nan_sd(x: FloatArray) -> float:
    """Sample standard deviation (n - 1 denominator) ignoring NaN, like R ``sd``."""
    v = x[~np.isnan(x)]
    if v.size < 2:
        return float("nan")
    return float(np.std(v, ddof=1))

"""Normalisation, mirroring COINr ``Normalise()`` and its ``n_*`` functions.

As in COINr, each indicator is first multiplied by its ``Direction`` (so "negative"
indicators are flipped) and then passed to the normalisation function with its
parameters. The functions (vectorised over all columns at once) are:

* ``n_minmax(l_u=[0, 100])``: ``(x - min)/(max - min) * (u - l) + l``;
* ``n_zscore(m_sd=[0, 1])``: ``(x - mean)/sd * sd_target + m`` (sample sd);
* ``n_scaled(npara=[0, 100], scale_factor=100)``: ``(x - l)/(u - l) * scale_factor``;
* ``n_dist2max()``: ``1 - (max - x)/(max - min)``;
* ``n_dist2ref(iref, cap_max=False)``: ``1 - (x_ref - x)/(x_ref - min)``, ``iref`` the
  1-based row of the reference unit (a ``uCode`` is also accepted);
* ``n_dist2targ(targ, direction=1, cap_max=False)``: ``(x - min)/(targ - min)``, or
  ``(max - x)/(max - targ)`` for ``direction = -1``;
* ``n_fracmax()``: ``x / max``;
* ``n_rank()``, ``n_borda()`` (rank - 1), ``n_prank()`` ((rank - 1)/(n - 1)): ranks with
  ties at the minimum rank, higher value = higher rank;
* ``n_goalposts(gposts=[l, u, a], direction=1, trunc2posts=True)``:
  ``(x - l)/(u - l)`` (or ``(x - u)/(l - u)`` for ``direction = -1``), truncated to
  [0, 1], times ``a``.

``f_n_para = "use_iMeta"`` reads per-indicator parameters from ``iMeta`` columns as
COINr 1.1.8+ does (``minmax_lower``/``minmax_upper``, ``scaled_lower``/
``scaled_upper``/``scale_factor``, ``zscore_mean``/``zscore_sd``, ``Target``/
``dist2targ_cap_max``, ``goalpost_lower``/``goalpost_upper``/``goalpost_scale``/
``goalpost_trunc2posts``), flipping targets and goalposts for negative directions.

Where COINr would silently return ``NaN`` (zero range, zero sd, all values missing),
these functions raise :class:`IndexInputError` naming the indicator.
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
from .params import flag, is_number, number, numbers, refuse, text, whole_number

NormFunc = Callable[..., FloatArray]


class _Degenerate(Exception):
    """Raised by a normaliser when a column cannot be normalised (with the reason)."""

    def __init__(self, cols: Sequence[int], reason: str) -> None:
        super().__init__(reason)
        self.cols = list(cols)
        self.reason = reason


def _bad(mask: np.ndarray, reason: str) -> None:
    if np.any(mask):
        raise _Degenerate(np.flatnonzero(mask).tolist(), reason)


def _pair(value: Any, name: str) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in value)
    except (TypeError, ValueError) as exc:
        raise IndexInputError(
            [Problem("normalise", f"parameter '{name}' must be two numbers, got {value!r}")]
        ) from exc
    return a, b


def _min_max(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    return np.nanmin(x, axis=0), np.nanmax(x, axis=0)


def n_minmax(x: FloatArray, l_u: Any = (0, 100)) -> FloatArray:
    """Min-max scaling onto ``[l, u]`` (COINr ``n_minmax``)."""
    lo, up = _pair(l_u, "l_u")
    mn, mx = _min_max(x)
    _bad(mx == mn, "has zero range (all values equal), so min-max scaling divides by zero")
    return (x - mn) / (mx - mn) * (up - lo) + lo


def n_zscore(x: FloatArray, m_sd: Any = (0, 1)) -> FloatArray:
    """Standardise to mean ``m`` and standard deviation ``sd`` (COINr ``n_zscore``)."""
    m, sd = _pair(m_sd, "m_sd")
    if sd <= 0:
        raise IndexInputError([Problem("normalise", "m_sd: the target sd must be positive")])
    mean = np.nanmean(x, axis=0)
    s = np.nanstd(x, axis=0, ddof=1)
    _bad(~(s > 0), "has zero standard deviation, so the z-score divides by zero")
    return np.asarray((x - mean) / s * sd + m, dtype=np.float64)


def n_scaled(x: FloatArray, npara: Any = (0, 100), scale_factor: float = 100) -> FloatArray:
    """``(x - l)/(u - l) * scale_factor`` (COINr ``n_scaled``)."""
    lo, up = _pair(npara, "npara")
    if up == lo:
        raise IndexInputError([Problem("normalise", "n_scaled: npara needs l != u")])
    return (x - lo) / (up - lo) * float(scale_factor)


def n_dist2max(x: FloatArray) -> FloatArray:
    """Distance to the maximum: ``1 - (max - x)/(max - min)``."""
    mn, mx = _min_max(x)
    _bad(mx == mn, "has zero range (all values equal), so distance to max divides by zero")
    return 1 - (mx - x) / (mx - mn)


def n_dist2ref(
    x: FloatArray, iref: Any, cap_max: bool = False, ucodes: Sequence[str] = ()
) -> FloatArray:
    """Distance to a reference unit: ``1 - (x_ref - x)/(x_ref - min)``."""
    row = _ref_row(iref, ucodes, x.shape[0])
    xref = x[row]
    mn = np.nanmin(x, axis=0)
    _bad(np.isnan(xref), "the reference unit's value is missing")
    _bad(xref == mn, "the reference value equals the minimum, so the distance divides by zero")
    y = 1 - (xref - x) / (xref - mn)
    if cap_max:
        y = np.where(y > 1, 1.0, y)
    return np.asarray(y, dtype=np.float64)


def _ref_row(iref: Any, ucodes: Sequence[str], n: int) -> int:
    if isinstance(iref, str):
        if iref not in ucodes:
            raise IndexInputError([Problem("normalise", f"iref: unit '{iref}' not found")])
        return list(ucodes).index(iref)
    if isinstance(iref, bool) or not isinstance(iref, int | float) or not 1 <= iref <= n:
        raise IndexInputError(
            [Problem("normalise", f"iref must be a uCode or a row number in 1..{n}")]
        )
    return int(iref) - 1


def n_dist2targ(
    x: FloatArray,
    targ: Any,
    direction: float = 1,
    cap_max: bool = False,
) -> FloatArray:
    """Distance to a target (COINr ``n_dist2targ``); ``targ`` scalar or per column."""
    t = np.asarray(targ, dtype=np.float64).ravel()
    if t.size not in (1, x.shape[1]):
        raise IndexInputError(
            [
                Problem(
                    "normalise",
                    f"n_dist2targ: give one target, or one per indicator ({x.shape[1]})",
                )
            ]
        )
    t = np.broadcast_to(t, (x.shape[1],))
    _bad(np.isnan(t), "has no target (Target is missing)")
    if direction == 1:
        mn = np.nanmin(x, axis=0)
        _bad(t == mn, "target equals the minimum, so the distance divides by zero")
        y = (x - mn) / (t - mn)
    elif direction == -1:
        mx = np.nanmax(x, axis=0)
        _bad(t == mx, "target equals the maximum, so the distance divides by zero")
        y = (mx - x) / (mx - t)
    else:
        raise IndexInputError([Problem("normalise", "n_dist2targ: direction must be 1 or -1")])
    if cap_max:
        y = np.where(y > 1, 1.0, y)
    return np.asarray(y, dtype=np.float64)


def n_fracmax(x: FloatArray) -> FloatArray:
    """Fraction of the maximum: ``x / max``."""
    mx = np.nanmax(x, axis=0)
    _bad(mx == 0, "has a maximum of zero, so x / max divides by zero")
    return np.asarray(x / mx, dtype=np.float64)


def _ranks(x: FloatArray) -> FloatArray:
    """Column-wise ``rank(ties.method = "min", na.last = "keep")``."""
    out = np.full(x.shape, np.nan)
    for j in range(x.shape[1]):
        ok = ~np.isnan(x[:, j])
        v = x[ok, j]
        out[ok, j] = np.searchsorted(np.sort(v), v, side="left") + 1.0
    return out


def n_rank(x: FloatArray, ties_method: str = "min") -> FloatArray:
    """Ranks, ties get the minimum rank (COINr always uses ``"min"``)."""
    return _ranks(x)


def n_borda(x: FloatArray, ties_method: str = "min") -> FloatArray:
    """Borda scores: ``rank - 1``."""
    return _ranks(x) - 1


def n_prank(x: FloatArray, ties_method: str = "min") -> FloatArray:
    """Percentile ranks: ``(rank - 1)/(n - 1)`` with ``n`` non-missing values."""
    n = np.sum(~np.isnan(x), axis=0)
    _bad(n < 2, "has fewer than two values, so percentile ranks are undefined")
    return np.asarray((_ranks(x) - 1) / (n - 1), dtype=np.float64)


def n_goalposts(
    x: FloatArray, gposts: Any, direction: float = 1, trunc2posts: bool = True
) -> FloatArray:
    """Goalpost scaling (COINr ``n_goalposts``); ``gposts`` = [l, u, a] (or per column)."""
    g = np.asarray(gposts, dtype=np.float64)
    if g.ndim == 1:
        if g.size != 3:
            raise IndexInputError([Problem("normalise", "gposts must be [lower, upper, scale]")])
        g = np.tile(g, (x.shape[1], 1))
    if g.shape != (x.shape[1], 3):
        raise IndexInputError(
            [
                Problem(
                    "normalise",
                    f"gposts: give one [lower, upper, scale] per indicator ({x.shape[1]})",
                )
            ]
        )
    lo, up, scale = g[:, 0], g[:, 1], g[:, 2]
    _bad(lo == up, "has equal lower and upper goalposts")
    y = (x - up) / (lo - up) if direction == -1 else (x - lo) / (up - lo)
    if trunc2posts:
        y = np.clip(y, 0.0, 1.0)
    return y * scale


def n_none(x: FloatArray) -> FloatArray:
    """No normalisation (COINr ``f_n = "none"``); directions are still applied."""
    return x.copy()


NORMALISERS: dict[str, NormFunc] = {
    "n_minmax": n_minmax,
    "n_zscore": n_zscore,
    "n_scaled": n_scaled,
    "n_dist2max": n_dist2max,
    "n_dist2ref": n_dist2ref,
    "n_dist2targ": n_dist2targ,
    "n_fracmax": n_fracmax,
    "n_rank": n_rank,
    "n_borda": n_borda,
    "n_prank": n_prank,
    "n_goalposts": n_goalposts,
    "none": n_none,
}

PARAMETERS: dict[str, tuple[str, ...]] = {
    "n_minmax": ("l_u",),
    "n_zscore": ("m_sd",),
    "n_scaled": ("npara", "scale_factor"),
    "n_dist2max": (),
    "n_dist2ref": ("iref", "cap_max"),
    "n_dist2targ": ("targ", "direction", "cap_max"),
    "n_fracmax": (),
    "n_rank": ("ties_method",),
    "n_borda": ("ties_method",),
    "n_prank": ("ties_method",),
    "n_goalposts": ("gposts", "direction", "trunc2posts"),
    "none": (),
}


VECTOR_PARAMETERS = frozenset({"l_u", "m_sd", "npara", "gposts"})


@dataclass
class NormSpec:
    """One normalisation method with its named parameters."""

    f_n: str = "n_minmax"
    f_n_para: dict[str, Any] = field(default_factory=dict)


def make_norm_spec(
    f_n: str, f_n_para: Any, where: str = "normalise", label: str = "f_n_para"
) -> NormSpec:
    """Validate ``f_n`` and turn ``f_n_para`` into named, type-checked parameters.

    COINr passes ``f_n_para`` as an R list; unnamed entries are positional. Here a
    JSON list of numbers is the value of the first parameter when that parameter is a
    vector (``[0, 100]`` is ``l_u`` for min-max, as COINr's ``list(c(0, 100))``);
    otherwise list entries are positional (``[3]`` is ``iref = 3``); a dict is by name.
    Problems are reported at ``where`` with parameters named ``<label>.<name>``.
    """
    if f_n not in NORMALISERS:
        raise IndexInputError(
            [Problem(where, f"unknown f_n '{f_n}'; use one of {', '.join(NORMALISERS)}")]
        )
    names = PARAMETERS[f_n]
    para: dict[str, Any]
    if f_n_para is None:
        para = {}
    elif isinstance(f_n_para, Mapping):
        para = dict(f_n_para)
    elif isinstance(f_n_para, list | tuple):
        flat = all(isinstance(v, int | float) and not isinstance(v, bool) for v in f_n_para)
        vector_first = bool(names) and names[0] in VECTOR_PARAMETERS
        values = [list(f_n_para)] if flat and f_n_para and vector_first else list(f_n_para)
        if len(values) > len(names):
            raise IndexInputError([Problem(where, f"too many parameters for {f_n}")])
        para = dict(zip(names, values, strict=False))
    else:
        raise refuse(where, label, 'a list, an object or "use_iMeta"', f_n_para)
    unknown = [k for k in para if k not in names]
    if unknown:
        raise IndexInputError(
            [
                Problem(
                    where,
                    f"unknown parameter(s) {', '.join(unknown)} for {f_n} "
                    f"(accepted: {', '.join(names) or 'none'})",
                )
            ]
        )
    return NormSpec(f_n, {k: _checked(k, v, where, f"{label}.{k}") for k, v in para.items()})


def _checked(key: str, value: Any, where: str, name: str) -> Any:
    """A normalisation parameter of the JSON type its method needs."""
    if key in ("l_u", "m_sd", "npara"):
        return numbers(value, where, name, 2)
    if key == "gposts":
        return _goalposts(value, where, name)
    if key == "scale_factor":
        return number(value, where, name)
    if key == "targ":
        return number(value, where, name) if is_number(value) else numbers(value, where, name)
    if key == "direction":
        if value not in (1, -1) or isinstance(value, bool):
            raise refuse(where, name, "1 or -1", value)
        return float(value)
    if key in ("cap_max", "trunc2posts"):
        return flag(value, where, name)
    if key == "iref":
        return value if isinstance(value, str) else whole_number(value, where, name, 1)
    return text(value, where, name)  # ties_method


def _goalposts(value: Any, where: str, name: str) -> list[float] | list[list[float]]:
    """``[lower, upper, scale]``, or one such triple per indicator."""
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        return [numbers(v, where, name, 3) for v in value]
    return numbers(value, where, name, 3)


def normalise(
    data: Dataset,
    directions: Sequence[float],
    spec: NormSpec,
    indiv: Mapping[str, NormSpec] | None = None,
) -> Dataset:
    """Normalise all columns: multiply by direction, then apply the method(s).

    Columns sharing a specification are processed together (vectorised).
    """
    x = data.values * np.asarray(directions, dtype=np.float64)
    out = np.empty_like(x)
    specs = [(indiv or {}).get(c, spec) for c in data.codes]
    keyed: dict[int, list[int]] = {}
    for j, s in enumerate(specs):
        keyed.setdefault(id(s), []).append(j)
    problems: list[Problem] = []
    for cols in keyed.values():
        s = specs[cols[0]]
        try:
            out[:, cols] = _apply(x[:, cols], s, data.ucodes)
        except _Degenerate as exc:
            problems.extend(
                Problem(
                    f"normalise (iCode '{data.codes[cols[c]]}', {s.f_n})",
                    f"{exc.reason}; remove the indicator or choose another method",
                )
                for c in exc.cols
            )
    if problems:
        raise IndexInputError(problems)
    return data.with_values(out)


def _apply(x: FloatArray, spec: NormSpec, ucodes: Sequence[str]) -> FloatArray:
    all_missing = np.all(np.isnan(x), axis=0)
    _bad(all_missing, "has no values at all (every value missing)")
    func = NORMALISERS[spec.f_n]
    para = dict(spec.f_n_para)
    if spec.f_n == "n_dist2ref":
        if "iref" not in para:
            raise IndexInputError([Problem("normalise", "n_dist2ref needs parameter 'iref'")])
        para["ucodes"] = ucodes
    if spec.f_n == "n_dist2targ" and "targ" not in para:
        raise IndexInputError([Problem("normalise", "n_dist2targ needs parameter 'targ'")])
    if spec.f_n == "n_goalposts" and "gposts" not in para:
        raise IndexInputError([Problem("normalise", "n_goalposts needs parameter 'gposts'")])
    para.pop("ties_method", None)
    with np.errstate(divide="ignore", invalid="ignore"):
        return func(x, **para)


def specs_from_meta(meta: IndexMeta, f_n: str, codes: Sequence[str]) -> dict[str, NormSpec]:
    """Per-indicator specs read from ``iMeta`` (COINr ``f_n_para = "use_iMeta"``)."""
    required = {
        "n_minmax": ("minmax_lower", "minmax_upper"),
        "n_scaled": ("scaled_lower", "scaled_upper"),
        "n_zscore": ("zscore_mean", "zscore_sd"),
        "n_dist2targ": ("Target",),
        "n_goalposts": (
            "goalpost_lower",
            "goalpost_upper",
            "goalpost_scale",
            "goalpost_trunc2posts",
        ),
    }
    if f_n not in required:
        raise IndexInputError(
            [
                Problem(
                    "normalise",
                    f"f_n '{f_n}' cannot read parameters from iMeta (supported: "
                    f"{', '.join(required)})",
                )
            ]
        )
    problems: list[Problem] = []
    out: dict[str, NormSpec] = {}
    for code in codes:
        row = meta.by_code[code]
        vals: dict[str, Any] = dict(row.extra)
        vals["Target"] = row.target
        vals["Direction"] = row.direction if row.direction is not None else 1.0
        missing = [c for c in required[f_n] if c != "Target" and c not in meta.extra_columns]
        if missing:
            raise IndexInputError(
                [Problem("normalise", f"use_iMeta needs iMeta column(s) {', '.join(missing)}")]
            )
        absent = [c for c in required[f_n] if vals.get(c) is None]
        if absent:
            problems.append(
                Problem(
                    f"normalise (iCode '{code}')", f"iMeta has no value for {', '.join(absent)}"
                )
            )
            continue
        out[code] = NormSpec(f_n, _meta_para(f_n, vals))
    if problems:
        raise IndexInputError(problems)
    return out


def _meta_para(f_n: str, v: Mapping[str, Any]) -> dict[str, Any]:
    d = float(v["Direction"])
    if f_n == "n_minmax":
        return {"l_u": [v["minmax_lower"], v["minmax_upper"]]}
    if f_n == "n_scaled":
        para: dict[str, Any] = {"npara": [v["scaled_lower"], v["scaled_upper"]]}
        if v.get("scale_factor") is not None:
            para["scale_factor"] = v["scale_factor"]
        return para
    if f_n == "n_zscore":
        return {"m_sd": [v["zscore_mean"], v["zscore_sd"]]}
    if f_n == "n_dist2targ":
        cap = v.get("dist2targ_cap_max")
        return {"targ": float(v["Target"]) * d, "cap_max": bool(cap) if cap is not None else False}
    lo, up = float(v["goalpost_lower"]) * d, float(v["goalpost_upper"]) * d
    posts = [up, lo] if d == -1 else [lo, up]
    return {
        "gposts": [*posts, float(v["goalpost_scale"])],
        "trunc2posts": bool(v["goalpost_trunc2posts"]),
    }

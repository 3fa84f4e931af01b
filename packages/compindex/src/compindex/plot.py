"""Optional plots (the ``plot`` extra: ``pip install 'compindex[plot]'``).

matplotlib is imported only when a plot is asked for, so the rest of the package works
without it; without it a plot raises :class:`ImportError` saying how to install it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import Coin
    from .sensitivity import SensitivityResult


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("compindex plots need matplotlib: pip install 'compindex[plot]'") from exc
    return plt


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    _, new = _pyplot().subplots(figsize=(8, 4))
    return new


def plot_bar(coin: Coin, code: str | None = None, *, top: int | None = None, ax: Any = None) -> Any:
    """COINr ``plot_bar(coin, dset = "Aggregated", iCode)``: one code's scores by unit,
    highest first (the latest time point of a purse). Returns the Axes."""
    _pyplot()
    code = code or coin.meta.top_code()
    frame = coin.get_dset("Aggregated" if "Aggregated" in coin.stages else coin.stages[-1])
    if "Time" in frame.columns:
        frame = frame[frame["Time"] == frame["Time"].max()]
    if code not in frame.columns:
        raise KeyError(f"no code '{code}' in the data set")
    ranked = frame[["uCode", code]].dropna().sort_values(code, ascending=False)
    if top is not None:
        ranked = ranked.head(top)
    axes = _axes(ax)
    axes.bar(ranked["uCode"].astype(str), ranked[code])
    axes.set_ylabel(code)
    axes.tick_params(axis="x", labelrotation=90)
    return axes


def plot_uncertainty(result: SensitivityResult, *, ax: Any = None) -> Any:
    """COINr ``plot_uncertainty(SA)``: each unit's nominal rank with its 5-95 % rank
    interval over the runs. Returns the Axes."""
    _pyplot()
    ranks = result.ranks
    axes = _axes(ax)
    x = range(len(ranks))
    axes.vlines(x, ranks["Q5"], ranks["Q95"], color="0.6")
    axes.plot(x, ranks["Nominal"], "o", markersize=3, label="nominal")
    axes.plot(x, ranks["Median"], "_", markersize=6, label="median")
    axes.set_xticks(list(x), ranks["uCode"].astype(str), rotation=90)
    axes.set_ylabel("rank")
    axes.invert_yaxis()
    axes.legend()
    return axes


def plot_sensitivity(result: SensitivityResult, *, ax: Any = None) -> Any:
    """COINr ``plot_sensitivity(SA, ptype = "bar")``: first-order and total Sobol'
    indices of the five inputs. Returns the Axes."""
    _pyplot()
    idx = result.indices
    axes = _axes(ax)
    pos = range(len(idx))
    axes.bar([p - 0.2 for p in pos], idx["Si"], width=0.4, label="Si (first order)")
    axes.bar([p + 0.2 for p in pos], idx["STi"], width=0.4, label="STi (total)")
    axes.set_xticks(list(pos), list(idx["Input"]))
    axes.legend()
    return axes


__all__ = ["plot_bar", "plot_sensitivity", "plot_uncertainty"]

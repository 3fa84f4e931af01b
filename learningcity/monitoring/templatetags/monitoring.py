"""Formatting helpers for the monitoring templates."""

from django import template

register = template.Library()


@register.filter
def score(value: float | None) -> str:
    """A score with one decimal, or a dash when there is none."""
    return "—" if value is None else f"{value:.1f}"


@register.filter
def number(value: float | None) -> str:
    """A value for reading: two decimals at most, no needless zeros (small values keep
    three significant digits)."""
    if value is None:
        return "—"
    if value == 0 or abs(value) >= 1:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"


@register.filter
def signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}"


@register.filter
def rank_interval(result: object) -> str:
    """“3–7” from a result's 5 % and 95 % ranks."""
    low, high = getattr(result, "rank_low", None), getattr(result, "rank_high", None)
    if low is None or high is None:
        return "—"
    return f"{low:g}–{high:g}"

"""Formatting helpers for the monitoring templates.

Every number on a monitoring page goes through Django's localisation
(``formats.number_format``), as ``floatformat`` does, so that one row never mixes
"3.5" and "3,5"; lists of years use the reader's list pattern (Babel's CLDR data);
people are shown by the name they chose, never by their e-mail address."""

from collections.abc import Iterable

from babel.lists import format_list
from django import template
from django.utils.translation import get_language, to_locale

from learningcity.monitoring.models import Framework
from learningcity.monitoring.numbers import localised, plain_number, trimmed
from learningcity.monitoring.run_notes import note_text

register = template.Library()


@register.filter
def score(value: float | None) -> str:
    """A score with one decimal, or a dash when there is none."""
    return "—" if value is None else localised(value, 1)


@register.filter
def number(value: float | None) -> str:
    """A value for reading: two decimals at most, no needless zeros (small values keep
    three significant digits)."""
    if value is None:
        return "—"
    if value == 0 or abs(value) >= 1:
        return trimmed(localised(value, 2, grouping=True))
    significant = f"{value:.3g}"
    if "e" in significant:
        return significant
    places = len(significant.split(".")[1]) if "." in significant else 0
    return localised(float(significant), places)


@register.filter
def signed(value: float | None) -> str:
    if value is None:
        return "—"
    return ("+" if value >= 0 else "") + localised(value, 1)


@register.filter
def rank_interval(result: object) -> str:
    """“3–7” from a result's 5 % and 95 % ranks."""
    low, high = getattr(result, "rank_low", None), getattr(result, "rank_high", None)
    if low is None or high is None:
        return "—"
    return f"{plain_number(low)}–{plain_number(high)}"


@register.filter
def plain(value: float | None) -> str:
    """A median rank and the like: "5" or "4,5" as the reader writes it."""
    return "—" if value is None else plain_number(value)


@register.filter
def listing(items: Iterable[object]) -> str:
    """Items joined the way the reader's language lists them ("2022, 2023" or
    "2022، و2023")."""
    texts = [str(item) for item in items]
    if not texts:
        return ""
    try:
        return format_list(texts, style="unit", locale=to_locale(get_language() or "en"))
    except (ValueError, LookupError):
        return ", ".join(texts)


@register.filter
def public_name(user: object, fallback: str = "") -> str:
    """The name a person chose to show, or ``fallback``: an e-mail address is personal
    data and never appears on a page others can read."""
    name = str(getattr(user, "display_name", "") or "").strip()
    return name or fallback


@register.filter
def run_note(note: object) -> str:
    """A note on an index run, in the reader's language when the platform wrote it."""
    return note_text(note)


@register.filter
def level_labels(framework: Framework) -> list[str]:
    """The framework's level names, from the indicators up, in the reader's language."""
    return [framework.level_name(level) for level in range(1, len(framework.level_names) + 1)]

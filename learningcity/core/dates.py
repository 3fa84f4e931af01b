"""Dates and times in the reader's language, from CLDR (Babel).

A literal Django format such as ``"l j F Y, H:i"`` keeps English word order and a Latin
comma in every language (and the nominative month in Russian: "7 Декабрь"). CLDR knows
each language's own patterns: "Monday, 7 December 2026, 17:30", "lundi 7 décembre
2026, 17:30", "понедельник, 7 декабря 2026 г., 17:30", "الاثنين، 7 ديسمبر 2026، 17:30".
Times stay on the 24-hour clock the rest of the site uses ("–19:00" after a start).
Templates use the ``|when`` filter of ``core_tags``."""

from datetime import date, datetime
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from django.conf import settings
from django.utils.translation import get_language, to_locale

# style -> how the date part is chosen: a CLDR date width or a CLDR skeleton.
_DATE_PART = {
    "full": ("width", "full"),  # Monday, 7 December 2026, 17:30
    "medium": ("skeleton", "yMMMEd"),  # Mon, 7 Dec 2026, 17:30
    "short": ("skeleton", "yMMMd"),  # 7 Dec 2026, 17:30
    "brief": ("skeleton", "MMMEd"),  # Mon, 7 Dec, 17:30 (soon: no year)
    "date": ("width", "long"),  # 7 December 2026 (no time)
}
STYLES = tuple(_DATE_PART)
_CLOCK = "HH:mm"
# The site writes international English, day before month as UNESCO does ("7 December
# 2026"); CLDR's plain "en" is American ("December 7, 2026").
_CLDR_LOCALE = {"en": "en_001"}


@lru_cache(maxsize=16)
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(_CLDR_LOCALE.get(language, to_locale(language)))
    except (UnknownLocaleError, ValueError):
        fallback = str(settings.LANGUAGE_CODE)
        return Locale.parse(_CLDR_LOCALE.get(fallback, to_locale(fallback)))


@lru_cache(maxsize=64)
def _pattern(language: str, style: str) -> str:
    locale = _locale(language)
    kind, name = _DATE_PART[style]
    if kind == "skeleton":
        day = str(locale.datetime_skeletons[name].pattern)
    else:
        day = str(locale.date_formats[name].pattern)
    if style == "date":
        return day
    # The glue ("{1}, {0}", "{1}، {0}", "{1} {0}") is the language's own punctuation.
    glue = str(locale.datetime_formats["full" if style == "full" else "medium"])
    return glue.replace("{1}", day).replace("{0}", _CLOCK)


def format_when(value: object, style: str = "full", language: str = "") -> str:
    """``value`` in ``language`` (the active one by default). An aware datetime is shown
    in its own time zone: convert it first (templates do, see ``core_tags.when``).
    ``style`` is one of STYLES; a plain date is shown without a time; anything else
    (None, an empty template variable) as nothing, like Django's ``|date``."""
    if not isinstance(value, date):
        return ""
    if style not in _DATE_PART:
        style = "full"
    language = language or get_language() or str(settings.LANGUAGE_CODE)
    locale = _locale(language)
    if not isinstance(value, datetime):
        return format_date(value, _pattern(language, "date"), locale=locale)
    return format_datetime(value, _pattern(language, style), tzinfo=value.tzinfo, locale=locale)

"""Country names in the reader's language, from CLDR (Babel), never typed by hand."""

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils.translation import get_language, to_locale


@lru_cache(maxsize=32)
def _territories(language: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(to_locale(language)).territories)
    except (UnknownLocaleError, ValueError):
        return dict(Locale.parse(to_locale(str(settings.LANGUAGE_CODE))).territories)


def country_name(code: str, language: str | None = None, default: str = "") -> str:
    """The name of the ISO 3166-1 alpha-2 ``code`` in ``language`` (the active one by
    default); ``default`` (or the code) when CLDR does not know the code."""
    names = _territories(language or get_language() or str(settings.LANGUAGE_CODE))
    return names.get(str(code or "").strip().upper(), default or str(code or ""))

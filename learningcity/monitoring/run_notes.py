"""Notes the platform writes on an index run, stored as data and worded when shown.

A run's ``notes`` is a JSON list. The notes the system writes are stored as small
dicts (``{"note": "no_values", "year": 2024, "cities": [...]}``) and put into words
in the reader's language by :func:`note_text`; a plain string (a note typed by a
person, or one stored before notes were data) is shown as it was written."""

from collections.abc import Mapping, Sequence
from typing import Any

from babel.lists import format_list
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

RunNote = str | dict[str, Any]


def no_values_note(year: int, cities: Sequence[str]) -> RunNote:
    return {"note": "no_values", "year": year, "cities": list(cities)}


def left_out_note(codes: Sequence[str]) -> RunNote:
    return {"note": "left_out", "codes": sorted(codes)}


def _listed(items: Sequence[object]) -> str:
    texts = [str(item) for item in items]
    try:
        return format_list(texts, style="unit", locale=to_locale(get_language() or "en"))
    except (ValueError, LookupError):
        return ", ".join(texts)


def note_text(note: object) -> str:
    """The note in the reader's language (system notes) or as typed (anything else)."""
    if not isinstance(note, Mapping):
        return str(note)
    kind = note.get("note")
    if kind == "no_values":
        return _("%(year)s: no validated values for %(cities)s.") % {
            "year": note.get("year", ""),
            "cities": _listed(note.get("cities", [])),
        }
    if kind == "left_out":
        return _("Left out indicators without usable values: %(codes)s.") % {
            "codes": _listed(note.get("codes", []))
        }
    return str(note.get("text", ""))

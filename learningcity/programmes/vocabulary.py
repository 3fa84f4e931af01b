"""The programmes' shared vocabularies: languages (ISO 639 codes Django knows, or
their names), interests (the catalogue's topics) and weekly slots."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from learningcity.catalogue.models import Accessibility, Topic
from learningcity.engines.matching.fit import DAYS, SlotError, WeeklySlot, check_weekly_slots

INTERESTS = Topic
ACCESS_NEEDS = Accessibility
# Sign language has no two-letter code; the catalogue uses "sgn" too.
EXTRA_LANGUAGES = {"sgn": "Sign language"}


def _language_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, info in LANG_INFO.items():
        if "name" not in info:
            continue  # a fallback entry such as "zh"
        for key in (code, info["name"], info.get("name_local", "")):
            if key:
                index.setdefault(key.strip().lower(), code)
    for code, name in EXTRA_LANGUAGES.items():
        index[code] = code
        index[name.lower()] = code
    return index


LANGUAGE_INDEX = _language_index()


def parse_languages(text: str) -> list[str]:
    """Codes for "English, español, ar": each part a code or a name, in any case."""
    codes: list[str] = []
    unknown: list[str] = []
    for part in text.replace(";", ",").split(","):
        key = part.strip().lower()
        if not key:
            continue
        code = LANGUAGE_INDEX.get(key) or LANGUAGE_INDEX.get(key.split("-")[0])
        if code is None:
            unknown.append(part.strip())
        elif code not in codes:
            codes.append(code)
    if unknown:
        raise ValidationError(
            _("Unknown language: %(names)s. Write a language's name or code, e.g. English or ar.")
            % {"names": ", ".join(unknown)},
            code="unknown_language",
        )
    if not codes:
        raise ValidationError(_("Name at least one language."), code="no_language")
    return codes


def language_label(code: str) -> str:
    info = LANG_INFO.get(code)
    if info and "name_local" in info:
        return str(info["name_local"])
    return EXTRA_LANGUAGES.get(code, code)


def languages_text(codes: Iterable[str]) -> str:
    return ", ".join(language_label(code) for code in codes)


def check_choices(values: Iterable[str], choices: Any, field: str) -> list[str]:
    allowed = set(choices.values)
    values = list(values)
    bad = [value for value in values if value not in allowed]
    if bad:
        raise ValidationError({field: _("Unknown choice: %(v)s.") % {"v": ", ".join(bad)}})
    return values


def slots_from_rows(rows: list[tuple[str, str, str]], field: str = "availability") -> list[dict]:
    """Weekly slots from (day, "HH:MM", "HH:MM") rows, checked: no inverted or
    overlapping slot, at least one. Errors name the slot's row."""
    slots: list[WeeklySlot] = []
    for row, (day, start, end) in enumerate(rows, start=1):
        try:
            slots.append(WeeklySlot(DAYS.index(day), _minutes(start), _minutes(end)))
        except ValueError:
            raise ValidationError(
                {field: _("Time %(row)s: choose a day and write times as HH:MM.") % {"row": row}}
            ) from None
    if not slots:
        raise ValidationError({field: _("Give at least one time in the week.")})
    try:
        ordered = check_weekly_slots(slots)
    except SlotError as error:
        message = (
            _("Time %(row)s ends before it starts.")
            if error.code == "inverted"
            else _("Time %(row)s overlaps another time on the same day.")
        )
        raise ValidationError({field: message % {"row": error.row}}) from None
    return [slot.as_json() for slot in ordered]


def _minutes(text: str) -> int:
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit():
        raise ValueError(text)
    value = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or value > 24 * 60:
        raise ValueError(text)
    return value


def weekly_slots(data: list[dict]) -> tuple[WeeklySlot, ...]:
    return tuple(WeeklySlot.from_json(item) for item in data)

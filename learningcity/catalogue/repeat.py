"""The repeat picker: plain choices ("every week on these days, until …") that write an
RFC 5545 rule, and any rule told back in plain words.

Providers never type ``FREQ=WEEKLY;…``: the session form offers once, every week, every
two weeks and every month (on the same weekday of the month as the first date), with
the days and the last date. A rule the picker cannot write (made by an import, say) is
kept as it is and shown in words."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from learningcity.core.dates import format_when

# Picker choices, as the form's radio buttons send them.
ONCE, WEEKLY, FORTNIGHTLY, MONTHLY, KEEP = "once", "weekly", "fortnightly", "monthly", "keep"
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # index = date.weekday()


@dataclass
class Picked:
    """What the picker shows for a rule."""

    repeat: str
    days: list[str] = field(default_factory=list)
    until: date | None = None


def rule_from_picker(
    repeat: str, days: list[str], until: date | None, starts_at: datetime, zone: tzinfo
) -> str:
    """The rule for the picked choice; "" for once. ``until`` is a date in the city's
    time: the rule ends at the end of that day."""
    if repeat == ONCE or until is None:
        return ""
    last = datetime.combine(until, time(23, 59, 59), tzinfo=zone).astimezone(UTC)
    ending = f"UNTIL={last:%Y%m%dT%H%M%SZ}"
    local_start = starts_at.astimezone(zone)
    if repeat == MONTHLY:
        return f"FREQ=MONTHLY;BYDAY={_nth_weekday(local_start.date())};{ending}"
    ordered = [code for code in DAY_CODES if code in days] or [DAY_CODES[local_start.weekday()]]
    interval = ";INTERVAL=2" if repeat == FORTNIGHTLY else ""
    return f"FREQ=WEEKLY{interval};BYDAY={','.join(ordered)};{ending}"


def picker_from_rule(rule: str, starts_at: datetime | None, zone: tzinfo) -> Picked:
    """The picker's choice for ``rule``; ``keep`` when the picker cannot write it."""
    if not rule:
        return Picked(ONCE)
    parts = _parts(rule)
    until = _until_date(parts.get("UNTIL"), zone)
    allowed = {"FREQ", "INTERVAL", "BYDAY", "UNTIL", "WKST"}
    if until is None or set(parts) - allowed:
        return Picked(KEEP)
    days = parts.get("BYDAY", "").split(",") if parts.get("BYDAY") else []
    frequency, interval = parts.get("FREQ"), parts.get("INTERVAL", "1")
    if frequency == "WEEKLY" and interval in ("1", "2") and all(d in DAY_CODES for d in days):
        return Picked(WEEKLY if interval == "1" else FORTNIGHTLY, days, until)
    if (
        frequency == "MONTHLY"
        and interval == "1"
        and starts_at is not None
        and days == [_nth_weekday(starts_at.astimezone(zone).date())]
    ):
        return Picked(MONTHLY, [], until)
    return Picked(KEEP)


def describe_rule(rule: str, starts_at: datetime | None, zone: tzinfo) -> str:
    """The rule in plain words, in the current language: "Every week on Monday and
    Wednesday, until 18 December 2026"."""
    if not rule:
        return _("Does not repeat")
    parts = _parts(rule)
    interval = int(parts["INTERVAL"]) if parts.get("INTERVAL", "").isdigit() else 1
    frequency = parts.get("FREQ", "")
    text = _how_often(frequency, interval)
    days = [day for day in parts.get("BYDAY", "").split(",") if day]
    if days:
        text += " " + _("on %(days)s") % {"days": _join([_day_words(day) for day in days])}
    if parts.get("BYMONTHDAY"):
        text += " " + _("on day %(days)s of the month") % {"days": parts["BYMONTHDAY"]}
    until = _until_date(parts.get("UNTIL"), zone)
    if until is not None:
        text += ", " + _("until %(date)s") % {"date": format_when(until, "date")}
    elif parts.get("COUNT", "").isdigit():
        count = int(parts["COUNT"])
        text += ", " + ngettext("%(count)s time in all", "%(count)s times in all", count) % {
            "count": count
        }
    return text


def _how_often(frequency: str, interval: int) -> str:
    # "Every week" is its own sentence, not the first form of "Every %(count)s weeks":
    # in Russian that form also serves 21, 31…, so it must show the number. (The
    # context is written out each time: gettext's extractor reads literals only.)
    if interval == 1:
        if frequency == "DAILY":
            return pgettext("how often a session repeats", "Every day")
        if frequency == "MONTHLY":
            return pgettext("how often a session repeats", "Every month")
        if frequency == "YEARLY":
            return pgettext("how often a session repeats", "Every year")
        return pgettext("how often a session repeats", "Every week")
    if frequency == "DAILY":
        text = ngettext("Every %(count)s day", "Every %(count)s days", interval)
    elif frequency == "MONTHLY":
        text = ngettext("Every %(count)s month", "Every %(count)s months", interval)
    elif frequency == "YEARLY":
        text = ngettext("Every %(count)s year", "Every %(count)s years", interval)
    else:
        text = ngettext("Every %(count)s week", "Every %(count)s weeks", interval)
    return text % {"count": interval}


def _day_words(code: str) -> str:
    names = {
        "MO": _("Monday"),
        "TU": _("Tuesday"),
        "WE": _("Wednesday"),
        "TH": _("Thursday"),
        "FR": _("Friday"),
        "SA": _("Saturday"),
        "SU": _("Sunday"),
    }
    ordinal, day = code[:-2], code[-2:]
    name = names.get(day, code)
    ordinals = {
        "1": _("the first %(day)s"),
        "2": _("the second %(day)s"),
        "3": _("the third %(day)s"),
        "4": _("the fourth %(day)s"),
        "-1": _("the last %(day)s"),
    }
    if ordinal.lstrip("+") in ordinals:
        return ordinals[ordinal.lstrip("+")] % {"day": name}
    return name


def _join(words: list[str]) -> str:
    if len(words) == 1:
        return words[0]
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def _nth_weekday(day: date) -> str:
    """ "2TU" for the second Tuesday; "-1TU" when it is the month's last Tuesday and a
    fifth one (which most months lack)."""
    number = (day.day - 1) // 7 + 1
    if number == 5:
        return f"-1{DAY_CODES[day.weekday()]}"
    return f"{number}{DAY_CODES[day.weekday()]}"


def _parts(rule: str) -> dict[str, str]:
    parts = {}
    for part in rule.split(";"):
        name, _equals, value = part.partition("=")
        parts[name.strip().upper()] = value.strip().upper()
    return parts


def _until_date(value: str | None, zone: tzinfo) -> date | None:
    if not value:
        return None
    try:
        moment = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    # 23:59:59 local time written in UTC: the local date is the last day.
    return moment.astimezone(zone).date()

"""When an opportunity happens: its sessions' dates, and what the finder derives.

A session is one date, or a repeating pattern (an RFC 5545 RRULE) that starts on
``starts_at``. Patterns are expanded in the city's time zone, so "every Saturday at
10:00" stays at 10:00 across daylight-saving changes. From the upcoming dates we
derive the opportunity's ``weekdays`` and ``times_of_day`` bitmasks and its
``next_start``, which the finder filters and sorts on; ``refresh_schedule`` keeps
them true after sessions change, and ``refresh_stale_schedules`` moves ``next_start``
on once a date has passed (run it daily).

The iCalendar export (RFC 5545) writes one VEVENT per session, with its RRULE, in the
city's time zone (a VTIMEZONE describes that zone's offsets for the years covered).
"""

import itertools
import logging
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from dateutil.rrule import rrulestr
from django.db import models, transaction
from django.utils import timezone

from learningcity.core.models import City

from .models import (
    TIMES_OF_DAY,
    WEEKDAYS,
    Opportunity,
    Session,
    TimeOfDay,
    Weekday,
    normalise_recurrence,
)

logger = logging.getLogger(__name__)

# How far ahead the weekdays and times of day are read from, and at most how many
# dates per session: a daily rule without an end must not be expanded for ever.
HORIZON = timedelta(days=366)
MAX_OCCURRENCES_PER_SESSION = 400
BATCH_SIZE = 500
AFTERNOON_FROM_HOUR = 12
EVENING_FROM_HOUR = 17
WEEKDAY_ORDER = list(Weekday.values)  # Monday first, as datetime.weekday()


@dataclass(frozen=True)
class Occurrence:
    """One date of a session, in the city's time zone."""

    session: Session
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class ScheduleFacts:
    weekdays: int
    times_of_day: int
    next_start: datetime | None


def time_of_day(moment: datetime) -> str:
    if moment.hour < AFTERNOON_FROM_HOUR:
        return TimeOfDay.MORNING.value
    if moment.hour < EVENING_FROM_HOUR:
        return TimeOfDay.AFTERNOON.value
    return TimeOfDay.EVENING.value


def session_starts(session: Session, zone: tzinfo) -> Iterator[datetime]:
    """Every start of ``session`` in ``zone``, in order (a single date, or its rule's
    dates). A rule that cannot be read counts as the single first date: the
    provider's form refuses such rules, so this only guards old or imported rows."""
    first = session.starts_at.astimezone(zone)
    if not session.recurrence:
        yield first
        return
    try:
        rule = rrulestr(normalise_recurrence(session.recurrence), dtstart=first)
        starts = iter(rule)
        head = next(starts, None)
    except (ValueError, TypeError, OverflowError):
        logger.warning("Unreadable recurrence on session %s", session.public_id)
        yield first
        return
    if head is None:
        return
    yield head
    yield from starts


def occurrences(
    session: Session,
    zone: tzinfo,
    *,
    start: datetime,
    end: datetime,
    limit: int = MAX_OCCURRENCES_PER_SESSION,
) -> list[Occurrence]:
    """Dates of ``session`` that have not ended by ``start`` and begin before ``end``."""
    duration = session.ends_at - session.starts_at
    found: list[Occurrence] = []
    for begins in itertools.islice(session_starts(session, zone), limit * 20):
        if begins >= end:
            break
        if begins + duration <= start:
            continue
        found.append(Occurrence(session, begins, begins + duration))
        if len(found) >= limit:
            break
    return found


def upcoming(
    sessions: Iterable[Session],
    zone: tzinfo,
    *,
    now: datetime | None = None,
    horizon: timedelta = HORIZON,
    limit: int = MAX_OCCURRENCES_PER_SESSION,
) -> list[Occurrence]:
    """Dates of the sessions (cancelled ones left out) from ``now`` on, soonest first."""
    now = now or timezone.now()
    found = [
        occurrence
        for session in sessions
        if not session.is_cancelled
        for occurrence in occurrences(session, zone, start=now, end=now + horizon, limit=limit)
    ]
    found.sort(key=lambda occurrence: occurrence.starts_at)
    return found


def derive_schedule(sessions: Iterable[Session], zone: tzinfo, now: datetime) -> ScheduleFacts:
    """Weekdays and times of day of the upcoming dates, and the next start."""
    weekdays: set[str] = set()
    times: set[str] = set()
    next_start: datetime | None = None
    for occurrence in upcoming(sessions, zone, now=now):
        begins = occurrence.starts_at
        weekdays.add(WEEKDAY_ORDER[begins.weekday()])
        times.add(time_of_day(begins))
        if begins >= now and (next_start is None or begins < next_start):
            next_start = begins
    return ScheduleFacts(
        weekdays=WEEKDAYS.to_mask(weekdays),
        times_of_day=TIMES_OF_DAY.to_mask(times),
        next_start=next_start.astimezone(UTC) if next_start else None,
    )


def _apply(opportunity: Opportunity, facts: ScheduleFacts) -> bool:
    changed = (
        opportunity.weekdays != facts.weekdays
        or opportunity.times_of_day != facts.times_of_day
        or opportunity.next_start != facts.next_start
    )
    opportunity.weekdays = facts.weekdays
    opportunity.times_of_day = facts.times_of_day
    opportunity.next_start = facts.next_start
    return changed


def refresh_schedule(opportunity: Opportunity, *, now: datetime | None = None) -> bool:
    """Recompute ``weekdays``, ``times_of_day`` and ``next_start`` from the sessions
    and save them if they changed (``updated_at`` too, so the finder notices).
    Call after creating, editing, cancelling or deleting a session."""
    now = now or timezone.now()
    sessions = list(Session.objects.filter(opportunity=opportunity, is_cancelled=False))
    facts = derive_schedule(sessions, opportunity.city.tzinfo, now)
    if not _apply(opportunity, facts):
        return False
    opportunity.save(update_fields=["weekdays", "times_of_day", "next_start", "updated_at"])
    return True


def refresh_schedules(
    opportunities: "models.QuerySet[Opportunity]", *, now: datetime | None = None
) -> int:
    """``refresh_schedule`` for many opportunities, in batches; returns how many
    changed."""
    now = now or timezone.now()
    live_sessions = models.Prefetch(
        "sessions", queryset=Session.objects.filter(is_cancelled=False), to_attr="live_sessions"
    )
    zones: dict[int, zoneinfo.ZoneInfo] = {}
    changed = 0
    ids = list(opportunities.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE):
        batch = list(
            Opportunity.objects.filter(pk__in=ids[start : start + BATCH_SIZE])
            .select_related("city")
            .prefetch_related(live_sessions)
        )
        dirty = []
        for opportunity in batch:
            zone = zones.setdefault(opportunity.city_id, opportunity.city.tzinfo)
            facts = derive_schedule(opportunity.live_sessions, zone, now)  # type: ignore[attr-defined]
            if _apply(opportunity, facts):
                opportunity.updated_at = now
                dirty.append(opportunity)
        with transaction.atomic():
            Opportunity.objects.bulk_update(
                dirty, ["weekdays", "times_of_day", "next_start", "updated_at"]
            )
        changed += len(dirty)
    return changed


def refresh_stale_schedules(city: City | None = None, *, now: datetime | None = None) -> int:
    """Move on ``next_start`` of opportunities whose next date has passed."""
    now = now or timezone.now()
    stale = Opportunity.objects.filter(next_start__lt=now)
    if city is not None:
        stale = stale.filter(city=city)
    return refresh_schedules(stale, now=now)


# -- iCalendar (RFC 5545) ----------------------------------------------------------

PRODUCT_ID = "-//learningcity//learning finder//EN"
LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newlines escaped (3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold_line(line: str) -> str:
    """Split a content line into lines of at most 75 octets, continuation lines
    starting with a space (3.1), never inside a UTF-8 character."""
    pieces: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = LINE_OCTETS if not pieces else LINE_OCTETS - 1
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def _local(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{minutes:02d}"


def _transitions(zone: zoneinfo.ZoneInfo, first: date, last: date) -> list[datetime]:
    """UTC instants in [first, last] at which ``zone`` changes its offset."""
    found: list[datetime] = []
    moment = datetime(first.year, first.month, first.day, tzinfo=UTC)
    end = datetime(last.year, last.month, last.day, tzinfo=UTC)
    step = timedelta(days=1)
    while moment < end:
        following = moment + step
        if moment.astimezone(zone).utcoffset() != following.astimezone(zone).utcoffset():
            low, high = moment, following  # narrow down to the minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
                    low = middle
                else:
                    high = middle
            found.append(high.replace(second=0, microsecond=0))
        moment = following
    return found


def vtimezone(zone: zoneinfo.ZoneInfo, first: date, last: date) -> list[str]:
    """A VTIMEZONE giving ``zone``'s offsets from ``first`` to ``last`` (3.6.5)."""
    opening = datetime(first.year, first.month, first.day, tzinfo=UTC).astimezone(zone)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone.key}"]
    lines += _observance(opening, opening.utcoffset(), datetime(1970, 1, 1))
    for instant in _transitions(zone, first, last):
        before = (instant - timedelta(minutes=1)).astimezone(zone).utcoffset()
        after = instant.astimezone(zone)
        onset = (instant + (before or timedelta())).replace(tzinfo=None)
        lines += _observance(after, before, onset)
    lines.append("END:VTIMEZONE")
    return lines


def _observance(moment: datetime, offset_from: timedelta | None, onset: datetime) -> list[str]:
    kind = "DAYLIGHT" if (moment.dst() or timedelta()) > timedelta() else "STANDARD"
    return [
        f"BEGIN:{kind}",
        f"DTSTART:{_local(onset)}",
        f"TZOFFSETFROM:{_offset(offset_from)}",
        f"TZOFFSETTO:{_offset(moment.utcoffset())}",
        f"TZNAME:{escape_text(moment.tzname() or zone_name_fallback(moment))}",
        f"END:{kind}",
    ]


def zone_name_fallback(moment: datetime) -> str:
    return "UTC" + _offset(moment.utcoffset())


@dataclass(frozen=True)
class CalendarEvent:
    """What one VEVENT says; built by the view from a session and its page."""

    uid: str
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    recurrence: str
    location: str
    url: str
    latitude: float | None = None
    longitude: float | None = None
    cancelled: bool = False


def calendar(events: Sequence[CalendarEvent], zone: zoneinfo.ZoneInfo, name: str) -> str:
    """A complete iCalendar document (CRLF line ends, folded lines)."""
    stamp = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    if events:
        first = min(event.starts_at for event in events).date() - timedelta(days=1)
        last = max(_last_date(event) for event in events) + timedelta(days=1)
        lines += vtimezone(zone, first, last)
    for event in events:
        lines += _vevent(event, zone, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)


def _last_date(event: CalendarEvent) -> date:
    """The last date the VTIMEZONE must cover: a year past the first for open rules."""
    if not event.recurrence:
        return event.ends_at.date()
    return event.starts_at.date() + HORIZON + timedelta(days=366)


def _vevent(event: CalendarEvent, zone: zoneinfo.ZoneInfo, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;TZID={zone.key}:{_local(event.starts_at.astimezone(zone))}",
        f"DTEND;TZID={zone.key}:{_local(event.ends_at.astimezone(zone))}",
    ]
    if event.recurrence:
        lines.append(f"RRULE:{normalise_recurrence(event.recurrence)}")
    lines += [f"SUMMARY:{escape_text(event.title)}", f"URL:{event.url}"]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.latitude is not None and event.longitude is not None:
        lines.append(f"GEO:{event.latitude:.6f};{event.longitude:.6f}")
    lines.append(f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}")
    lines.append("END:VEVENT")
    return lines

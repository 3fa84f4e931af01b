"""When an opportunity happens: its sessions' dates, and what the finder derives.

A session is one date, or a repeating pattern (an RFC 5545 RRULE) that starts on
``starts_at``. Patterns are expanded in the city's time zone, so "every Saturday at
10:00" stays at 10:00 across daylight-saving changes. From the upcoming dates we
derive the opportunity's ``weekdays`` and ``times_of_day`` bitmasks and its
``next_start``, which the finder filters and sorts on; ``refresh_schedule`` keeps
them true after sessions change, and ``refresh_stale_schedules`` moves ``next_start``
on once a date has passed (run it daily).

The iCalendar export (RFC 5545, written with the ``icalendar`` library) has one VEVENT
per session, with its RRULE, in the city's time zone (a VTIMEZONE built from zoneinfo
describes that zone's offsets for the years covered).
"""

import itertools
import logging
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

import icalendar
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
    """A complete iCalendar document, written by the ``icalendar`` library (escaping,
    line folding, CRLF line ends), with a VTIMEZONE for ``zone`` built from zoneinfo
    for the dates the events cover."""
    document = icalendar.Calendar()
    document.add("prodid", PRODUCT_ID)
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("method", "PUBLISH")
    # Typed as TEXT explicitly so that commas and line breaks in a title are escaped.
    document.add("name", icalendar.vText(name))
    document.add("x-wr-calname", icalendar.vText(name))
    stamp = timezone.now()
    for event in events:
        document.add_component(_vevent(event, zone, stamp))
    if events:
        first = min(event.starts_at.astimezone(zone) for event in events).date()
        last = max(_last_date(event, zone) for event in events)
        document.add_missing_timezones(first - timedelta(days=1), last + timedelta(days=1))
    return document.to_ical().decode("utf-8")


def _last_date(event: CalendarEvent, zone: zoneinfo.ZoneInfo) -> date:
    """The last date the VTIMEZONE must cover: a year past the horizon for rules."""
    if not event.recurrence:
        return event.ends_at.astimezone(zone).date()
    return event.starts_at.astimezone(zone).date() + HORIZON + timedelta(days=366)


def _vevent(event: CalendarEvent, zone: zoneinfo.ZoneInfo, stamp: datetime) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp.astimezone(UTC))
    # Local times with the city's TZID, so a weekly 10:00 stays 10:00 across DST.
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    if event.recurrence:
        vevent.add("rrule", icalendar.vRecur.from_ical(normalise_recurrence(event.recurrence)))
    vevent.add("summary", event.title)
    vevent.add("url", event.url)
    if event.description:
        vevent.add("description", event.description)
    if event.location:
        vevent.add("location", event.location)
    if event.latitude is not None and event.longitude is not None:
        vevent.add("geo", (event.latitude, event.longitude))
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    return vevent

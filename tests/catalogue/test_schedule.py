"""Schedules: repeat rules in the city's time zone and the finder's derived fields."""

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from learningcity.catalogue import schedule
from learningcity.catalogue.models import TIMES_OF_DAY, WEEKDAYS, Opportunity, Session
from tests.catalogue.factories import make_opportunity, make_provider, make_session

pytestmark = pytest.mark.django_db

DUBLIN = zoneinfo.ZoneInfo("Europe/Dublin")


def at(year, month, day, hour=10, zone=DUBLIN):
    return datetime(year, month, day, hour, 0, tzinfo=zone)


def session(starts, hours=2, recurrence="", **fields):
    return Session(
        starts_at=starts, ends_at=starts + timedelta(hours=hours), recurrence=recurrence, **fields
    )


def test_a_weekly_rule_keeps_its_local_time_across_the_clock_change():
    weekly = session(at(2026, 3, 21), recurrence="FREQ=WEEKLY;BYDAY=SA;COUNT=3")
    dates = schedule.occurrences(weekly, DUBLIN, start=at(2026, 3, 1), end=at(2026, 5, 1))
    assert [d.starts_at.hour for d in dates] == [10, 10, 10]
    # Irish summer time starts on 29 March.
    assert [d.starts_at.utcoffset() for d in dates] == [
        timedelta(0),
        timedelta(0),
        timedelta(hours=1),
    ]


def test_dates_before_the_window_or_after_it_are_left_out():
    daily = session(at(2026, 1, 1), recurrence="FREQ=DAILY;COUNT=30")
    dates = schedule.occurrences(daily, DUBLIN, start=at(2026, 1, 10, 11), end=at(2026, 1, 13, 0))
    assert [d.starts_at.day for d in dates] == [10, 11, 12]  # the 10th is still going on


def test_a_rule_without_an_end_is_cut_at_the_limit():
    forever = session(at(2026, 1, 1), recurrence="FREQ=DAILY")
    dates = schedule.occurrences(forever, DUBLIN, start=at(2026, 1, 1), end=at(2030, 1, 1), limit=5)
    assert len(dates) == 5


def test_an_unreadable_rule_counts_as_its_first_date():
    broken = session(at(2026, 1, 5), recurrence="FREQ=SOMETIMES")
    dates = schedule.occurrences(broken, DUBLIN, start=at(2026, 1, 1), end=at(2026, 2, 1))
    assert [d.starts_at for d in dates] == [at(2026, 1, 5)]


def test_weekdays_times_and_next_start_come_from_upcoming_dates():
    now = at(2026, 1, 5, 8)  # a Monday morning
    sessions = [
        session(at(2026, 1, 6, 18), recurrence="FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4"),
        session(at(2026, 1, 10, 10)),
        session(at(2025, 12, 1, 14)),  # over
        session(at(2026, 1, 11, 14), is_cancelled=True),
    ]
    facts = schedule.derive_schedule(sessions, DUBLIN, now)
    assert WEEKDAYS.to_values(facts.weekdays) == ["tue", "thu", "sat"]
    assert TIMES_OF_DAY.to_values(facts.times_of_day) == ["morning", "evening"]
    assert facts.next_start == at(2026, 1, 6, 18).astimezone(UTC)


def test_nothing_coming_up_gives_empty_facts():
    facts = schedule.derive_schedule([session(at(2020, 1, 1))], DUBLIN, at(2026, 1, 1))
    assert (facts.weekdays, facts.times_of_day, facts.next_start) == (0, 0, None)


def test_refresh_schedule_saves_changes_and_marks_the_opportunity_changed(city_a):
    opportunity = make_opportunity(make_provider(city_a))
    before = opportunity.updated_at
    starts = timezone.now() + timedelta(days=3)
    make_session(opportunity, starts_at=starts, ends_at=starts + timedelta(hours=1))
    assert schedule.refresh_schedule(opportunity) is True
    opportunity.refresh_from_db()
    assert opportunity.next_start == starts
    assert (
        opportunity.weekdays
        == WEEKDAYS.bit[schedule.WEEKDAY_ORDER[starts.astimezone(city_a.tzinfo).weekday()]]
    )
    assert opportunity.updated_at > before
    assert schedule.refresh_schedule(opportunity) is False


def test_refresh_schedules_updates_many_and_stamps_them(city_a):
    provider = make_provider(city_a)
    opportunities = [make_opportunity(provider) for _ in range(3)]
    for opportunity in opportunities[:2]:
        make_session(opportunity)
    stamp = timezone.now()
    changed = schedule.refresh_schedules(Opportunity.objects.filter(city=city_a), now=stamp)
    assert changed == 2
    stamped = Opportunity.objects.filter(city=city_a, next_start__isnull=False)
    assert set(stamped.values_list("updated_at", flat=True)) == {stamp}


def test_stale_next_starts_move_on_to_the_next_date(city_a):
    opportunity = make_opportunity(make_provider(city_a))
    first = (timezone.now() - timedelta(days=2)).replace(microsecond=0)
    make_session(
        opportunity,
        starts_at=first,
        ends_at=first + timedelta(hours=1),
        recurrence="FREQ=WEEKLY;COUNT=3",
    )
    Opportunity.objects.filter(pk=opportunity.pk).update(next_start=first)
    assert schedule.refresh_stale_schedules(city_a) == 1
    opportunity.refresh_from_db()
    assert opportunity.next_start == first + timedelta(days=7)


# The iCalendar export is tested in test_ical.py (read back with icalendar).

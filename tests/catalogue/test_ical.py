"""The iCalendar feeds, read back as a calendar application would: parsed with
``icalendar`` and expanded with ``recurring-ical-events``, every date must equal the
catalogue's own expansion (``schedule.occurrences``), across a clock change too."""

import zoneinfo
from datetime import datetime, timedelta

import icalendar
import pytest
import recurring_ical_events

from learningcity.catalogue import schedule
from learningcity.catalogue.models import Format, Session
from tests.catalogue.factories import make_opportunity, make_provider, make_session, make_site

pytestmark = pytest.mark.django_db

DUBLIN = zoneinfo.ZoneInfo("Europe/Dublin")
WINDOW = (datetime(2027, 1, 1, tzinfo=DUBLIN), datetime(2028, 1, 1, tzinfo=DUBLIN))
TRICKY_TITLE = "Yoga, stretch; breathe\nand relax \\ rest"


def at(month, day, hour=10, minute=0):
    return datetime(2027, month, day, hour, minute, tzinfo=DUBLIN)


@pytest.fixture
def feeds(city_a):
    """Three opportunities of city A (Europe/Dublin): a weekly class across the end of
    Irish summer time (31 October 2027), a one-off, and an online series."""
    provider = make_provider(city_a, slug="library")
    site = make_site(city_a, slug="central", name="Central Library", address="1 Grand Parade")
    weekly = make_opportunity(provider, slug="weekly-yoga", title=TRICKY_TITLE, site=site)
    make_session(
        weekly,
        starts_at=at(10, 16, 18, 30),
        ends_at=at(10, 16, 20),
        recurrence="FREQ=WEEKLY;BYDAY=SA;COUNT=6",
        site=site,
    )
    once = make_opportunity(provider, slug="one-off", title="Open day", site=site)
    make_session(once, starts_at=at(3, 28, 9), ends_at=at(3, 28, 12), site=site)
    online = make_opportunity(
        provider, slug="online-talks", title="Online talks", format=Format.ONLINE
    )
    make_session(
        online,
        starts_at=at(3, 22, 19),
        ends_at=at(3, 22, 20),
        recurrence="FREQ=WEEKLY;BYDAY=MO;UNTIL=20270412T235959Z",
        live_url="https://meet.example.org/talks",
    )
    return {"weekly": weekly, "once": once, "online": online}


def read_feed(client, slug):
    response = client.get(f"/alpha/learn/opportunities/{slug}/calendar.ics")
    assert response.status_code == 200
    return response.content, icalendar.Calendar.from_ical(response.content)


def expanded(parsed):
    """(start, end) instants of every date in the feed, as a calendar app shows them."""
    return sorted(
        (event.start, event.end) for event in recurring_ical_events.of(parsed).between(*WINDOW)
    )


def catalogues_own(opportunity):
    return sorted(
        (occurrence.starts_at, occurrence.ends_at)
        for session in Session.objects.filter(opportunity=opportunity)
        for occurrence in schedule.occurrences(session, DUBLIN, start=WINDOW[0], end=WINDOW[1])
    )


@pytest.mark.parametrize("name", ["weekly", "once", "online"])
def test_every_feed_expands_to_the_catalogues_own_dates(client, feeds, name):
    _raw, parsed = read_feed(client, feeds[name].slug)
    dates = expanded(parsed)
    assert dates == catalogues_own(feeds[name])
    assert dates  # something to compare


def test_a_weekly_class_keeps_its_local_time_across_the_clock_change(client, feeds):
    _raw, parsed = read_feed(client, "weekly-yoga")
    starts = [start for start, _end in expanded(parsed)]
    assert len(starts) == 6
    assert {start.astimezone(DUBLIN).strftime("%a %H:%M") for start in starts} == {"Sat 18:30"}
    # Summer time ends on 31 October: the same wall-clock time is an hour later in UTC.
    assert {start.utcoffset() for start in starts} == {timedelta(hours=1), timedelta(0)}
    (timezone,) = parsed.walk("VTIMEZONE")
    assert timezone["TZID"] == "Europe/Dublin"


def test_the_one_off_and_the_online_series(client, feeds):
    _raw, once = read_feed(client, "one-off")
    (event,) = once.walk("VEVENT")
    assert "RRULE" not in event
    assert event.start == at(3, 28, 9) and event.end == at(3, 28, 12)
    assert str(event["LOCATION"]) == "Central Library, 1 Grand Parade"
    _raw, online = read_feed(client, "online-talks")
    (event,) = online.walk("VEVENT")
    assert "https://meet.example.org/talks" in str(event["LOCATION"])
    # Irish summer time starts on 28 March: still 19:00 on the Mondays after it.
    starts = [start for start, _end in expanded(online)]
    assert [start.day for start in starts] == [22, 29, 5, 12]
    assert {start.astimezone(DUBLIN).hour for start in starts} == {19}


def test_commas_semicolons_and_newlines_in_titles_are_escaped(client, feeds):
    raw, parsed = read_feed(client, "weekly-yoga")
    (event,) = parsed.walk("VEVENT")
    assert str(event["SUMMARY"]) == TRICKY_TITLE
    unfolded = raw.decode().replace("\r\n ", "")
    assert "SUMMARY:Yoga\\, stretch\\; breathe\\nand relax \\\\ rest\r\n" in unfolded
    # The calendar's name is escaped the same way (icalendar reads it back raw).
    assert "X-WR-CALNAME:Yoga\\, stretch\\; breathe\\nand relax \\\\ rest\r\n" in unfolded


def test_lines_are_folded_at_75_octets_and_end_in_crlf(client, feeds):
    opportunity = feeds["online"]
    opportunity.description = "Ñandú " * 40  # long, and with two-octet characters
    opportunity.save()
    raw, parsed = read_feed(client, "online-talks")
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and b"\n" not in b"".join(lines)
    assert all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # raises if a character were split across two lines
    (event,) = parsed.walk("VEVENT")
    assert "Ñandú Ñandú" in str(event["DESCRIPTION"])


def test_a_cancelled_session_is_marked_cancelled(client, feeds):
    Session.objects.filter(opportunity=feeds["once"]).update(is_cancelled=True)
    _raw, parsed = read_feed(client, "one-off")
    (event,) = parsed.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"


def test_the_calendar_function_writes_geo_url_and_rule():
    event = schedule.CalendarEvent(
        uid="abc@example.org",
        title="Taller, de pintura",
        description="Línea 1\nLínea 2",
        starts_at=at(3, 20),
        ends_at=at(3, 20, 12),
        recurrence="freq=weekly;byday=sa;count=3",
        location="Biblioteca; sala 2",
        url="https://example.org/o/",
        latitude=6.25,
        longitude=-75.58,
    )
    parsed = icalendar.Calendar.from_ical(schedule.calendar([event], DUBLIN, name="Taller"))
    (vevent,) = parsed.walk("VEVENT")
    assert str(vevent["UID"]) == "abc@example.org"
    assert str(vevent["URL"]) == "https://example.org/o/"
    assert (vevent["GEO"].latitude, vevent["GEO"].longitude) == (6.25, -75.58)
    assert str(vevent["DESCRIPTION"]) == "Línea 1\nLínea 2"
    assert str(vevent["LOCATION"]) == "Biblioteca; sala 2"
    assert vevent["RRULE"]["FREQ"] == ["WEEKLY"] and vevent["RRULE"]["COUNT"] == [3]
    starts = [item.start for item in recurring_ical_events.of(parsed).between(*WINDOW)]
    assert starts == [at(3, 20), at(3, 27), at(4, 3)]
    assert [start.utcoffset() for start in starts] == [
        timedelta(0),
        timedelta(0),
        timedelta(hours=1),
    ]


def test_an_empty_calendar_is_still_a_calendar():
    parsed = icalendar.Calendar.from_ical(schedule.calendar([], DUBLIN, name="Nothing yet"))
    assert parsed.walk("VEVENT") == [] and str(parsed["VERSION"]) == "2.0"

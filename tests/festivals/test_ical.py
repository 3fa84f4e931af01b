"""The festival's calendar feed, read back with icalendar and recurring-ical-events:
one event per accepted date within the festival, in the city's time zone."""

from datetime import timedelta

import icalendar
import pytest
import recurring_ical_events

from learningcity.festivals import services
from tests.catalogue.factories import make_opportunity
from tests.festivals.factories import at, session_on, setup_city

pytestmark = pytest.mark.django_db


def test_feed_holds_every_accepted_date_within_the_festival(client, city_a, coordinator_a):
    setup = setup_city(city_a)
    course = make_opportunity(setup.provider, title="Morning Spanish, with commas; and more")
    daily = session_on(
        course, setup.festival.starts_on - timedelta(days=3), 9, recurrence="FREQ=DAILY;COUNT=30"
    )
    waiting = make_opportunity(setup.provider, title="Not accepted yet")
    for opportunity, sessions, accept in [
        (setup.opportunity, [setup.session], True),
        (course, [daily], True),
        (waiting, [session_on(waiting, setup.festival.starts_on)], False),
    ]:
        entry = services.submit_opportunity(
            actor=setup.staff,
            submission=services.Submission(setup.festival, setup.provider, opportunity, sessions),
        )
        if accept:
            services.decide_entry(actor=coordinator_a, entry=entry, accept=True)

    response = client.get(f"/{city_a.slug}/festivals/{setup.festival.slug}/calendar.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 8  # one walk + seven mornings of the course
    assert all("RRULE" not in event for event in events)
    assert len({str(event["UID"]) for event in events}) == 8
    titles = {str(event["SUMMARY"]) for event in events}
    assert "Not accepted yet" not in titles and "Morning Spanish, with commas; and more" in titles
    start = at(city_a, setup.festival.starts_on, 0)
    end = at(city_a, setup.festival.ends_on + timedelta(days=1), 0)
    expanded = recurring_ical_events.of(calendar).between(start, end)
    assert len(expanded) == 8
    mornings = sorted(e["DTSTART"].dt for e in expanded if "Spanish" in str(e["SUMMARY"]))
    assert mornings[0] == at(city_a, setup.festival.starts_on, 9)
    assert mornings[0].utcoffset() == mornings[0].astimezone(city_a.tzinfo).utcoffset()
    assert all(start <= moment < end for moment in mornings)

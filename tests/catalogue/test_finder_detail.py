"""An opportunity's public page: facts, dates, JSON-LD, calendar file, share links,
and who may see an unpublished one."""

import json
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from learningcity.catalogue import schedule, search
from learningcity.catalogue.models import TOPICS, Cost, Format, OpportunityKind
from tests.catalogue.factories import (
    make_opportunity,
    make_provider,
    make_session,
    make_site,
    make_staff,
)
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_indexes():
    search.forget_indexes()
    yield
    search.forget_indexes()


def in_days(days, hour=10):
    local = (timezone.now() + timedelta(days=days)).astimezone(timezone.get_current_timezone())
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def course(city_a):
    provider = make_provider(city_a, name="City Library", website="https://library.example.org/")
    site = make_site(city_a, name="Central Library", address="1 Grand Parade, Cork")
    opportunity = make_opportunity(
        provider,
        slug="watercolour",
        title="Watercolour, for beginners",
        description="Bring a brush; we bring the paper.\nAll welcome.",
        kind=OpportunityKind.COURSE,
        topics=TOPICS.to_mask(["arts"]),
        site=site,
        cost=Cost.FREE,
    )
    starts = in_days(3)
    make_session(
        opportunity,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        site=site,
        recurrence="FREQ=WEEKLY;COUNT=4",
    )
    past = in_days(-30)
    make_session(
        opportunity,
        starts_at=past,
        ends_at=past + timedelta(hours=1),
        recording_url="https://video.example.org/first",
    )
    schedule.refresh_schedule(opportunity)
    return opportunity


@pytest.fixture
def lecture(city_a):
    opportunity = make_opportunity(
        make_provider(city_a),
        slug="talk",
        title="A talk on the river",
        format=Format.ONLINE,
        kind=OpportunityKind.LECTURE,
    )
    starts = in_days(2, hour=19)
    make_session(
        opportunity,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        live_url="https://meet.example.org/river",
    )
    return opportunity


def page(client, slug="watercolour", city="alpha"):
    return client.get(f"/{city}/learn/opportunities/{slug}/")


def json_ld(response):
    found = re.search(
        r'<script type="application/ld\+json">(.+?)</script>', response.content.decode(), re.S
    )
    return json.loads(found.group(1))


def test_the_page_shows_the_facts_and_the_coming_dates(client, course):
    response = page(client)
    text = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Watercolour, for beginners</h1>" in text
    assert "Central Library, 1 Grand Parade, Cork" in text
    assert text.count('<ul class="dates">') == 1
    assert len(re.findall(r'<ul class="dates">(.*?)</ul>', text, re.S)[0].split("<li>")) == 5


def test_each_coming_session_has_its_enrolment_panel(client, course):
    text = page(client).content.decode()
    session = course.sessions.get(recurrence__startswith="FREQ")
    assert f"/alpha/learn/sessions/{session.public_id}/enrol/" in text


def test_past_sessions_offer_their_recordings(client, course):
    assert "https://video.example.org/first" in page(client).content.decode()


def test_a_course_is_described_as_a_schema_org_course(client, course):
    data = json_ld(page(client))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Course"
    assert data["name"] == "Watercolour, for beginners"
    assert data["isAccessibleForFree"] is True
    assert data["provider"] == {
        "@type": "Organization",
        "name": "City Library",
        "url": "https://library.example.org/",
    }
    (instance,) = data["hasCourseInstance"]
    assert instance["courseMode"] == "onsite"
    assert instance["location"]["address"]["streetAddress"] == "1 Grand Parade, Cork"
    assert instance["courseSchedule"]["repeatFrequency"] == "P1W"
    assert instance["courseSchedule"]["repeatCount"] == 4


def test_a_lecture_is_described_as_an_online_event(client, lecture):
    data = json_ld(page(client, "talk"))
    assert data["@type"] == "EducationEvent"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://meet.example.org/river"}
    assert data["startDate"].startswith(str(in_days(2, hour=19).date()))


def test_json_ld_cannot_break_out_of_its_script(client, city_a):
    make_opportunity(make_provider(city_a), slug="evil", title="</script><script>alert(1)</script>")
    response = page(client, "evil")
    assert json_ld(response)["name"] == "</script><script>alert(1)</script>"
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_calendar_file_is_well_formed_icalendar(client, course):
    response = client.get("/alpha/learn/opportunities/watercolour/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="watercolour.ics"'
    raw = response.content.decode()
    lines = raw.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR" and lines[-1] == ""
    assert all(len(line.encode()) <= 75 for line in lines)
    assert "\n" not in raw.replace("\r\n", "")
    unfolded = raw.replace("\r\n ", "")
    assert unfolded.count("BEGIN:VEVENT") == unfolded.count("END:VEVENT") == 2
    assert "RRULE:FREQ=WEEKLY;COUNT=4" in unfolded
    assert "SUMMARY:Watercolour\\, for beginners" in unfolded
    assert "DESCRIPTION:Bring a brush\\; we bring the paper.\\nAll welcome." in unfolded
    assert "TZID:Europe/Dublin" in unfolded


def test_share_links_carry_the_pages_address(client, course):
    text = page(client).content.decode()
    address = "http://testserver/alpha/learn/opportunities/watercolour/"
    assert f"mailto:?subject=Watercolour%2C%20for%20beginners&amp;body={quote(address)}" in text
    assert "https://wa.me/?text=" in text
    assert f'data-copy-link="{address}"' in text


def test_an_unpublished_opportunity_is_hidden_from_the_public(client, course):
    course.is_published = False
    course.save()
    assert page(client).status_code == 404
    assert client.get("/alpha/learn/opportunities/watercolour/calendar.ics").status_code == 404


def test_provider_staff_can_preview_an_unpublished_opportunity(course):
    course.is_published = False
    course.save()
    staff = make_user()
    make_staff(course.provider, staff)
    response = page(client_for(staff))
    assert response.status_code == 200
    assert "Not published" in response.content.decode()


def test_a_coordinator_of_another_city_cannot_preview_it(course, coordinator_b):
    course.is_published = False
    course.save()
    assert page(client_for(coordinator_b)).status_code == 404


def test_city_bs_opportunity_is_not_reachable_at_city_as_address(client, city_b):
    make_opportunity(make_provider(city_b), slug="beta-only", title="Beta only")
    assert page(client, "beta-only").status_code == 404
    assert page(client, "beta-only", city="beta").status_code == 200
    assert client.get("/alpha/learn/opportunities/beta-only/calendar.ics").status_code == 404


def test_the_page_makes_few_queries(client, course, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert page(client).status_code == 200


def test_a_fee_is_shown_with_the_citys_currency(client, db):
    from decimal import Decimal

    from tests.conftest import make_city

    city = make_city("bogota", country_code="CO", languages=["es"], time_zone="America/Bogota")
    make_opportunity(make_provider(city), slug="clase", cost=Cost.FEE, fee=Decimal("25000"))
    response = page(client, "clase", city="bogota")
    assert "Fee: 25,000 COP" in response.content.decode()
    assert json_ld(response)["offers"]["priceCurrency"] == "COP"

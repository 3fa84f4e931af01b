"""The festival's pages over HTTP: the programme with its filters, days and map,
submissions from the workspace, the coordinators' decisions, figures, and another
city's visitors and staff kept out."""

import re
from datetime import timedelta

import pytest
from django.core import mail

from learningcity.catalogue.models import ACCESSIBILITY, TOPICS, Cost
from learningcity.festivals import services
from learningcity.festivals.models import Entry, EntryStatus, Festival, FestivalEvent
from tests.catalogue.factories import make_opportunity, make_provider, make_site
from tests.conftest import client_for, make_district
from tests.festivals.factories import local_today, make_festival, session_on, setup_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(city_a):
    return setup_city(city_a)


def accepted(setup, coordinator, opportunity, sessions):
    entry = services.submit_opportunity(
        actor=setup.staff,
        submission=services.Submission(setup.festival, setup.provider, opportunity, sessions),
    )
    services.decide_entry(actor=coordinator, entry=entry, accept=True)
    return entry


def programme_url(setup, query=""):
    return f"/{setup.city.slug}/festivals/{setup.festival.slug}/{query}"


def test_the_programme_lists_accepted_events_by_day_with_place_and_cost(
    client, setup, coordinator_a
):
    north = make_district(setup.city, "north", name="North Quarter")
    hall = make_site(
        setup.city,
        slug="hall",
        name="Harbour Hall",
        address="3 Quay Road",
        district=north,
        accessibility=ACCESSIBILITY.to_mask(["step_free"]),
    )
    setup.opportunity.site = hall
    setup.opportunity.save()
    accepted(setup, coordinator_a, setup.opportunity, [setup.session])
    paid = make_opportunity(setup.provider, title="Pottery evening", cost=Cost.FEE, site=hall)
    services.submit_opportunity(
        actor=setup.staff,
        submission=services.Submission(
            setup.festival, setup.provider, paid, [session_on(paid, setup.festival.starts_on)]
        ),
    )  # waiting: not in the programme
    response = client.get(programme_url(setup))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Poetry walk" in page and "Pottery evening" not in page
    assert "Harbour Hall" in page and "North Quarter" in page and "18:00–20:00" in page
    assert "Free" in page and "Step-free access" in page
    assert "<strong>free</strong>" in page  # the description's Markdown, sanitised
    assert "data-map-block" in page and "festival-map-points" in page
    assert "1 event" in page


def test_filters_by_day_district_topic_and_audience(client, setup, coordinator_a):
    north = make_district(setup.city, "north", name="North")
    south = make_district(setup.city, "south", name="South")
    north_site = make_site(setup.city, slug="n", name="North Library", district=north)
    south_site = make_site(setup.city, slug="s", name="South Library", district=south)
    day1, day2 = setup.festival.starts_on, setup.festival.starts_on + timedelta(days=1)
    art = make_opportunity(
        setup.provider, title="Painting", site=north_site, topics=TOPICS.to_mask(["arts"])
    )
    kids = make_opportunity(
        setup.provider,
        title="Robots for children",
        site=south_site,
        target_groups=1 << 6,  # children
    )
    accepted(setup, coordinator_a, art, [session_on(art, day1)])
    accepted(setup, coordinator_a, kids, [session_on(kids, day2)])

    def titles(query):
        response = client.get(programme_url(setup, query))
        assert response.status_code == 200
        return {t for t in ("Painting", "Robots for children") if t in response.content.decode()}

    assert titles("") == {"Painting", "Robots for children"}
    assert titles(f"?day={day1.isoformat()}") == {"Painting"}
    assert titles("?district=south") == {"Robots for children"}
    assert titles("?topic=arts") == {"Painting"}
    assert titles("?audience=children") == {"Robots for children"}
    assert titles("?place=n") == {"Painting"}
    assert titles("?topic=arts&district=south") == set()


@pytest.mark.parametrize(
    "query",
    [
        "?day=2000-01-01",
        "?day=not-a-date",
        "?district=%00",
        "?topic=<script>",
        "?audience=x",
        "?place=" + "x" * 300,
        "?page=abc",
        "?page=999999",
        "?day=9999-99-99",
    ],
)
def test_bad_filters_are_named_and_ignored(client, setup, query):
    response = client.get(programme_url(setup, query))
    assert response.status_code == 200
    assert b"<script>" not in response.content


def test_pages_of_events_with_counts_per_day(client, setup, coordinator_a):
    course = make_opportunity(setup.provider, title="Daily course")
    daily = session_on(course, setup.festival.starts_on, 8, recurrence="FREQ=DAILY;COUNT=7")
    accepted(setup, coordinator_a, course, [daily])
    for number in range(30):
        talk = make_opportunity(setup.provider, title=f"Talk {number}")
        accepted(setup, coordinator_a, talk, [session_on(talk, setup.festival.starts_on, 12)])
    first = client.get(programme_url(setup)).content.decode()
    assert "37 events" in first and "page 1 of 2" in first
    assert re.search(r"\(31\)", first)  # the first day's count
    second = client.get(programme_url(setup, "?page=2")).content.decode()
    assert "page 2 of 2" in second and second.count("festival-time") == 7


def test_drafts_are_for_coordinators_only(client, setup, coordinator_a):
    Festival.objects.filter(pk=setup.festival.pk).update(status="draft")
    assert client.get(programme_url(setup)).status_code == 404
    assert client.get(programme_url(setup, "calendar.ics")).status_code == 404
    assert client_for(coordinator_a).get(programme_url(setup)).status_code == 200
    assert b"Spring Learning Festival" not in client.get(f"/{setup.city.slug}/festivals/").content


def test_another_citys_festival_is_not_found_here(client, setup, city_b, coordinator_b):
    for suffix in ["", "print/", "booklet/", "calendar.ics", "figures/", "submit/", "manage/"]:
        response = client_for(coordinator_b).get(
            f"/{city_b.slug}/festivals/{setup.festival.slug}/{suffix}"
        )
        assert response.status_code in (403, 404), suffix
    assert client_for(coordinator_b).get(f"/{setup.city.slug}/festivals/manage/").status_code == 403
    entry = services.submit_opportunity(
        actor=setup.staff,
        submission=services.Submission(
            setup.festival, setup.provider, setup.opportunity, [setup.session]
        ),
    )
    decide = programme_url(setup, f"manage/entries/{entry.public_id}/decide/")
    assert client_for(coordinator_b).post(decide, {"decision": "accept"}).status_code == 403
    other_city_decide = (
        f"/{city_b.slug}/festivals/{setup.festival.slug}/manage/entries/{entry.public_id}/decide/"
    )
    assert (
        client_for(coordinator_b).post(other_city_decide, {"decision": "accept"}).status_code == 404
    )
    assert Entry.objects.get().status == EntryStatus.PENDING


def test_provider_submits_from_the_workspace_page(setup):
    client = client_for(setup.staff)
    url = programme_url(setup, "submit/")
    assert client.get(url).status_code == 200
    step_two = client.get(url, {"opportunity": setup.opportunity.slug})
    page = step_two.content.decode()
    assert step_two.status_code == 200 and 'name="sessions"' in page and "checked" in page
    response = client.post(
        url,
        {
            "opportunity": setup.opportunity.slug,
            "sessions": [setup.session.pk],
            "note": "Bring shoes",
        },
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.status == EntryStatus.PENDING and entry.note == "Bring shoes"
    listed = client.get(url).content.decode()
    assert "Waiting for the city" in listed
    again = client.post(
        url, {"opportunity": setup.opportunity.slug, "sessions": [setup.session.pk]}
    )
    assert again.status_code == 200 and "already submitted" in again.content.decode()
    assert Entry.objects.count() == 1


def test_workspace_refuses_another_providers_opportunity_and_outside_dates(setup):
    client = client_for(setup.staff)
    url = programme_url(setup, "submit/")
    theirs = make_opportunity(make_provider(setup.city), title="Not yours")
    their_session = session_on(theirs, setup.festival.starts_on)
    response = client.post(url, {"opportunity": theirs.slug, "sessions": [their_session.pk]})
    assert response.status_code == 200
    assert "Choose one of your own published opportunities" in response.content.decode()
    early = session_on(setup.opportunity, setup.festival.starts_on - timedelta(days=3))
    response = client.post(url, {"opportunity": setup.opportunity.slug, "sessions": [early.pk]})
    assert "no date during the festival" in response.content.decode()
    assert not Entry.objects.exists()


def test_only_provider_staff_reach_the_submission_page(client, setup, resident, coordinator_a):
    url = programme_url(setup, "submit/")
    assert client.get(url).status_code == 302  # sign in first
    assert client_for(resident).get(url).status_code == 403
    assert client_for(coordinator_a).get(url).status_code == 403


def test_closed_window_says_so_on_the_page(setup):
    today = local_today(setup.city)
    Festival.objects.filter(pk=setup.festival.pk).update(
        submissions_open_on=today - timedelta(days=9),
        submissions_close_on=today - timedelta(days=1),
    )
    client = client_for(setup.staff)
    page = client.get(programme_url(setup, "submit/")).content.decode()
    assert "Submissions closed" in page
    response = client.post(
        programme_url(setup, "submit/"),
        {"opportunity": setup.opportunity.slug, "sessions": [setup.session.pk]},
    )
    assert "Submissions closed" in response.content.decode()
    assert not Entry.objects.exists()


def test_coordinator_creates_a_festival_and_decides(
    setup, coordinator_a, django_capture_on_commit_callbacks
):
    client = client_for(coordinator_a)
    today = local_today(setup.city)
    form = {
        "name": "Summer",
        "slug": "summer",
        "description": "",
        "starts_on": (today + timedelta(days=30)).isoformat(),
        "ends_on": (today + timedelta(days=20)).isoformat(),
        "submissions_open_on": today.isoformat(),
        "submissions_close_on": (today + timedelta(days=10)).isoformat(),
        "status": "published",
    }
    response = client.post(f"/{setup.city.slug}/festivals/manage/new/", form)
    assert (
        response.status_code == 200
        and "cannot be before the first day" in response.content.decode()
    )
    form["ends_on"] = (today + timedelta(days=36)).isoformat()
    response = client.post(f"/{setup.city.slug}/festivals/manage/new/", form)
    assert response.status_code == 302 and Festival.objects.filter(slug="summer").exists()

    entry = services.submit_opportunity(
        actor=setup.staff,
        submission=services.Submission(
            setup.festival, setup.provider, setup.opportunity, [setup.session]
        ),
    )
    entries = programme_url(setup, "manage/")
    assert "Poetry walk" in client.get(entries).content.decode()
    decide = f"{entries}entries/{entry.public_id}/decide/"
    response = client.post(decide, {"decision": "reject", "reason": ""}, follow=True)
    assert "Say why" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide, {"decision": "accept"})
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.ACCEPTED
    assert FestivalEvent.objects.count() == 1 and len(mail.outbox) == 1


def test_figures_are_public_after_the_festival_and_for_coordinators_before(
    client, setup, coordinator_a
):
    url = programme_url(setup, "figures/")
    assert client.get(url).status_code == 403
    assert client_for(coordinator_a).get(url).status_code == 200
    today = local_today(setup.city)
    Festival.objects.filter(pk=setup.festival.pk).update(
        starts_on=today - timedelta(days=9),
        ends_on=today - timedelta(days=2),
        submissions_open_on=today - timedelta(days=20),
        submissions_close_on=today - timedelta(days=10),
    )
    assert client.get(url).status_code == 200
    csv_response = client.get(programme_url(setup, "figures.csv"))
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.decode().startswith("breakdown,name,events,joined,attended")


def test_print_version_and_list_pages(client, setup, coordinator_a):
    accepted(setup, coordinator_a, setup.opportunity, [setup.session])
    page = client.get(programme_url(setup, "print/")).content.decode()
    assert "Poetry walk" in page and "print-day" in page
    listing = client.get(f"/{setup.city.slug}/festivals/").content.decode()
    assert "Spring Learning Festival" in listing
    assert client.head(programme_url(setup)).status_code == 200
    assert client.post(programme_url(setup)).status_code == 405


def test_past_festival_for_another_city_does_not_leak_into_the_list(client, setup, city_b):
    make_festival(city_b, slug="beta-fest", name="Beta Fest")
    assert b"Beta Fest" not in client.get(f"/{setup.city.slug}/festivals/").content


def test_names_are_escaped_once(client, setup, coordinator_a):
    hall = make_site(setup.city, slug="hall", name="Tom & Jerry <Hall>", address="1 <b>Road</b>")
    setup.opportunity.site = hall
    setup.opportunity.title = "Cats & <dogs>"
    setup.opportunity.save()
    accepted(setup, coordinator_a, setup.opportunity, [setup.session])
    page = client.get(programme_url(setup)).content.decode()
    assert "Tom &amp; Jerry &lt;Hall&gt;" in page and "1 &lt;b&gt;Road&lt;/b&gt;" in page
    assert "Cats &amp; &lt;dogs&gt;" in page and "&amp;amp;" not in page

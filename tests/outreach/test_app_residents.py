"""What residents get from a published plan: the stops near a street typed (through
the addresses the city knows), learning scheduled at a stop (the stops are catalogue
sites), a cancelled visit that cancels the learning during it and tells the people
enrolled, stops a newer plan dropped leaving the timetable, and a timetable read in
a fixed number of queries. Also what an erased account leaves behind."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from learningcity.catalogue.models import Enrolment, Format, LearningSite, SiteKind
from learningcity.catalogue.services import enrol_person
from learningcity.outreach import services
from learningcity.outreach.models import PlanRun, Visit
from tests.catalogue.factories import make_opportunity, make_provider, make_session, make_site
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def stop(name: str) -> LearningSite:
    return LearningSite.objects.get(kind=SiteKind.MOBILE_LIBRARY_STOP, name=name)


def test_a_street_typed_finds_the_stops_near_the_places_on_it(published, inputs, client):
    make_site(
        inputs,
        slug="south-school",
        name="Scoil Mhuire",
        address="14 Ballyphehane Road",
        latitude=51.8905,
        longitude=-8.4700,
    )
    page = client.get(f"/{inputs.slug}/outreach/", {"near": "ballyphehane road"}).content.decode()
    assert "Stops nearest to 14 Ballyphehane Road" in page
    assert page.index("Clinic South") < page.index("Square North")


def test_learning_at_a_stop_is_listed_on_its_page(published, inputs, client):
    square = stop("Square North")
    provider = make_provider(inputs, name="City libraries", sector="library")
    at_stop = make_opportunity(provider, title="Story time on the bus", format=Format.MOBILE)
    make_session(at_stop, site=square)
    elsewhere = make_opportunity(provider, title="Chess club", site=make_site(inputs))
    make_session(elsewhere)
    page = client.get(f"/{inputs.slug}/outreach/stops/{square.slug}/").content.decode()
    assert "Story time on the bus" in page and "Chess club" not in page


def test_learning_held_at_a_stop_links_to_when_the_library_comes(published, inputs, client):
    square = stop("Square North")
    provider = make_provider(inputs, name="City libraries", sector="library")
    story = make_opportunity(provider, title="Story time on the bus", site=square)
    make_session(story)
    page = client.get(f"/{inputs.slug}/learn/opportunities/{story.slug}/").content.decode()
    assert "This learning happens when the mobile library stops at Square North." in page
    assert f'href="/{inputs.slug}/outreach/stops/{square.slug}/"' in page
    elsewhere = make_opportunity(provider, title="Chess club", site=make_site(inputs))
    make_session(elsewhere)
    page = client.get(f"/{inputs.slug}/learn/opportunities/{elsewhere.slug}/").content.decode()
    assert "mobile library" not in page


def test_cancelling_a_visit_cancels_the_learning_during_it_and_tells_who_enrolled(
    published, inputs, coordinator, client, django_capture_on_commit_callbacks
):
    square = stop("Square North")
    visit = Visit.objects.filter(site=square).order_by("starts_at").first()
    provider = make_provider(inputs, name="City libraries", sector="library")
    story = make_opportunity(provider, title="Story time on the bus", site=square)
    during = make_session(story, starts_at=visit.starts_at, ends_at=visit.ends_at)
    next_week = visit.starts_at + timedelta(days=7)
    later = make_session(story, starts_at=next_week, ends_at=next_week + timedelta(minutes=30))
    weekly = make_session(
        story,
        starts_at=visit.starts_at,
        ends_at=visit.ends_at,
        recurrence="FREQ=WEEKLY;COUNT=4",
    )
    enrol_person(session=during, user=make_user("parent@example.org"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(
            f"/{inputs.slug}/outreach/desk/visits/{visit.public_id}/cancel/",
            {"reason": "The van broke down."},
            follow=True,
        )
    assert "1 learning session at the stop during the visit is cancelled too" in (
        response.content.decode()
    )
    during.refresh_from_db(), later.refresh_from_db(), weekly.refresh_from_db()
    assert during.is_cancelled and not later.is_cancelled and not weekly.is_cancelled
    assert [message.to for message in mail.outbox] == [["parent@example.org"]]
    assert Enrolment.objects.get().session == during


def test_a_stop_a_newer_plan_dropped_leaves_the_timetable(published, inputs, client):
    Visit.objects.filter(site=stop("Park East"), starts_at__gt=timezone.now()).delete()
    page = client.get(f"/{inputs.slug}/outreach/").content.decode()
    assert "Square North" in page and "Park East" not in page
    # Its page stays, for a link someone kept.
    assert client.get(f"/{inputs.slug}/outreach/stops/{stop('Park East').slug}/").status_code == 200


def test_the_timetable_reads_in_a_fixed_number_of_queries(
    published, inputs, client, django_assert_max_num_queries
):
    # The city, its districts (form and links), the stops, their visits; the session.
    with django_assert_max_num_queries(6):
        client.get(f"/{inputs.slug}/outreach/", {"district": "north"})
    with django_assert_max_num_queries(6):
        client.get(f"/{inputs.slug}/outreach/")


def test_an_erased_account_leaves_its_plans_without_the_link(published, coordinator_a):
    exported = services.export_plan_runs_of(coordinator_a)
    assert exported["outreach_plans"][0]["plan"] == str(published.public_id)
    services.erase_plan_runs_of(coordinator_a)
    assert PlanRun.objects.get().created_by is None


def test_the_desk_reads_in_a_fixed_number_of_queries(
    published, inputs, coordinator, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = coordinator.get(f"/{inputs.slug}/outreach/desk/")
    assert response.status_code == 200

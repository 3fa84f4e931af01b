"""Assembly meetings are catalogue sessions: scheduling one creates the meeting and a
published, free catalogue opportunity of the assembly's provider with one session;
coordinators manage members and minutes (sanitised Markdown); the demo goes through
the service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from learningcity.catalogue.models import Cost, Opportunity, Session
from learningcity.core.models import AuditEvent
from learningcity.participation import assemblies
from learningcity.participation.models import Assembly, AssemblyMeeting
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def assembly(city_a):
    return Assembly.objects.create(
        city=city_a, slug="council", name="Learning council", purpose="Guides the plan."
    )


def _url(assembly, tail=""):
    return f"/{assembly.city.slug}/participate/assemblies/{assembly.slug}/{tail}"


def test_scheduling_a_meeting_publishes_a_free_catalogue_session(coordinator_a, assembly):
    starts = timezone.now() + timedelta(days=5)
    meeting = assemblies.schedule_assembly_meeting(
        actor=coordinator_a,
        assembly=assembly,
        title="Spring meeting",
        starts_at=starts,
        minutes_long=90,
        place="Central library, room 2",
    )
    session = Session.objects.get()
    assert meeting.session == session
    assert session.starts_at == starts and session.ends_at == starts + timedelta(minutes=90)
    opportunity = session.opportunity
    assert opportunity.is_published and opportunity.cost == Cost.FREE
    assert opportunity.city == assembly.city
    assert opportunity.provider.slug == "assembly-council" and opportunity.provider.is_verified
    assert "Central library, room 2" in opportunity.description
    assert opportunity.title == "Learning council: Spring meeting"
    assert AuditEvent.objects.filter(action="participation.assembly_meeting_scheduled").exists()
    # A second meeting reuses the assembly's provider.
    assemblies.schedule_assembly_meeting(
        actor=coordinator_a, assembly=assembly, title="Summer", starts_at=starts
    )
    assert Opportunity.objects.values("provider").distinct().count() == 1


def test_a_bad_meeting_saves_nothing(coordinator_a, assembly, city_b):
    with pytest.raises(ValidationError):
        assemblies.schedule_assembly_meeting(
            actor=coordinator_a,
            assembly=assembly,
            title="",
            starts_at=timezone.now(),
        )
    with pytest.raises(ValidationError, match="between 15 minutes and 12 hours"):
        assemblies.schedule_assembly_meeting(
            actor=coordinator_a,
            assembly=assembly,
            title="Too long",
            starts_at=timezone.now(),
            minutes_long=2000,
        )
    assert not AssemblyMeeting.objects.exists() and not Opportunity.objects.exists()


def test_a_coordinator_schedules_through_the_page_and_the_assembly_links_to_the_catalogue(
    client, coordinator_a, assembly
):
    browser = client_for(coordinator_a)
    page = browser.get(_url(assembly, "meetings/new/"))
    assert page.status_code == 200 and '<label for="id_title">' in page.content.decode()
    response = browser.post(
        _url(assembly, "meetings/new/"),
        {
            "title": "Open meeting",
            "starts_at": "2030-03-14T18:30",
            "minutes_long": "120",
            "place": "Town hall",
        },
    )
    assert response.status_code == 302
    meeting = AssemblyMeeting.objects.get()
    opportunity = meeting.session.opportunity
    public = client.get(_url(assembly)).content.decode()
    assert f"/learn/opportunities/{opportunity.slug}/" in public
    assert "Schedule a meeting" not in public  # coordinators' links only for them
    own = browser.get(_url(assembly)).content.decode()
    assert "Schedule a meeting" in own and f"meetings/{meeting.pk}/minutes/" in own
    catalogue = client.get(f"/{assembly.city.slug}/learn/opportunities/{opportunity.slug}/")
    assert catalogue.status_code == 200


def test_a_bad_meeting_form_says_what_to_change(coordinator_a, assembly):
    response = client_for(coordinator_a).post(
        _url(assembly, "meetings/new/"), {"title": "", "starts_at": "soon", "minutes_long": "5"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and 'href="#id_starts_at"' in page
    assert not AssemblyMeeting.objects.exists()


@pytest.mark.parametrize("tail", ["members/", "meetings/new/"])
def test_only_the_citys_coordinators_manage_an_assembly(
    client, resident, coordinator_b, assembly, tail
):
    assert client.get(_url(assembly, tail)).status_code == 302  # sign in first
    assert client_for(resident).get(_url(assembly, tail)).status_code == 403
    assert client_for(coordinator_b).get(_url(assembly, tail)).status_code == 403


def test_members_are_added_by_account_email_and_removed(coordinator_a, assembly):
    person = make_user("Member@Example.org", display_name="Rosa")
    browser = client_for(coordinator_a)
    added = browser.post(
        _url(assembly, "members/"), {"action": "add", "email": "member@example.org"}
    )
    assert added.status_code == 302
    assert list(assembly.members.all()) == [person]
    unknown = browser.post(_url(assembly, "members/"), {"action": "add", "email": "nobody@x.org"})
    assert (
        unknown.status_code == 400
        and "No account has this e-mail address" in unknown.content.decode()
    )
    twice = browser.post(
        _url(assembly, "members/"), {"action": "add", "email": "member@example.org"}
    )
    assert twice.status_code == 400 and "already a member" in twice.content.decode()
    removed = browser.post(_url(assembly, "members/"), {"action": "remove", "member": person.pk})
    assert removed.status_code == 302 and not assembly.members.exists()


def test_minutes_are_recorded_and_shown_sanitised(client, coordinator_a, assembly):
    meeting = assemblies.schedule_assembly_meeting(
        actor=coordinator_a, assembly=assembly, title="Autumn", starts_at=timezone.now()
    )
    browser = client_for(coordinator_a)
    empty = browser.post(_url(assembly, f"meetings/{meeting.pk}/minutes/"), {"minutes": "  "})
    assert empty.status_code == 400
    saved = browser.post(
        _url(assembly, f"meetings/{meeting.pk}/minutes/"),
        {"minutes": "- Agreed the **plan**\n<script>alert(1)</script>"},
    )
    assert saved.status_code == 302
    meeting.refresh_from_db()
    assert "Agreed" in meeting.minutes
    page = client.get(_url(assembly)).content.decode()
    assert "<strong>plan</strong>" in page and "<script>alert" not in page
    assert AuditEvent.objects.filter(action="participation.assembly_minutes_recorded").exists()


def test_minutes_of_another_citys_meeting_are_not_found(coordinator_a, assembly, city_b):
    other = Assembly.objects.create(city=city_b, slug="council", name="Other")
    meeting = AssemblyMeeting.objects.create(
        assembly=other, title="Theirs", starts_at=timezone.now()
    )
    response = client_for(coordinator_a).get(_url(assembly, f"meetings/{meeting.pk}/minutes/"))
    assert response.status_code == 404


def test_the_demo_creates_its_meetings_through_the_service(client):
    from learningcity.core.demo import seed_core
    from learningcity.participation import demo

    context = seed_core("small", 7, log=lambda message: None)
    demo.seed_demo(context)
    meetings = list(AssemblyMeeting.objects.select_related("session__opportunity"))
    assert len(meetings) == 2 and all(m.session is not None for m in meetings)
    assert all(m.session.opportunity.is_published for m in meetings)
    city = context.demo_city.slug
    page = client.get(f"/{city}/participate/assemblies/steering-committee/").content.decode()
    for m in meetings:
        assert f"/learn/opportunities/{m.session.opportunity.slug}/" in page
    assert client.get(f"/{city}/participate/learning-plan/proposals/map/").status_code == 200

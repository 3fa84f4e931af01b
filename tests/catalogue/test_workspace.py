"""The provider workspace: who may do what, forms, sessions, enrolments and attendance."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from learningcity.catalogue.models import (
    TOPICS,
    Enrolment,
    EnrolmentStatus,
    LearningSite,
    Opportunity,
    Session,
)
from learningcity.catalogue.services import enrol_person
from learningcity.core.models import AuditEvent
from tests.catalogue.factories import (
    make_opportunity,
    make_provider,
    make_session,
    make_site,
    make_staff,
)
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(city_a):
    return make_provider(city_a, slug="alpha-library", name="Alpha Library")


@pytest.fixture
def other_provider(city_a):
    return make_provider(city_a, slug="alpha-college", name="Alpha College")


@pytest.fixture
def staff(provider):
    user = make_user("staff@example.org")
    make_staff(provider, user)
    return user


@pytest.fixture
def opportunity(provider):
    return make_opportunity(provider, slug="digital-skills", title="Digital skills", capacity=1)


@pytest.fixture
def session(opportunity):
    return make_session(opportunity)


def opportunity_form(**changes):
    data = {
        "title": "Learn Spanish",
        "slug": "",
        "description": "Conversation for beginners.",
        "level": "non_formal",
        "format": "in_person",
        "topics": ["languages"],
        "languages": "es, en",
        "cost": "free",
        "outcome": "none",
        "capacity": "12",
        "is_published": "on",
    }
    return {**data, **changes}


def session_form(**changes):
    data = {
        "starts_at": "2030-03-02T18:00",
        "ends_at": "2030-03-02T20:00",
        "recurrence": "",
        "capacity": "",
    }
    return {**data, **changes}


# -- who may enter


def test_a_resident_cannot_open_the_workspace(resident, city_a):
    assert client_for(resident).get("/alpha/learn/workspace/").status_code == 403


def test_an_anonymous_visitor_is_asked_to_sign_in(client, city_a):
    response = client.get("/alpha/learn/workspace/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_provider_staff_see_only_their_providers(staff, provider, other_provider):
    page = client_for(staff).get("/alpha/learn/workspace/").content.decode()
    assert "Alpha Library" in page
    assert "Alpha College" not in page


def test_a_coordinator_sees_every_provider_of_their_city(
    coordinator_a, provider, other_provider, django_assert_max_num_queries
):
    client = client_for(coordinator_a)
    with django_assert_max_num_queries(6):
        page = client.get("/alpha/learn/workspace/").content.decode()
    assert "Alpha Library" in page and "Alpha College" in page


def test_the_provider_page_lists_opportunities_in_few_queries(
    staff, provider, django_assert_max_num_queries
):
    for number in range(5):
        make_session(make_opportunity(provider, title=f"Course {number}"))
    client = client_for(staff)
    with django_assert_max_num_queries(9):
        response = client.get("/alpha/learn/workspace/providers/alpha-library/")
    assert response.content.decode().count("Course ") == 5


def test_staff_of_one_provider_cannot_edit_another_providers_opportunity(staff, other_provider):
    theirs = make_opportunity(other_provider, slug="their-course", title="Theirs")
    client = client_for(staff)
    url = "/alpha/learn/workspace/opportunities/their-course/edit/"
    assert client.get(url).status_code == 403
    assert client.post(url, opportunity_form(title="Hijacked")).status_code == 403
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"
    assert client.get("/alpha/learn/workspace/providers/alpha-college/").status_code == 403


def test_a_coordinator_of_city_b_cannot_see_enrolments_in_city_a(
    coordinator_a, coordinator_b, session
):
    enrol_person(session=session, name="Ana", email="ana@example.org")
    page = f"/alpha/learn/workspace/sessions/{session.public_id}/enrolments/"
    assert "ana@example.org" in client_for(coordinator_a).get(page).content.decode()
    AuditEvent.objects.all().delete()
    client = client_for(coordinator_b)
    assert client.get("/alpha/learn/workspace/").status_code == 403
    in_b = f"/beta/learn/workspace/sessions/{session.public_id}/enrolments/"
    in_a = f"/alpha/learn/workspace/sessions/{session.public_id}/enrolments/"
    assert client.get(in_b).status_code == 404
    assert client.get(in_a).status_code == 403
    assert client.get(in_a.replace("enrolments/", "enrolments.csv")).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="enrolments.").exists()


# -- opportunities


def test_staff_create_an_opportunity_and_its_slug_comes_from_the_title(staff, provider):
    response = client_for(staff).post(
        "/alpha/learn/workspace/providers/alpha-library/opportunities/new/", opportunity_form()
    )
    created = Opportunity.objects.get(slug="learn-spanish")
    assert response.status_code == 302
    assert created.provider == provider
    assert created.languages == ["es", "en"]
    assert TOPICS.to_values(created.topics) == ["languages"]
    assert AuditEvent.objects.filter(action="opportunity.created", target="learn-spanish").exists()


def test_a_bad_opportunity_form_lists_every_problem_and_saves_nothing(staff, provider):
    form = opportunity_form(
        title="", level="nonsense", capacity="-3", languages="english!", min_age="60", max_age="10"
    )
    response = client_for(staff).post(
        "/alpha/learn/workspace/providers/alpha-library/opportunities/new/", form
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in page
    for problem in ["Title", "Level", "Places", "Languages of instruction"]:
        assert problem in page
    assert not Opportunity.objects.exists()


def test_a_slug_already_used_in_the_city_is_refused_clearly(staff, provider, other_provider):
    make_opportunity(other_provider, slug="learn-spanish")
    response = client_for(staff).post(
        "/alpha/learn/workspace/providers/alpha-library/opportunities/new/",
        opportunity_form(slug="learn-spanish"),
    )
    assert "already uses this slug" in response.content.decode()
    assert Opportunity.objects.count() == 1


def test_staff_edit_their_opportunity(staff, opportunity):
    response = client_for(staff).post(
        "/alpha/learn/workspace/opportunities/digital-skills/edit/",
        opportunity_form(title="Digital skills, step by step", slug="digital-skills"),
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.title == "Digital skills, step by step"
    event = AuditEvent.objects.get(action="opportunity.updated")
    assert "title" in event.details["fields"]


def test_more_places_let_people_in_from_the_waiting_list(staff, opportunity, session):
    enrol_person(session=session, name="A", email="a@example.org")
    waiting = enrol_person(session=session, name="B", email="b@example.org")
    client_for(staff).post(
        "/alpha/learn/workspace/opportunities/digital-skills/edit/",
        opportunity_form(slug="digital-skills", capacity="2"),
    )
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.CONFIRMED


# -- sessions


def test_staff_add_a_weekly_session_in_the_citys_time(staff, opportunity):
    response = client_for(staff).post(
        "/alpha/learn/workspace/opportunities/digital-skills/sessions/new/",
        session_form(recurrence="freq=weekly;byday=sa;count=10"),
    )
    assert response.status_code == 302
    created = Session.objects.get()
    assert created.recurrence == "FREQ=WEEKLY;BYDAY=SA;COUNT=10"
    local = timezone.localtime(created.starts_at, opportunity.city.tzinfo)
    assert (local.hour, local.minute) == (18, 0)


@pytest.mark.parametrize(
    ("rule", "explanation"),
    [
        ("FREQ=WEEKY", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY"),
        ("BYDAY=MO", "Say how often it repeats"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20300601T000000Z", "not both"),
        ("FREQ=WEEKLY;UNTIL=20300601", "Write UNTIL as a date and time in UTC"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "never have that day"),
        ("FREQ=WEEKLY;BYDAY=XX", "could not be read"),
        ("FREQ=HOURLY", "FREQ must be"),
        ("FREQ=DAILY;BYSETPOS=1", "cannot be used here"),
    ],
)
def test_a_bad_repeat_rule_is_explained_plainly(staff, opportunity, rule, explanation):
    response = client_for(staff).post(
        "/alpha/learn/workspace/opportunities/digital-skills/sessions/new/",
        session_form(recurrence=rule),
    )
    assert response.status_code == 200
    assert explanation in response.content.decode()
    assert not Session.objects.exists()


def test_a_session_that_ends_before_it_starts_is_refused(staff, opportunity):
    response = client_for(staff).post(
        "/alpha/learn/workspace/opportunities/digital-skills/sessions/new/",
        session_form(ends_at="2030-03-02T17:00"),
    )
    assert "The end must be after the start" in response.content.decode()
    assert not Session.objects.exists()


def test_a_session_cannot_use_a_place_from_another_city(staff, opportunity, city_b):
    elsewhere = make_site(city_b)
    response = client_for(staff).post(
        "/alpha/learn/workspace/opportunities/digital-skills/sessions/new/",
        session_form(site=str(elsewhere.pk)),
    )
    assert response.status_code == 200
    assert not Session.objects.exists()


def test_cancelling_a_session_tells_everyone_enrolled(
    staff, session, django_capture_on_commit_callbacks
):
    enrol_person(session=session, name="A", email="a@example.org")
    enrol_person(session=session, name="B", email="b@example.org")
    local = timezone.localtime(session.starts_at, session.opportunity.city.tzinfo)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(
            f"/alpha/learn/workspace/sessions/{session.public_id}/edit/",
            session_form(
                starts_at=local.strftime("%Y-%m-%dT%H:%M"),
                ends_at=(local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                is_cancelled="on",
            ),
        )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert all("Cancelled" in m.subject for m in mail.outbox)


# -- places


def test_staff_add_a_place_for_their_provider(staff, provider):
    response = client_for(staff).post(
        "/alpha/learn/workspace/providers/alpha-library/places/new/",
        {"name": "North Branch", "slug": "", "kind": "library", "accessibility": ["step_free"]},
    )
    assert response.status_code == 302
    site = LearningSite.objects.get(slug="north-branch")
    assert site.provider == provider and site.accessibility == 1


def test_staff_cannot_edit_a_place_shared_by_the_city(staff, city_a, coordinator_a):
    make_site(city_a, slug="town-hall", name="Town Hall")
    url = "/alpha/learn/workspace/places/town-hall/edit/"
    assert client_for(staff).get(url).status_code == 403
    assert client_for(coordinator_a).get(url).status_code == 200


# -- enrolments and attendance


def test_the_enrolment_list_shows_status_and_waitlist_position_and_is_audited(
    staff, session, django_assert_max_num_queries
):
    enrol_person(session=session, name="Ana", email="ana@example.org", needs="Large print")
    enrol_person(session=session, name="Ben", email="ben@example.org")
    enrol_person(session=session, name="Cy", email="cy@example.org")
    client = client_for(staff)
    with django_assert_max_num_queries(8):
        response = client.get(f"/alpha/learn/workspace/sessions/{session.public_id}/enrolments/")
    page = response.content.decode()
    assert "Ana" in page and "Large print" in page
    assert "Waiting list: number 1" in page and "Waiting list: number 2" in page
    event = AuditEvent.objects.get(action="enrolments.viewed")
    assert event.actor == staff and event.city == session.opportunity.city


def test_the_enrolment_csv_export_is_audited(staff, session):
    enrol_person(session=session, name="=HYPERLINK(1)", email="ana@example.org")
    response = client_for(staff).get(
        f"/alpha/learn/workspace/sessions/{session.public_id}/enrolments.csv"
    )
    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert lines[0] == "name,email,status,waitlist_position,joined,needs"
    # A name that a spreadsheet would run as a formula is written as text.
    assert lines[1].startswith("'=HYPERLINK(1),ana@example.org,confirmed")
    assert AuditEvent.objects.filter(action="enrolments.exported", actor=staff).count() == 1


def test_staff_mark_who_came(staff, opportunity):
    opportunity.capacity = 5
    opportunity.save()
    session = make_session(opportunity)
    came = enrol_person(session=session, name="Came", email="came@example.org")
    absent = enrol_person(session=session, name="Absent", email="absent@example.org")
    response = client_for(staff).post(
        f"/alpha/learn/workspace/sessions/{session.public_id}/attendance/",
        {"attended": [str(came.public_id), "not-a-uuid"]},
        follow=True,
    )
    assert "1 people came" in response.content.decode()
    assert Enrolment.objects.get(pk=came.pk).status == EnrolmentStatus.ATTENDED
    assert Enrolment.objects.get(pk=absent.pk).status == EnrolmentStatus.CONFIRMED
    assert AuditEvent.objects.filter(action="attendance.marked").exists()


def test_attendance_cannot_be_marked_by_another_provider(staff, other_provider):
    session = make_session(make_opportunity(other_provider))
    person = enrol_person(session=session, name="A", email="a@example.org")
    response = client_for(staff).post(
        f"/alpha/learn/workspace/sessions/{session.public_id}/attendance/",
        {"attended": [str(person.public_id)]},
    )
    assert response.status_code == 403
    assert Enrolment.objects.get(pk=person.pk).status == EnrolmentStatus.CONFIRMED


def test_ages_in_the_wrong_order_are_refused_with_a_message(staff, provider):
    response = client_for(staff).post(
        "/alpha/learn/workspace/providers/alpha-library/opportunities/new/",
        opportunity_form(min_age="60", max_age="10"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The maximum age is below the minimum age" in page
    assert "Constraint" not in page
    assert not Opportunity.objects.exists()

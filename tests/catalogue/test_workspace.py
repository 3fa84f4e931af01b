"""The provider workspace: who may do what, forms, sessions, enrolments and attendance."""

import re
from datetime import UTC, datetime, timedelta

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
    recurrence_problem,
)
from learningcity.catalogue.schedule import refresh_schedule
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
        "kind": "course",
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
        "repeat": "once",
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


def test_the_languages_of_instruction_may_be_left_empty(staff, provider):
    response = client_for(staff).post(NEW, opportunity_form(languages=""))
    assert response.status_code == 302
    assert Opportunity.objects.get().languages == []


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


def test_the_form_has_no_slug_and_a_title_in_use_gets_a_free_address(
    staff, provider, other_provider
):
    client = client_for(staff)
    page = client.get("/alpha/learn/workspace/providers/alpha-library/opportunities/new/")
    assert 'name="slug"' not in page.content.decode()
    make_opportunity(other_provider, slug="learn-spanish")
    make_opportunity(other_provider, slug="learn-spanish-2")
    client.post(
        "/alpha/learn/workspace/providers/alpha-library/opportunities/new/",
        opportunity_form(slug="hand-made"),  # a typed slug is ignored
    )
    assert Opportunity.objects.get(provider=provider).slug == "learn-spanish-3"


def test_staff_edit_their_opportunity(staff, opportunity):
    response = client_for(staff).post(
        "/alpha/learn/workspace/opportunities/digital-skills/edit/",
        opportunity_form(title="Digital skills, step by step"),
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
        opportunity_form(capacity="2"),
    )
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.CONFIRMED


# -- sessions


def test_staff_add_a_weekly_session_with_the_repeat_picker(staff, opportunity):
    """No raw FREQ=…: "every week on these days, until" writes the rule."""
    client = client_for(staff)
    page = client.get("/alpha/learn/workspace/opportunities/digital-skills/sessions/new/")
    assert "FREQ=" not in page.content.decode() and 'name="recurrence"' not in page.content.decode()
    response = client.post(
        "/alpha/learn/workspace/opportunities/digital-skills/sessions/new/",
        session_form(repeat="weekly", repeat_days=["SA", "MO"], repeat_until="2030-05-04"),
    )
    assert response.status_code == 302
    created = Session.objects.get()
    zone = opportunity.city.tzinfo
    last = timezone.make_aware(datetime(2030, 5, 4, 23, 59, 59), zone).astimezone(UTC)
    assert created.recurrence == f"FREQ=WEEKLY;BYDAY=MO,SA;UNTIL={last:%Y%m%dT%H%M%SZ}"
    local = timezone.localtime(created.starts_at, zone)
    assert (local.hour, local.minute) == (18, 0)
    page = client.get("/alpha/learn/workspace/opportunities/digital-skills/").content.decode()
    assert "Every week on Monday and Saturday, until 4 May 2030" in page
    edit = client.get(f"/alpha/learn/workspace/sessions/{created.public_id}/edit/").content.decode()
    assert re.search(r'value="weekly"[^>]*checked', edit)


@pytest.mark.parametrize(
    ("choice", "days", "rule_start"),
    [
        ("fortnightly", [], "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA;UNTIL="),  # 2 March 2030: a Saturday
        ("monthly", [], "FREQ=MONTHLY;BYDAY=1SA;UNTIL="),
        ("once", ["MO"], ""),
    ],
)
def test_the_repeat_picker_writes_every_two_weeks_and_monthly(
    staff, opportunity, choice, days, rule_start
):
    client_for(staff).post(
        "/alpha/learn/workspace/opportunities/digital-skills/sessions/new/",
        session_form(repeat=choice, repeat_days=days, repeat_until="2030-12-31"),
    )
    rule = Session.objects.get().recurrence
    assert rule.startswith(rule_start) and (rule_start or rule == "")


@pytest.mark.parametrize(
    ("until", "explanation"),
    [("", "Say until when it repeats"), ("2030-03-01", "The last day is before the start")],
)
def test_a_repeat_without_a_sensible_last_day_is_explained(staff, opportunity, until, explanation):
    response = client_for(staff).post(
        "/alpha/learn/workspace/opportunities/digital-skills/sessions/new/",
        session_form(repeat="weekly", repeat_until=until),
    )
    assert response.status_code == 200
    assert explanation in response.content.decode()
    assert not Session.objects.exists()


def test_a_rule_the_picker_cannot_write_is_kept_and_told_in_words(staff, opportunity):
    session = make_session(opportunity, recurrence="FREQ=WEEKLY;BYDAY=SA;COUNT=10")
    client = client_for(staff)
    url = f"/alpha/learn/workspace/sessions/{session.public_id}/edit/"
    page = client.get(url).content.decode()
    assert "As now: Every week on Saturday, 10 times in all" in page
    local = timezone.localtime(session.starts_at, opportunity.city.tzinfo)
    client.post(
        url,
        session_form(
            repeat="keep",
            starts_at=local.strftime("%Y-%m-%dT%H:%M"),
            ends_at=(local + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            capacity="5",
        ),
    )
    session.refresh_from_db()
    assert session.recurrence == "FREQ=WEEKLY;BYDAY=SA;COUNT=10" and session.capacity == 5


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
def test_a_bad_repeat_rule_is_explained_plainly(rule, explanation):
    """Rules still arrive by import: they are checked the same way."""
    starts = timezone.make_aware(datetime(2030, 3, 2, 18, 0))
    assert explanation in (recurrence_problem(rule, starts) or "")


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


# -- issue 8: kind, places, page weight, publishing, copies, deleting, messages

NEW = "/alpha/learn/workspace/providers/alpha-library/opportunities/new/"
TITLE = re.compile(r'<h3><a href="[^"]+">([^<]+)</a></h3>')


def test_a_lecture_made_in_the_workspace_is_found_as_a_free_online_lecture(staff, provider):
    """Defect 11: without a kind in the form everything was a course."""
    client = client_for(staff)
    response = client.post(
        NEW, opportunity_form(title="Talk on the river", kind="lecture", format="online")
    )
    assert response.status_code == 302
    lecture = Opportunity.objects.get(title="Talk on the river")
    assert lecture.kind == "lecture"
    make_session(lecture, starts_at=timezone.now() + timedelta(days=2),
                 ends_at=timezone.now() + timedelta(days=2, hours=1))  # fmt: skip
    refresh_schedule(lecture)
    found = client.get(
        "/alpha/learn/", {"cost": "free", "format": "online", "kind": "lecture", "when": "week"}
    )
    assert TITLE.findall(found.content.decode()) == ["Talk on the river"]


def test_the_workspace_shows_a_session_at_the_main_place_with_its_address(staff, provider, city_a):
    """Defect 12: a session without its own place showed "–"."""
    main = make_site(city_a, name="Central Library", address="1 Main Street")
    opportunity = make_opportunity(provider, slug="at-main", site=main)
    make_session(opportunity)
    page = client_for(staff).get("/alpha/learn/workspace/opportunities/at-main/").content.decode()
    assert "Central Library" in page and "1 Main Street" in page


def test_the_new_opportunity_form_stays_light_with_a_thousand_places(
    staff, provider, city_a, django_assert_max_num_queries
):
    """Defect 19: every place and co-provider was listed (122 KB)."""
    LearningSite.objects.bulk_create(
        LearningSite(city=city_a, slug=f"place-{n}", name=f"Place {n}", kind="library",
                     address=f"{n} Long Street")
        for n in range(1000)
    )  # fmt: skip
    for number in range(150):
        make_provider(city_a, name=f"Partner {number}")
    client = client_for(staff)
    with django_assert_max_num_queries(25):
        page = client.get(NEW).content
    assert len(page) < 60_000
    assert page.count(b'name="site"') <= 20 and page.count(b'name="co_providers"') <= 20


def test_search_then_choose_a_place_and_a_co_provider_without_javascript(staff, provider, city_a):
    for number in range(40):
        make_site(city_a, slug=f"branch-{number}", name=f"Branch {number}")
    harbour = make_site(city_a, slug="harbour", name="Harbour Hall", address="3 Quay Road")
    partner = make_provider(city_a, slug="partners", name="Quay Partners")
    client = client_for(staff)
    searched = client.post(
        NEW, opportunity_form(title="Sea shanties", site_query="quay", search="site_query")
    )
    page = searched.content.decode()
    assert searched.status_code == 200 and not Opportunity.objects.exists()
    assert "Harbour Hall — 3 Quay Road" in page and "Branch 7" not in page
    assert 'value="Sea shanties"' in page  # what was typed is kept
    assert "error-summary" not in page  # a search is not a failed save
    nothing = client.post(NEW, opportunity_form(site_query="\x00zzz", search="site_query"))
    assert "No place matches" in nothing.content.decode()
    found = client.post(
        NEW,
        opportunity_form(title="Sea shanties", site=str(harbour.pk), co_provider_query="quay",
                         search="co_provider_query"),
    )  # fmt: skip
    assert "Quay Partners" in found.content.decode()
    assert re.search(rf'value="{harbour.pk}"[^>]*checked', found.content.decode())
    saved = client.post(
        NEW,
        opportunity_form(title="Sea shanties", site=str(harbour.pk), co_providers=[partner.pk]),
    )
    assert saved.status_code == 302
    created = Opportunity.objects.get()
    assert created.site == harbour and list(created.co_providers.all()) == [partner]


def test_a_place_from_another_city_is_not_a_choice(staff, provider, city_b):
    elsewhere = make_site(city_b, name="Far away")
    response = client_for(staff).post(NEW, opportunity_form(site=str(elsewhere.pk)))
    assert response.status_code == 200 and not Opportunity.objects.exists()


def test_staff_unpublish_and_publish_with_a_link_to_the_public_page(staff, opportunity):
    client = client_for(staff)
    page = client.get("/alpha/learn/workspace/opportunities/digital-skills/").content.decode()
    assert 'href="/alpha/learn/opportunities/digital-skills/"' in page
    url = "/alpha/learn/workspace/opportunities/digital-skills/publish/"
    assert client.get(url).status_code == 405
    client.post(url, {"published": "no"})
    opportunity.refresh_from_db()
    assert not opportunity.is_published
    client.post(url, {"published": "yes"})
    opportunity.refresh_from_db()
    assert opportunity.is_published
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("id"))
    assert actions == ["opportunity.unpublished", "opportunity.published"]


def test_staff_duplicate_an_opportunity_unpublished_and_without_sessions(
    staff, opportunity, other_provider
):
    opportunity.co_providers.add(other_provider)
    make_session(opportunity)
    response = client_for(staff).post(
        "/alpha/learn/workspace/opportunities/digital-skills/duplicate/"
    )
    copy = Opportunity.objects.get(slug="digital-skills-copy")
    assert response.url == "/alpha/learn/workspace/opportunities/digital-skills-copy/"
    assert copy.title == "Digital skills (copy)" and not copy.is_published
    assert copy.capacity == opportunity.capacity and copy.sessions.count() == 0
    assert list(copy.co_providers.all()) == [other_provider]
    assert AuditEvent.objects.filter(action="opportunity.duplicated").exists()


def test_delete_asks_first_and_only_works_without_enrolments(staff, opportunity, session):
    client = client_for(staff)
    url = "/alpha/learn/workspace/opportunities/digital-skills/delete/"
    assert "Yes, delete it" in client.get(url).content.decode()
    assert Opportunity.objects.exists()  # asking changes nothing
    enrolment = enrol_person(session=session, name="A", email="a@example.org")
    page = client.post(url).content.decode()
    assert "cannot be deleted" in page and "Unpublish" in page
    assert Opportunity.objects.filter(pk=opportunity.pk).exists()
    enrolment.delete()
    response = client.post(url)
    assert response.status_code == 302 and not Opportunity.objects.exists()
    assert AuditEvent.objects.filter(action="opportunity.deleted").exists()


def test_another_provider_cannot_unpublish_copy_delete_or_message(staff, other_provider):
    make_opportunity(other_provider, slug="theirs")
    client = client_for(staff)
    base = "/alpha/learn/workspace/opportunities/theirs/"
    for action in ("publish/", "duplicate/", "delete/", "message/"):
        assert client.post(base + action, {"published": "no"}).status_code == 403
    assert Opportunity.objects.get(slug="theirs").is_published


def test_staff_message_the_people_enrolled(
    staff, opportunity, session, django_capture_on_commit_callbacks
):
    enrol_person(session=session, name="Ana", email="ana@example.org")
    enrol_person(session=session, name="Ben", email="ben@example.org")  # waitlisted: capacity 1
    enrol_person(session=make_session(opportunity), name="Ana", email="ana@example.org")
    client = client_for(staff)
    url = "/alpha/learn/workspace/opportunities/digital-skills/message/"
    assert (
        "Message the people enrolled"
        in client.get("/alpha/learn/workspace/opportunities/digital-skills/").content.decode()
    )
    message = {"session": "all", "subject": "Room change", "message": "We meet in room 4."}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, message)
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]  # once, confirmed only
    assert "Room change" in mail.outbox[0].subject
    assert "We meet in room 4." in mail.outbox[0].body
    event = AuditEvent.objects.get(action="enrolled.messaged")
    assert event.details["recipients"] == 1 and event.details["subject"] == "Room change"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**message, "session": str(session.public_id), "include_waitlisted": "on"})
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "ben@example.org"]


def test_messages_are_rate_limited(staff, opportunity, session):
    enrol_person(session=session, name="Ana", email="ana@example.org")
    client = client_for(staff)
    url = "/alpha/learn/workspace/opportunities/digital-skills/message/"
    message = {"session": "all", "subject": "News", "message": "Hello"}
    for _number in range(5):
        assert client.post(url, message).status_code == 302
    refused = client.post(url, message)
    assert refused.status_code == 200
    assert "already sent 5 messages" in refused.content.decode()
    assert AuditEvent.objects.filter(action="enrolled.messaged").count() == 5


def test_cancelling_a_session_asks_first_then_offers_the_next_session(
    staff, opportunity, session, django_capture_on_commit_callbacks
):
    later = make_session(
        opportunity,
        starts_at=session.starts_at + timedelta(days=7),
        ends_at=session.ends_at + timedelta(days=7),
    )
    enrol_person(session=session, name="Ana", email="ana@example.org")
    client = client_for(staff)
    url = f"/alpha/learn/workspace/sessions/{session.public_id}/cancel/"
    assert "1 person is enrolled or waiting" in client.get(url).content.decode()
    session.refresh_from_db()
    assert not session.is_cancelled
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    session.refresh_from_db()
    assert session.is_cancelled
    (email,) = mail.outbox
    assert f"/alpha/learn/sessions/{later.public_id}/enrol/" in email.body
    assert "The next session is on" in email.body
    html = email.alternatives[0][0]
    assert f"/alpha/learn/sessions/{later.public_id}/enrol/" in html

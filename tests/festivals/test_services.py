"""Festival services: submissions refused with a clear message and nothing saved,
decisions with e-mails, programme dates that follow their sessions, figures."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from learningcity.catalogue.models import TARGET_GROUPS, Enrolment
from learningcity.catalogue.services import update_session
from learningcity.festivals import figures, services
from learningcity.festivals.models import Entry, EntryStatus, Festival, FestivalEvent
from learningcity.festivals.services import FestivalRefused, Submission
from tests.catalogue.factories import make_opportunity, make_provider, make_site, make_staff
from tests.conftest import make_district, make_user
from tests.festivals.factories import local_today, session_on, setup_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(city_a):
    return setup_city(city_a)


def submit(setup, *, opportunity=None, sessions=None, actor=None, provider=None):
    return services.submit_opportunity(
        actor=actor or setup.staff,
        submission=Submission(
            festival=setup.festival,
            provider=provider or setup.provider,
            opportunity=opportunity or setup.opportunity,
            sessions=sessions if sessions is not None else [setup.session],
        ),
    )


def refused(setup, words: str, **kwargs) -> None:
    with pytest.raises(FestivalRefused) as caught:
        submit(setup, **kwargs)
    assert words in caught.value.message
    assert not Entry.objects.filter(festival=setup.festival).exists()


def test_submit_then_accept_puts_the_dates_in_the_programme(
    setup, coordinator_a, django_capture_on_commit_callbacks
):
    entry = submit(setup)
    assert entry.status == EntryStatus.PENDING
    assert not FestivalEvent.objects.exists()  # not before the city accepts it
    version = setup.festival.programme_version
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_entry(actor=coordinator_a, entry=entry, accept=True)
    event = FestivalEvent.objects.get()
    assert event.day == setup.festival.starts_on + timedelta(days=1)
    assert event.session == setup.session
    setup.festival.refresh_from_db()
    assert setup.festival.programme_version == version + 1
    [message] = mail.outbox
    assert set(message.to) == {"library@example.org", setup.staff.email}
    assert "Accepted" in message.subject and "Poetry walk" in message.subject


def test_refusal_needs_a_reason_and_sends_it(
    setup, coordinator_a, django_capture_on_commit_callbacks
):
    entry = submit(setup)
    with pytest.raises(FestivalRefused, match="Say why"):
        services.decide_entry(actor=coordinator_a, entry=entry, accept=False, reason="   ")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.PENDING and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_entry(
            actor=coordinator_a, entry=entry, accept=False, reason="The evening is full."
        )
    assert Entry.objects.get().status == EntryStatus.REJECTED
    assert "The evening is full." in mail.outbox[0].body


def test_only_the_citys_coordinators_decide(setup, coordinator_b):
    entry = submit(setup)
    with pytest.raises(FestivalRefused, match="coordinators"):
        services.decide_entry(actor=coordinator_b, entry=entry, accept=True)
    with pytest.raises(FestivalRefused):
        services.decide_entry(actor=setup.staff, entry=entry, accept=True)
    assert Entry.objects.get().status == EntryStatus.PENDING


def test_another_providers_opportunity_is_refused(setup):
    other = make_provider(setup.city, slug="museum")
    theirs = make_opportunity(other, title="Museum night")
    session = session_on(theirs, setup.festival.starts_on)
    refused(setup, "another provider", opportunity=theirs, sessions=[session])


def test_another_citys_opportunity_is_refused(setup, city_b):
    elsewhere = setup_city(city_b, slug="faraway")
    refused(
        setup,
        "another city",
        opportunity=elsewhere.opportunity,
        sessions=[elsewhere.session],
    )
    # Submitting as the other city's provider to this festival is refused too.
    with pytest.raises(FestivalRefused, match="another city"):
        submit(setup, actor=elsewhere.staff, provider=elsewhere.provider)


def test_staff_of_another_provider_cannot_submit_for_this_one(setup, coordinator_a):
    stranger = make_user()
    make_staff(make_provider(setup.city), stranger)
    refused(setup, "Only the staff", actor=stranger)
    refused(setup, "Only the staff", actor=coordinator_a)  # the city decides, not submits


def test_sessions_outside_the_dates_are_refused(setup):
    before = session_on(setup.opportunity, setup.festival.starts_on - timedelta(days=1))
    refused(setup, "no date during the festival", sessions=[setup.session, before])
    after = session_on(setup.opportunity, setup.festival.ends_on + timedelta(days=1))
    refused(setup, "no date during the festival", sessions=[after])
    refused(setup, "Choose at least one session", sessions=[])


def test_a_session_of_another_opportunity_or_cancelled_is_refused(setup):
    second = make_opportunity(setup.provider)
    foreign = session_on(second, setup.festival.starts_on)
    refused(setup, "another opportunity", sessions=[foreign])
    cancelled = session_on(setup.opportunity, setup.festival.starts_on, is_cancelled=True)
    refused(setup, "cancelled", sessions=[cancelled])


def test_submissions_outside_the_window_are_refused(setup):
    today = local_today(setup.city)
    Festival.objects.filter(pk=setup.festival.pk).update(
        submissions_open_on=today - timedelta(days=9),
        submissions_close_on=today - timedelta(days=1),
    )
    setup.festival.refresh_from_db()
    refused(setup, "Submissions closed")
    Festival.objects.filter(pk=setup.festival.pk).update(
        submissions_open_on=today + timedelta(days=1),
        submissions_close_on=today + timedelta(days=3),
    )
    setup.festival.refresh_from_db()
    refused(setup, "Submissions open on")
    Festival.objects.filter(pk=setup.festival.pk).update(submissions_open_on=today, status="draft")
    setup.festival.refresh_from_db()
    refused(setup, "not taking submissions")


def test_a_second_submission_of_the_same_opportunity_is_refused(setup):
    submit(setup)
    with pytest.raises(FestivalRefused, match="already submitted"):
        submit(setup)
    assert Entry.objects.count() == 1


def test_unpublished_opportunity_is_refused(setup):
    setup.opportunity.is_published = False
    setup.opportunity.save()
    refused(setup, "Publish this opportunity first")


def test_a_weekly_course_lists_only_its_festival_dates(setup, coordinator_a):
    course = make_opportunity(setup.provider, title="Weekly Spanish")
    weekly = session_on(
        course,
        setup.festival.starts_on - timedelta(days=14),
        9,
        recurrence="FREQ=DAILY;COUNT=40",
    )
    entry = submit(setup, opportunity=course, sessions=[weekly])
    services.decide_entry(actor=coordinator_a, entry=entry, accept=True)
    days = sorted(FestivalEvent.objects.values_list("day", flat=True))
    assert days[0] == setup.festival.starts_on and days[-1] == setup.festival.ends_on
    assert len(days) == 7


def test_the_programme_follows_a_moved_session(setup, coordinator_a):
    entry = submit(setup)
    services.decide_entry(actor=coordinator_a, entry=entry, accept=True)
    version = Festival.objects.get().programme_version
    moved = setup.session.starts_at + timedelta(days=2)
    update_session(
        actor=setup.staff,
        session=setup.session,
        changes={"starts_at": moved, "ends_at": moved + timedelta(hours=1)},
    )
    event = FestivalEvent.objects.get()
    assert event.day == setup.festival.starts_on + timedelta(days=3)
    assert Festival.objects.get().programme_version > version
    # Moved out of the festival: it leaves the programme (the entry stays accepted).
    later = setup.festival.ends_on + timedelta(days=30)
    update_session(
        actor=setup.staff,
        session=setup.session,
        changes={
            "starts_at": moved + timedelta(days=30),
            "ends_at": moved + timedelta(days=30, hours=1),
        },
    )
    assert later and not FestivalEvent.objects.exists()


def test_festival_dates_are_checked(city_a, coordinator_a):
    today = local_today(city_a)
    fields = {
        "slug": "autumn",
        "name": "Autumn",
        "starts_on": today + timedelta(days=10),
        "ends_on": today + timedelta(days=5),
        "submissions_open_on": today,
        "submissions_close_on": today + timedelta(days=2),
        "status": "published",
    }
    with pytest.raises(ValidationError) as caught:
        services.create_festival(actor=coordinator_a, city=city_a, fields=fields)
    assert "ends_on" in caught.value.error_dict
    fields["ends_on"] = today + timedelta(days=12)
    fields["submissions_close_on"] = today + timedelta(days=20)
    with pytest.raises(ValidationError) as caught:
        services.create_festival(actor=coordinator_a, city=city_a, fields=fields)
    assert "submissions_close_on" in caught.value.error_dict
    fields["submissions_close_on"] = today + timedelta(days=2)
    services.create_festival(actor=coordinator_a, city=city_a, fields=fields)
    with pytest.raises(ValidationError) as caught:
        services.create_festival(actor=coordinator_a, city=city_a, fields=fields)
    assert "slug" in caught.value.error_dict
    assert Festival.objects.filter(city=city_a).count() == 1


def test_figures_by_district_and_group(setup, coordinator_a):
    north = make_district(setup.city, "north", name="North")
    hall = make_site(setup.city, slug="hall", name="Hall", district=north)
    families = make_opportunity(
        setup.provider,
        title="Family science",
        site=hall,
        target_groups=TARGET_GROUPS.to_mask(["families", "children"]),
    )
    family_session = session_on(families, setup.festival.starts_on)
    for entry in (submit(setup), submit(setup, opportunity=families, sessions=[family_session])):
        services.decide_entry(actor=coordinator_a, entry=entry, accept=True)
    for number, status in enumerate(["attended", "attended", "confirmed", "cancelled"]):
        Enrolment.objects.create(
            session=family_session, guest_email=f"p{number}@example.org", status=status
        )
    result = figures.festival_figures(setup.festival)
    assert (result.events, result.providers, result.places) == (2, 1, 1)
    assert (result.joined, result.attended) == (3, 2)
    by_district = {
        line.name: (line.events, line.joined, line.attended) for line in result.by_district
    }
    assert by_district["North"] == (1, 3, 2)
    by_group = {line.name: line.joined for line in result.by_group}
    assert by_group["Families"] == 3 and by_group["Children"] == 3 and by_group["Everyone"] == 0
    csv_text = figures.figures_csv(result)
    assert "district,North,1,3,2" in csv_text

"""Career guidance (slots, bookings, private notes), mentoring (matching, goals,
anonymous totals) and intergenerational groups (matching, catalogue sessions,
attendance), through services and pages."""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from learningcity.catalogue.models import Session
from learningcity.programmes import figures, guidance, intergenerational
from learningcity.programmes.models import (
    AppointmentSlot,
    GroupAttendance,
    GroupKind,
    GroupPair,
    Mentorship,
    OutcomeKind,
)
from learningcity.programmes.services import Refused
from tests.catalogue.factories import make_site
from tests.conftest import client_for, make_city, make_user

pytestmark = pytest.mark.django_db


def _counsellor(city, coordinator):
    return guidance.appoint_counsellor(
        actor=coordinator,
        city=city,
        user=make_user(display_name="Marta"),
        languages=["en"],
        about="",
    )


def _slot(counsellor, hours_ahead=24):
    start = timezone.now() + timedelta(hours=hours_ahead)
    return guidance.publish_slot(
        actor=counsellor.user,
        counsellor=counsellor,
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
        mode="online",
        place="https://meet.example.org/x",
    )


def test_a_taken_slot_cannot_be_booked_again(city_a, coordinator_a, resident):
    slot = _slot(_counsellor(city_a, coordinator_a))
    guidance.book_slot(actor=resident, slot=slot)
    with pytest.raises(Refused, match="just taken"):
        guidance.book_slot(actor=make_user(), slot=slot)
    assert AppointmentSlot.objects.get().booked_by == resident


def test_booking_and_cancelling_through_the_page(city_a, coordinator_a, resident):
    slot = _slot(_counsellor(city_a, coordinator_a))
    client = client_for(resident)
    assert (
        client.post(f"/{city_a.slug}/programmes/guidance/{slot.public_id}/book/").status_code == 302
    )
    page = client.get(f"/{city_a.slug}/programmes/guidance/").content.decode()
    assert "Your appointments" in page
    second = client_for(make_user()).post(
        f"/{city_a.slug}/programmes/guidance/{slot.public_id}/book/", follow=True
    )
    assert "just taken" in second.content.decode()
    stranger = client_for(make_user())
    assert (
        stranger.post(f"/{city_a.slug}/programmes/guidance/{slot.public_id}/cancel/").status_code
        == 403
    )
    assert (
        client.post(f"/{city_a.slug}/programmes/guidance/{slot.public_id}/cancel/").status_code
        == 302
    )
    slot.refresh_from_db()
    assert slot.booked_by is None


def test_overlapping_and_inverted_slots_are_refused(city_a, coordinator_a):
    counsellor = _counsellor(city_a, coordinator_a)
    first = _slot(counsellor)
    with pytest.raises(ValidationError, match="already have an appointment"):
        guidance.publish_slot(
            actor=counsellor.user,
            counsellor=counsellor,
            starts_at=first.starts_at + timedelta(minutes=10),
            ends_at=first.ends_at + timedelta(minutes=10),
            mode="online",
            place="x",
        )
    with pytest.raises(ValidationError, match="end after it starts"):
        guidance.publish_slot(
            actor=counsellor.user,
            counsellor=counsellor,
            starts_at=first.starts_at + timedelta(days=1),
            ends_at=first.starts_at + timedelta(days=1, minutes=-5),
            mode="online",
            place="x",
        )
    assert AppointmentSlot.objects.count() == 1


def test_guidance_notes_are_private_to_the_counsellor_and_the_person(
    city_a, coordinator_a, resident
):
    counsellor = _counsellor(city_a, coordinator_a)
    slot = guidance.book_slot(actor=resident, slot=_slot(counsellor))
    guidance.write_guidance_note(actor=counsellor.user, slot=slot, text="Wants to study nursing.")
    assert (
        "Wants to study nursing."
        in client_for(resident).get(f"/{city_a.slug}/programmes/guidance/").content.decode()
    )
    url = f"/{city_a.slug}/programmes/guidance/{slot.public_id}/note/"
    assert "Wants to study nursing." in client_for(counsellor.user).get(url).content.decode()
    assert client_for(coordinator_a).get(url).status_code == 403
    other_page = (
        client_for(make_user()).get(f"/{city_a.slug}/programmes/guidance/").content.decode()
    )
    assert "nursing" not in other_page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_100_people_on_10_slots_give_exactly_10_bookings():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so there is no race")
    city = make_city()
    coordinator = make_user()
    counsellor = guidance.appoint_counsellor(
        actor=coordinator, city=city, user=make_user(), languages=["en"], about=""
    )
    slots = [_slot(counsellor, hours_ahead=24 + i) for i in range(10)]
    people = [make_user() for _ in range(100)]
    start = threading.Barrier(len(people))
    gate = threading.BoundedSemaphore(int(os.environ.get("LEARNINGCITY_TEST_CONNECTIONS", "40")))

    def try_to_book(index: int) -> bool:
        slot = slots[index % len(slots)]
        start.wait()
        with gate:
            try:
                guidance.book_slot(actor=people[index], slot=slot)
                return True
            except Refused:
                return False
            finally:
                connections.close_all()

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        outcomes = list(pool.map(try_to_book, range(len(people))))
    assert sum(outcomes) == 10
    booked = AppointmentSlot.objects.filter(booked_by__isnull=False)
    assert booked.count() == 10
    assert booked.values("booked_by").distinct().count() == 10


# ---- mentoring -----------------------------------------------------------------------


def _mentor(city, coordinator, **fields):
    data = {
        "languages": ["en"],
        "fields": ["digital"],
        "aims": ["qualification"],
        "capacity": 1,
        **fields,
    }
    return guidance.register_mentor(actor=coordinator, city=city, user=make_user(), fields=data)


def _mentee(city, aim="qualification", **fields):
    data = {"aim": aim, "fields": ["digital"], "languages": ["en"], "goals_private": "", **fields}
    return guidance.apply_for_mentoring(actor=make_user(), city=city, fields=data)


def test_mentoring_matches_by_aim_and_language_within_capacity(city_a, coordinator_a):
    _mentor(city_a, coordinator_a, capacity=1)
    _mentee(city_a)
    _mentee(city_a)
    _mentee(city_a, aim="leadership")  # nobody helps with leadership
    run = guidance.run_mentoring_match(actor=coordinator_a, city=city_a)
    assert (run.matched, run.waiting, run.optimal) == (1, 3, True)
    assert Mentorship.objects.get().mentee.aim == "qualification"


def test_mentoring_outcomes_are_reported_as_anonymous_totals(city_a, coordinator_a):
    mentor = _mentor(city_a, coordinator_a, capacity=5)
    for _ in range(4):
        _mentee(city_a)
    guidance.run_mentoring_match(actor=coordinator_a, city=city_a)
    ships = list(Mentorship.objects.all())
    for ship in ships:
        guidance.accept_mentorship(actor=coordinator_a, mentorship=ship)
    for ship in ships[:3]:
        guidance.record_outcome(
            actor=mentor.user,
            mentorship=ship,
            kind=OutcomeKind.HIGHER_QUALIFICATION,
            achieved_on=timezone.localdate(),
        )
    guidance.record_outcome(
        actor=mentor.user,
        mentorship=ships[3],
        kind=OutcomeKind.NEW_ROLE,
        achieved_on=timezone.localdate(),
    )
    totals = figures.mentoring_totals(city_a)
    assert totals.mentorships == 4
    assert totals.outcomes["higher_qualification"] == 3
    assert totals.outcomes["new_role"] is None  # one person: shown as "fewer than 3"
    page = (
        client_for(coordinator_a).get(f"/{city_a.slug}/programmes/mentoring/desk/").content.decode()
    )
    assert "fewer than 3" in page


def test_the_mentorship_page_is_for_the_pair_and_its_notes_are_theirs(city_a, coordinator_a):
    mentor = _mentor(city_a, coordinator_a)
    mentee = _mentee(city_a, goals_private="Become a team leader by June.")
    guidance.run_mentoring_match(actor=coordinator_a, city=city_a)
    ship = guidance.accept_mentorship(actor=coordinator_a, mentorship=Mentorship.objects.get())
    url = f"/{city_a.slug}/programmes/mentoring/{ship.public_id}/"
    client = client_for(mentee.user)
    response = client.post(url, {"action": "goal", "title": "Enrol in the evening degree"})
    assert response.status_code == 302
    bad = client.post(url, {"action": "meeting", "met_on": "2999-01-01", "minutes": "60"})
    assert bad.status_code == 400 and "before it happens" in bad.content.decode()
    assert "team leader" in client_for(mentor.user).get(url).content.decode()
    coordinator_view = client_for(coordinator_a).get(url).content.decode()
    assert (
        "Enrol in the evening degree" in coordinator_view and "team leader" not in coordinator_view
    )
    assert client_for(make_user()).get(url).status_code == 403


# ---- intergenerational ---------------------------------------------------------------


def _group(city, kind, site, **fields):
    data = {
        "kind": kind,
        "name": fields.pop("name", f"{kind} group"),
        "site": site,
        "size": 10,
        "interests": ["arts"],
        "languages": ["en"],
        "availability": [{"day": "wed", "start": "10:00", "end": "12:00"}],
        "travel_km": 5,
        **fields,
    }
    return intergenerational.register_group(actor=make_user(), city=city, fields=data)


def test_groups_are_matched_and_meet_in_catalogue_sessions_with_attendance(city_a, coordinator_a):
    school = make_site(city_a, latitude=51.9, longitude=-8.47)
    centre = make_site(city_a, latitude=51.91, longitude=-8.46)
    children = _group(city_a, GroupKind.CHILDREN, school, name="Class 4B")
    _group(city_a, GroupKind.OLDER, centre, name="Storytellers")
    _group(
        city_a,
        GroupKind.OLDER,
        centre,
        name="Night owls",
        availability=[{"day": "fri", "start": "19:00", "end": "21:00"}],
    )
    run = intergenerational.run_group_match(actor=coordinator_a, city=city_a)
    assert run.matched == 1
    pair = GroupPair.objects.get()
    assert (pair.children, pair.older.name) == (children, "Storytellers")
    intergenerational.accept_group_pair(actor=coordinator_a, pair=pair)
    pair.refresh_from_db()
    sessions = list(Session.objects.filter(opportunity=pair.opportunity).order_by("starts_at"))
    assert len(sessions) == intergenerational.SESSIONS_PER_TERM
    local = sessions[0].starts_at.astimezone(ZoneInfo(city_a.time_zone))
    assert (local.weekday(), local.hour) == (2, 10)  # Wednesday 10:00, both groups free
    assert sessions[1].starts_at - sessions[0].starts_at == timedelta(weeks=1)
    with pytest.raises(Refused, match="once the session has started"):
        intergenerational.log_group_attendance(
            actor=coordinator_a, pair=pair, session=sessions[0], children_present=9, older_present=8
        )
    Session.objects.filter(pk=sessions[0].pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    sessions[0].refresh_from_db()
    with pytest.raises(ValidationError):
        intergenerational.log_group_attendance(
            actor=coordinator_a,
            pair=pair,
            session=sessions[0],
            children_present=99,
            older_present=1,
        )
    intergenerational.log_group_attendance(
        actor=coordinator_a, pair=pair, session=sessions[0], children_present=9, older_present=8
    )
    assert GroupAttendance.objects.get().children_present == 9
    page = client_for(coordinator_a).get(f"/{city_a.slug}/programmes/together/{pair.public_id}/")
    assert page.status_code == 200 and "Storytellers" in page.content.decode()


def test_a_group_at_another_citys_site_is_refused(city_a, city_b):
    with pytest.raises(ValidationError):
        _group(city_a, GroupKind.CHILDREN, make_site(city_b, latitude=1.0, longitude=1.0))
    assert not GroupPair.objects.exists()

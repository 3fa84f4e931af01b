"""Befriending through its services and pages: checks gate matching, expiry suspends
pairs and tells the coordinator, consent is required, re-matching keeps pairs,
residents' records are audited and partly hidden from volunteers, and nothing leaks
to another city."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from learningcity.catalogue.models import TOPICS, Enrolment
from learningcity.core.models import AuditEvent
from learningcity.core.services import erase_account, export_personal_data
from learningcity.programmes import services
from learningcity.programmes.models import (
    CheckKind,
    Pair,
    PairStatus,
    Resident,
    ResidentStatus,
    Visit,
    VolunteerCheck,
)
from tests.catalogue.factories import make_opportunity, make_provider, make_session
from tests.conftest import client_for, make_user
from tests.programmes.conftest import add_volunteer, refer

pytestmark = pytest.mark.django_db


def _match_and_accept(city, coordinator):
    services.run_befriending_match(actor=coordinator, city=city)
    pair = Pair.objects.get(status=PairStatus.PROPOSED)
    return services.accept_pair(actor=coordinator, pair=pair)


def test_a_volunteer_without_valid_checks_is_never_matched(
    city_a, districts, coordinator_a, waiting_resident
):
    add_volunteer(city_a, districts[0], coordinator_a, valid=False)
    run = services.run_befriending_match(actor=coordinator_a, city=city_a)
    assert (run.matched, run.summary["volunteers_without_checks"]) == (0, 1)
    assert not Pair.objects.exists()


def test_matching_proposes_with_reasons_and_accepting_starts_the_pair(
    city_a, coordinator_a, volunteer, waiting_resident
):
    run = services.run_befriending_match(actor=coordinator_a, city=city_a)
    assert run.optimal and run.matched == 1
    pair = Pair.objects.get()
    assert pair.status == PairStatus.PROPOSED
    assert any("English" in reason for reason in pair.reasons)
    services.accept_pair(actor=coordinator_a, pair=pair)
    waiting_resident.refresh_from_db()
    assert waiting_resident.status == ResidentStatus.MATCHED
    assert waiting_resident.first_matched_at is not None


def test_an_expired_check_suspends_the_pair_and_tells_the_coordinator(
    city_a, coordinator_a, volunteer, waiting_resident
):
    pair = _match_and_accept(city_a, coordinator_a)
    VolunteerCheck.objects.filter(volunteer=volunteer, kind=CheckKind.SAFEGUARDING).update(
        expires_on=timezone.localdate()
    )
    mail.outbox.clear()
    assert services.suspend_pairs_with_expired_checks() == 1
    pair.refresh_from_db()
    assert pair.status == PairStatus.SUSPENDED
    assert [m.to for m in mail.outbox] == [[coordinator_a.email]]
    assert "Hard of hearing" not in mail.outbox[0].body
    # Running again changes nothing and sends nothing more.
    assert services.suspend_pairs_with_expired_checks() == 0
    assert len(mail.outbox) == 1
    # A new valid check lifts the suspension.
    today = timezone.localdate()
    services.record_check(
        actor=coordinator_a,
        volunteer=volunteer,
        kind=CheckKind.SAFEGUARDING,
        checked_on=today,
        expires_on=today + timedelta(days=365),
    )
    pair.refresh_from_db()
    assert pair.status == PairStatus.ACTIVE


def test_a_reminder_goes_once_before_a_check_expires(city_a, coordinator_a, volunteer):
    VolunteerCheck.objects.filter(volunteer=volunteer, kind=CheckKind.TRAINING).update(
        expires_on=timezone.localdate() + timedelta(days=10)
    )
    mail.outbox.clear()
    assert services.send_check_reminders() == 2  # the volunteer and the coordinator
    assert services.send_check_reminders() == 0
    assert {tuple(m.to) for m in mail.outbox} == {(volunteer.user.email,), (coordinator_a.email,)}


def test_a_referral_without_consent_is_refused_and_nothing_is_kept(city_a, districts, resident):
    with pytest.raises(ValidationError) as refused:
        refer(city_a, districts[0], resident, consent=False)
    assert "consent" in refused.value.message_dict
    assert not Resident.objects.exists()


def test_rematching_after_a_withdrawal_keeps_the_other_pairs(city_a, districts, coordinator_a):
    first = add_volunteer(city_a, districts[0], coordinator_a, name="A", capacity=1)
    second = add_volunteer(city_a, districts[0], coordinator_a, name="B", capacity=1)
    rosa = refer(city_a, districts[0], coordinator_a, first_name="Rosa")
    luis = refer(city_a, districts[0], coordinator_a, first_name="Luis")
    services.run_befriending_match(actor=coordinator_a, city=city_a)
    for pair in Pair.objects.filter(status=PairStatus.PROPOSED):
        services.accept_pair(actor=coordinator_a, pair=pair)
    before = {p.resident_id: p.pk for p in Pair.objects.filter(status=PairStatus.ACTIVE)}
    assert set(before) == {rosa.pk, luis.pk}
    # The volunteer of one pair withdraws; a third volunteer joins; re-run.
    leaving = Pair.objects.get(resident=rosa).volunteer
    services.withdraw_volunteer(actor=leaving.user, volunteer=leaving)
    add_volunteer(city_a, districts[0], coordinator_a, name="C")
    run = services.run_befriending_match(actor=coordinator_a, city=city_a)
    kept = Pair.objects.get(status=PairStatus.ACTIVE)
    assert kept.pk == before[luis.pk]  # untouched
    assert run.summary["moved"] == []
    new = Pair.objects.get(status=PairStatus.PROPOSED)
    assert new.resident == rosa and new.volunteer not in (leaving,)
    assert {first, second} - {leaving}


def test_visits_feed_the_volunteer_hours_indicator(
    city_a, coordinator_a, volunteer, waiting_resident
):
    from learningcity.monitoring.derived import DERIVED

    pair = _match_and_accept(city_a, coordinator_a)
    today = timezone.localdate()
    services.log_visit(
        actor=volunteer.user, pair=pair, visited_on=today, hours=2.5, opportunity=None
    )
    with pytest.raises(ValidationError):
        services.log_visit(
            actor=volunteer.user,
            pair=pair,
            visited_on=today + timedelta(days=1),
            hours=1,
            opportunity=None,
        )
    values = DERIVED["volunteer_hours"].yearly(city_a, [today.year - 1, today.year])
    assert values == {today.year - 1: None, today.year: 2.5 / 100_000 * 1000}


def test_the_pair_joins_an_activity_with_the_catalogues_enrolment(
    city_a, coordinator_a, volunteer, waiting_resident
):
    pair = _match_and_accept(city_a, coordinator_a)
    opportunity = make_opportunity(make_provider(city_a), topics=TOPICS.to_mask(["arts"]))
    session = make_session(opportunity)
    services.add_plan_item(actor=volunteer.user, pair=pair, opportunity=opportunity)
    services.join_together(actor=volunteer.user, pair=pair, session=session)
    emails = set(Enrolment.objects.values_list("guest_email", flat=True))
    users = set(Enrolment.objects.values_list("user_id", flat=True))
    assert "rosa@example.org" in emails and volunteer.user_id in users


# ---- pages -------------------------------------------------------------------------


def test_a_resident_refers_themself_through_the_form(client, city_a, districts, resident):
    response = client_for(resident).post(
        f"/{city_a.slug}/programmes/befriending/refer/",
        {
            "referred_by": "self",
            "first_name": "Ana",
            "consent": "on",
            "consent_how": "on this form",
            "languages": "English, español",
            "interests": ["arts"],
            "district": districts[0].pk,
            "slot_1_day": "tue",
            "slot_1_start": "10:00",
            "slot_1_end": "12:00",
        },
    )
    assert response.status_code == 302
    ana = Resident.objects.get()
    assert (ana.user, ana.languages) == (resident, ["en", "es"])
    assert ana.availability == [{"day": "tue", "start": "10:00", "end": "12:00"}]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"languages": "Klingon"}, "Unknown language: Klingon"),
        ({"slot_1_end": "09:00"}, "Time 1 ends before it starts."),
        (
            {"slot_2_day": "tue", "slot_2_start": "11:00", "slot_2_end": "13:00"},
            "Time 2 overlaps another time on the same day.",
        ),
        ({"consent": ""}, "We can only keep a referral when the person has agreed to it."),
        ({"slot_1_start": "25:99"}, "write times as HH:MM"),
    ],
)
def test_bad_referrals_say_what_to_change_and_save_nothing(
    city_a, districts, resident, changes, message
):
    data = {
        "referred_by": "family",
        "first_name": "Ana",
        "consent": "on",
        "consent_how": "phone",
        "languages": "English",
        "district": districts[0].pk,
        "slot_1_day": "tue",
        "slot_1_start": "10:00",
        "slot_1_end": "12:00",
        **changes,
    }
    response = client_for(resident).post(f"/{city_a.slug}/programmes/befriending/refer/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Resident.objects.exists()


def test_the_full_record_is_for_coordinators_and_every_view_is_audited(
    city_a, coordinator_a, coordinator_b, volunteer, waiting_resident
):
    url = f"/{city_a.slug}/programmes/desk/residents/{waiting_resident.public_id}/"
    page = client_for(coordinator_a).get(url)
    assert page.status_code == 200 and "Hard of hearing" in page.content.decode()
    assert (
        AuditEvent.objects.filter(
            action="programmes.resident_viewed", target=str(waiting_resident.public_id)
        ).count()
        == 1
    )
    assert client_for(coordinator_b).get(url).status_code == 403
    assert client_for(volunteer.user).get(url).status_code == 403


def test_the_matched_volunteer_sees_part_of_the_record_and_never_the_needs(
    city_a, coordinator_a, volunteer, waiting_resident
):
    pair = _match_and_accept(city_a, coordinator_a)
    page = client_for(volunteer.user).get(
        f"/{city_a.slug}/programmes/befriending/pairs/{pair.public_id}/"
    )
    text = page.content.decode()
    assert page.status_code == 200 and "Rosa" in text
    assert "Hard of hearing" not in text and "rosa@example.org" not in text
    other = make_user()
    assert (
        client_for(other)
        .get(f"/{city_a.slug}/programmes/befriending/pairs/{pair.public_id}/")
        .status_code
        == 403
    )


def test_lists_and_the_desk_never_show_sensitive_text(
    city_a, coordinator_a, volunteer, waiting_resident
):
    pair = _match_and_accept(city_a, coordinator_a)
    services.raise_concern(
        actor=volunteer.user, pair=pair, text="She seemed very low today.", urgent=True
    )
    desk = client_for(coordinator_a).get(f"/{city_a.slug}/programmes/desk/").content.decode()
    assert "Rosa" in desk and "Urgent" in desk
    assert "very low" not in desk and "Hard of hearing" not in desk


def test_a_concern_escalates_to_the_coordinators_without_its_text(
    city_a, coordinator_a, volunteer, waiting_resident, django_capture_on_commit_callbacks
):
    pair = _match_and_accept(city_a, coordinator_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(volunteer.user).post(
            f"/{city_a.slug}/programmes/befriending/pairs/{pair.public_id}/concern/",
            {"text_private": "Fell at home last week.", "is_urgent": "on"},
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[coordinator_a.email]]
    assert "Urgent" in mail.outbox[0].subject and "Fell" not in mail.outbox[0].body


def test_export_and_erasure_cover_the_programmes(
    city_a, districts, coordinator_a, volunteer, resident
):
    mine = refer(city_a, districts[0], resident, referred_by="self", first_name="Ana")
    pair = _match_and_accept(city_a, coordinator_a)
    services.log_visit(
        actor=volunteer.user, pair=pair, visited_on=timezone.localdate(), hours=2, opportunity=None
    )
    exported = export_personal_data(resident)
    assert "Hard of hearing" in exported and mine.first_name in exported
    assert '"volunteering": []' in exported
    volunteer_export = export_personal_data(volunteer.user)
    assert '"travel_km": 10' in volunteer_export
    erase_account(volunteer.user)
    assert not Pair.objects.exists()
    assert Visit.objects.get().hours == 2  # the hours stay, linked to nobody
    erase_account(resident)
    assert not Resident.objects.filter(pk=mine.pk).exists()


def test_a_coordinator_of_another_city_cannot_run_or_see_the_desk(city_a, coordinator_b):
    client = client_for(coordinator_b)
    assert client.get(f"/{city_a.slug}/programmes/desk/").status_code == 403
    assert client.post(f"/{city_a.slug}/programmes/desk/match/").status_code == 403


def test_override_needs_valid_checks(city_a, districts, coordinator_a, waiting_resident):
    lapsed = add_volunteer(city_a, districts[0], coordinator_a, valid=False)
    response = client_for(coordinator_a).post(
        f"/{city_a.slug}/programmes/desk/residents/{waiting_resident.public_id}/",
        {"override": "1", "volunteer": lapsed.pk},
    )
    assert response.status_code == 400
    assert "no valid training and safeguarding check" in response.content.decode()
    assert not Pair.objects.exists()

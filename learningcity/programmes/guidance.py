"""Career guidance and mentoring: the writes (appointments, notes, mentorships).

A booking is one conditional UPDATE (``booked_by IS NULL``): of any number of people
pressing "Book" on the same slot at once, exactly one gets it, on SQLite and
PostgreSQL alike, without a lock held across the request."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcity.core.audit import record_event
from learningcity.core.models import City, User
from learningcity.core.tenancy import for_city

from . import matching, notifications
from .models import (
    AppointmentSlot,
    Counsellor,
    GuidanceNote,
    MatchRun,
    Mentee,
    Mentor,
    MentoringGoal,
    MentoringMeeting,
    MentoringOutcome,
    Mentorship,
    PairStatus,
)
from .services import Refused

MAX_SLOT_HOURS = 4


def appoint_counsellor(
    *, actor: User, city: City, user: User, languages: list[str], about: str
) -> Counsellor:
    counsellor, created = Counsellor.objects.get_or_create(
        city=city, user=user, defaults={"languages": languages, "about": about[:300]}
    )
    if not created:
        counsellor.languages, counsellor.about, counsellor.is_active = languages, about[:300], True
        counsellor.save(update_fields=["languages", "about", "is_active"])
    record_event(
        actor, "programmes.counsellor_appointed", city=city, target=str(counsellor.public_id)
    )
    return counsellor


def publish_slot(
    *,
    actor: User,
    counsellor: Counsellor,
    starts_at: datetime,
    ends_at: datetime,
    mode: str,
    place: str,
) -> AppointmentSlot:
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The appointment must end after it starts.")})
    if (ends_at - starts_at).total_seconds() > MAX_SLOT_HOURS * 3600:
        raise ValidationError({"ends_at": _("An appointment lasts at most four hours.")})
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Choose a time in the future.")})
    if not place.strip():
        raise ValidationError(
            {"place": _("Say where to meet, or the link for an online appointment.")}
        )
    with transaction.atomic():
        Counsellor.objects.select_for_update().get(pk=counsellor.pk)
        clash = counsellor.slots.filter(
            is_cancelled=False, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).exists()
        if clash:
            raise ValidationError({"starts_at": _("You already have an appointment at this time.")})
        slot = AppointmentSlot.objects.create(
            counsellor=counsellor,
            starts_at=starts_at,
            ends_at=ends_at,
            mode=mode,
            place=place.strip(),
        )
    record_event(
        actor, "programmes.slot_published", city=counsellor.city, target=str(slot.public_id)
    )
    return slot


def book_slot(*, actor: User, slot: AppointmentSlot) -> AppointmentSlot:
    """Take a free slot, or Refused when someone else was quicker."""
    if slot.counsellor.user_id == actor.pk:
        raise Refused(_("You cannot book your own appointment."))
    now = timezone.now()
    with transaction.atomic():
        taken = AppointmentSlot.objects.filter(
            pk=slot.pk, booked_by__isnull=True, is_cancelled=False, starts_at__gt=now
        ).update(booked_by=actor, booked_at=now)
        if taken != 1:
            raise Refused(
                _("Sorry, this time was just taken or is no longer offered. Choose another.")
            )
        record_event(
            actor, "programmes.slot_booked", city=slot.counsellor.city, target=str(slot.public_id)
        )
    slot.refresh_from_db()
    city = slot.counsellor.city
    transaction.on_commit(
        lambda: notifications.tell_person_of_booking(actor, city, cancelled=False)
    )
    return slot


def cancel_booking(*, actor: User, slot: AppointmentSlot) -> AppointmentSlot:
    person = slot.booked_by
    if person is None:
        raise Refused(_("This appointment is not booked."))
    with transaction.atomic():
        AppointmentSlot.objects.filter(pk=slot.pk).update(booked_by=None, booked_at=None)
        record_event(
            actor,
            "programmes.booking_cancelled",
            city=slot.counsellor.city,
            target=str(slot.public_id),
        )
    city = slot.counsellor.city
    if person.pk != actor.pk:
        transaction.on_commit(
            lambda: notifications.tell_person_of_booking(person, city, cancelled=True)
        )
    slot.refresh_from_db()
    return slot


def withdraw_slot(*, actor: User, slot: AppointmentSlot) -> AppointmentSlot:
    if slot.booked_by_id:
        cancel_booking(actor=actor, slot=slot)
    AppointmentSlot.objects.filter(pk=slot.pk).update(is_cancelled=True)
    slot.refresh_from_db()
    return slot


def write_guidance_note(*, actor: User, slot: AppointmentSlot, text: str) -> GuidanceNote:
    text = text.strip()
    if not text:
        raise ValidationError({"text_private": _("Write the note first.")})
    if slot.booked_by is None:
        raise Refused(_("Notes are written about a booked appointment."))
    note = GuidanceNote.objects.create(
        counsellor=slot.counsellor, person=slot.booked_by, slot=slot, text_private=text[:10000]
    )
    record_event(
        actor, "programmes.note_written", city=slot.counsellor.city, target=str(slot.public_id)
    )
    return note


# ---- mentoring ---------------------------------------------------------------------


def register_mentor(*, actor: User, city: City, user: User, fields: dict[str, Any]) -> Mentor:
    mentor, _created = Mentor.objects.update_or_create(
        city=city, user=user, defaults={**fields, "is_active": True}
    )
    record_event(actor, "programmes.mentor_registered", city=city, target=str(mentor.public_id))
    return mentor


def apply_for_mentoring(*, actor: User, city: City, fields: dict[str, Any]) -> Mentee:
    if for_city(Mentee, city).filter(user=actor).exists():
        raise Refused(_("You have already applied for a mentor in this city."))
    mentee = Mentee.objects.create(city=city, user=actor, **fields)
    record_event(actor, "programmes.mentee_applied", city=city, target=str(mentee.public_id))
    return mentee


def run_mentoring_match(*, actor: User | None, city: City) -> MatchRun:
    """Propose a mentor for every mentee waiting, with the same engine as befriending."""
    mentors = list(for_city(Mentor, city).filter(is_active=True).select_related("user"))
    live = list(
        for_city(Mentorship, city)
        .filter(status__in=[PairStatus.PROPOSED, PairStatus.ACTIVE])
        .select_related("mentor", "mentee")
    )
    mentees = list(
        for_city(Mentee, city).exclude(
            mentorships__status__in=[PairStatus.PROPOSED, PairStatus.ACTIVE, PairStatus.SUSPENDED]
        )
    )
    used = {m.pk: sum(1 for ship in live if ship.mentor_id == m.pk) for m in mentors}
    fits = {}
    for mentee in mentees:
        for mentor in mentors:
            fit = matching.mentoring_fit(mentee, mentor)
            if fit.feasible:
                fits[(str(mentee.public_id), str(mentor.public_id))] = fit
    instance = matching.Instance(
        fits=fits, capacity={str(m.public_id): max(0, m.capacity - used[m.pk]) for m in mentors}
    )
    result = instance.solve()
    mentee_of = {str(m.public_id): m for m in mentees}
    mentor_of = {str(m.public_id): m for m in mentors}
    with transaction.atomic():
        for match in result.matches:
            fit = fits[(match.person, match.helper)]
            Mentorship.objects.create(
                mentor=mentor_of[match.helper],
                mentee=mentee_of[match.person],
                status=PairStatus.PROPOSED,
                score=match.score,
                reasons=matching.reasons_of(fit),
            )
        run = MatchRun.objects.create(
            city=city,
            programme="mentoring",
            started_by=actor,
            waiting=len(mentees),
            matched=result.matched,
            total_score=result.total_score,
            optimal=result.optimal,
        )
    return run


def accept_mentorship(*, actor: User, mentorship: Mentorship) -> Mentorship:
    if mentorship.status != PairStatus.PROPOSED:
        raise Refused(_("Only a proposed mentorship can be accepted."))
    mentorship.status = PairStatus.ACTIVE
    mentorship.started_at = timezone.now()
    mentorship.save(update_fields=["status", "started_at"])
    record_event(
        actor,
        "programmes.mentorship_accepted",
        city=mentorship.mentee.city,
        target=str(mentorship.public_id),
    )
    return mentorship


def end_mentorship(*, actor: User, mentorship: Mentorship) -> Mentorship:
    mentorship.status = PairStatus.ENDED
    mentorship.ended_at = timezone.now()
    mentorship.save(update_fields=["status", "ended_at"])
    record_event(
        actor,
        "programmes.mentorship_ended",
        city=mentorship.mentee.city,
        target=str(mentorship.public_id),
    )
    return mentorship


def add_goal(*, actor: User, mentorship: Mentorship, title: str) -> MentoringGoal:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Write the goal.")})
    return MentoringGoal.objects.create(mentorship=mentorship, title=title[:160])


def update_goal_progress(*, actor: User, goal: MentoringGoal, progress: int) -> MentoringGoal:
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": _("Progress is a number from 0 to 100.")})
    goal.progress = progress
    goal.save(update_fields=["progress"])
    return goal


def log_meeting(
    *, actor: User, mentorship: Mentorship, met_on: date, minutes: int, note: str
) -> MentoringMeeting:
    if met_on > timezone.localdate():
        raise ValidationError({"met_on": _("A meeting cannot be logged before it happens.")})
    meeting = MentoringMeeting(
        mentorship=mentorship, met_on=met_on, minutes=minutes, note_private=note.strip()
    )
    meeting.full_clean(exclude=["mentorship"])
    meeting.save()
    return meeting


def record_outcome(
    *, actor: User, mentorship: Mentorship, kind: str, achieved_on: date
) -> MentoringOutcome:
    if achieved_on > timezone.localdate():
        raise ValidationError({"achieved_on": _("The date cannot be in the future.")})
    outcome, _created = MentoringOutcome.objects.update_or_create(
        mentorship=mentorship, kind=kind, defaults={"achieved_on": achieved_on}
    )
    record_event(actor, "programmes.outcome_recorded", city=mentorship.mentee.city, kind=kind)
    return outcome

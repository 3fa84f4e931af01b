"""Who may do what in the inclusion programmes. Every access decision of the app is
made here.

- A city's coordinators (and site admins): everything in their city's programmes,
  including residents' full records (each view audited). Another city's coordinator
  gets a 403 like any resident.
- A volunteer: their own profile and pairs, and part of their matched resident's
  record (first name, languages, interests, accessibility needs; never needs,
  concerns or loneliness scores).
- A counsellor: their own slots and the guidance notes they wrote. The person: their
  bookings and the notes about them. Coordinators do not read guidance notes.
- A mentor and a mentee: their own mentorship (goals, meetings, outcomes).
"""

from learningcity.core import permissions as core_permissions
from learningcity.core.models import City
from learningcity.core.permissions import AnyUser

from .models import (
    AppointmentSlot,
    Counsellor,
    GuidanceNote,
    Mentorship,
    Pair,
    PairStatus,
    Resident,
    Volunteer,
)


def can_coordinate(user: AnyUser, city: City) -> bool:
    return core_permissions.can_manage_city(user, city)


def is_volunteer_of(user: AnyUser, volunteer: Volunteer) -> bool:
    return bool(user.is_authenticated and volunteer.user_id == user.pk)


def can_see_pair(user: AnyUser, pair: Pair) -> bool:
    return can_coordinate(user, pair.resident.city) or (
        is_volunteer_of(user, pair.volunteer) and pair.status != PairStatus.PROPOSED
    )


def can_work_with_pair(user: AnyUser, pair: Pair) -> bool:
    """Log visits, plan activities, join together: the pair must be active."""
    return pair.status == PairStatus.ACTIVE and (
        is_volunteer_of(user, pair.volunteer) or can_coordinate(user, pair.resident.city)
    )


def can_see_full_record(user: AnyUser, resident: Resident) -> bool:
    return can_coordinate(user, resident.city)


def can_raise_concern(user: AnyUser, pair: Pair) -> bool:
    return can_see_pair(user, pair)


def is_counsellor(user: AnyUser, counsellor: Counsellor) -> bool:
    return bool(user.is_authenticated and counsellor.user_id == user.pk)


def is_career_counsellor(user: AnyUser, city: City) -> bool:
    """An active career counsellor of the city (credentials lets them save pathway
    plans with a person)."""
    return bool(
        user.is_authenticated
        and Counsellor.objects.filter(city=city, user_id=user.pk, is_active=True).exists()
    )


def can_manage_slot(user: AnyUser, slot: AppointmentSlot) -> bool:
    return is_counsellor(user, slot.counsellor) or can_coordinate(user, slot.counsellor.city)


def can_cancel_booking(user: AnyUser, slot: AppointmentSlot) -> bool:
    booked_by_user = user.is_authenticated and slot.booked_by_id == user.pk
    return bool(booked_by_user or is_counsellor(user, slot.counsellor))


def can_write_note(user: AnyUser, slot: AppointmentSlot) -> bool:
    return is_counsellor(user, slot.counsellor) and slot.booked_by_id is not None


def can_read_note(user: AnyUser, note: GuidanceNote) -> bool:
    return bool(
        user.is_authenticated and (note.person_id == user.pk or note.counsellor.user_id == user.pk)
    )


def can_see_mentorship(user: AnyUser, mentorship: Mentorship) -> bool:
    if not user.is_authenticated:
        return False
    if can_coordinate(user, mentorship.mentee.city):
        return True
    live = mentorship.status != PairStatus.PROPOSED
    return live and user.pk in (mentorship.mentor.user_id, mentorship.mentee.user_id)


def can_work_on_mentorship(user: AnyUser, mentorship: Mentorship) -> bool:
    return (
        mentorship.status == PairStatus.ACTIVE
        and user.is_authenticated
        and user.pk in (mentorship.mentor.user_id, mentorship.mentee.user_id)
    )


def can_read_mentoring_notes(user: AnyUser, mentorship: Mentorship) -> bool:
    """Meeting notes and goals in the mentee's words: the pair only, not coordinators."""
    return bool(
        user.is_authenticated and user.pk in (mentorship.mentor.user_id, mentorship.mentee.user_id)
    )

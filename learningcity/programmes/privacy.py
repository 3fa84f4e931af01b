"""The programmes' part of a person's data export and erasure (registered in
``ProgrammesConfig.ready``).

Export: everything the programmes hold about the person as volunteer, referred
resident (self-referred or linked to their account), counsellor's client, mentor
and mentee, including notes about them. Erasure: the person's records are deleted
(volunteer and mentor profiles with their checks; a resident record linked to the
account with its needs, concerns and scores; guidance notes about them; their
mentee record). Hours already given stay as anonymous totals: the visits of a pair
whose volunteer is erased are kept without the link to anyone, because the city's
volunteer-hours indicator counts them."""

from __future__ import annotations

from typing import Any

from learningcity.core.audit import record_event
from learningcity.core.models import User

from .models import (
    AppointmentSlot,
    Counsellor,
    GuidanceNote,
    Mentee,
    Mentor,
    Resident,
    Visit,
    Volunteer,
)


def export_programmes_of(user: User) -> dict[str, Any]:
    volunteers = (
        Volunteer.objects.filter(user=user)
        .select_related("city")
        .prefetch_related("checks", "pairs")
    )
    residents = (
        Resident.objects.filter(user=user)
        .select_related("city")
        .prefetch_related("loneliness", "concerns")
    )
    return {
        "programmes": {
            "volunteering": [
                {
                    "city": v.city.slug,
                    "languages": v.languages,
                    "interests": v.interests,
                    "availability": v.availability,
                    "travel_km": v.travel_km,
                    "gender": v.gender,
                    "checks": [
                        {
                            "kind": c.kind,
                            "checked_on": c.checked_on.isoformat(),
                            "expires_on": c.expires_on.isoformat(),
                        }
                        for c in v.checks.all()
                    ],
                    "pairs": [
                        {"status": p.status, "started": p.created_at.isoformat()}
                        for p in v.pairs.all()
                    ],
                }
                for v in volunteers
            ],
            "befriending_records": [
                {
                    "city": r.city.slug,
                    "first_name": r.first_name,
                    "referred_by": r.referred_by,
                    "consent_given_at": r.consent_given_at.isoformat(),
                    "needs": r.needs_private,
                    "interests": r.interests,
                    "languages": r.languages,
                    "accessibility_needs": r.accessibility_needs,
                    "status": r.status,
                    "loneliness_scores": [
                        {"taken_on": s.taken_on.isoformat(), "total": s.total}
                        for s in r.loneliness.all()
                    ],
                    "concerns": [
                        {"raised_at": c.raised_at.isoformat(), "text": c.text_private}
                        for c in r.concerns.all()
                    ],
                }
                for r in residents
            ],
            "guidance_appointments": [
                {"starts_at": s.starts_at.isoformat(), "mode": s.mode}
                for s in AppointmentSlot.objects.filter(booked_by=user)
            ],
            "guidance_notes_about_me": [
                {"written_at": n.written_at.isoformat(), "text": n.text_private}
                for n in GuidanceNote.objects.filter(person=user)
            ],
            "mentoring": [
                {"city": m.city.slug, "aim": m.aim, "goals": m.goals_private}
                for m in Mentee.objects.filter(user=user).select_related("city")
            ],
            "mentor_profiles": [
                {"city": m.city.slug, "fields": m.fields, "aims": m.aims}
                for m in Mentor.objects.filter(user=user).select_related("city")
            ],
        }
    }


def erase_programmes_of(user: User) -> None:
    # Visits stay for the hours indicator, unlinked from whoever logged them.
    Visit.objects.filter(logged_by=user).update(logged_by=None)
    residents = Resident.objects.filter(user=user)
    records = residents.count()
    profiles = Volunteer.objects.filter(user=user).count()
    residents.delete()
    Volunteer.objects.filter(user=user).delete()
    GuidanceNote.objects.filter(person=user).delete()
    AppointmentSlot.objects.filter(booked_by=user).update(booked_by=None, booked_at=None)
    Counsellor.objects.filter(user=user).delete()
    Mentee.objects.filter(user=user).delete()
    Mentor.objects.filter(user=user).delete()
    record_event(
        None, "programmes.erased", befriending_records=records, volunteer_profiles=profiles
    )

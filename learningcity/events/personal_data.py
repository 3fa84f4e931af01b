"""A person's data in this app, for "Download my data" and "Delete my account".

Registrations hold passport details: erasure deletes the registration (and with it
the agenda); proposals stay with the manifesto without the name; signatures stay
with their city without the name; a juror's scores stay with the decision (the
assignment keeps no name); award dossiers stay with their city."""

from typing import Any

from learningcity.core.models import User

from .models import Amendment, JuryAssignment, Registration, Signatory


def export_events_data_of(user: User) -> dict[str, Any]:
    registrations = Registration.objects.filter(user=user).select_related("conference", "category")
    return {
        "conference_registrations": [
            {
                "conference": r.conference.title,
                "category": r.category.name,
                "full_name": r.full_name,
                "organisation": r.organisation,
                "country": r.country_code,
                "needs_visa": r.needs_visa,
                "passport_number": r.passport_number,
                "nationality": r.nationality,
                "answers": r.answers,
                "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None,
                "agenda": list(r.agenda.values_list("session__title", flat=True)),
            }
            for r in registrations
        ],
        "manifesto_proposals": [
            {"kind": a.kind, "comment": a.comment, "proposed_text": a.proposed_text}
            for a in Amendment.objects.filter(registration__user=user)
        ],
        "award_jury_assignments": JuryAssignment.objects.filter(juror=user).count(),
    }


def erase_events_data_of(user: User) -> None:
    Amendment.objects.filter(registration__user=user).update(registration=None)
    Registration.objects.filter(user=user).delete()
    Signatory.objects.filter(signed_by=user).update(signed_by=None)
    JuryAssignment.objects.filter(juror=user).update(juror=None)

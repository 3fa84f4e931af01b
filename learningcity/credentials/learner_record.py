"""The learner record: enrolments, attendance, completions, recognised units,
qualifications and credentials of one person, for "My learning", its JSON and PDF
export and the platform's personal-data export; and what erasure removes."""

from typing import Any

from django.db import transaction

from learningcity.catalogue.models import Enrolment, EnrolmentStatus
from learningcity.core.audit import record_event
from learningcity.core.models import User

from .models import (
    AssessmentResult,
    Evidence,
    HolderChoice,
    IssuedCredential,
    RecognitionApplication,
    SavedPlan,
    UnitDecision,
)


def record_of(user: User) -> dict[str, Any]:
    enrolments = Enrolment.objects.filter(user=user).select_related(
        "session__opportunity__provider"
    )
    credentials = IssuedCredential.objects.filter(holder=user).select_related(
        "achievement__provider"
    )
    decisions = UnitDecision.objects.filter(application__applicant=user).select_related(
        "unit__qualification"
    )
    return {
        "enrolments": [
            {
                "opportunity": e.session.opportunity.title,
                "provider": e.session.opportunity.provider.name,
                "session_starts": e.session.starts_at.isoformat(),
                "status": e.status,
                "attended": e.status == EnrolmentStatus.ATTENDED,
            }
            for e in enrolments
        ],
        "recognised_units": [
            {
                "qualification": d.unit.qualification.title,
                "unit": f"{d.unit.code} {d.unit.title}",
                "decision": d.outcome,
                "reason": d.reason,
                "decided_at": d.decided_at.isoformat(),
            }
            for d in decisions
        ],
        "recognition_applications": [
            {
                "qualification": a.qualification.title,
                "statement": a.statement,
                "foreign_title": a.foreign_title,
                "foreign_country": a.foreign_country,
                "foreign_isced_level": a.foreign_isced_level,
                "status": a.status,
                "evidence": [e.original_name for e in a.evidence.all()],
            }
            for a in RecognitionApplication.objects.filter(applicant=user).select_related(
                "qualification"
            )
        ],
        "assessments": [
            {"achievement": r.achievement.name, "passed": r.passed, "at": r.assessed_at.isoformat()}
            for r in AssessmentResult.objects.filter(person=user).select_related("achievement")
        ],
        "credentials": [
            {
                "achievement": c.achievement.name,
                "issuer": c.achievement.provider.name,
                "issued_at": c.issued_at.isoformat(),
                "valid_until": c.valid_until.isoformat() if c.valid_until else None,
                "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
                "credential": c.document,
            }
            for c in credentials
        ],
        "saved_pathways": [
            {"qualification": p.qualification.title, "plan": p.plan, "note": p.note}
            for p in SavedPlan.objects.filter(person=user).select_related("qualification")
        ],
    }


def export_credentials_of(user: User) -> dict[str, Any]:
    record = record_of(user)
    record.pop("enrolments")  # the catalogue exports those itself
    choice = HolderChoice.objects.filter(user=user).first()
    record["credential_choices"] = (
        {"show_name": choice.show_name, "group": choice.group} if choice else None
    )
    return {"credentials": record}


def erase_credentials_of(user: User) -> None:
    """Applications, evidence files, results, choices and plans go. Issued credentials
    are revoked-proof records of the issuer: they stay, without the link to the
    person (the signed document holds only a salted hash of the e-mail address, and a
    name only where the person chose to show it, which is removed from our copy)."""
    with transaction.atomic():
        for evidence in Evidence.objects.filter(application__applicant=user):
            evidence.file.delete(save=False)
        RecognitionApplication.objects.filter(applicant=user).delete()
        AssessmentResult.objects.filter(person=user).delete()
        SavedPlan.objects.filter(person=user).delete()
        HolderChoice.objects.filter(user=user).delete()
        unlinked = 0
        for credential in IssuedCredential.objects.filter(holder=user):
            subject = credential.document.get("credentialSubject", {})
            subject["identifier"] = [
                identity
                for identity in subject.get("identifier", [])
                if identity.get("identityType") != "name"
            ]
            credential.holder = None
            credential.save(update_fields=["holder", "document"])
            unlinked += 1
        record_event(None, "credentials.data_erased", credentials=unlinked)

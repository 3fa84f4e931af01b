"""Recognition of prior learning: applying with evidence, deciding per unit."""

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcity.core.audit import record_event
from learningcity.core.models import City, User

from . import permissions
from .models import Evidence, Qualification, RecognitionApplication, Unit, UnitDecision
from .services import NotEligible

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
MAX_EVIDENCE_FILES = 5
# What a file's first bytes must be for the type it claims (by content, not by name).
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}


def evidence_problem(upload: UploadedFile) -> str | None:
    """Why a file cannot be evidence, or None."""
    if upload.size is None or upload.size > MAX_EVIDENCE_BYTES:
        return _("%(name)s is larger than 5 MB.") % {"name": upload.name}
    if upload.size == 0:
        return _("%(name)s is empty.") % {"name": upload.name}
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sigs in SIGNATURES.values() for sig in sigs):
        return _("%(name)s is not a PDF, PNG or JPEG file.") % {"name": upload.name}
    return None


def content_type_of(head: bytes) -> str:
    for content_type, signatures in SIGNATURES.items():
        if any(head.startswith(sig) for sig in signatures):
            return content_type
    return "application/octet-stream"


def apply_for_recognition(
    *,
    applicant: User,
    city: City,
    qualification: Qualification,
    statement: str,
    foreign_title: str = "",
    foreign_country: str = "",
    foreign_isced_level: int | None = None,
    files: list[UploadedFile],
) -> RecognitionApplication:
    if len(files) > MAX_EVIDENCE_FILES:
        raise NotEligible(_("Attach at most 5 files."))
    for upload in files:
        problem = evidence_problem(upload)
        if problem:
            raise NotEligible(problem)
    with transaction.atomic():
        application = RecognitionApplication.objects.create(
            city=city,
            applicant=applicant,
            qualification=qualification,
            statement=statement,
            foreign_title=foreign_title,
            foreign_country=foreign_country.upper(),
            foreign_isced_level=foreign_isced_level,
        )
        for upload in files:
            data = upload.read()
            evidence = Evidence(
                application=application,
                original_name=(upload.name or "evidence")[:200],
                content_type=content_type_of(data[:16]),
                size=len(data),
            )
            evidence.file.save("evidence", ContentFile(data), save=False)
            evidence.save()
        record_event(
            applicant,
            "credentials.recognition_applied",
            city=city,
            target=str(application.public_id),
        )
    return application


@transaction.atomic
def decide_unit(
    *, assessor: User, application: RecognitionApplication, unit: Unit, outcome: str, reason: str
) -> UnitDecision:
    if application.applicant_id == assessor.pk:
        raise NotEligible(_("You cannot decide on your own application."))
    if not permissions.can_assess(assessor, application):
        raise NotEligible(_("You are not an assessor for this qualification."))
    if unit.qualification_id != application.qualification_id:
        raise NotEligible(_("This unit is not part of the qualification applied for."))
    if outcome not in UnitDecision.Outcome.values:
        raise NotEligible(_("Choose a decision."))
    if not reason.strip():
        raise NotEligible(_("Give the reason for the decision."))
    decision, _created = UnitDecision.objects.update_or_create(
        application=application,
        unit=unit,
        defaults={
            "outcome": outcome,
            "reason": reason.strip(),
            "assessor": assessor,
            "decided_at": timezone.now(),
        },
    )
    units = application.qualification.units.count()
    if application.decisions.count() >= units:
        application.status = RecognitionApplication.Status.DECIDED
        application.save(update_fields=["status"])
    record_event(
        assessor,
        "credentials.unit_decided",
        city=application.city,
        target=str(application.public_id),
        unit=unit.code,
        outcome=outcome,
    )
    return decision

"""Qualifications with their units, the badges (achievements) providers award, the
credentials issued, the platform's issuer keys and status lists, and recognition of
prior learning."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcity.catalogue.models import Opportunity, Provider
from learningcity.core.models import City

from .vocabulary import ISCED_LEVELS


class Qualification(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="qualifications")
    provider = models.ForeignKey(
        Provider, on_delete=models.SET_NULL, null=True, blank=True, related_name="qualifications"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    awarding_body = models.CharField(_("awarding body"), max_length=200)
    isced_level = models.PositiveSmallIntegerField(_("ISCED 2011 level"), choices=ISCED_LEVELS)
    isced_field = models.CharField(_("ISCED-F 2013 field (code)"), max_length=4)
    eqf_level = models.PositiveSmallIntegerField(
        _("EQF level"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
    )
    nqf_level = models.CharField(
        _("national qualifications framework level"), max_length=40, blank=True
    )
    assessment_languages = models.JSONField(_("languages of assessment"), default=list, blank=True)
    occupation = models.CharField(_("occupation it leads to"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["city", "code"], name="qualification_code_per_city")
        ]

    def __str__(self) -> str:
        return self.title


class Unit(models.Model):
    """A unit of a qualification; also a language bridge (a language at a CEFR level)
    or the final assessment, so that pathways plan all three the same way."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("Unit")
        LANGUAGE = "language", _("Language bridge")
        ASSESSMENT = "assessment", _("Assessment")

    tenant_field = "qualification__city"

    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="units")
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    outcomes = models.TextField(_("learning outcomes (one a line)"), blank=True)
    credit = models.DecimalField(_("credit"), max_digits=6, decimal_places=1, default=0)
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.UNIT)
    language = models.CharField(_("language (for a bridge)"), max_length=10, blank=True)
    cefr_level = models.CharField(_("CEFR level (for a bridge)"), max_length=2, blank=True)
    opportunities = models.ManyToManyField(Opportunity, blank=True, related_name="credential_units")

    class Meta:
        ordering = ["qualification", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["qualification", "code"], name="unit_code_per_qualification"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]


class IssuerKey(models.Model):
    """An Ed25519 key the platform signs with for a provider (its did:key). The
    private key is stored only encrypted (``keystore``); a rotated key stops signing
    new credentials but still signs its own status lists."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="issuer_keys")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="issuer_keys")
    did = models.CharField(max_length=120, unique=True)
    public_key = models.BinaryField(max_length=32)
    private_key_encrypted = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider"],
                condition=models.Q(retired_at__isnull=True),
                name="one_active_issuer_key_per_provider",
            )
        ]

    def __str__(self) -> str:
        return self.did


class StatusList(models.Model):
    """A Bitstring Status List (revocation) of one issuer key, published at
    ``/credentials/status/<public_id>``; ``document`` is the signed list credential."""

    tenant_field = "issuer_key__city"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer_key = models.ForeignKey(IssuerKey, on_delete=models.CASCADE, related_name="status_lists")
    size = models.PositiveIntegerField(default=131_072)
    next_index = models.PositiveIntegerField(default=0)
    bits = models.BinaryField()
    document = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"status list {self.public_id}"


class Achievement(models.Model):
    """What a provider awards a credential for: completing an opportunity (attendance
    threshold) or passing an assessment, for a unit or a whole qualification."""

    class Basis(models.TextChoices):
        ATTENDANCE = "attendance", _("Attendance")
        ASSESSMENT = "assessment", _("Assessment")

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="achievements")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="achievements")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, null=True, blank=True, related_name="achievements"
    )
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True)
    qualification = models.ForeignKey(
        Qualification, on_delete=models.SET_NULL, null=True, blank=True
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    criteria = models.TextField(_("what earns it"))
    basis = models.CharField(_("awarded on"), max_length=12, choices=Basis.choices)
    attendance_threshold = models.PositiveSmallIntegerField(
        _("share of sessions attended (%)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    valid_months = models.PositiveSmallIntegerField(_("valid for (months)"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AssessmentResult(models.Model):
    tenant_field = "achievement__city"

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="results")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    passed = models.BooleanField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["achievement", "person"], name="one_result_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.achievement_id}: {self.person_id}"


class HolderChoice(models.Model):
    """What a person agreed to show on credentials issued to them (and the group they
    chose to state for the city's figures). Without a row: nothing but a salted hash
    of their e-mail address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credential_choice"
    )
    show_name = models.BooleanField(_("show my name on my credentials"), default=False)
    group = models.CharField(
        _("group (optional, for the city's figures)"), max_length=20, blank=True
    )

    def __str__(self) -> str:
        return f"choice of {self.user_id}"


class IssuedCredential(models.Model):
    tenant_field = "achievement__city"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, related_name="credentials"
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="issued_credentials",
    )
    issuer_key = models.ForeignKey(IssuerKey, on_delete=models.CASCADE, related_name="+")
    status_list = models.ForeignKey(StatusList, on_delete=models.CASCADE, related_name="+")
    status_index = models.PositiveIntegerField()
    document = models.JSONField()
    group = models.CharField(max_length=20, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    valid_until = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="one_credential_per_status_bit"
            ),
            models.UniqueConstraint(
                fields=["achievement", "holder"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_credential_per_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"urn:uuid:{self.public_id}"


class IssueBatch(models.Model):
    """Issuing an achievement to everyone who completed, in the background."""

    tenant_field = "achievement__city"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="batches")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, default="waiting")
    total = models.PositiveIntegerField(default=0)
    progress = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"batch {self.public_id}"

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return 100 * self.progress // self.total if self.total else 0


class RecognitionApplication(models.Model):
    """Recognition of prior learning: a person asks for units of a qualification to
    be recognised, with evidence; assessors decide per unit."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for an assessor")
        DECIDED = "decided", _("Decided")

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="recognition_applications"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recognition_applications"
    )
    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="+")
    statement = models.TextField(_("your experience and learning"))
    foreign_title = models.CharField(_("foreign qualification (title)"), max_length=200, blank=True)
    foreign_country = models.CharField(_("country where it was awarded"), max_length=2, blank=True)
    foreign_isced_level = models.PositiveSmallIntegerField(
        _("its level (ISCED 2011)"), choices=ISCED_LEVELS, null=True, blank=True
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"application {self.public_id}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    return f"credentials/evidence/{uuid.uuid4().hex}"


class Evidence(models.Model):
    tenant_field = "application__city"

    application = models.ForeignKey(
        RecognitionApplication, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(upload_to=evidence_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    description = models.CharField(_("what it shows"), max_length=200, blank=True)

    def __str__(self) -> str:
        return self.original_name


class UnitDecision(models.Model):
    class Outcome(models.TextChoices):
        RECOGNISED = "recognised", _("Recognised")
        PARTLY = "partly", _("Partly recognised")
        NOT_YET = "not_yet", _("Not yet")

    tenant_field = "application__city"

    application = models.ForeignKey(
        RecognitionApplication, on_delete=models.CASCADE, related_name="decisions"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(_("decision"), max_length=12, choices=Outcome.choices)
    reason = models.TextField(_("reason"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "unit"], name="one_decision_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.outcome}"


class SavedPlan(models.Model):
    """A plan a counsellor built with a person ("find my way to …")."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="saved_pathways")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_pathways"
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="+")
    plan = models.JSONField()
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"plan {self.public_id}"

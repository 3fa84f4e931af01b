"""The Learning City Award: cycles (their rules as data), cities' applications with
their uploads, National Commission nominations, jurors with their declared ties and
scores, and the published winners. Conferences (registration, programme, site visits,
manifesto) are in ``models_conference`` (imported at the end)."""

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcity.core.models import City

# The eight criteria in the published order; the weights are the cycle's own data.
CRITERIA = (
    ("plan", _("Advancement of the learning city plan")),
    ("partnerships", _("Advances in stakeholder coordination and partnerships")),
    ("resources", _("Progress in mobilising and using resources")),
    ("monitoring", _("Progress in monitoring and evaluating learning city development")),
    ("access", _("Advances in making learning accessible to all citizens")),
    ("culture", _("Advances in fostering a culture of lifelong learning")),
    ("innovation", _("Advancement of innovative practices")),
    ("network", _("Contributions to the network's activities")),
)
CRITERION_LABELS = dict(CRITERIA)
CRITERION_CODES = tuple(code for code, _label in CRITERIA)


def default_criteria() -> list[dict[str, Any]]:
    return [{"code": code, "weight": 1} for code in CRITERION_CODES]


class CyclePhase(models.TextChoices):
    APPLICATIONS = "applications", _("Taking applications")
    NOMINATIONS = "nominations", _("National Commissions nominate")
    JURY = "jury", _("With the jury")
    DECIDED = "decided", _("Decided")
    PUBLISHED = "published", _("Winners published")


class AwardCycle(models.Model):
    """One round of the award; every rule a network coordinator may change is a
    column here, starting from the published defaults (``award.md``)."""

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    phase = models.CharField(
        _("phase"), max_length=16, choices=CyclePhase.choices, default=CyclePhase.APPLICATIONS
    )
    opens_on = models.DateField(_("applications open on"))
    closes_on = models.DateField(_("application deadline"))
    nominations_close_on = models.DateField(_("National Commissions nominate by"))
    membership_months = models.PositiveSmallIntegerField(
        _("months of membership needed at the deadline (more than)"),
        default=12,
        validators=[MaxValueValidator(120)],
    )
    awardee_wait_years = models.PositiveSmallIntegerField(
        _("years a past awardee waits"), default=6, validators=[MaxValueValidator(30)]
    )
    nominations_per_country = models.PositiveSmallIntegerField(
        _("cities each National Commission may nominate"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    winners_per_country = models.PositiveSmallIntegerField(
        _("winners per country at most"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    awards_per_region = models.PositiveSmallIntegerField(
        _("awards per UNESCO region at most"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    word_limit = models.PositiveSmallIntegerField(
        _("words allowed in each criterion's text"),
        default=500,
        validators=[MinValueValidator(20), MaxValueValidator(5000)],
    )
    jurors_per_dossier = models.PositiveSmallIntegerField(
        _("jurors per dossier at least"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(15)],
    )
    scale_max = models.PositiveSmallIntegerField(
        _("highest score of the scale (from 0)"),
        default=10,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
    )
    disagreement_at = models.PositiveSmallIntegerField(
        _("points between jurors (of 100) that flag a disagreement"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    criteria = models.JSONField(_("criteria and weights"), default=default_criteria)
    decision_note = models.TextField(_("the jury's decision"), blank=True, max_length=5000)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("award cycle")
        verbose_name_plural = _("award cycles")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("The deadline is on or after the opening day.")})
        if (
            self.closes_on
            and self.nominations_close_on
            and self.nominations_close_on < self.closes_on
        ):
            raise ValidationError(
                {
                    "nominations_close_on": _(
                        "National Commissions nominate on or after the application deadline."
                    )
                }
            )
        problem = criteria_problem(self.criteria)
        if problem:
            raise ValidationError({"criteria": problem})

    @property
    def weights(self) -> dict[str, float]:
        return {row["code"]: float(row["weight"]) for row in self.criteria}


def criteria_problem(criteria: Any) -> str:
    if not isinstance(criteria, list) or not criteria:
        return str(_("Give each of the eight criteria a weight."))
    codes = [row.get("code") for row in criteria if isinstance(row, dict)]
    if sorted(str(code) for code in codes) != sorted(CRITERION_CODES):
        return str(_("Give each of the eight criteria a weight."))
    for row in criteria:
        weight = row.get("weight")
        if not isinstance(weight, int | float) or isinstance(weight, bool) or not 0 < weight <= 10:
            return str(_("Each weight is a number above 0 and at most 10."))
    return ""


class DossierStatus(models.TextChoices):
    SUBMITTED = "submitted", _("With the National Commission")
    NOMINATED = "nominated", _("Nominated")
    NOT_NOMINATED = "not_nominated", _("Not nominated")
    WINNER = "winner", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not awarded")


def upload_path(instance: "AwardApplication", filename: str) -> str:
    # The name is ours; the content was checked to be a PDF.
    return f"events/award/{instance.public_id}/{uuid.uuid4().hex}.pdf"


class AwardApplication(models.Model):
    """A city's dossier in a cycle: a text per criterion, evidence, its published
    good practices and its monitoring results (attached when sent), the two signed
    forms; then the National Commission's nomination and the jury's outcome."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cycle = models.ForeignKey(AwardCycle, on_delete=models.PROTECT, related_name="applications")
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="award_applications")
    status = models.CharField(
        _("status"), max_length=16, choices=DossierStatus.choices, default=DossierStatus.SUBMITTED
    )
    texts = models.JSONField(_("texts"), default=dict)
    evidence = models.TextField(_("evidence (links, one a line)"), blank=True, max_length=5000)
    practices = models.ManyToManyField(
        "network.Practice", blank=True, related_name="award_applications"
    )
    monitoring = models.JSONField(default=dict, blank=True)
    mayor_form = models.FileField(upload_to=upload_path, max_length=200)
    consent_form = models.FileField(upload_to=upload_path, max_length=200)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    commission_note = models.TextField(_("National Commission's note"), blank=True)
    commission_decided_at = models.DateTimeField(null=True, blank=True)
    commission_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    citation = models.TextField(_("citation"), blank=True, max_length=2000)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "city"], name="award_application_once")
        ]
        verbose_name = _("award application")
        verbose_name_plural = _("award applications")

    def __str__(self) -> str:
        return f"{self.city} · {self.cycle}"


class JurorTie(models.Model):
    """A tie a juror declared with a city (worked for it, advises it…): that juror
    never scores the city's dossier."""

    cycle = models.ForeignKey(AwardCycle, on_delete=models.CASCADE, related_name="ties")
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="award_ties"
    )
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("what ties them"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "juror", "city"], name="juror_tie_once")
        ]

    def __str__(self) -> str:
        return f"{self.juror} ~ {self.city}"


class JurorProfile(models.Model):
    """A juror's country (for the conflict rule), kept per cycle."""

    cycle = models.ForeignKey(AwardCycle, on_delete=models.CASCADE, related_name="jurors")
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="award_jury_seats"
    )
    country_code = models.CharField(_("juror's country"), max_length=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cycle", "juror"], name="juror_once")]

    def __str__(self) -> str:
        return f"{self.juror} ({self.country_code})"


class JuryAssignment(models.Model):
    application = models.ForeignKey(
        AwardApplication, on_delete=models.CASCADE, related_name="assignments"
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="award_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    scores = models.JSONField(default=dict, blank=True)
    comments = models.JSONField(default=dict, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    tenant_field = "application__city"

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "juror"], name="award_juror_once")
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.juror}"


from .models_conference import *  # noqa: E402, F403

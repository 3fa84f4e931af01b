"""The learning-city plan: a city's vision, goals per KFLC area of focus, the actions
that serve them (with the partner responsible), and the indicator targets each goal
should move; with published versions and the action owners' progress updates.

What the public sees is the latest *published* version (``PlanVersion.snapshot``)
for what the city promised, the actions' current status for what it did, and the
difference between the last two versions for what changed. Goals, actions and
targets as they stand are the coordinator's working draft."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcity.catalogue.models import Provider
from learningcity.core.jobs import FileJob
from learningcity.core.models import City
from learningcity.monitoring.models import FIRST_YEAR, LAST_YEAR, FrameworkNode

YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]


class Plan(models.Model):
    """A city's learning-city plan (one per city)."""

    city = models.OneToOneField(City, on_delete=models.CASCADE, related_name="plan")
    title = models.CharField(_("title"), max_length=200)
    vision = models.TextField(
        _("vision"),
        max_length=5000,
        help_text=_("What the city wants to become, in a few plain sentences. Markdown."),
    )
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=YEAR_VALIDATORS)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="USD",
        help_text=_("The usual currency of budgets, as a three-letter code (EUR, COP, USD)."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="plan_years_ordered",
            )
        ]
        verbose_name = _("learning-city plan")
        verbose_name_plural = _("learning-city plans")

    def __str__(self) -> str:
        return self.title


class PlanVersion(models.Model):
    """What the plan said when the coordinator published it; never edited."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    note = models.CharField(_("what changed, in a sentence"), max_length=500, blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    tenant_field = "plan__city"

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_number_unique")
        ]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class Goal(models.Model):
    """A goal under one KFLC area of focus."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    area = models.ForeignKey(
        FrameworkNode,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("area of focus"),
    )
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    position = models.PositiveIntegerField(default=0)

    tenant_field = "plan__city"

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DELAYED = "delayed", _("Delayed")
    CANCELLED = "cancelled", _("Cancelled")


# Actions whose owners are still expected to report.
OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.DELAYED)


class Action(models.Model):
    """Something a partner does for a goal, with its budget, dates and status."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=3000, blank=True)
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name=_("responsible provider"),
    )
    partner_name = models.CharField(
        _("responsible partner organisation"),
        max_length=200,
        blank=True,
        help_text=_("When the partner is not a provider on this site."),
    )
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    update_due = models.DateField(
        _("next progress update due"),
        null=True,
        blank=True,
        help_text=_("The responsible partner is reminded by e-mail a few days before."),
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    tenant_field = "plan__city"

    class Meta:
        ordering = ["goal__position", "goal_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="plan_action_dates_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                name="plan_action_budget_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["update_due", "status"])]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.title

    @property
    def responsible(self) -> str:
        return self.provider.name if self.provider_id and self.provider else self.partner_name


def evidence_path(instance: "ActionUpdate", filename: str) -> str:
    # A random name: the original may hold personal data and is kept in ``evidence_name``.
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"plans/evidence/{uuid.uuid4().hex}.{suffix}"


class ActionUpdate(models.Model):
    """A progress report on an action by its owner; kept as history, never edited."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices)
    note = models.CharField(_("what happened"), max_length=600)
    evidence_url = models.URLField(_("link to evidence"), max_length=500, blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)

    tenant_field = "action__plan__city"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.action} · {self.get_status_display()}"


class Target(models.Model):
    """Where an indicator should be by a year, from a baseline. The direction
    (higher or lower is better) is the indicator's own."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(
        FrameworkNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), validators=YEAR_VALIDATORS)
    baseline_value = models.FloatField(_("baseline value"))
    target_year = models.PositiveSmallIntegerField(_("target year"), validators=YEAR_VALIDATORS)
    target_value = models.FloatField(_("target value"))
    position = models.PositiveIntegerField(default=0)

    tenant_field = "goal__plan__city"

    class Meta:
        ordering = ["goal__position", "goal_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_year__gt=models.F("baseline_year")),
                name="plan_target_after_baseline",
            ),
            models.UniqueConstraint(fields=["goal", "indicator"], name="plan_target_unique"),
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.indicator.code} → {self.target_value:g} ({self.target_year})"

    @property
    def direction(self) -> int:
        return int(self.indicator.direction)


class UpdateReminder(models.Model):
    """One reminder per action and due date: the row is created before the e-mails
    go out, so a second run (or two at once) never sends it again."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    due_date = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveSmallIntegerField(default=0)

    tenant_field = "action__plan__city"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "due_date"], name="one_reminder_per_due_date")
        ]

    def __str__(self) -> str:
        return f"{self.action} · {self.due_date}"


class ReportPrint(FileJob):
    """The progress report as a PDF in one language, made by the task queue (status,
    progress and lease: ``core.jobs.FileJob``; see ``plans.printing``). ``stamp`` says
    which state of the plan it shows (the version, the day, the actions' last change,
    the city's indicator values): a file whose stamp is not the current one is out of
    date, and a new one is made when someone asks."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="prints")
    language = models.CharField(max_length=10)
    stamp = models.CharField(max_length=64)
    file = models.FileField(upload_to="plans/reports/", blank=True)

    tenant_field = "version__plan__city"

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language", "stamp"], name="plan_report_print_once_per_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} · {self.language} · {self.status}"

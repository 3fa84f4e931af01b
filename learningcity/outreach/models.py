"""Outreach: where a mobile library stops, how it gets there, and when.

Demand (``DemandBlock``) and candidate places (``CandidateStop``) are the planner's
inputs; a ``PlanRun`` is one solve of the engine (in the background, with a lease
like the catalogue's import jobs); publishing a run makes its stops catalogue sites
(kind "Mobile library stop", so opportunities can be scheduled there) and their
``Visit`` rows, which residents see in the timetable and the stops' calendar feeds.
"""

import uuid
from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcity.catalogue.models import LearningSite
from learningcity.core.models import City, District


class Group(models.TextChoices):
    OLDER = "older", _("Older people")
    DISABLED = "disabled", _("People with disabilities")
    UNDER_FIVE = "under_five", _("Children under five")


GROUP_FIELDS = {Group.OLDER: "older", Group.DISABLED: "disabled", Group.UNDER_FIVE: "under_five"}

# When a stop suits each group if the coordinator names no window: mornings for older
# people, the middle of the day for people with disabilities (after the morning care
# visits), the afternoon for small children (after the nap and the school run).
DEFAULT_WINDOWS = {
    Group.OLDER: (time(9, 30), time(12, 0)),
    Group.DISABLED: (time(10, 30), time(14, 30)),
    Group.UNDER_FIVE: (time(15, 0), time(17, 30)),
}

_LAT = [MinValueValidator(-90), MaxValueValidator(90)]
_LON = [MinValueValidator(-180), MaxValueValidator(180)]


class DemandBlock(models.Model):
    """A small area where people live, at its centre, with its residents by group."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="demand_blocks")
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="demand_blocks"
    )
    name = models.CharField(_("name"), max_length=160)
    latitude = models.FloatField(_("latitude"), validators=_LAT)
    longitude = models.FloatField(_("longitude"), validators=_LON)
    older = models.PositiveIntegerField(_("older people"), default=0)
    disabled = models.PositiveIntegerField(_("people with disabilities"), default=0)
    under_five = models.PositiveIntegerField(_("children under five"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("demand block")
        verbose_name_plural = _("demand blocks")

    def __str__(self) -> str:
        return self.name


class CandidateStop(models.Model):
    """A place the mobile library could stop (a square, a health centre's car park)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="candidate_stops")
    name = models.CharField(_("name"), max_length=160)
    address = models.CharField(_("address"), max_length=240, blank=True)
    latitude = models.FloatField(_("latitude"), validators=_LAT)
    longitude = models.FloatField(_("longitude"), validators=_LON)
    required = models.BooleanField(_("always a stop"), default=False)
    group = models.CharField(
        _("mainly for"), max_length=12, choices=Group.choices, blank=True, default=""
    )
    window_start = models.TimeField(_("visit no earlier than"), null=True, blank=True)
    window_end = models.TimeField(_("visit no later than"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("candidate stop")
        verbose_name_plural = _("candidate stops")

    def __str__(self) -> str:
        return self.name

    def window(self) -> tuple[time, time] | None:
        """The window its visit must start in: its own, else its group's, else none."""
        if self.window_start and self.window_end:
            return (self.window_start, self.window_end)
        if self.group:
            return DEFAULT_WINDOWS[Group(self.group)]
        return None


class Vehicle(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="outreach_vehicles")
    name = models.CharField(_("name"), max_length=120)
    depot_latitude = models.FloatField(_("depot latitude"), validators=_LAT)
    depot_longitude = models.FloatField(_("depot longitude"), validators=_LON)
    starts_at = models.TimeField(_("working day starts"), default=time(9, 0))
    ends_at = models.TimeField(_("working day ends"), default=time(17, 0))
    stop_minutes = models.PositiveSmallIntegerField(
        _("minutes at each stop"), default=45, validators=[MinValueValidator(5)]
    )
    days = models.JSONField(_("days of the week"), default=list)  # 0 = Monday

    class Meta:
        ordering = ["name"]
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")

    def __str__(self) -> str:
        return self.name


class RunStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting to start")
    RUNNING = "running", _("Solving")
    DONE = "done", _("Done")
    FAILED = "failed", _("Could not finish")


class Stage(models.TextChoices):
    """Where a solving plan is, stored as a key and shown in the reader's language."""

    WAITING = "waiting", _("Waiting for a worker")
    READING = "reading", _("Reading demand blocks and candidate stops")
    STOPS = "stops", _("Choosing the stops")
    ROUTES = "routes", _("Planning the week's routes")
    WRITING = "writing", _("Writing the result")
    DONE = "done", _("Done")


class Objective(models.TextChoices):
    COVERAGE = "coverage", _("Reach the most people (maximal covering)")
    MEDIAN = "median", _("Shortest walks on average (p-median)")


class PlanRun(models.Model):
    """One plan: its parameters, its progress while the worker solves, its result."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="outreach_runs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    parameters = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.WAITING)
    stage = models.CharField(max_length=10, choices=Stage.choices, blank=True)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The lease, as catalogue.jobs: a killed worker's run is reaped and tried again.
    attempts = models.PositiveSmallIntegerField(default=0)
    stalls = models.PositiveSmallIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("stop plan")
        verbose_name_plural = _("stop plans")

    def __str__(self) -> str:
        return f"{self.city.slug} {self.public_id}"

    @property
    def is_running(self) -> bool:
        return self.status in (RunStatus.WAITING, RunStatus.RUNNING)


class Visit(models.Model):
    """One published visit of the mobile library to a stop."""

    tenant_field = "site__city"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    site = models.ForeignKey(LearningSite, on_delete=models.CASCADE, related_name="outreach_visits")
    run = models.ForeignKey(
        PlanRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    vehicle = models.ForeignKey(
        Vehicle, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"{self.site.name} {self.starts_at:%Y-%m-%d %H:%M}"

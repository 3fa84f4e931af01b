"""Learning festivals: a dated, named collection of catalogue opportunities from many
providers, with its own programme.

A provider *submits* one of its opportunities (``Entry``) with the sessions that fall
within the festival's dates; the city's coordinators accept or refuse it. The dates of
accepted entries inside the festival are kept as ``FestivalEvent`` rows (one per
date of a session, in the city's time zone): the programme, its filters, the
calendar feed, the printed booklet and the figures all read these rows, so a page
never expands repeat rules while someone waits. They are rebuilt whenever an entry is
accepted or one of its sessions is saved (``services.session_saved``)."""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcity.catalogue.models import LearningSite, Opportunity, Provider, Session
from learningcity.core.jobs import FileJob, FileJobStatus
from learningcity.core.models import City, District


class FestivalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft: only the city's coordinators see it")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class Festival(models.Model):
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="festivals")
    slug = models.SlugField(_("address name"), max_length=80)
    name = models.CharField(_("name"), max_length=160)
    description = models.TextField(
        _("description"), blank=True, help_text=_("You can use Markdown: **bold**, lists, links.")
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    submissions_open_on = models.DateField(_("providers may submit from"))
    submissions_close_on = models.DateField(_("providers may submit until"))
    status = models.CharField(
        _("status"), max_length=12, choices=FestivalStatus.choices, default=FestivalStatus.DRAFT
    )
    # Bumped by every service that changes what the programme shows, so the printed
    # programme (and anything else cached) knows it is out of date.
    programme_version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "slug"], name="festival_slug_unique_in_city"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="festival_ends_after_start",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
            models.CheckConstraint(
                condition=models.Q(submissions_close_on__gte=models.F("submissions_open_on")),
                name="festival_window_ordered",
                violation_error_message=_("Submissions cannot close before they open."),
            ),
        ]
        verbose_name = _("learning festival")
        verbose_name_plural = _("learning festivals")

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == FestivalStatus.PUBLISHED

    def local_today(self) -> date:
        return timezone.now().astimezone(self.city.tzinfo).date()

    @property
    def is_open_for_submissions(self) -> bool:
        today = self.local_today()
        return self.is_published and self.submissions_open_on <= today <= self.submissions_close_on

    @property
    def has_ended(self) -> bool:
        return self.ends_on < self.local_today()


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the city's decision")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not accepted")


class Entry(models.Model):
    """One opportunity a provider submitted to a festival, with the sessions that fall
    within its dates. One entry per opportunity and festival."""

    festival = models.ForeignKey(Festival, on_delete=models.CASCADE, related_name="entries")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="festival_entries"
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="festival_entries"
    )
    sessions = models.ManyToManyField(Session, related_name="festival_entries")
    status = models.CharField(
        _("status"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    note = models.CharField(_("note for the city"), max_length=500, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    tenant_field = "festival__city"

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["festival", "opportunity"], name="festival_entry_once_per_opportunity"
            )
        ]
        indexes = [models.Index(fields=["festival", "status"])]
        verbose_name = _("festival submission")
        verbose_name_plural = _("festival submissions")

    def __str__(self) -> str:
        return f"{self.festival} · {self.opportunity}"


class FestivalEvent(models.Model):
    """One date of an accepted entry's session within the festival, with the few
    facts the programme filters on copied beside it (place, district, day)."""

    festival = models.ForeignKey(Festival, on_delete=models.CASCADE, related_name="events")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="events")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="festival_events")
    site = models.ForeignKey(
        LearningSite, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    district = models.ForeignKey(
        District, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    day = models.DateField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # Copied from the opportunity (bitmasks, see core.flags) so filters need no join.
    topics = models.PositiveIntegerField(default=0)
    target_groups = models.PositiveIntegerField(default=0)

    tenant_field = "festival__city"

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["festival", "day", "starts_at"]),
            models.Index(fields=["festival", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.festival} · {self.starts_at:%Y-%m-%d %H:%M}"


# The print's status is the shared one of files made in the background (core.jobs).
PrintStatus = FileJobStatus


class ProgrammePrint(FileJob):
    """The printable programme (PDF, A5 booklet) of a festival in one language,
    prepared by the task queue (status, progress and lease: ``core.jobs.FileJob``).
    ``stamp`` says which state of the festival it shows: a file whose stamp differs
    from the festival's current one is out of date."""

    festival = models.ForeignKey(Festival, on_delete=models.CASCADE, related_name="prints")
    language = models.CharField(max_length=10)
    stamp = models.CharField(max_length=64)
    file = models.FileField(upload_to="festivals/", blank=True)

    tenant_field = "festival__city"

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["festival", "language", "stamp"], name="festival_print_once_per_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.festival} · {self.language} · {self.status}"

"""The network's side of a city: its member profile and membership history, the
thematic clusters, the good-practice library, and the membership lifecycle (calls,
applications, jurors, biennial reports).

``core.City`` stays the one tenant: a city that only joins the network is a City, and
its network profile is one row beside it (``CityProfile``). Later parts of the
network (threads, peer exchanges, partnerships) add their own models pointing at the
same City and profile. Status changes are ``MembershipChange`` rows; every other step
of the lifecycle is a ``LifecycleStep`` row."""

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcity.core.models import City

from .vocabulary import (
    CLUSTER_NAMES,
    ApplicationStatus,
    CommunicationLanguage,
    MembershipStatus,
    PracticeStatus,
    Recommendation,
    ReportStatus,
)

YEAR_VALIDATORS = [MinValueValidator(1950), MaxValueValidator(2100)]


def _year(label: Any) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=YEAR_VALIDATORS
    )


class CityProfile(models.Model):
    """A city's member profile: the fields of the network's application form, each
    figure with the year of its data. Region and country are the City's own (one
    truth); so are population and area, whose years are kept here."""

    city = models.OneToOneField(City, on_delete=models.CASCADE, related_name="network_profile")
    status = models.CharField(
        _("membership status"),
        max_length=16,
        choices=MembershipStatus.choices,
        default=MembershipStatus.APPLICANT,
    )
    status_since = models.DateField(_("status since"), default=timezone.localdate)
    joined_on = models.DateField(_("member since"), null=True, blank=True)
    website = models.URLField(_("official website"), blank=True)
    mayor_title = models.CharField(_("mayor's title (Mr, Ms, Dr…)"), max_length=40, blank=True)
    mayor_name = models.CharField(_("mayor's full name"), max_length=120, blank=True)
    mayor_office = models.CharField(_("mayor's exact official title"), max_length=160, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_title = models.CharField(_("contact person's title"), max_length=120, blank=True)
    contact_organisation = models.CharField(_("organisation"), max_length=160, blank=True)
    contact_address = models.TextField(_("postal address"), blank=True, max_length=500)
    contact_phone = models.CharField(_("telephone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    communication_language = models.CharField(
        _("language of communication"),
        max_length=2,
        choices=CommunicationLanguage.choices,
        default=CommunicationLanguage.ENGLISH,
    )
    population_year = _year(_("year of the population figure"))
    area_year = _year(_("year of the area figure"))
    gdp_city_usd = models.DecimalField(
        _("GDP per capita of the city (US dollars)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    gdp_city_year = _year(_("year of the city's GDP figure"))
    gdp_country_usd = models.DecimalField(
        _("GDP per capita of the country (US dollars)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    gdp_country_year = _year(_("year of the country's GDP figure"))
    schooling_men = models.DecimalField(
        _("average years of schooling, men"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(25)],
    )
    schooling_women = models.DecimalField(
        _("average years of schooling, women"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(25)],
    )
    schooling_year = _year(_("year of the schooling figures"))
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["city__name"]
        verbose_name = _("member profile")
        verbose_name_plural = _("member profiles")
        indexes = [models.Index(fields=["status"], name="network_profile_status")]

    def __str__(self) -> str:
        return str(self.city)


class MembershipChange(models.Model):
    """One step in a city's membership history, never edited (the kept history)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="membership_changes")
    status_from = models.CharField(
        _("from"), max_length=16, choices=MembershipStatus.choices, blank=True
    )
    status_to = models.CharField(_("to"), max_length=16, choices=MembershipStatus.choices)
    effective_on = models.DateField(_("effective on"))
    note = models.TextField(_("note"), blank=True, max_length=1000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-effective_on", "-id"]
        verbose_name = _("membership change")
        verbose_name_plural = _("membership changes")

    def __str__(self) -> str:
        return f"{self.city}: {self.status_from or '—'} → {self.status_to} ({self.effective_on})"


class Cluster(models.Model):
    """A thematic cluster of member cities (threads come in a later part)."""

    slug = models.SlugField(_("address name"), max_length=60, unique=True)
    # Empty: the shipped name in the reader's language (``label``).
    name = models.CharField(_("name"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    coordinating_city = models.ForeignKey(
        City,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_clusters",
        verbose_name=_("coordinating city"),
    )
    position = models.PositiveSmallIntegerField(default=0)
    members = models.ManyToManyField(City, through="ClusterMembership", related_name="clusters")

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        shipped = CLUSTER_NAMES.get(self.slug)
        return self.name or (str(shipped) if shipped else self.slug)


class ClusterMembership(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships")
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="cluster_memberships")
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cluster", "city"], name="cluster_membership_unique")
        ]
        verbose_name = _("cluster membership")
        verbose_name_plural = _("cluster memberships")

    def __str__(self) -> str:
        return f"{self.city} · {self.cluster}"


class PracticeQuerySet(models.QuerySet["Practice"]):
    def published(self) -> "PracticeQuerySet":
        """What the public sees: practices with a published revision, not withdrawn."""
        return self.filter(published_at__isnull=False)


class Practice(models.Model):
    """A good practice of a city. Its wording lives in revisions; the columns below
    ``public`` repeat the published revision's, for the library, the search index
    and the export (they are empty until a revision is published).

    ``status`` is where the newest revision stands (draft, waiting for review,
    returned, published); ``published_at`` says whether readers see the published
    revision, which stays in place while a newer one is reviewed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="practices")
    status = models.CharField(
        _("status"), max_length=16, choices=PracticeStatus.choices, default=PracticeStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    current_revision = models.ForeignKey(
        "PracticeRevision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_revision = models.ForeignKey(
        "PracticeRevision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True, max_length=2000)
    # public: the published revision's wording and facets
    title = models.CharField(_("title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    sdgs = models.JSONField(_("SDGs"), default=list, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    # Moved on with every change to what the library shows, so a search process can
    # ask "what changed since my index?" with one indexed query.
    index_stamp = models.DateTimeField(default=timezone.now, db_index=True)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        indexes = [models.Index(fields=["status", "city"], name="network_practice_status")]

    def __str__(self) -> str:
        return self.title or (self.current_revision.title if self.current_revision else "?")

    @property
    def is_published(self) -> bool:
        """Shown to the public. A published practice stays visible (as published)
        while a newer revision is written and reviewed; withdrawing hides it."""
        return self.published_at is not None


class PracticeRevision(models.Model):
    """One saved version of a practice's wording (``data``, see ``practice_fields``),
    kept for ever so that versions can be compared."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    data = models.JSONField(default=dict)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    tenant_field = "practice__city"

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "number"], name="practice_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} v{self.number}"

    @property
    def title(self) -> str:
        return str(self.data.get("title", ""))


def practice_image_path(instance: "PracticeImage", filename: str) -> str:
    # The name is ours (never the uploader's), the format the one we re-encoded to.
    return f"network/practices/{instance.practice.public_id}/{uuid.uuid4().hex}.jpg"


class PracticeImage(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to=practice_image_path, max_length=200)
    alt_text = models.CharField(_("alternative text"), max_length=300)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    tenant_field = "practice__city"

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text


class SimilarPractice(models.Model):
    """A precomputed neighbour of a practice, with the reasons shown to readers."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="neighbours")
    other = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    shared_themes = models.JSONField(default=list)
    shared_terms = models.JSONField(default=list)

    class Meta:
        ordering = ["practice", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "rank"], name="similar_practice_rank")
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} ~ {self.other_id} ({self.rank})"


# -- the membership lifecycle ---------------------------------------------------------


class MembershipCall(models.Model):
    """A call for new members: its window and its rules, as data a network
    coordinator sets (the published defaults: three applications per National
    Commission, 200 words per text) and the services enforce."""

    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    endorsements_close_on = models.DateField(_("National Commissions decide by"))
    max_per_commission = models.PositiveSmallIntegerField(
        _("applications each National Commission may endorse"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    word_limit = models.PositiveSmallIntegerField(
        _("words allowed in each text of an application"),
        default=200,
        validators=[MinValueValidator(20), MaxValueValidator(2000)],
    )
    jurors_required = models.PositiveSmallIntegerField(
        _("jurors' scores needed before a decision"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("membership call")
        verbose_name_plural = _("membership calls")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("A call closes on or after the day it opens.")})
        if (
            self.closes_on
            and self.endorsements_close_on
            and self.endorsements_close_on < self.closes_on
        ):
            raise ValidationError(
                {
                    "endorsements_close_on": _(
                        "National Commissions decide on or after the day the call closes."
                    )
                }
            )

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today <= self.closes_on


class CommissionGrant(models.Model):
    """An account of a country's National Commission for UNESCO: the role that
    endorses or declines that country's applications, and sees only those. Held
    here, scoped to a country, as catalogue keeps its provider staff: core's roles
    are scoped to a city or to the whole network."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commission_grants"
    )
    country_code = models.CharField(_("country"), max_length=2, help_text="ISO 3166-1")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["country_code", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "country_code"], name="commission_grant_unique")
        ]
        verbose_name = _("National Commission account")
        verbose_name_plural = _("National Commission accounts")

    def __str__(self) -> str:
        return f"{self.user} · {self.country_code}"


def endorsement_path(instance: "MembershipApplication", filename: str) -> str:
    # The name is ours (never the uploader's); the content was checked to be a PDF.
    return f"network/applications/{instance.public_id}/{uuid.uuid4().hex}.pdf"


class MembershipApplication(models.Model):
    """A city's application in a call: part 1 of the form (the city's texts,
    challenge ratings and the mayor's signed endorsement), then the National
    Commission's endorsement, the jurors' scores and the network's decision."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    call = models.ForeignKey(MembershipCall, on_delete=models.PROTECT, related_name="applications")
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="membership_applications")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    language = models.CharField(
        _("language of communication"),
        max_length=2,
        choices=CommunicationLanguage.choices,
        default=CommunicationLanguage.ENGLISH,
    )
    motivation = models.TextField(_("motivation"))
    implementation = models.TextField(_("implementation"))
    interests = models.TextField(_("interests and expertise"), blank=True, max_length=2000)
    challenges = models.JSONField(_("challenges"), default=dict)
    endorsement = models.FileField(upload_to=endorsement_path, max_length=200)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    commission_note = models.TextField(_("National Commission's note"), blank=True)
    commission_decided_at = models.DateTimeField(null=True, blank=True)
    commission_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(_("note to the city"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "city"], name="application_once_per_call")
        ]
        indexes = [models.Index(fields=["call", "status"], name="network_application_status")]
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")

    def __str__(self) -> str:
        return f"{self.city} · {self.call}"


class JurorAssignment(models.Model):
    """An expert juror's part in one application: assigned by a network
    coordinator, then the juror's scores on the rubric and comment."""

    application = models.ForeignKey(
        MembershipApplication, on_delete=models.CASCADE, related_name="assignments"
    )
    # Kept without a name when the juror deletes their account: the decision stands.
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="juror_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=8, choices=Recommendation.choices, blank=True
    )
    scored_at = models.DateTimeField(null=True, blank=True)

    tenant_field = "application__city"

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "juror"], name="juror_once_per_application"
            )
        ]
        verbose_name = _("juror assignment")
        verbose_name_plural = _("juror assignments")

    def __str__(self) -> str:
        return f"{self.application} · {self.juror}"

    @property
    def total(self) -> int | None:
        return sum(int(value) for value in self.scores.values()) if self.scores else None


class MembershipReport(models.Model):
    """A member's biennial report: due every two years from admission, with a grace
    period after which a member that has not reported lapses. On submission it keeps
    the city's indicator values and index results as they were (``data``)."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="membership_reports")
    due_on = models.DateField(_("due on"))
    grace_until = models.DateField(_("lapses after"))
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DUE
    )
    achievements = models.TextField(_("what the city achieved"), blank=True)
    next_steps = models.TextField(_("what comes next"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Reminder stages already sent (days before the due date; 0: once overdue).
    reminders_sent = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-due_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["city", "due_on"], name="report_once_per_due_date")
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="network_report_due")]
        verbose_name = _("biennial report")
        verbose_name_plural = _("biennial reports")

    def __str__(self) -> str:
        return f"{self.city} · {self.due_on}"


class LifecycleStep(models.Model):
    """One step of a city's membership lifecycle (applied, endorsed, juror assigned,
    scored, admitted, report received, reminded, lapsed…), never edited. Its code is
    the step's audit event code, so both read the same (``event_labels``); status
    changes are also ``MembershipChange`` rows."""

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="lifecycle_steps")
    application = models.ForeignKey(
        MembershipApplication,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="steps",
    )
    report = models.ForeignKey(
        MembershipReport, on_delete=models.CASCADE, null=True, blank=True, related_name="steps"
    )
    code = models.CharField(max_length=40)
    note = models.TextField(blank=True, max_length=1000)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("membership step")
        verbose_name_plural = _("membership steps")

    def __str__(self) -> str:
        return f"{self.city}: {self.code} ({self.created_at:%Y-%m-%d})"


# Partnerships and capacity development (partners, partnerships, certificates) and
# peer learning and policy dialogue (threads, moderation, peer exchanges).
from .models_partners import (  # noqa: E402, F401
    Partner,
    PartnerKind,
    Partnership,
    TrainingCertificate,
)
from .models_peer import (  # noqa: E402, F401
    ClusterPost,
    ClusterSubscription,
    ClusterThread,
    ExchangeStatus,
    ModerationAction,
    PeerExchange,
    PostModeration,
    PostReport,
)

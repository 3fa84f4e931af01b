"""The network's side of a city: its member profile and membership history, the
thematic clusters, and the good-practice library.

``core.City`` stays the one tenant: a city that only joins the network is a City, and
its network profile is one row beside it (``CityProfile``). Later parts of the
network (applications and calls, reports, threads, peer exchanges, partnerships) add
their own models pointing at the same City and profile; the status history
(``MembershipChange``) is where every lifecycle step will be written."""

import uuid
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcity.core.models import City

from .vocabulary import (
    CLUSTER_NAMES,
    CommunicationLanguage,
    MembershipStatus,
    PracticeStatus,
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

"""International conferences: registration with categories and a form configured per
conference, badges (a file made in the background), check-in, the programme with
rooms and speakers, personal agendas, site visits (catalogue opportunities) and the
manifesto with its amendments, versions and signatories."""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcity.core.jobs import FileJob
from learningcity.core.models import City

__all__ = [
    "AgendaItem",
    "Amendment",
    "AmendmentKind",
    "AmendmentStatus",
    "BadgePrint",
    "Conference",
    "Manifesto",
    "ManifestoParagraph",
    "ManifestoStatus",
    "ManifestoVersion",
    "ProgrammeSession",
    "Registration",
    "RegistrationCategory",
    "Room",
    "Signatory",
    "SiteVisit",
    "Speaker",
    "badge_code",
]

# Badge codes: 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L).
BADGE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def badge_code() -> str:
    return "".join(secrets.choice(BADGE_ALPHABET) for _ in range(10))


class Conference(models.Model):
    slug = models.SlugField(_("address name"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="conferences")
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    venue = models.CharField(_("venue"), max_length=240, blank=True)
    capacity = models.PositiveIntegerField(_("participants at most"), default=350)
    registration_opens_on = models.DateField(_("registration opens on"))
    registration_closes_on = models.DateField(_("registration closes on"))
    # Extra questions: [{"name", "label", "kind": text|choice|yes_no, "required", "choices"}]
    form_fields = models.JSONField(_("extra questions"), default=list, blank=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from .conference_services import form_field_problem

        problem = form_field_problem(self.form_fields)
        if problem:
            raise ValidationError({"form_fields": problem})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day is on or after the first day.")})
        if (
            self.registration_opens_on
            and self.registration_closes_on
            and self.registration_closes_on < self.registration_opens_on
        ):
            raise ValidationError(
                {"registration_closes_on": _("Registration closes on or after the day it opens.")}
            )


class RegistrationCategory(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="categories")
    code = models.SlugField(max_length=30)
    name = models.CharField(_("name"), max_length=120)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "code"], name="category_code_once")
        ]

    def __str__(self) -> str:
        return self.name


class Registration(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conference_registrations",
    )
    category = models.ForeignKey(
        RegistrationCategory, on_delete=models.PROTECT, related_name="registrations"
    )
    full_name = models.CharField(_("full name (as in the passport)"), max_length=160)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    country_code = models.CharField(_("country"), max_length=2)
    city = models.ForeignKey(
        City,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("city delegation"),
    )
    answers = models.JSONField(default=dict, blank=True)
    needs_visa = models.BooleanField(_("I need an invitation letter for a visa"), default=False)
    passport_number = models.CharField(_("passport number"), max_length=40, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    badge_code = models.CharField(max_length=12, unique=True, default=badge_code)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "user"],
                condition=models.Q(user__isnull=False),
                name="registration_once_per_person",
            )
        ]
        indexes = [models.Index(fields=["conference", "full_name"])]

    def __str__(self) -> str:
        return f"{self.full_name} · {self.conference}"

    @property
    def region(self) -> str:
        return self.city.region if self.city else ""


class BadgePrint(FileJob):
    """All badges of a conference as one PDF (A6 pages), made on the task queue."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="prints")
    stamp = models.CharField(max_length=40)
    file = models.FileField(upload_to="events/badges/", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conference", "stamp"], name="badge_print_once")
        ]

    def __str__(self) -> str:
        return f"{self.conference} badges {self.stamp}"


class Room(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=120)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Speaker(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=160)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProgrammeSession(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="programme")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=3000)
    room = models.ForeignKey(Room, on_delete=models.SET_NULL, null=True, blank=True)
    speakers = models.ManyToManyField(Speaker, blank=True, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    stream_url = models.URLField(_("streamed at"), blank=True)
    # The streamed session's online lecture in the catalogue.
    catalogue_session = models.OneToOneField(
        "catalogue.Session", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="programme_session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="agenda")
    session = models.ForeignKey(ProgrammeSession, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "session"], name="agenda_once")
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} · {self.session_id}"


class SiteVisit(models.Model):
    """A visit to one of the host city's programmes: a catalogue opportunity (with its
    session, seats and waiting list) plus what a visitor needs to find it."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="visits")
    opportunity = models.OneToOneField(
        "catalogue.Opportunity", on_delete=models.CASCADE, related_name="+"
    )
    session = models.OneToOneField("catalogue.Session", on_delete=models.CASCADE, related_name="+")
    meeting_point = models.CharField(_("meeting point"), max_length=240)
    accessibility = models.CharField(_("accessibility"), max_length=300, blank=True)
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        ordering = ["session__starts_at", "id"]

    def __str__(self) -> str:
        return str(self.opportunity_id)


class ManifestoStatus(models.TextChoices):
    DRAFTING = "drafting", _("In drafting")
    ADOPTED = "adopted", _("Adopted")


class Manifesto(models.Model):
    conference = models.OneToOneField(
        Conference, on_delete=models.CASCADE, related_name="manifesto"
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        max_length=10, choices=ManifestoStatus.choices, default=ManifestoStatus.DRAFTING
    )
    committee = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    adopted_at = models.DateTimeField(null=True, blank=True)
    # The adopted text in the six UNESCO languages: {"fr": ["paragraph", ...], ...}
    translations = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.title


class ManifestoParagraph(models.Model):
    manifesto = models.ForeignKey(Manifesto, on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=3000)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["manifesto", "position"], name="paragraph_position")
        ]

    def __str__(self) -> str:
        return f"§{self.position}"


class ManifestoVersion(models.Model):
    manifesto = models.ForeignKey(Manifesto, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    paragraphs = models.JSONField(default=list)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["manifesto", "number"], name="manifesto_version_once")
        ]

    def __str__(self) -> str:
        return f"v{self.number}"


class AmendmentKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    AMENDMENT = "amendment", _("Amendment")


class AmendmentStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the drafting committee")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Amendment(models.Model):
    paragraph = models.ForeignKey(
        ManifestoParagraph, on_delete=models.CASCADE, related_name="amendments"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=AmendmentKind.choices)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    proposed_text = models.TextField(_("proposed wording"), max_length=3000, blank=True)
    status = models.CharField(
        max_length=10, choices=AmendmentStatus.choices, default=AmendmentStatus.OPEN
    )
    reason = models.TextField(_("the committee's reason"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} §{self.paragraph_id}"


class Signatory(models.Model):
    manifesto = models.ForeignKey(Manifesto, on_delete=models.CASCADE, related_name="signatories")
    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="+")
    on_behalf_of = models.CharField(_("signed on behalf of"), max_length=200)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["city__name"]
        constraints = [models.UniqueConstraint(fields=["manifesto", "city"], name="signatory_once")]

    def __str__(self) -> str:
        return str(self.city)

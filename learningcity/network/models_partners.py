"""Partnerships and capacity development: the network's partner organisations, the
partnerships linking them to member cities, clusters and good practices, and the
certificates of attendance of the network's trainings.

Imported at the end of ``models`` (Django finds the models there). A training is not
a model of its own: it is a catalogue ``Opportunity`` whose provider is the network's
(``partner_services.ensure_network_provider``), found and joined like any other. A
certificate is issued from a catalogue enrolment marked "attended" and keeps the
code printed on it, so that anyone can check it (``/network/certificates/verify/``)."""

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcity.catalogue.models import Enrolment
from learningcity.core.models import City

from .models import Cluster, Practice

# Unambiguous letters and digits (no 0/O, 1/I/L): a code read aloud or typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def new_certificate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _position in range(CODE_LENGTH))


class PartnerKind(models.TextChoices):
    UN_AGENCY = "un_agency", _("UN agency")
    NGO = "ngo", _("Non-governmental organisation")
    UNIVERSITY = "university", _("University")
    COMPANY = "company", _("Company")
    OTHER = "other", _("Other organisation")


class Partner(models.Model):
    """An organisation the network works with."""

    slug = models.SlugField(_("address name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=12, choices=PartnerKind.choices)
    country = models.CharField(_("country"), max_length=80, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True, max_length=3000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name


class Partnership(models.Model):
    """What a partner does with the network: its role, for which cities, clusters and
    good practices, and from when to when (an open end: still running)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="partnerships")
    role = models.CharField(_("role"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=3000)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    cities = models.ManyToManyField(City, blank=True, related_name="partnerships")
    clusters = models.ManyToManyField(Cluster, blank=True, related_name="partnerships")
    practices = models.ManyToManyField(Practice, blank=True, related_name="partnerships")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="partnership_ends_after_start",
            )
        ]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.role}"


class TrainingCertificate(models.Model):
    """A certificate of attendance of a network training: one per attended
    enrolment, issued the first time it is downloaded; the code is what the
    verification page looks up."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="network_certificate"
    )
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_certificate_code)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("certificate of attendance")
        verbose_name_plural = _("certificates of attendance")

    def __str__(self) -> str:
        return self.code

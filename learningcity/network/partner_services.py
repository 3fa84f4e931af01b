"""Writes of partnerships and capacity development: partner organisations, their
partnerships with cities, clusters and good practices, the network's catalogue
provider (its trainings are catalogue opportunities) and certificates of attendance.
Kept apart from ``services`` in the same shape: each function validates, writes in
one transaction and records an audit event (labels in ``event_labels``).

Who may call them is decided by the views with ``permissions``; the functions check
what the data must satisfy and refuse with a ``ValidationError`` naming the field."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from learningcity.catalogue.models import (
    Enrolment,
    EnrolmentStatus,
    Opportunity,
    Provider,
    ProviderMembership,
    Sector,
)
from learningcity.catalogue.schedule import session_starts
from learningcity.core.audit import record_event
from learningcity.core.models import City, User

from .models import Cluster, Practice
from .models_partners import Partner, PartnerKind, Partnership, TrainingCertificate

# The slug of the catalogue provider that stands for the network in a city.
NETWORK_PROVIDER_SLUG = "learning-cities-network"
NETWORK_PROVIDER_NAME = "UNESCO Global Network of Learning Cities"
NETWORK_PROVIDER_WEBSITE = "https://uil.unesco.org/lifelong-learning/learning-cities"

PARTNER_FIELDS = ("name", "kind", "country", "website", "description")


# -- partners and partnerships --------------------------------------------------------


def _clean_partner(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = {
        key: str(fields.get(key) or "").replace("\x00", "").strip() for key in PARTNER_FIELDS
    }
    errors: dict[str, str] = {}
    if not cleaned["name"]:
        errors["name"] = _("Write the organisation's name.")
    if cleaned["kind"] not in PartnerKind.values:
        errors["kind"] = _("Choose one of the kinds listed.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _free_slug(name: str) -> str:
    """An address name from the name, numbered when taken (kept when renamed: links last)."""
    base = slugify(name)[:70] or "partner"
    slug, number = base, 2
    while Partner.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def create_partner(*, actor: User | None, fields: dict[str, Any]) -> Partner:
    cleaned = _clean_partner(fields)
    partner = Partner(slug=_free_slug(cleaned["name"]), **cleaned)
    partner.full_clean()
    partner.save()
    record_event(actor, "partner.created", target=partner.slug, name=partner.name)
    return partner


@transaction.atomic
def update_partner(*, actor: User | None, partner: Partner, fields: dict[str, Any]) -> Partner:
    cleaned = _clean_partner(fields)
    for key, value in cleaned.items():
        setattr(partner, key, value)
    partner.full_clean()
    partner.save(update_fields=list(cleaned))
    record_event(actor, "partner.updated", target=partner.slug)
    return partner


def _clean_partnership(fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    role = str(fields.get("role") or "").replace("\x00", "").strip()
    if not role:
        errors["role"] = _("Say what the partner does in this partnership.")
    elif len(role) > 200:
        errors["role"] = _("Keep this to %(limit)s characters (it has %(count)s).") % {
            "limit": 200,
            "count": len(role),
        }
    starts_on: date | None = fields.get("starts_on")
    ends_on: date | None = fields.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The end date comes before the start date.")
    cities = list(fields.get("cities") or [])
    clusters = list(fields.get("clusters") or [])
    practices = list(fields.get("practices") or [])
    if not (cities or clusters or practices):
        errors["cities"] = _("Choose at least one city, cluster or good practice.")
    if any(not isinstance(item, City) for item in cities):
        errors["cities"] = _("Choose cities from the list.")
    if any(not isinstance(item, Cluster) for item in clusters):
        errors["clusters"] = _("Choose clusters from the list.")
    if any(not isinstance(item, Practice) or item.published_at is None for item in practices):
        errors["practices"] = _("Choose published good practices only.")
    if errors:
        raise ValidationError(errors)
    return {
        "role": role,
        "description": str(fields.get("description") or "").replace("\x00", "").strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "cities": cities,
        "clusters": clusters,
        "practices": practices,
    }


def _save_partnership(partnership: Partnership, cleaned: dict[str, Any]) -> None:
    for key in ("role", "description", "starts_on", "ends_on"):
        setattr(partnership, key, cleaned[key])
    partnership.full_clean(exclude=["partner"])
    partnership.save()
    partnership.cities.set(cleaned["cities"])
    partnership.clusters.set(cleaned["clusters"])
    partnership.practices.set(cleaned["practices"])


@transaction.atomic
def create_partnership(
    *, actor: User | None, partner: Partner, fields: dict[str, Any]
) -> Partnership:
    cleaned = _clean_partnership(fields)
    partnership = Partnership(partner=partner)
    _save_partnership(partnership, cleaned)
    record_event(actor, "partnership.created", target=partner.slug, partnership=partnership.pk)
    return partnership


@transaction.atomic
def update_partnership(
    *, actor: User | None, partnership: Partnership, fields: dict[str, Any]
) -> Partnership:
    cleaned = _clean_partnership(fields)
    _save_partnership(partnership, cleaned)
    record_event(
        actor, "partnership.updated", target=partnership.partner.slug, partnership=partnership.pk
    )
    return partnership


@transaction.atomic
def delete_partnership(*, actor: User | None, partnership: Partnership) -> None:
    slug, pk = partnership.partner.slug, partnership.pk
    partnership.delete()
    record_event(actor, "partnership.deleted", target=slug, partnership=pk)


def partnerships_of(
    *, city: City | None = None, cluster: Cluster | None = None
) -> "QuerySet[Partnership]":
    """The partnerships of one city or one cluster, with their partner (for its page)."""
    found = Partnership.objects.select_related("partner")
    if city is not None:
        found = found.filter(cities=city)
    if cluster is not None:
        found = found.filter(clusters=cluster)
    return found.order_by("partner__name", "-starts_on", "pk")


# -- trainings: catalogue opportunities of the network's provider ---------------------


@transaction.atomic
def ensure_network_provider(*, city: City, actor: User | None = None) -> Provider:
    """The catalogue provider standing for the network in ``city`` (created once). A
    network coordinator who asks becomes its staff, so the catalogue's own provider
    workspace is where they add trainings and mark attendance."""
    provider, created = Provider.objects.get_or_create(
        city=city,
        slug=NETWORK_PROVIDER_SLUG,
        defaults={
            "name": NETWORK_PROVIDER_NAME,
            "sector": Sector.PUBLIC,
            "website": NETWORK_PROVIDER_WEBSITE,
            "description": "Webinars, workshops and toolkits of the network of learning cities.",
            "is_verified": True,
        },
    )
    if created:
        record_event(actor, "network.provider_created", city=city, target=provider.slug)
    if actor is not None and actor.is_authenticated:
        ProviderMembership.objects.get_or_create(provider=provider, user=actor)
    return provider


def network_trainings() -> "QuerySet[Opportunity]":
    """Every training of the network, in any city (newest dates first)."""
    return (
        Opportunity.objects.filter(provider__slug=NETWORK_PROVIDER_SLUG)
        .select_related("city", "provider")
        .order_by("-next_start", "title", "pk")
    )


def is_network_training(opportunity: Opportunity) -> bool:
    return opportunity.provider.slug == NETWORK_PROVIDER_SLUG


def attended_trainings(user: User) -> "QuerySet[Enrolment]":
    """The person's attended sessions of network trainings (their certificates)."""
    return (
        Enrolment.objects.filter(
            user=user,
            status=EnrolmentStatus.ATTENDED,
            session__opportunity__provider__slug=NETWORK_PROVIDER_SLUG,
        )
        .select_related("session__opportunity__city", "network_certificate")
        .order_by("-session__starts_at", "-pk")
    )


# -- certificates of attendance --------------------------------------------------------


class NoCertificate(Exception):
    """The enrolment does not give a certificate; ``message`` says why, for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class AttendedDates:
    """What a certificate states: the first and last dates held and the hours."""

    first_start: datetime
    last_end: datetime
    hours: float


# A repeating session counts at most this many dates (a year of weekly meetings twice).
MAX_CERTIFIED_DATES = 120


def attended_dates(enrolment: Enrolment, *, now: datetime | None = None) -> AttendedDates:
    """The dates of the attended session that were held by now (a repeating session
    counts each held date; one that has not begun counts its first date) and their
    hours, rounded to a half hour."""
    session = enrolment.session
    now = now or timezone.now()
    length: timedelta = session.ends_at - session.starts_at
    zone = session.opportunity.city.tzinfo
    held = [
        start
        for start in islice(session_starts(session, zone), MAX_CERTIFIED_DATES)
        if start <= now
    ] or [session.starts_at]
    hours = round(len(held) * length.total_seconds() / 1800) / 2
    return AttendedDates(first_start=held[0], last_end=held[-1] + length, hours=hours)


def issue_certificate(*, actor: User | None, enrolment: Enrolment) -> TrainingCertificate:
    """The certificate of an attended enrolment of a network training (issued the
    first time, then the same one with the same code)."""
    if not is_network_training(enrolment.session.opportunity):
        raise NoCertificate(_("Certificates are given for the network's trainings only."))
    if enrolment.status != EnrolmentStatus.ATTENDED or enrolment.user_id is None:
        raise NoCertificate(
            _(
                "There is no certificate yet: it is given once the organisers have "
                "marked that you attended the session."
            )
        )
    existing = TrainingCertificate.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            certificate = TrainingCertificate.objects.create(enrolment=enrolment)
            record_event(
                actor,
                "training.certificate_issued",
                city=enrolment.session.opportunity.city,
                target=certificate.code,
            )
    except IntegrityError:  # two downloads at once: the first one's certificate
        return TrainingCertificate.objects.get(enrolment=enrolment)
    return certificate


def verified_certificate(code: str) -> TrainingCertificate | None:
    """The valid certificate with this code (still attended), or None."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())[:20]
    if not cleaned:
        return None
    return (
        TrainingCertificate.objects.filter(code=cleaned, enrolment__status=EnrolmentStatus.ATTENDED)
        .select_related("enrolment__session__opportunity", "enrolment__user")
        .first()
    )


def holder_initials(user: User | None) -> str:
    """First name and the initial of the last ("Ana G."): all the verification page shows."""
    if user is None:
        return ""
    words = (user.display_name or "").split()
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return f"{words[0]} {words[-1][0]}."


# -- personal data ---------------------------------------------------------------------


def export_partner_data_of(user: User) -> dict[str, Any]:
    certificates = TrainingCertificate.objects.filter(enrolment__user=user).select_related(
        "enrolment__session__opportunity"
    )
    return {
        "training_certificates": [
            {
                "training": certificate.enrolment.session.opportunity.title,
                "session_starts_at": certificate.enrolment.session.starts_at.isoformat(),
                "code": certificate.code,
                "issued_at": certificate.issued_at.isoformat(),
            }
            for certificate in certificates
        ]
    }


def erase_partner_data_of(user: User) -> None:
    """Certificates go with the person (their enrolments go too, in the catalogue)."""
    with transaction.atomic():
        count, _deleted = TrainingCertificate.objects.filter(enrolment__user=user).delete()
        record_event(None, "training.certificates_erased", count=count)

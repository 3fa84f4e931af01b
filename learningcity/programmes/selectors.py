"""Reads of the programmes for pages: city-scoped through ``for_city``, and the one
place where a resident's record is read (each read of the full record is audited)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F, QuerySet
from django.utils import timezone

from learningcity.catalogue.models import TOPICS, Opportunity, Session, Topic
from learningcity.core.audit import record_event
from learningcity.core.models import City, User
from learningcity.core.tenancy import for_city

from .models import (
    Concern,
    ConcernStatus,
    Pair,
    PairStatus,
    Resident,
    ResidentStatus,
    Volunteer,
    VolunteerCheck,
)

# What volunteers accompany residents to: culture, art, physical activity.
ACCOMPANIED_TOPICS = (Topic.ARTS, Topic.HERITAGE, Topic.CRAFTS, Topic.SPORT, Topic.HEALTH)


def read_resident_record(actor: User, resident: Resident) -> Resident:
    """The full record, for a coordinator; the read is written to the audit log."""
    record_event(
        actor, "programmes.resident_viewed", city=resident.city, target=str(resident.public_id)
    )
    return resident


def waiting_list(city: City) -> QuerySet[Resident]:
    return for_city(Resident, city).filter(status=ResidentStatus.WAITING).select_related("district")


def proposals(city: City) -> QuerySet[Pair]:
    return (
        for_city(Pair, city)
        .filter(status=PairStatus.PROPOSED)
        .select_related("resident", "volunteer__user")
        .order_by("resident__referred_at")
    )


def live_pairs(city: City) -> QuerySet[Pair]:
    return (
        for_city(Pair, city)
        .filter(status__in=[PairStatus.ACTIVE, PairStatus.SUSPENDED])
        .select_related("resident", "volunteer__user")
    )


def open_concerns(city: City) -> QuerySet[Concern]:
    return (
        for_city(Concern, city)
        .filter(status=ConcernStatus.OPEN)
        .select_related("resident")
        .order_by("-is_urgent", "raised_at")
    )


def expiring_checks(city: City, days: int = 30) -> QuerySet[VolunteerCheck]:
    today = timezone.localdate()
    return (
        for_city(VolunteerCheck, city)
        .filter(expires_on__lte=today + timedelta(days=days))
        .select_related("volunteer__user")
        .order_by("expires_on")
    )


def volunteers(city: City) -> QuerySet[Volunteer]:
    return for_city(Volunteer, city).select_related("user", "district").prefetch_related("checks")


def pairs_of_volunteer(user: User, city: City) -> QuerySet[Pair]:
    return (
        for_city(Pair, city)
        .filter(volunteer__user=user)
        .exclude(status=PairStatus.PROPOSED)
        .select_related("resident")
    )


def accompanied_opportunities(city: City) -> QuerySet[Opportunity]:
    """Published cultural, art and physical activities with a date ahead."""
    mask = TOPICS.to_mask(ACCOMPANIED_TOPICS)
    return (
        for_city(Opportunity, city)
        .annotate(accompanied=F("topics").bitand(mask))
        .filter(is_published=True, next_start__isnull=False, accompanied__gt=0)
        .order_by("next_start", "title")
    )


def upcoming_sessions(opportunity_ids: list[int]) -> QuerySet[Session]:
    return (
        Session.objects.filter(
            opportunity_id__in=opportunity_ids, starts_at__gt=timezone.now(), is_cancelled=False
        )
        .select_related("opportunity")
        .order_by("starts_at")
    )

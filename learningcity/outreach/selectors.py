"""Reads of the outreach pages: the timetable near a place, a stop, learning deserts."""

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import ngettext

from learningcity.catalogue.models import LearningSite, Opportunity, SiteKind
from learningcity.core.models import City, District
from learningcity.core.tenancy import for_city
from learningcity.engines.outreach.deserts import learning_deserts
from learningcity.engines.outreach.geometry import Frame, Points

from .importer import km_between
from .models import Group, Visit
from .planner import residents

NEAREST_SHOWN = 8
VISITS_PER_STOP = 3


@dataclass
class StopRow:
    site: LearningSite
    distance_km: float | None
    visits: list[Visit] = field(default_factory=list)


def stop_sites(city: City, now: datetime | None = None) -> "QuerySet[LearningSite]":
    """The city's mobile-library stops in the timetable: sites with a visit to come
    (a stop a newer plan dropped leaves the timetable with its last visit)."""
    now = now or timezone.now()
    return (
        for_city(LearningSite, city)
        .filter(kind=SiteKind.MOBILE_LIBRARY_STOP, outreach_visits__ends_at__gte=now)
        .distinct()
        .select_related("district")
    )


def upcoming(city: City, now: datetime | None = None) -> "QuerySet[Visit]":
    now = now or timezone.now()
    return for_city(Visit, city).filter(ends_at__gte=now).select_related("site", "vehicle")


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float


def find_place(city: City, text: str) -> Place | None:
    """The district, learning site or site address matching what was typed: an exact
    name before one starting with the text before one containing it, and districts
    before sites before addresses (as the finder's "near"). There is no street
    geocoder: the city's own records are what residents know by name, and a street
    typed is found through the addresses of the places on it."""
    wanted = _folded(" ".join(text.split())[:100])
    if len(wanted) < 2:
        return None
    districts = [Place(d.name, d.latitude, d.longitude) for d in for_city(District, city)]
    rows = (
        for_city(LearningSite, city)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .order_by("name", "pk")
        .values_list("name", "address", "latitude", "longitude")
    )
    names: list[Place] = []
    addresses: list[Place] = []
    for name, address, latitude, longitude in rows:
        if latitude is None or longitude is None:  # filtered out above; for the type
            continue
        names.append(Place(name, latitude, longitude))
        if address:
            addresses.append(Place(address, latitude, longitude))
    for matches in (
        lambda name: name == wanted,
        lambda name: name.startswith(wanted),
        lambda name: wanted in name,
    ):
        for places in (districts, names, addresses):
            for place in places:
                if matches(_folded(place.name)):
                    return place
    return None


def nearest_stops(
    city: City, latitude: float | None, longitude: float | None, district: District | None
) -> list[StopRow]:
    sites = list(stop_sites(city))
    if district is not None:
        sites = [s for s in sites if s.district_id == district.pk]
    rows = [
        StopRow(
            s,
            km_between(latitude, longitude, s.latitude, s.longitude)
            if latitude is not None
            and longitude is not None
            and s.latitude is not None
            and s.longitude is not None
            else None,
        )
        for s in sites
    ]
    if latitude is not None:
        rows.sort(key=lambda r: (r.distance_km is None, r.distance_km or 0.0, r.site.name))
        rows = rows[:NEAREST_SHOWN]
    visits = upcoming(city).filter(site__in=[r.site for r in rows]).order_by("starts_at")
    by_site: dict[int, list[Visit]] = {}
    for visit in visits:
        shown = by_site.setdefault(visit.site_id, [])
        if len(shown) < VISITS_PER_STOP:
            shown.append(visit)
    for row in rows:
        row.visits = by_site.get(row.site.pk, [])
    return rows


def learning_at(city: City, site: LearningSite, limit: int = 10) -> list[Opportunity]:
    """Published learning at a stop: its main place, or a session held there."""
    return list(
        for_city(Opportunity, city)
        .filter(Q(site=site) | Q(sessions__site=site), is_published=True)
        .distinct()
        .order_by(F("next_start").asc(nulls_last=True), "title")[:limit]
    )


@dataclass(frozen=True)
class DesertTable:
    radius: int
    groups: list[tuple[str, str]]  # value, label
    rows: list[tuple[str, list[int]]]  # district, people beyond reach per group
    beyond: list[int]
    total: list[int]
    share: list[float]
    sites: int
    map_points: list[dict[str, Any]]


def desert_table(city: City, radius: int) -> DesertTable:
    people = residents(city)
    sites = list(
        for_city(LearningSite, city)
        .exclude(kind=SiteKind.ONLINE)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .values_list("latitude", "longitude")
    )
    groups = [(g.value, str(g.label)) for g in Group]
    points = Points(
        tuple(str(i) for i in range(len(people))),
        np.array([r.latitude for r in people], dtype=np.float64),
        np.array([r.longitude for r in people], dtype=np.float64),
        Frame.GLOBE,
    )
    site_points = Points(
        tuple(str(i) for i in range(len(sites))),
        np.array([s[0] for s in sites], dtype=np.float64),
        np.array([s[1] for s in sites], dtype=np.float64),
        Frame.GLOBE,
    )
    population = {
        g: [float(r.people) if r.group == g else 0.0 for r in people] for g, _label in groups
    }
    report = learning_deserts(
        points,
        population,
        [r.district for r in people],
        site_points,
        {g: float(radius) for g, _label in groups},
    )
    districts = sorted({r.district for r in people})
    rows = [(d, [round(report.by_district[g][d]) for g, _l in groups]) for d in districts]
    beyond = [round(report.beyond[g]) for g, _l in groups]
    total = [round(report.total[g]) for g, _l in groups]
    far: dict[tuple[float, float], int] = {}
    for r, d in zip(people, report.nearest, strict=True):
        if d > radius:
            key = (r.latitude, r.longitude)
            far[key] = far.get(key, 0) + r.people
    biggest = sorted(far.items(), key=lambda item: -item[1])[:200]
    return DesertTable(
        radius=radius,
        groups=groups,
        rows=rows,
        beyond=beyond,
        total=total,
        share=[100 * b / t if t else 0.0 for b, t in zip(beyond, total, strict=True)],
        sites=len(sites),
        map_points=[
            {
                "name": ngettext(
                    "%(count)s resident beyond walking distance",
                    "%(count)s residents beyond walking distance",
                    count,
                )
                % {"count": count},
                "lat": lat,
                "lng": lon,
            }
            for (lat, lon), count in biggest
        ],
    )

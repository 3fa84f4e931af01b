"""Demo data for outreach: Medellín's demand blocks (a few per comuna, by group),
candidate stops with their groups' windows, a mobile library, and a plan solved by
the engine here and now (a few seconds), published for four weeks with one visit
cancelled so the notice shows, and learning scheduled at the stops (story time,
help with phones and computers, book lending) during the library's visits."""

import time
from datetime import time as clock

import numpy as np
from django.utils.text import slugify

from learningcity.catalogue import services as catalogue_services
from learningcity.catalogue.models import (
    TARGET_GROUPS,
    TOPICS,
    Cost,
    Format,
    Level,
    OpportunityKind,
    Provider,
    Sector,
    TargetGroup,
    Topic,
)
from learningcity.core.demo import DemoContext
from learningcity.core.models import City, District, User
from learningcity.core.tenancy import for_city

from . import services
from .models import CandidateStop, DemandBlock, Group, PlanRun, Vehicle, Visit

BLOCKS_PER_DISTRICT = 12
CANDIDATES_PER_DISTRICT = 2
STOPS = 10
WEEKS = 4
# Degrees of latitude per metre, near enough for scattering demo points.
DEG_PER_M = 1 / 111_320


def seed_demo(context: DemoContext) -> None:
    started = time.monotonic()
    city = context.demo_city
    rng = np.random.default_rng(context.seed + 1100)
    districts = list(for_city(District, city))
    if not districts:
        return
    blocks: list[DemandBlock] = []
    candidates: list[CandidateStop] = []
    groups = [Group.OLDER, Group.UNDER_FIVE, Group.DISABLED]
    for d in districts:
        for i in range(BLOCKS_PER_DISTRICT):
            dy, dx = rng.normal(0, 700, size=2) * DEG_PER_M
            blocks.append(
                DemandBlock(
                    city=city,
                    district=d,
                    name=f"{d.name} {i + 1}",
                    latitude=d.latitude + dy,
                    longitude=d.longitude + dx,
                    older=int(rng.integers(20, 260)),
                    disabled=int(rng.integers(5, 90)),
                    under_five=int(rng.integers(10, 180)),
                )
            )
        for i, label in enumerate(["Parque", "Centro de salud"][:CANDIDATES_PER_DISTRICT]):
            dy, dx = rng.normal(0, 400, size=2) * DEG_PER_M
            candidates.append(
                CandidateStop(
                    city=city,
                    name=f"{label} {d.name}",
                    address=f"{label}, {d.name}",
                    latitude=d.latitude + dy,
                    longitude=d.longitude + dx,
                    group=groups[(len(candidates) + i) % len(groups)].value,
                    required=d.slug == "popular" and i == 0,
                )
            )
    DemandBlock.objects.bulk_create(blocks)
    CandidateStop.objects.bulk_create(candidates)
    centre = next((d for d in districts if d.slug == "la-candelaria"), districts[0])
    Vehicle.objects.create(
        city=city,
        name="Bibliobús 1",
        depot_latitude=centre.latitude,
        depot_longitude=centre.longitude,
        starts_at=clock(9, 0),
        ends_at=clock(18, 0),
        stop_minutes=40,
        days=[0, 1, 2, 3, 4],
    )
    coordinator = context.account("coordinator", name="City coordinator, Medellín (demo)")
    run = PlanRun.objects.create(
        city=city,
        created_by=coordinator,
        parameters={
            "radius": 800,
            "stops": STOPS,
            "objective": "coverage",
            "weights": {"older": 1.0, "disabled": 2.0, "under_five": 1.5},
            "radius_by_group": {"disabled": 500},
            "time_limit": 5.0,
            "route_seconds_per_day": 0.2,
        },
    )
    # Solved here, not by the worker: the demo must show a finished, published plan.
    run = services.run_plan(run)
    if run.result:
        services.publish_run(actor=coordinator, run=run, weeks=WEEKS)
        _learning_at_stops(city, coordinator, {c.name: c.group for c in candidates})
        first = for_city(Visit, city).order_by("starts_at").first()
        if first is not None:
            services.cancel_visit(
                actor=coordinator, visit=first, reason="The bus is in the garage for repairs."
            )
    context.log(f"outreach: seeded and planned in {time.monotonic() - started:.1f} s")


# What the library staff offer on board, by the group a stop is mainly for:
# (title, description, level, topic, target groups).
LEARNING_BY_GROUP = {
    Group.UNDER_FIVE.value: (
        "Hora del cuento en el bibliobús",
        "Cuentos, canciones y libros para bebés y niños pequeños con sus familias.",
        Level.EARLY_CHILDHOOD,
        Topic.LITERACY,
        [TargetGroup.CHILDREN, TargetGroup.FAMILIES],
    ),
    Group.OLDER.value: (
        "Ayuda con el celular y la computadora",
        "Resuelva sus dudas con el celular, el correo o las citas médicas en línea.",
        Level.NON_FORMAL,
        Topic.DIGITAL,
        [TargetGroup.OLDER_PEOPLE],
    ),
    Group.DISABLED.value: (
        "Préstamo de libros y audiolibros",
        "Libros en letra grande, audiolibros y préstamo a domicilio para quien lo necesite.",
        Level.INFORMAL,
        Topic.LITERACY,
        [TargetGroup.DISABILITIES, TargetGroup.OLDER_PEOPLE],
    ),
}


def _learning_at_stops(city: City, coordinator: User, groups: dict[str, str]) -> None:
    """One opportunity at each published stop, a session at each of its visits: the
    stops are catalogue sites, so learning there is found like any other."""
    provider = (
        for_city(Provider, city).filter(sector=Sector.LIBRARY).order_by("pk").first()
        or for_city(Provider, city).order_by("pk").first()
    )
    if provider is None:
        return
    visits: dict[int, list[Visit]] = {}
    for visit in for_city(Visit, city).select_related("site").order_by("starts_at"):
        visits.setdefault(visit.site_id, []).append(visit)
    for site_visits in visits.values():
        site = site_visits[0].site
        group = groups.get(site.name) or Group.OLDER.value
        title, description, level, topic, audience = LEARNING_BY_GROUP[group]
        opportunity = catalogue_services.create_opportunity(
            actor=coordinator,
            provider=provider,
            fields={
                "site": site,
                "slug": f"{slugify(title)}-{site.slug}"[:120],
                "kind": OpportunityKind.CLUB,
                "title": title,
                "description": description,
                "topics": TOPICS.to_mask({topic}),
                "level": level,
                "format": Format.MOBILE,
                "languages": ["es"],
                "cost": Cost.FREE,
                "target_groups": TARGET_GROUPS.to_mask(set(audience)),
            },
        )
        for visit in site_visits:
            catalogue_services.create_session(
                actor=coordinator,
                opportunity=opportunity,
                fields={"site": site, "starts_at": visit.starts_at, "ends_at": visit.ends_at},
            )

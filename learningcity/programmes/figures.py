"""What the programmes add up to: the coordinator's dashboard, the anonymous
mentoring totals, and the volunteer-hours indicator fed to monitoring. Read-only,
through ``for_city``; no figure here names a person."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import ExtractYear

from learningcity.core.models import City
from learningcity.core.tenancy import for_city

from .models import (
    MentoringOutcome,
    Mentorship,
    OutcomeKind,
    PairStatus,
    Resident,
    ResidentStatus,
    Visit,
)

# Totals below this are shown as "fewer than 3": a count of one or two could point
# at a person in a small programme.
SMALL_COUNT = 3


@dataclass
class GroupOutcome:
    group: str
    people: int = 0
    mean_change: float | None = None  # later total − intake total (negative: less lonely)


@dataclass
class Dashboard:
    waiting: int
    matched: int
    median_days_to_match: float | None
    hours_this_year: Decimal
    hours_all: Decimal
    outcomes: list[GroupOutcome] = field(default_factory=list)


def befriending_dashboard(city: City, today: date) -> Dashboard:
    residents = list(for_city(Resident, city).prefetch_related("loneliness"))
    waits = [
        (r.first_matched_at - r.referred_at).total_seconds() / 86400
        for r in residents
        if r.first_matched_at
    ]
    visits = for_city(Visit, city)
    hours_year = visits.filter(visited_on__year=today.year).aggregate(total=Sum("hours"))["total"]
    hours_all = visits.aggregate(total=Sum("hours"))["total"]
    changes: dict[str, list[int]] = defaultdict(list)
    for resident in residents:
        scores = list(resident.loneliness.all())
        if len(scores) >= 2:
            changes[resident.group or ""].append(scores[-1].total - scores[0].total)
    outcomes = [
        GroupOutcome(
            group=group,
            people=len(values),
            mean_change=round(statistics.fmean(values), 2) if values else None,
        )
        for group, values in sorted(changes.items())
    ]
    return Dashboard(
        waiting=sum(1 for r in residents if r.status == ResidentStatus.WAITING),
        matched=sum(1 for r in residents if r.status == ResidentStatus.MATCHED),
        median_days_to_match=round(statistics.median(waits), 1) if waits else None,
        hours_this_year=hours_year or Decimal(0),
        hours_all=hours_all or Decimal(0),
        outcomes=outcomes,
    )


def volunteer_hours_per_thousand(city: City, years: list[int]) -> dict[int, float | None]:
    """Hours logged in befriending visits in each year ÷ population × 1,000. A year
    before the city's first logged visit has no value (not recorded, not zero)."""
    by_year = dict(
        for_city(Visit, city)
        .annotate(year=ExtractYear("visited_on"))
        .values_list("year")
        .annotate(total=Sum("hours"))
        .values_list("year", "total")
    )
    if not by_year or not city.population:
        return {year: None for year in years}
    first = min(by_year)
    return {
        year: (
            None
            if year < first
            else round(float(by_year.get(year) or 0) / city.population * 1000, 4)
        )
        for year in years
    }


@dataclass(frozen=True)
class MentoringTotals:
    mentorships: int | None
    active: int | None
    outcomes: dict[str, int | None]


def _hide_small(count: int) -> int | None:
    return None if 0 < count < SMALL_COUNT else count


def mentoring_totals(city: City) -> MentoringTotals:
    ships = for_city(Mentorship, city).exclude(status=PairStatus.PROPOSED)
    counts = {kind: 0 for kind in OutcomeKind.values}
    for kind in for_city(MentoringOutcome, city).values_list("kind", flat=True):
        counts[kind] += 1
    return MentoringTotals(
        mentorships=_hide_small(ships.count()),
        active=_hide_small(ships.filter(status=PairStatus.ACTIVE).count()),
        outcomes={kind: _hide_small(count) for kind, count in counts.items()},
    )

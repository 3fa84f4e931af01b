"""Indicators computed from the platform's own data (read-only, through ``for_city``).

Each derived indicator has a key (stored in ``FrameworkNode.derived``), a name, a
formula shown to people, and a unit. All of them are computed from one small set of
per-year figures read from the catalogue with a handful of grouped queries per city.

A year counts an opportunity when one of its (not cancelled) sessions starts in that
year; enrolments count when they are confirmed or attended. A city that publishes no
learning opportunity on the platform has no derived values at all (we cannot tell
"none" from "not recorded here"), and neither does a year without opportunities.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from learningcity.catalogue.models import (
    ACCESSIBILITY,
    TARGET_GROUPS,
    Accessibility,
    Cost,
    Enrolment,
    EnrolmentStatus,
    Opportunity,
    Session,
    TargetGroup,
)
from learningcity.core.models import City
from learningcity.core.tenancy import for_city

COUNTED_ENROLMENTS = (EnrolmentStatus.CONFIRMED, EnrolmentStatus.ATTENDED)


@dataclass
class YearFigures:
    """What the catalogue says about one city in one year."""

    opportunities: int = 0
    free: int = 0
    with_site: int = 0
    step_free: int = 0
    enrolments: int = 0
    enrolments_any_group: int = 0
    enrolments_by_group: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CityFigures:
    population: int
    publishes_catalogue: bool
    years: dict[int, YearFigures]


Formula = Callable[[CityFigures, YearFigures], float | None]
# A later app's own computation: the value per year for one city (None where it cannot
# be computed). See ``register_derived``.
YearValues = Callable[[City, list[int]], dict[int, float | None]]


@dataclass(frozen=True)
class Derived:
    key: str
    name: str | Promise
    formula: str | Promise
    unit: str | Promise
    compute: Formula | None = None
    # Why it cannot be computed yet, when it cannot.
    unavailable: str | Promise = ""
    direction: int = 1
    # Set for indicators registered by a later app (``register_derived``).
    yearly: YearValues | None = None

    @property
    def available(self) -> bool:
        return self.compute is not None or self.yearly is not None


def _per_thousand(count: int, figures: CityFigures) -> float | None:
    return round(count / figures.population * 1000, 4) if figures.population else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole * 100, 4) if whole else None


def _registry() -> dict[str, Derived]:
    items = [
        Derived(
            "opportunities_per_1000",
            _("Learning opportunities offered per 1,000 residents"),
            _("published opportunities with a session starting in the year ÷ population × 1,000"),
            _("per 1,000 residents"),
            lambda city, year: _per_thousand(year.opportunities, city),
        ),
        Derived(
            "share_free",
            _("Share of learning opportunities that are free"),
            _("free opportunities ÷ opportunities offered in the year × 100"),
            # xgettext:no-python-format
            _("% of opportunities"),
            lambda city, year: _share(year.free, year.opportunities),
        ),
        Derived(
            "share_step_free",
            _("Share of learning opportunities at step-free sites"),
            _(
                "opportunities whose main site has step-free access ÷ opportunities with a "
                "main site × 100"
            ),
            # xgettext:no-python-format
            _("% of opportunities"),
            lambda city, year: _share(year.step_free, year.with_site),
        ),
        Derived(
            "enrolments_per_1000",
            _("Enrolments per 1,000 residents"),
            _(
                "confirmed or attended enrolments in sessions starting in the year ÷ "
                "population × 1,000"
            ),
            _("per 1,000 residents"),
            lambda city, year: _per_thousand(year.enrolments, city),
        ),
        Derived(
            "share_enrolments_target_groups",
            _("Share of enrolments in opportunities for under-served groups"),
            _(
                "enrolments in opportunities aimed at one or more target groups ÷ all "
                "enrolments × 100"
            ),
            # xgettext:no-python-format
            _("% of enrolments"),
            lambda city, year: _share(year.enrolments_any_group, year.enrolments),
        ),
    ]
    for value, label in TargetGroup.choices:
        items.append(
            Derived(
                f"enrolments_for_{value}",
                format_lazy("{}: {}", _("Enrolments in opportunities for"), label),
                _(
                    "confirmed or attended enrolments in sessions starting in the year, in "
                    "opportunities marked for this group"
                ),
                _("enrolments"),
                _group_formula(value),
            )
        )
    # "volunteer_hours" (volunteer hours per 1,000 residents) is registered by the
    # programmes app, which records the hours (programmes/apps.py).
    return {item.key: item for item in items}


def _group_formula(group: str) -> Formula:
    def compute(city: CityFigures, year: YearFigures) -> float | None:
        return float(year.enrolments_by_group.get(group, 0)) if year.opportunities else None

    return compute


DERIVED = _registry()


def register_derived(item: Derived) -> None:
    """Add a derived indicator computed by a later app from its own data (called from
    its ``AppConfig.ready()``), so monitoring never imports that app. ``item.yearly``
    computes its values; its ``formula`` says where they come from."""
    if item.yearly is None:
        raise ValueError(f"derived indicator {item.key} needs a yearly function")
    DERIVED[item.key] = item


def catalogue_figures(city: City, years: Iterable[int]) -> CityFigures:
    """Per-year catalogue figures for ``city``: four grouped queries, whatever its size."""
    wanted = sorted(set(years))
    publishes = for_city(Opportunity, city).filter(is_published=True).exists()
    by_year: dict[int, YearFigures] = {year: YearFigures() for year in wanted}
    if publishes and wanted:
        _count_opportunities(city, wanted, by_year)
        _count_enrolments(city, wanted, by_year)
    return CityFigures(city.population, publishes, by_year)


def _count_opportunities(city: City, years: list[int], by_year: dict[int, YearFigures]) -> None:
    offered = (
        for_city(Session, city)
        .filter(is_cancelled=False, opportunity__is_published=True, starts_at__year__in=years)
        .values_list("starts_at__year", "opportunity_id")
        .order_by()
        .distinct()
    )
    ids_by_year: dict[int, set[int]] = defaultdict(set)
    for year, opportunity_id in offered:
        ids_by_year[year].add(opportunity_id)
    all_ids = set().union(*ids_by_year.values()) if ids_by_year else set()
    details = {
        row["id"]: row
        for row in for_city(Opportunity, city)
        .filter(id__in=all_ids)
        .values("id", "cost", "site_id", "site__accessibility")
    }
    step_free = ACCESSIBILITY.bit[Accessibility.STEP_FREE]
    for year, ids in ids_by_year.items():
        figures = by_year[year]
        for opportunity_id in ids:
            row = details[opportunity_id]
            figures.opportunities += 1
            figures.free += row["cost"] == Cost.FREE
            if row["site_id"] is not None:
                figures.with_site += 1
                figures.step_free += bool((row["site__accessibility"] or 0) & step_free)


def _count_enrolments(city: City, years: list[int], by_year: dict[int, YearFigures]) -> None:
    grouped = (
        for_city(Enrolment, city)
        .filter(status__in=COUNTED_ENROLMENTS, session__starts_at__year__in=years)
        .values("session__starts_at__year", "session__opportunity__target_groups")
        .annotate(count=Count("id"))
        .order_by()
    )
    for row in grouped:
        figures = by_year[row["session__starts_at__year"]]
        mask = row["session__opportunity__target_groups"] or 0
        figures.enrolments += row["count"]
        if mask:
            figures.enrolments_any_group += row["count"]
        for group in TARGET_GROUPS.to_values(mask):
            figures.enrolments_by_group[group] = (
                figures.enrolments_by_group.get(group, 0) + row["count"]
            )


def compute(key: str, figures: CityFigures, year: int) -> float | None:
    """One derived value, or None when it cannot be computed for that year."""
    item = DERIVED[key]
    if item.compute is None or not figures.publishes_catalogue:
        return None
    year_figures = figures.years.get(year)
    if year_figures is None or not year_figures.opportunities:
        return None
    return item.compute(figures, year_figures)


def derived_values(
    city: City, keys: Iterable[str], years: Iterable[int]
) -> dict[tuple[str, int], float | None]:
    """Every (key, year) value for one city."""
    wanted_years = sorted(set(years))
    wanted_keys = list(keys)
    values: dict[tuple[str, int], float | None] = {}
    own = [key for key in wanted_keys if DERIVED[key].yearly is None]
    if own:
        figures = catalogue_figures(city, wanted_years)
        values.update(
            {(key, year): compute(key, figures, year) for key in own for year in wanted_years}
        )
    for key in wanted_keys:
        yearly = DERIVED[key].yearly
        if yearly is not None:
            found = yearly(city, wanted_years)
            values.update({(key, year): found.get(year) for year in wanted_years})
    return values

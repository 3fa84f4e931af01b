"""Demo data for monitoring: KFLC values for every demo city, 2022–2025, and a
finished index run (with rank intervals) so that the dashboards have something to show.

Values are invented but plausible and deterministic: each city has a general level
and a level per area, indicators follow them with noise and a slow upward trend.
Some values are missing, recent ones are partly drafts, and Kigali (a member since
2019) reports from 2023 only."""

from collections.abc import Sequence

import numpy as np
from django.utils import timezone

from learningcity.core.demo import DemoContext
from learningcity.core.models import City, User

from . import queries, services
from .models import Framework, FrameworkNode, IndexRun, IndicatorValue, NodeType, ValueStatus

YEARS = (2022, 2023, 2024, 2025)
MISSING_SHARE = 0.06
DRAFT_CITIES = ("medellin", "ibadan", "amman", "melton")
LATE_STARTERS = {"kigali": 2023}
SOURCE = "Demo data (invented for testing)"
RUN_TITLE = "Demo index run"
# Typical ranges for indicators without a declared maximum, by code.
TYPICAL = {
    "I1_1_4": (15.0, 90.0),
    "I1_3_1": (1.5, 12.0),
    "I1_3_2": (4.0, 60.0),
    "I2_1_4": (2.0, 45.0),
    "I2_2_1": (0.5, 6.0),
    "I2_6_1": (20.0, 250.0),
    "I2_6_3": (5.0, 120.0),
    "I3_1_3": (0.0, 6.0),
    "I3_2_3": (2.0, 60.0),
    "I3_3_4": (0.0, 12.0),
}
WHOLE_NUMBERS = {"I3_1_1", "I3_1_2", "I3_1_3", "I3_2_1", "I3_2_3", "I3_3_4", "I2_6_3"}


def seed_demo(context: DemoContext) -> None:
    framework = services.ensure_default_framework()
    # The demo cities (and so the old results) are gone; drop the empty old runs too.
    IndexRun.objects.filter(title=RUN_TITLE).delete()
    rng = np.random.default_rng([context.seed, 4])  # own stream: independent of other apps
    indicators = [
        node
        for node in queries.effective_nodes(framework)
        if node.type == NodeType.INDICATOR and not node.derived
    ]
    entered_by = {
        context.demo_city.slug: context.accounts.get("coordinator"),
        "cork": context.accounts.get("coordinator-cork"),
    }
    values = []
    for city in context.cities:
        values += _city_values(city, indicators, rng, entered_by.get(city.slug))
    IndicatorValue.objects.bulk_create(values)
    _add_local_indicator(context, framework, rng)
    network = context.accounts.get("network")
    run = services.run_index(
        actor=network,
        framework=framework,
        years=YEARS,
        spec=services.SPEC_PRESETS["standard"],
        samples=64 if context.size == "small" else 256,
        drop_unusable=True,
        title=RUN_TITLE,
        run_uncertainty_now=True,
    )
    context.log(
        f"monitoring: {len(values)} indicator values for {len(context.cities)} cities, "
        f"index run {run.public_id} ({run.get_status_display()})"
    )


def _typical_range(node: FrameworkNode) -> tuple[float, float]:
    if node.code in TYPICAL:
        return TYPICAL[node.code]
    low = node.min_value or 0.0
    high = node.max_value if node.max_value is not None else 100.0
    if high == 100.0:
        return (max(low, 15.0), 95.0)
    if high == 1000.0:
        return (20.0, 400.0)
    return (low, high)


def _city_values(
    city: City,
    indicators: Sequence[FrameworkNode],
    rng: np.random.Generator,
    entered_by: User | None,
) -> list[IndicatorValue]:
    general = rng.normal()
    by_area = {area: rng.normal() for area in ("A1", "A2", "A3")}
    first_year = LATE_STARTERS.get(city.slug, YEARS[0])
    values = []
    now = timezone.now()
    for node in indicators:
        area = "A" + node.code[1]
        local = rng.normal(scale=0.6)
        low, high = _typical_range(node)
        for year in YEARS:
            missing = rng.random() < MISSING_SHARE
            latent = 0.8 * general + 0.5 * by_area[area] + local + 0.12 * (year - YEARS[0])
            share = 1 / (1 + np.exp(-(latent + rng.normal(scale=0.15))))
            if node.direction == -1:
                share = 1 - share
            value = low + (high - low) * share
            value = float(round(value) if node.code in WHOLE_NUMBERS else round(value, 1))
            if missing or year < first_year:
                continue
            draft = year == YEARS[-1] and city.slug in DRAFT_CITIES and rng.random() < 0.5
            values.append(
                IndicatorValue(
                    city=city,
                    indicator=node,
                    year=year,
                    value=value,
                    source=SOURCE,
                    status=ValueStatus.DRAFT if draft else ValueStatus.VALIDATED,
                    entered_by=entered_by,
                    validated_by=None if draft else entered_by,
                    validated_at=None if draft else now,
                )
            )
    return values


def _add_local_indicator(
    context: DemoContext, framework: Framework, rng: np.random.Generator
) -> None:
    """Medellín's own indicators: library visits (entered) and the share of free
    opportunities (computed from its catalogue)."""
    city = context.demo_city
    actor = context.accounts["coordinator"]
    extension = services.extend_framework(actor=actor, city=city, base=framework)
    feature = FrameworkNode.objects.get(framework=framework, code="F2_2_1")
    visits = services.add_indicator(
        actor=actor,
        framework=extension,
        parent=feature,
        fields={
            "code": "L_LIBRARY_VISITS",
            "name": "Library visits per resident",
            "unit": "visits per resident per year",
            "min_value": 0,
        },
    )
    services.add_indicator(
        actor=actor,
        framework=extension,
        parent=feature,
        fields={
            "code": "L_SHARE_FREE",
            "name": "Share of learning opportunities that are free",
            "unit": "% of opportunities",
            "derived": "share_free",
            "min_value": 0,
            "max_value": 100,
        },
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            city=city,
            indicator=visits,
            year=year,
            source=SOURCE,
            entered_by=actor,
            value=round(2.1 + 0.25 * index + float(rng.normal(scale=0.1)), 2),
            status=ValueStatus.VALIDATED,
            validated_by=actor,
            validated_at=timezone.now(),
        )
        for index, year in enumerate(YEARS)
    )

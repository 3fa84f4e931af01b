"""What the page benchmarks share: the Medellín-sized benchmark city and the percentile
they report. Imported by the scripts in this folder as ``_bench`` (each runs from here)."""

from __future__ import annotations

from typing import Any


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the value below which ``share`` of the values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def create_bench_city(slug: str, name: str, *, with_districts: bool = False) -> Any:
    """A demo city of Medellín's size and languages; with the demo districts if asked."""
    from decimal import Decimal

    from learningcity.core.demo import DEMO_DISTRICTS
    from learningcity.core.models import City, District, UnescoRegion

    city = City.objects.create(
        slug=slug,
        name=name,
        country="Colombia",
        country_code="CO",
        region=UnescoRegion.LATIN_AMERICA_CARIBBEAN,
        population=2_533_000,
        area_km2=Decimal(382),
        languages=["es", "en"],
        time_zone="America/Bogota",
        latitude=6.2442,
        longitude=-75.5812,
        is_demo=True,
    )
    if with_districts:
        District.objects.bulk_create(
            District(city=city, slug=key, name=label, latitude=lat, longitude=lng)
            for key, label, lat, lng in DEMO_DISTRICTS
        )
    return city

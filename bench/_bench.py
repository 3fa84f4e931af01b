"""What the page benchmarks share: the deployed settings on a temporary SQLite
database, the Medellín-sized benchmark city and the percentile they report. Imported by
the scripts in this folder as ``_bench`` (each runs from here)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Static files: the compressed storage serves what collectstatic wrote without the
# hashed manifest; the plain one needs no collectstatic at all.
COMPRESSED_STATIC = "whitenoise.storage.CompressedStaticFilesStorage"
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


def setup_bench_django(
    data_dir: str | Path,
    name: str,
    *,
    static_storage: str = COMPRESSED_STATIC,
    immediate_tasks: bool = False,
) -> None:
    """Django as deployed (DEBUG off, the project's settings but for static storage) on
    a SQLite database in ``data_dir``, migrated; static files collected when the
    compressed storage serves them. ``name`` names the settings module written there."""
    data_dir = str(data_dir)
    module = f"bench_{name}_settings"
    (Path(data_dir) / f"{module}.py").write_text(
        "from learningcity.settings import *  # noqa: F403\n"
        "STORAGES = {**STORAGES, 'staticfiles': {  # noqa: F405\n"
        f"    'BACKEND': {static_storage!r}}}}}\n"
    )
    sys.path.insert(0, data_dir)
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": module,
            "LEARNINGCITY_DATA_DIR": data_dir,
            "LEARNINGCITY_DEBUG": "0",
            "SECRET_KEY": "benchmark-only-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
            "HUEY_IMMEDIATE": "1" if immediate_tasks else "0",
        }
    )
    os.environ.pop("DATABASE_URL", None)  # always the temporary SQLite database
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if static_storage == COMPRESSED_STATIC:
        call_command("collectstatic", interactive=False, verbosity=0)


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

"""Benchmark of the opportunity import: a 10,000-row file, checked and saved.

Run with ``python bench/bench_import.py [--rows 10000] [--format csv|xlsx]``. Uses a
fresh SQLite database in a temporary folder (or ``DATABASE_URL`` if set, whose
``test_`` copy it creates and drops). Half the rows add a second session to the
opportunity of the row before, a third of the sessions repeat weekly. Prints the
time of each stage (read, check, save with the finder's schedule refresh) and of
the whole background job (``run_import_job``), with rows per second.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

HEADER = [
    "slug", "title", "description", "level", "format", "topics", "languages", "cost", "fee",
    "capacity", "site", "session_starts", "session_ends", "session_repeats", "session_places",
]  # fmt: skip


def synthetic_rows(count: int, first_day: str) -> list[list[str]]:
    """``count`` rows: opportunity n on row 2n, its second session on row 2n + 1."""
    rows = []
    for index in range(count):
        number = index // 2
        hour = 9 + index % 10
        repeats = "FREQ=WEEKLY;COUNT=8" if index % 3 == 0 else ""
        starts = f"{first_day} {hour:02d}:00"
        ends = f"{first_day} {hour + 1:02d}:30"
        if index % 2 == 0:
            rows.append([
                f"course-{number}", f"Course number {number}", "A course to learn things.",
                "non_formal", "in_person", "digital;work", "en;fr", "fee", "12.50", "20",
                f"site-{number % 50}", starts, ends, repeats, "",
            ])  # fmt: skip
        else:
            rows.append([f"course-{number}"] + [""] * 10 + [starts, ends, repeats, "15"])
    return rows


def as_file(rows: list[list[str]], file_format: str) -> bytes:
    from learningcity.catalogue import importer

    table = importer.Table(header=HEADER, rows=list(enumerate(rows, start=2)))
    return importer.write_csv(table) if file_format == "csv" else importer.write_xlsx(table)


def timed(label: str, function: Callable[[], Any], rows: int) -> Any:
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    print(f"{label:<38} {seconds:8.2f} s  {rows / seconds:10,.0f} rows/s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    arguments = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="bench-import-")
    os.environ.setdefault("LEARNINGCITY_DATA_DIR", data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learningcity.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases
    from django.utils import timezone

    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        run(arguments.rows, arguments.format, timezone.now() + timedelta(days=30))
    finally:
        teardown_databases(old_config, verbosity=0)
    print(f"database: {connection.vendor}")


def run(count: int, file_format: str, first: Any) -> None:
    from decimal import Decimal

    from learningcity.catalogue import importer, services
    from learningcity.catalogue.models import (
        ImportJob,
        LearningSite,
        Opportunity,
        Provider,
        Session,
    )
    from learningcity.core.models import City

    city = City.objects.create(
        slug="bench", name="Bench", country="Testland", country_code="TL",
        region="europe_north_america", population=100_000, area_km2=Decimal(50),
        languages=["en"], time_zone="Europe/Dublin", latitude=51.9, longitude=-8.47,
    )  # fmt: skip
    provider = Provider.objects.create(city=city, slug="bench", name="Bench", sector="public")
    LearningSite.objects.bulk_create(
        LearningSite(city=city, slug=f"site-{n}", name=f"Site {n}", kind="library")
        for n in range(50)
    )
    rows = synthetic_rows(count, first.strftime("%Y-%m-%d"))
    data = as_file(rows, file_format)
    print(f"{count:,} rows, {file_format}, {len(data) / 1e6:.1f} MB")

    table = timed("read the file", lambda: importer.read_table(data, file_format), count)
    sites = {site.slug: site for site in LearningSite.objects.filter(city=city)}
    plan = timed(
        "check every row",
        lambda: importer.check_table(table, city=city, sites=sites, taken_slugs=set()),
        count,
    )
    assert not plan.errors, plan.errors[:3]
    timed(
        "save (one transaction, with schedule)",
        lambda: services._save_import(None, provider, plan),
        count,
    )
    opportunities, sessions = Opportunity.objects.count(), Session.objects.count()
    print(f"saved {opportunities:,} opportunities and {sessions:,} sessions")

    Opportunity.objects.all().delete()
    job = ImportJob.objects.create(
        city=city, provider=provider, file_name=f"bench.{file_format}",
        file_format=file_format, data=data, total=count,
    )  # fmt: skip
    timed("whole background job (run-jobs)", lambda: services.run_import_job(job), count)
    job.refresh_from_db()
    print(f"job: {job.status}, {job.opportunities_created:,} opportunities")
    with_bad_row = [*rows[:-1], ["bad slug!", "", "expert"] + [""] * 12]
    bad = as_file(with_bad_row, file_format)
    bad_table = importer.read_table(bad, file_format)
    refused = timed(
        "check a file with errors (refused)",
        lambda: importer.check_table(bad_table, city=city, sites=sites, taken_slugs=set()),
        count,
    )
    print(f"errors found: {len(refused.errors)}")


if __name__ == "__main__":
    main()

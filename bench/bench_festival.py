"""Benchmark of a learning festival's programme, as deployed (DEBUG off, the project's
settings, database connections kept), in a temporary SQLite database:

    python bench/bench_festival.py                 # 1,000 festival events
    python bench/bench_festival.py --events 300 --requests 100

It seeds one city with the catalogue's demo generator, puts ``--events`` dates of
accepted opportunities into a seven-day festival, then prints:

1. the public programme page through Django (template included) over a mix of
   filters and pages: p50, p95, p99 in ms (target p95 ≤ 100 ms) and its weight
   (target ≤ 60 KB);
2. the printable programme (PDF, A5 booklet) for every event, made as the task
   queue makes it, with its progress printed as it goes (target ≤ 20 s).
"""

from __future__ import annotations

import argparse
import gzip
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _bench import create_bench_city, percentile, setup_bench_django  # noqa: E402  (run from bench/)

CITY_SLUG = "bench-festival"
FESTIVAL_SLUG = "festival"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--skip-pdf", action="store_true", help="measure the page only")
    parser.add_argument("--profile", action="store_true", help="print where a page's time goes")
    return parser.parse_args()


def seed(args: argparse.Namespace) -> Any:
    """A city with a catalogue and a published festival of ``--events`` dates."""
    from datetime import datetime, timedelta

    import numpy as np
    from django.db import transaction
    from django.utils import timezone

    from learningcity.catalogue.demo import Counts, seed_catalogue
    from learningcity.catalogue.models import Opportunity, Session
    from learningcity.core.demo import DemoContext
    from learningcity.festivals import services
    from learningcity.festivals.models import Entry, EntryStatus, Festival, FestivalStatus

    started = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    with transaction.atomic():
        city = create_bench_city(CITY_SLUG, "Medellín (benchmark)", with_districts=True)
        context = DemoContext(
            size="small", seed=args.seed, rng=rng, demo_city=city, cities=[city], log=print
        )
        count = args.events
        seed_catalogue(
            context,
            city,
            Counts(providers=max(10, count // 8), sites=max(20, count // 4), opportunities=count),
        )
        today = timezone.now().astimezone(city.tzinfo).date()
        festival = Festival.objects.create(
            city=city,
            slug=FESTIVAL_SLUG,
            name="Festival del Aprendizaje (benchmark)",
            description="A week of **free** learning all over the city.",
            starts_on=today + timedelta(days=30),
            ends_on=today + timedelta(days=36),
            submissions_open_on=today,
            submissions_close_on=today + timedelta(days=20),
            status=FestivalStatus.PUBLISHED,
        )
        # One festival date per opportunity, spread over the seven days and the day.
        opportunities = list(Opportunity.objects.filter(city=city).order_by("id")[:count])
        sessions = []
        for number, opportunity in enumerate(opportunities):
            day = festival.starts_on + timedelta(days=number % 7)
            hour = 9 + int(rng.integers(0, 11))
            starts = datetime(day.year, day.month, day.day, hour, 0, tzinfo=city.tzinfo)
            sessions.append(
                Session(
                    opportunity=opportunity,
                    site=opportunity.site,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                )
            )
        Session.objects.bulk_create(sessions, batch_size=1000)
        entries = Entry.objects.bulk_create(
            [
                Entry(
                    festival=festival,
                    opportunity=opportunity,
                    provider_id=opportunity.provider_id,
                    status=EntryStatus.ACCEPTED,
                )
                for opportunity in opportunities
            ],
            batch_size=1000,
        )
        through = Entry.sessions.through
        through.objects.bulk_create(
            [
                through(entry_id=entry.pk, session_id=session.pk)
                for entry, session in zip(entries, sessions, strict=True)
            ],
            batch_size=1000,
        )
        # Opportunities are published at random by the generator: all of these are.
        Opportunity.objects.filter(pk__in=[o.pk for o in opportunities]).update(is_published=True)
        events = services.rebuild_festival_events(festival)
    print(f"seeded {events:,} festival events in {time.perf_counter() - started:.1f} s")
    return Festival.objects.select_related("city").get(pk=festival.pk)


def programme_urls(festival: Any, count: int, rng: random.Random) -> list[str]:
    from datetime import timedelta

    from learningcity.catalogue.models import TargetGroup, Topic
    from learningcity.core.models import District

    base = f"/{CITY_SLUG}/festivals/{FESTIVAL_SLUG}/"
    days = [(festival.starts_on + timedelta(days=n)).isoformat() for n in range(7)]
    districts = list(District.objects.filter(city=festival.city).values_list("slug", flat=True))
    shapes = [
        lambda: base,
        lambda: f"{base}?page={rng.randint(1, 30)}",
        lambda: f"{base}?day={rng.choice(days)}",
        lambda: f"{base}?day={rng.choice(days)}&page={rng.randint(1, 5)}",
        lambda: f"{base}?topic={rng.choice(Topic.values)}",
        lambda: f"{base}?district={rng.choice(districts)}",
        lambda: f"{base}?audience={rng.choice(TargetGroup.values)}&day={rng.choice(days)}",
    ]
    return [rng.choice(shapes)() for _ in range(count)]


def measure_programme(festival: Any, args: argparse.Namespace) -> None:
    from django.test import Client

    client = Client()
    urls = programme_urls(festival, args.requests + 10, random.Random(args.seed))
    timings: list[float] = []
    sizes: list[int] = []
    compressed: list[int] = []
    for number, url in enumerate(urls):
        began = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - began) * 1000
        assert response.status_code == 200, (url, response.status_code)
        if number >= 10:  # the first requests warm the process up
            timings.append(elapsed)
            sizes.append(len(response.content))
            compressed.append(len(gzip.compress(response.content)))
    print(f"programme page through Django (template included), {args.requests} requests:")
    print(
        f"  p50 {statistics.median(timings):6.1f} ms   p95 {percentile(timings, 0.95):6.1f} ms   "
        f"p99 {percentile(timings, 0.99):6.1f} ms   max {max(timings):6.1f} ms   "
        "(target p95 ≤ 100 ms)"
    )
    print(
        f"  weight: largest {max(sizes) / 1000:.1f} KB, "
        f"median {statistics.median(sizes) / 1000:.1f} KB "
        f"(gzip: largest {max(compressed) / 1000:.1f} KB); limit 60 KB"
    )


def profile_programme() -> None:
    import cProfile
    import pstats

    from django.test import Client

    client = Client()
    url = f"/{CITY_SLUG}/festivals/{FESTIVAL_SLUG}/?page=3"
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(20):
        client.get(url)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def measure_pdf(festival: Any) -> None:
    from learningcity.festivals import printing

    events = festival.events.count()
    print(f"printable programme (PDF, A5) of {events:,} events, progress as the page shows it:")
    started = time.perf_counter()
    last: list[str] = []

    def progress(stage: str, percent: int) -> None:
        line = f"    {time.perf_counter() - started:5.1f} s  {stage:<8} {percent:3d} %"
        if not last or last[-1] != line:
            print(line, flush=True)
            last.append(line)

    pdf, pages = printing.render_pdf(festival, "en", progress=progress)
    elapsed = time.perf_counter() - started
    print(f"  {pages} pages, {len(pdf) / 1000:.0f} KB in {elapsed:.1f} s (target ≤ 20 s)")
    started = time.perf_counter()
    pdf, pages = printing.render_pdf(festival, "ar")
    print(f"  Arabic: {pages} pages in {time.perf_counter() - started:.1f} s")


def main() -> None:
    args = parse_args()
    data_dir = tempfile.mkdtemp(prefix="learningcity-bench-festival-")
    print(f"benchmark database in {data_dir} (deployed settings, DEBUG off, SQLite)")
    try:
        setup_bench_django(data_dir, "festival")
        festival = seed(args)
        measure_programme(festival, args)
        if args.profile:
            profile_programme()
        if not args.skip_pdf:
            measure_pdf(festival)
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

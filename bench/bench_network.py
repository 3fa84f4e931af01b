"""``make bench-network``: the network's directory and good-practice library at scale.

Builds a temporary SQLite database (``--data-dir``, default a new temporary
directory) with the project's deployed settings (DEBUG off), seeds ``--cities``
member cities and ``--practices`` published practices through bulk inserts, then
prints:

- directory search with facets (in-process, the view's search function): p50/p95;
- library search with facets (the engine index kept in the process): cold build
  time, then p50/p95 over random questions (words, themes, SDGs, region);
- "similar practices": the all-pairs recompute time, and one case's lookup p95;
- the bytes of the first directory page and of a library page (the test client).

Figures are medians of the runs asked for (``--runs``, default 3)."""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from decimal import Decimal
from typing import Any

from _bench import setup_bench_django

WORDS = [
    "literacy",
    "library",
    "adults",
    "migrants",
    "digital",
    "older",
    "garden",
    "climate",
    "health",
    "mothers",
    "school",
    "disability",
    "festival",
    "museum",
    "training",
    "youth",
    "work",
    "volunteers",
    "reading",
    "language",
    "newcomers",
    "nutrition",
    "community",
    "family",
]


def seed(cities: int, practices: int, rng: random.Random) -> None:
    from django.db import transaction
    from django.utils import timezone

    from learningcity.core.models import City, UnescoRegion
    from learningcity.network.models import (
        CityProfile,
        Cluster,
        ClusterMembership,
        Practice,
        PracticeRevision,
    )
    from learningcity.network.vocabulary import THEME_CODES

    if City.objects.count() >= cities:
        return
    regions = list(UnescoRegion.values)
    countries = ["KE", "FR", "BR", "CN", "EG", "IN", "MX", "DE", "NG", "JP", "TN", "CO"]
    clusters = list(Cluster.objects.all())
    now = timezone.now()
    with transaction.atomic():
        made = City.objects.bulk_create(
            City(
                slug=f"bench-{n}",
                name=f"Bench city {n}",
                country="x",
                country_code=countries[n % len(countries)],
                region=regions[n % 5],
                population=rng.randint(20_000, 9_000_000),
                area_km2=Decimal(100),
                languages=["en"],
                latitude=rng.uniform(-50, 60),
                longitude=rng.uniform(-170, 170),
            )
            for n in range(cities)
        )
        CityProfile.objects.bulk_create(
            CityProfile(city=city, status=["member", "member", "member", "lapsed"][n % 4])
            for n, city in enumerate(made)
        )
        ClusterMembership.objects.bulk_create(
            ClusterMembership(cluster=clusters[(n + k) % 7], city=city)
            for n, city in enumerate(made)
            for k in range(1 + n % 2)
        )
        rows = []
        for n in range(practices):
            rows.append(
                Practice(
                    city=made[n % cities],
                    status="published",
                    published_at=now,
                    index_stamp=now,
                    title=f"Practice {n}",
                )
            )
        created = Practice.objects.bulk_create(rows, batch_size=2000)
        revisions = []
        for practice in created:
            themes = rng.sample(THEME_CODES, 2)
            text = " ".join(rng.choices(WORDS, k=120))
            revisions.append(
                PracticeRevision(
                    practice=practice,
                    number=1,
                    data={
                        "title": " ".join(rng.choices(WORDS, k=5)),
                        "summary": text[:300],
                        "problem": text,
                        "actions": text[::-1][:200],
                        "results": text[:400],
                        "themes": themes,
                        "sdgs": [str(rng.randint(1, 17))],
                        "language": "en",
                    },
                )
            )
        saved = PracticeRevision.objects.bulk_create(revisions, batch_size=2000)
        for practice, revision in zip(created, saved, strict=True):
            practice.current_revision = revision
            practice.published_revision = revision
            practice.themes = revision.data["themes"]
            practice.sdgs = revision.data["sdgs"]
        Practice.objects.bulk_update(
            created, ["current_revision", "published_revision", "themes", "sdgs"], batch_size=2000
        )


def timed(function: Any, *args: Any, **kwargs: Any) -> float:
    start = time.perf_counter()
    function(*args, **kwargs)
    return (time.perf_counter() - start) * 1000


def p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def one_run(args: argparse.Namespace, rng: random.Random) -> dict[str, float]:
    from django.test import Client

    from learningcity.core.models import UnescoRegion
    from learningcity.network import search
    from learningcity.network.models import Practice
    from learningcity.network.similarity import recompute_similar_practices, similar_to
    from learningcity.network.vocabulary import SDG_CODES, SIZE_BAND_CODES, THEME_CODES

    figures: dict[str, float] = {}
    directory = []
    for _ in range(args.queries):
        filters: dict[str, frozenset[str]] = {}
        if rng.random() < 0.5:
            filters["region"] = frozenset([rng.choice(list(UnescoRegion.values))])
        if rng.random() < 0.4:
            filters["size"] = frozenset([rng.choice(SIZE_BAND_CODES)])
        if rng.random() < 0.3:
            filters["cluster"] = frozenset(["literacy"])
        text = rng.choice(["", "", "bench city 1"])
        directory.append(timed(search.search_directory, search.DirectoryQuery(text, filters)))
    figures["directory p50 ms"], figures["directory p95 ms"] = p(directory, 0.5), p(directory, 0.95)

    search.forget_library_index()
    figures["library cold build ms"] = timed(search.library_index)
    library = []
    for _ in range(args.queries):
        filters = {}
        if rng.random() < 0.5:
            filters["theme"] = frozenset([rng.choice(THEME_CODES)])
        if rng.random() < 0.3:
            filters["sdg"] = frozenset([rng.choice(SDG_CODES)])
        if rng.random() < 0.3:
            filters["region"] = frozenset([rng.choice(list(UnescoRegion.values))])
        text = " ".join(rng.sample(WORDS, rng.choice([0, 1, 2])))
        library.append(timed(search.search_library, text, filters))
    figures["library p50 ms"], figures["library p95 ms"] = p(library, 0.5), p(library, 0.95)

    figures["similar recompute s"] = timed(recompute_similar_practices) / 1000
    ids = list(Practice.objects.values_list("id", flat=True)[:2000])
    lookups = [timed(similar_to, Practice(pk=rng.choice(ids))) for _ in range(args.queries)]
    figures["similar lookup p95 ms"] = p(lookups, 0.95)

    client = Client()
    figures["directory page bytes"] = len(client.get("/network/cities/").content)
    figures["library page bytes"] = len(client.get("/network/practices/?q=literacy").content)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cities", type=int, default=1000)
    parser.add_argument("--practices", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data-dir", default="")
    args = parser.parse_args()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="bench-network-")
    setup_bench_django(data_dir, "network")
    rng = random.Random(9)
    start = time.perf_counter()
    seed(args.cities, args.practices, rng)
    print(
        f"seeded {args.cities} cities, {args.practices} practices in "
        f"{time.perf_counter() - start:.1f} s (SQLite in {data_dir})"
    )
    runs = [one_run(args, random.Random(run)) for run in range(args.runs)]
    print(f"medians of {args.runs} runs ({args.queries} questions each):")
    for name in runs[0]:
        print(f"  {name:<24} {statistics.median(run[name] for run in runs):>10.1f}")


if __name__ == "__main__":
    main()

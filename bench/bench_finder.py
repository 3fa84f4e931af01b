"""Benchmark of the learning finder: search latency, page weight and sustained load.

    python bench/bench_finder.py                     # 100,000 opportunities on SQLite
    python bench/bench_finder.py --opportunities 5000 --load-seconds 10   # quicker
    python bench/bench_finder.py --opportunities 1000000 \\
        --database postgres://postgres@127.0.0.1:5432/lc_bench_finder --skip-load

It builds (or reuses) a separate benchmark database holding one demo city seeded with
the catalogue's demo generator at the asked size, then prints:

1. index build time and size;
2. server time of the finder's search, as the results page runs it: the freshness
   check against the database, text + three facets + distance, the first page and
   every facet's counts, and reading the page's rows: p50, p95, p99;
3. the whole results page through Django (template included) for new questions, and
   its weight;
4. sustained load: gunicorn with ``--workers`` sync workers on 127.0.0.1, and a load
   generator in a second process sending ``--rps`` requests per second (fixed rate,
   a new connection each, latency counted from the planned send time so a slow
   server cannot hide its queue) for ``--load-seconds``: throughput, p50/p95/p99 and
   errors, for two mixes: "new questions" (every request a question never asked, so
   each is searched and rendered) and "everyday" (popular pages and 500 questions
   asked again, which the finder's one-minute page cache partly answers). Traffic
   goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CITY_SLUG = "bench"
WORDS = [
    "pintura", "ingles", "programacion", "yoga", "huerta", "fotografia", "teatro",
    "emprendimiento", "lectura", "historia", "cocina", "ajedrez", "danza", "robotica",
    "finanzas", "musica", "taller", "curso", "club", "astronomia", "pintrua", "progamacion",
]  # fmt: skip
TOPICS = ["arts", "digital", "languages", "health", "work", "crafts", "science", "family"]
DISTRICTS = ["Belén", "Laureles", "El Poblado", "Robledo", "Manrique", "Castilla", "Popular"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument(
        "--database", default="sqlite", help="sqlite (a file in --data-dir) or a postgres:// URL"
    )
    parser.add_argument(
        "--data-dir", default=str(Path(tempfile.gettempdir()) / "learningcity-bench-finder")
    )
    parser.add_argument("--fresh", action="store_true", help="reseed even if the size matches")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--load-seconds", type=float, default=60.0)
    parser.add_argument("--rps", type=float, default=200.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8911)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--sqlite-conn-max-age",
        type=int,
        default=60,
        help="seconds a SQLite connection is kept (0: a new one per request; "
        "settings.py keeps DATABASE_CONN_MAX_AGE, default 60)",
    )
    parser.add_argument("--loadgen", help=argparse.SUPPRESS)  # internal: run as the generator
    return parser.parse_args()


# -- setting up ----------------------------------------------------------------------


def server_environment(args: argparse.Namespace) -> dict[str, str]:
    """Environment of the benchmark process and of its gunicorn: production-like
    settings (DEBUG off), the benchmark's own database."""
    env = {
        "DJANGO_SETTINGS_MODULE": "bench_finder_settings",
        "PYTHONPATH": os.pathsep.join([args.data_dir, str(ROOT)]),
        "LEARNINGCITY_DATA_DIR": args.data_dir,
        "LEARNINGCITY_DEBUG": "0",
        "SECRET_KEY": "benchmark-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "BENCH_SQLITE_CONN_MAX_AGE": str(args.sqlite_conn_max_age),
    }
    if args.database != "sqlite":
        env["DATABASE_URL"] = args.database
    return env


def ensure_postgres_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


# The project's settings with DEBUG off, except that
# - static files are served without the hashed-name manifest: building it fails on the
#   vendored Leaflet's missing source map;
# - on SQLite, connections last BENCH_SQLITE_CONN_MAX_AGE seconds. docs/deployment.md
#   documents DATABASE_CONN_MAX_AGE=60, but settings.py forces 0 for SQLite, and
#   opening a Django SQLite connection costs about 3 ms a request. 0 measures the code
#   as it is.
BENCH_SETTINGS = """import os
from learningcity.settings import *  # noqa: F403
STORAGES = {**STORAGES, "staticfiles": {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}
DEFAULT_DATABASE = DATABASES["default"]  # noqa: F405
if DEFAULT_DATABASE["ENGINE"].endswith("sqlite3"):
    DEFAULT_DATABASE["CONN_MAX_AGE"] = int(os.environ["BENCH_SQLITE_CONN_MAX_AGE"])
"""


def setup_django(args: argparse.Namespace) -> None:
    os.environ.update(server_environment(args))
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    (Path(args.data_dir) / "bench_finder_settings.py").write_text(BENCH_SETTINGS)
    sys.path.insert(0, args.data_dir)
    if args.database != "sqlite":
        ensure_postgres_database(args.database)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # DEBUG is off, as in production: pages name their static files from the manifest.
    call_command("collectstatic", interactive=False, verbosity=0)


def seed(args: argparse.Namespace) -> Any:
    """The benchmark city with ``--opportunities`` opportunities (reused if present)."""
    from decimal import Decimal

    import numpy as np
    from django.db import transaction

    from learningcity.catalogue.demo import Counts, seed_catalogue
    from learningcity.catalogue.models import Opportunity
    from learningcity.core.demo import DEMO_DISTRICTS, DEMO_EMAIL_DOMAIN, DemoContext
    from learningcity.core.models import City, District, UnescoRegion, User

    city = City.objects.filter(slug=CITY_SLUG).first()
    if (
        city
        and not args.fresh
        and Opportunity.objects.filter(city=city).count() == args.opportunities
    ):
        print(f"reusing the benchmark city ({args.opportunities:,} opportunities)")
        return city
    started = time.perf_counter()
    with transaction.atomic():
        City.objects.filter(slug=CITY_SLUG).delete()
        User.objects.filter(email__endswith=DEMO_EMAIL_DOMAIN).delete()
        city = City.objects.create(
            slug=CITY_SLUG,
            name="Medellín (benchmark)",
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
        District.objects.bulk_create(
            District(city=city, slug=slug, name=name, latitude=lat, longitude=lng)
            for slug, name, lat, lng in DEMO_DISTRICTS
        )
        context = DemoContext(
            size="small",
            seed=args.seed,
            rng=np.random.default_rng(args.seed),
            demo_city=city,
            cities=[city],
            log=print,
        )
        count = args.opportunities
        counts = Counts(
            providers=max(10, count * 3 // 50), sites=max(20, count // 5), opportunities=count
        )
        seed_catalogue(context, city, counts)
    print(f"seeded in {time.perf_counter() - started:.1f} s")
    return city


# -- measuring the search ------------------------------------------------------------


def random_question(rng: random.Random) -> dict[str, Any]:
    """Words + three facets + a distance: the benchmark's question shape."""
    return {
        "q": rng.choice(WORDS),
        "topic": rng.sample(TOPICS, 2),
        "cost": "free",
        "format": ["in_person", "hybrid"],
        "near": rng.choice(DISTRICTS),
        "km": "5",
    }


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def describe(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values):6.1f} ms   p95 {percentile(values, 0.95):6.1f} ms   "
        f"p99 {percentile(values, 0.99):6.1f} ms   max {max(values):6.1f} ms"
    )


def measure_search(city: Any, args: argparse.Namespace) -> None:
    from django.http import QueryDict
    from django.utils import timezone

    from learningcity.catalogue import forms_finder, search
    from learningcity.core.models import District
    from learningcity.core.tenancy import for_city, get_city

    started = time.perf_counter()
    index = search.city_index(city)
    built = time.perf_counter() - started
    engine = index.index
    print(
        f"index: {engine.size:,} opportunities built in {built:.1f} s; "
        f"arrays {engine.nbytes / 2**20:.0f} MiB; "
        f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    rng = random.Random(args.seed)
    timings: list[float] = []
    totals: list[int] = []
    for number in range(args.queries + 10):
        question = QueryDict(urlencode(random_question(rng), doseq=True))
        began = time.perf_counter()
        current = get_city(CITY_SLUG)
        index = search.city_index(current)
        asked = forms_finder.parse_finder(question, index.schema)
        districts = list(for_city(District, current))
        place = search.find_place(current, asked.near, index, districts)
        query = forms_finder.to_query(
            asked,
            city=current,
            origin=place.point if place else None,
            language="es",
            now=timezone.now(),
        )
        outcome = search.search_listed(current, query, index)
        elapsed = (time.perf_counter() - began) * 1000
        if number >= 10:  # the first few warm caches
            timings.append(elapsed)
            totals.append(outcome.result.total)
    print(
        f"search (words + 3 facets + distance, page 1, all facet counts, rows read), "
        f"{args.queries} queries, median {statistics.median(totals):.0f} matches:"
    )
    print(f"  {describe(timings)}")


def question_urls(rng: random.Random, count: int) -> list[str]:
    """``count`` results-page addresses, each a different question (words, three
    facets, a distance, and an age so that they really differ)."""
    urls = []
    for _ in range(count):
        question = {**random_question(rng), "age": str(rng.randrange(14, 90))}
        urls.append(f"/{CITY_SLUG}/learn/?{urlencode(question, doseq=True)}")
    return urls


POPULAR_PAGES = [
    f"/{CITY_SLUG}/learn/",
    f"/{CITY_SLUG}/learn/?cost=free&format=online&kind=lecture&when=week",
    f"/{CITY_SLUG}/learn/?cost=free&when=weekend",
    f"/{CITY_SLUG}/learn/?group=older_people",
    f"/{CITY_SLUG}/learn/?q=ingles&near=Laureles&sort=nearest",
    f"/{CITY_SLUG}/learn/?topic=digital&time=evening&page=3",
]


def measure_pages(args: argparse.Namespace) -> None:
    """Whole results pages through Django, each a new question (so none comes from
    the finder's short-lived page cache)."""
    from django.test import Client

    client = Client()
    timings: list[float] = []
    sizes: list[int] = []
    compressed: list[int] = []
    urls = question_urls(random.Random(args.seed + 1), args.pages + 5) + POPULAR_PAGES
    for number, url in enumerate(urls):
        began = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - began) * 1000
        assert response.status_code == 200, (url, response.status_code)
        if number >= 5:
            timings.append(elapsed)
            sizes.append(len(response.content))
            compressed.append(len(gzip.compress(response.content)))
    print(f"results page through Django (template included), {args.pages} new questions:")
    print(f"  {describe(timings)}")
    largest, median = max(sizes) / 1000, statistics.median(sizes) / 1000
    print(
        f"  weight: largest {largest:.1f} KB, median {median:.1f} KB "
        f"(gzip: largest {max(compressed) / 1000:.1f} KB); limit 60 KB"
    )


def load_mixes(args: argparse.Namespace) -> dict[str, list[str]]:
    """The load test's request mixes. "new questions": every request a question
    never asked before, so every one is searched and rendered. "everyday": the
    popular pages and 500 questions asked again and again, as on a real site, so the
    page cache answers many of them."""
    total = int(args.rps * args.load_seconds)
    rng = random.Random(args.seed + 2)
    everyday = [*POPULAR_PAGES * 20, *question_urls(rng, 500)]
    rng.shuffle(everyday)
    return {
        "new questions": question_urls(rng, total),
        "everyday": [everyday[number % len(everyday)] for number in range(total)],
    }


# -- sustained load --------------------------------------------------------------------


def wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on 127.0.0.1:{port}")


def run_load(args: argparse.Namespace) -> None:
    env = {**os.environ, **server_environment(args)}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn), "learningcity.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
            "--workers", str(args.workers), "--worker-class", "sync", "--backlog", "2048",
            "--timeout", "120", "--log-level", "warning",
        ],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_port(args.port, 60)
        warm_up(args)
        for name, urls in load_mixes(args).items():
            plan = {"urls": urls, "port": args.port, "rps": args.rps, "seconds": args.load_seconds}
            generator = subprocess.run(
                [sys.executable, __file__, "--loadgen", "-"], input=json.dumps(plan),
                capture_output=True, text=True, check=True, cwd=ROOT,
            )  # fmt: skip
            report_load(args, name, json.loads(generator.stdout))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def warm_up(args: argparse.Namespace) -> None:
    """Each worker builds its index on its first request (about a minute for a
    million opportunities): ask from one thread per worker until every thread gets
    quick answers."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor

    def ask_until_quick(seed: int) -> None:
        quick_in_a_row = 0
        for url in question_urls(random.Random(seed), 1000):
            began = time.monotonic()
            connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=600)
            connection.request("GET", url)
            connection.getresponse().read()
            connection.close()
            quick_in_a_row = quick_in_a_row + 1 if time.monotonic() - began < 0.2 else 0
            if quick_in_a_row >= 10:
                return

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        list(pool.map(ask_until_quick, range(args.seed + 3, args.seed + 3 + args.workers)))
    print(f"gunicorn workers ready in {time.monotonic() - started:.1f} s")


def report_load(args: argparse.Namespace, name: str, report: dict[str, Any]) -> None:
    latencies = report["latencies"]
    print(
        f"sustained load, {name}: {args.workers} gunicorn sync workers, {args.rps:.0f} "
        f"requests/s planned for {args.load_seconds:.0f} s from a second process:"
    )
    print(
        f"  {report['ok']:,} answered 200 of {report['sent']:,} sent "
        f"({report['ok'] / report['duration']:.1f}/s over {report['duration']:.1f} s), "
        f"errors {report['errors']} {' '.join(report['error_kinds'])}"
    )
    if latencies:
        print(f"  latency {describe(latencies)}")


def _generate(plan: dict[str, Any]) -> dict[str, Any]:
    return asyncio.run(_load(plan))


async def _load(plan: dict[str, Any]) -> dict[str, Any]:
    """Send requests at a fixed rate; latency counts from the planned send time."""
    urls, port, rate = plan["urls"], plan["port"], float(plan["rps"])
    total = int(rate * float(plan["seconds"]))
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    errors: list[str] = []

    async def one(url: str, planned: float) -> None:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port), timeout=10
            )
            request = f"GET {url} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            writer.write(request.encode())
            answer = await asyncio.wait_for(reader.read(), timeout=10)
            writer.close()
            status = answer[9:12]
            if status == b"200":
                latencies.append((loop.time() - planned) * 1000)
            else:
                errors.append(status.decode(errors="replace"))
        except (TimeoutError, OSError) as error:
            errors.append(type(error).__name__)

    start = loop.time() + 0.1
    tasks = []
    for number in range(total):
        planned = start + number / rate
        delay = planned - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(urls[number % len(urls)], planned)))
    await asyncio.gather(*tasks)
    duration = loop.time() - start
    return {
        "sent": total,
        "ok": len(latencies),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "duration": duration,
        "latencies": latencies,
    }


def main() -> None:
    args = parse_args()
    if args.loadgen:  # the load generator, in its own process; its plan comes on stdin
        print(json.dumps(_generate(json.loads(sys.stdin.read()))))
        return
    setup_django(args)
    from django.db import connection

    print(
        f"learningcity finder benchmark — {connection.vendor} "
        f"(connections kept {connection.settings_dict['CONN_MAX_AGE']} s), "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    city = seed(args)
    measure_search(city, args)
    measure_pages(args)
    if not args.skip_load:
        connection.close()
        run_load(args)


if __name__ == "__main__":
    main()

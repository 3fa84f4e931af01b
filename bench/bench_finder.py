"""Benchmark of the learning finder, as deployed: index files, search latency, page
weight, memory per worker, edits in bulk and sustained load.

    python bench/bench_finder.py                     # 100,000 opportunities on SQLite
    python bench/bench_finder.py --quick             # shorter runs (make bench-finder QUICK=1)
    python bench/bench_finder.py --opportunities 5000 --load-seconds 10   # smaller
    python bench/bench_finder.py --opportunities 1000000 \\
        --database postgres://postgres@127.0.0.1:5432/lc_bench_finder --skip-load

It builds (or reuses) a separate benchmark database holding one demo city seeded with
the catalogue's demo generator at the asked size, with the project's own settings
(DEBUG off; database connections kept as ``DATABASE_CONN_MAX_AGE`` says), then prints:

1. the index files' build (as the task queue runs it): time, size on disk;
2. a worker's first search: a new process opening the files (target ≤ 1 s at
   100,000), and the same without files (answered by the database);
3. server time of the finder's search, as the results page runs it: the freshness
   check against the database, text + three facets + distance, the first page and
   every facet's counts, and reading the page's rows: p50, p95, p99;
4. the whole results page through Django (template included) for new questions, and
   its weight;
5. with gunicorn (``--workers`` sync workers, ``--preload``) and the task queue's
   worker running: each worker's memory measured from /proc (RSS, PSS, USS), and
   what one more worker adds: the PSS of gunicorn's processes together before and
   after a third worker (SIGTTIN) served the same load (target ≤ 30 MiB at 100,000;
   USS overstates it, counting pages of shared files that only one worker has
   touched so far); the worst
   request while ``--bulk`` rows change in bulk and the files are rebuilt and
   swapped (target ≤ 200 ms); and sustained load from a second process (a new
   connection per request, latency counted from the planned send time so a slow
   server cannot hide its queue), for two mixes: "new questions" (every request a
   question never asked, so each is searched and rendered) and "everyday" (popular
   pages and 500 questions asked again, which the finder's one-minute page cache
   partly answers). Each mix steps its rate up (``--steps``) to find the highest rate
   held with p99 ≤ 250 ms and no error, then runs ``--rps`` for ``--load-seconds``
   (target 200 requests/s for 60 s); the server is drained between runs. Traffic goes
   to 127.0.0.1 only.
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

from _bench import create_bench_city, percentile  # noqa: E402  (run from bench/)

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
    parser.add_argument("--bulk", type=int, default=10_000, help="rows changed in bulk")
    parser.add_argument(
        "--steps",
        default="25,50,75,100,150,200,250,300,400",
        help="rates (requests/s) to step through",
    )
    parser.add_argument("--step-seconds", type=float, default=20.0)
    parser.add_argument(
        "--quick", action="store_true", help="shorter runs: fewer questions, 5 s steps, 20 s load"
    )
    parser.add_argument("--loadgen", help=argparse.SUPPRESS)  # internal: run as the generator
    parser.add_argument("--first-search", help=argparse.SUPPRESS)  # internal: a new worker
    args = parser.parse_args()
    if args.quick:
        args.queries, args.pages = min(args.queries, 100), min(args.pages, 40)
        args.step_seconds, args.load_seconds = 5.0, min(args.load_seconds, 20.0)
        args.bulk = min(args.bulk, args.opportunities // 10)
    return args


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
        "HUEY_IMMEDIATE": "0",
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


# The project's settings with DEBUG off, except that static files are served without
# the hashed-name manifest (building it fails on the vendored Leaflet's missing source
# map). Everything else, database connections included, is as deployed.
BENCH_SETTINGS = """from learningcity.settings import *  # noqa: F403
STORAGES = {**STORAGES, "staticfiles": {  # noqa: F405
    "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}
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
    import numpy as np
    from django.db import transaction

    from learningcity.catalogue.demo import Counts, seed_catalogue
    from learningcity.catalogue.models import Opportunity
    from learningcity.core.demo import DEMO_EMAIL_DOMAIN, DemoContext
    from learningcity.core.models import City, User

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
        city = create_bench_city(CITY_SLUG, "Medellín (benchmark)", with_districts=True)
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


def describe(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values):6.1f} ms   p95 {percentile(values, 0.95):6.1f} ms   "
        f"p99 {percentile(values, 0.99):6.1f} ms   max {max(values):6.1f} ms"
    )


def build_files(city: Any) -> None:
    """Build the index files as the task queue does, and open them here."""
    from learningcity.catalogue import index_tasks, search

    started = time.perf_counter()
    index_tasks.build_city_index(city, force=True)
    built = time.perf_counter() - started
    root = search.index_root(city)
    version = root / str(search.store.current_version(root))
    on_disk = sum(path.stat().st_size for path in version.iterdir())
    search.forget_indexes()
    index = search.city_index(city)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"index files: {index.index.size:,} opportunities built in {built:.1f} s "
        f"(by the task queue in production), {on_disk / 2**20:.0f} MiB on disk; "
        f"building process peak RSS {peak:.0f} MiB"
    )


def measure_search(city: Any, args: argparse.Namespace) -> None:
    from django.http import QueryDict
    from django.utils import timezone

    from learningcity.catalogue import forms_finder, search
    from learningcity.core.models import District
    from learningcity.core.tenancy import for_city, get_city

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


def memory(pid: int) -> dict[str, float]:
    """RSS, PSS and USS (private pages: what this process adds) in MiB, measured
    from /proc/<pid>/smaps_rollup. Pages of the index files mapped by several
    workers are shared: in their RSS, split in their PSS, not in their USS."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_rest = line.split()
        fields[name.rstrip(":")] = int(value) / 1024
    return {
        "rss": fields["Rss"],
        "pss": fields["Pss"],
        "uss": fields["Private_Clean"] + fields["Private_Dirty"],
        "dirty": fields["Private_Dirty"],
    }


def describe_memory(numbers: dict[str, float]) -> str:
    return (
        f"RSS {numbers['rss']:.0f} MiB, PSS {numbers['pss']:.0f} MiB, "
        f"USS {numbers['uss']:.0f} MiB (written: {numbers.get('dirty', 0):.0f} MiB)"
    )


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(each) for each in path.read_text().split()] if path.exists() else []


def first_search(args: argparse.Namespace) -> None:
    """Internal mode: a new worker process (the app imported, nothing searched yet)
    answering its first results pages; prints JSON."""
    os.environ.update(server_environment(args))
    sys.path.insert(0, args.data_dir)
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from learningcity.catalogue import index_tasks
    from learningcity.wsgi import application  # noqa: F401  (as a worker boots)

    if args.first_search == "database":  # a machine without files: nothing enqueued here
        settings.INDEX_DIR = Path(tempfile.mkdtemp())
        index_tasks.build_search_index = lambda *arguments: None  # type: ignore[assignment]
    client = Client()
    urls = question_urls(random.Random(args.seed + 9), 201)
    before = memory(os.getpid())
    began = time.perf_counter()
    assert client.get(urls[0]).status_code == 200
    first = (time.perf_counter() - began) * 1000
    timings = []
    for url in urls[1 : 201 if args.first_search == "files" else 6]:
        began = time.perf_counter()
        assert client.get(url).status_code == 200
        timings.append((time.perf_counter() - began) * 1000)
    after = memory(os.getpid())
    print(json.dumps({"first": first, "next": timings, "before": before, "after": after}))


def measure_first_search(args: argparse.Namespace) -> None:
    env = {**os.environ, **server_environment(args)}
    for mode in ("files", "database"):
        answer = subprocess.run(
            [sys.executable, __file__, *sys.argv[1:], "--first-search", mode],
            capture_output=True, text=True, check=True, cwd=ROOT, env=env,
        )  # fmt: skip
        found = json.loads(answer.stdout.strip().splitlines()[-1])
        if mode == "files":
            grown = found["after"]["uss"] - found["before"]["uss"]
            print(
                f"a new worker's first results page, index files present: {found['first']:.0f} ms "
                f"(target ≤ 1000 ms); next 200 pages {describe(found['next'])}"
            )
            print(
                f"  that worker's memory: app loaded {describe_memory(found['before'])}; after "
                f"201 searches {describe_memory(found['after'])} (searching added {grown:.0f} "
                "MiB private)"
            )
        else:
            print(
                f"a new worker's first results page without index files (answered by the "
                f"database, build asked of the queue): {found['first']:.0f} ms; next 5: "
                f"{describe(found['next'])}"
            )


def wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on 127.0.0.1:{port}")


def run_server(args: argparse.Namespace, city: Any) -> None:
    """gunicorn as deployed (sync workers, the app preloaded) and the task queue's
    worker (at a lower priority, as docs/deployment.md runs it)."""
    env = {**os.environ, **server_environment(args)}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn), "learningcity.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
            "--workers", str(args.workers), "--worker-class", "sync", "--backlog", "2048",
            "--preload", "--timeout", "120", "--log-level", "warning",
        ],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    Path(args.data_dir, "tasks.sqlite3").unlink(missing_ok=True)  # an empty queue
    queue = subprocess.Popen(
        [sys.executable, "-m", "django", "run_huey", "--workers", "1"],
        cwd=ROOT, env=env, start_new_session=True, stderr=subprocess.DEVNULL,
        preexec_fn=lambda: os.nice(10),
    )  # fmt: skip
    try:
        wait_for_port(args.port, 60)
        warm_up(args)
        report_memory(server.pid, "after warming up")
        bulk_change(args, city)
        drain(args)
        rng = random.Random(args.seed + 2)
        everyday = [*POPULAR_PAGES * 20, *question_urls(rng, 500)]
        rng.shuffle(everyday)
        mixes = {
            "new questions": lambda count: question_urls(rng, count),
            "everyday": lambda count: [everyday[n % len(everyday)] for n in range(count)],
        }
        for name, urls in mixes.items():
            step_up(args, name, urls)
        report_memory(server.pid, "after the load")
        measure_extra_worker(args, server.pid, mixes)
    finally:
        for process in (server, queue):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def report_memory(master: int, when: str) -> None:
    workers = children(master)
    print(f"memory {when} (master {describe_memory(memory(master))}):")
    for pid in workers:
        print(f"  worker {pid}: {describe_memory(memory(pid))}")
    uss = max(memory(pid)["uss"] for pid in workers)
    print(f"  largest USS of a worker: {uss:.0f} MiB")


def group_pss(master: int) -> float:
    """PSS of gunicorn's master and workers together, in MiB: the physical memory the
    group holds, each shared page counted once (split between the processes)."""
    return sum(memory(pid)["pss"] for pid in [master, *children(master)])


def measure_extra_worker(args: argparse.Namespace, master: int, mixes: dict[str, Any]) -> None:
    """What one more worker costs: the group's PSS before, and after gunicorn started
    one more worker (SIGTTIN) and every worker served the same load again (both mixes,
    25 requests/s for 20 s each). Whatever the old workers grew meanwhile is counted
    against the new one, so the figure errs high."""
    for urls in mixes.values():  # the old workers, settled at this load first
        run_rate(args, urls(500), 25.0, 20.0)
    drain(args)
    before, workers = group_pss(master), set(children(master))
    os.kill(master, signal.SIGTTIN)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(set(children(master)) - workers) == 0:
        time.sleep(0.2)
    added = sorted(set(children(master)) - workers)
    if not added:
        print("an extra worker: gunicorn did not start one within 60 s")
        return
    time.sleep(2)
    for urls in mixes.values():
        run_rate(args, urls(500), 25.0, 20.0)
    drain(args)
    after = group_pss(master)
    print(
        f"an extra worker (gunicorn SIGTTIN, then 20 s of each mix): the group's PSS "
        f"{before:.0f} → {after:.0f} MiB, so one more worker adds {after - before:.0f} MiB "
        f"(target ≤ 30 MiB); the new worker itself: {describe_memory(memory(added[0]))}"
    )
    os.kill(master, signal.SIGTTOU)


def warm_up(args: argparse.Namespace) -> None:
    """A first request per worker (each opens the index files), then quick answers
    from every worker."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor

    firsts: list[float] = []

    def ask_until_quick(seed: int) -> None:
        quick_in_a_row = 0
        for url in question_urls(random.Random(seed), 1000):
            began = time.monotonic()
            connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=600)
            connection.request("GET", url)
            connection.getresponse().read()
            connection.close()
            if not firsts or len(firsts) < args.workers:
                firsts.append((time.monotonic() - began) * 1000)
            quick_in_a_row = quick_in_a_row + 1 if time.monotonic() - began < 0.2 else 0
            if quick_in_a_row >= 10:
                return

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        list(pool.map(ask_until_quick, range(args.seed + 3, args.seed + 3 + args.workers)))
    print(
        f"gunicorn workers answering quickly in {time.monotonic() - started:.1f} s; first "
        f"requests {', '.join(f'{each:.0f} ms' for each in firsts)}"
    )


def start_load(args: argparse.Namespace, urls: list[str], rate: float, seconds: float) -> Any:
    plan = {"urls": urls, "port": args.port, "rps": rate, "seconds": seconds}
    generator = subprocess.Popen(
        [sys.executable, __file__, "--loadgen", "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert generator.stdin is not None
    generator.stdin.write(json.dumps(plan))
    generator.stdin.close()
    return generator


def finish_load(generator: Any) -> dict[str, Any]:
    output = generator.stdout.read()
    generator.wait()
    return dict(json.loads(output))


def run_rate(args: argparse.Namespace, urls: list[str], rate: float, seconds: float) -> Any:
    return finish_load(start_load(args, urls, rate, seconds))


def drain(args: argparse.Namespace) -> None:
    """Wait until the server answers quickly again: requests a load generator gave up
    on stay queued in the listen backlog, and the workers still answer each."""
    import http.client

    deadline, quick = time.monotonic() + 600, 0
    while time.monotonic() < deadline and quick < 3:
        began = time.monotonic()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
            connection.request("GET", POPULAR_PAGES[0])
            connection.getresponse().read()
            connection.close()
        except OSError:
            quick = 0
            continue
        quick = quick + 1 if time.monotonic() - began < 0.1 else 0
        time.sleep(0.2)
    time.sleep(1)


def held(report: dict[str, Any]) -> bool:
    latencies = report["latencies"]
    return (
        report["errors"] == 0
        and report["ok"] == report["sent"]
        and bool(latencies)
        and percentile(latencies, 0.99) <= 250
    )


def bulk_change(args: argparse.Namespace, city: Any) -> None:
    """While 20 new questions a second are asked, change ``--bulk`` rows the way the
    nightly schedule refresh does (an UPDATE per 1,000 rows, stamping updated_at),
    then wait for the task queue to rebuild and swap the files."""
    from datetime import timedelta

    from django.db.models import F
    from django.utils import timezone

    from learningcity.catalogue import search
    from learningcity.catalogue.models import Opportunity

    root = search.index_root(city)
    before = search.store.current_version(root)
    seconds = 60.0 if args.quick else 90.0
    rng = random.Random(args.seed + 5)
    generator = start_load(args, question_urls(rng, int(20 * seconds)), 20.0, seconds)
    time.sleep(3)
    began = time.monotonic()
    ids = list(
        Opportunity.objects.filter(city=city, is_published=True)
        .order_by("?")
        .values_list("pk", flat=True)[: args.bulk]
    )
    for start in range(0, len(ids), 1000):
        Opportunity.objects.filter(pk__in=ids[start : start + 1000]).update(
            next_start=F("next_start") + timedelta(hours=1), updated_at=timezone.now()
        )
    changed = time.monotonic() - began
    swapped = None
    while time.monotonic() - began < seconds - 5:
        if search.store.current_version(root) != before:
            swapped = time.monotonic() - began
            break
        time.sleep(0.2)
    report = finish_load(generator)
    latencies = report["latencies"]
    print(
        f"{len(ids):,} rows changed in bulk ({changed:.1f} s) under 20 new questions/s for "
        f"{seconds:.0f} s: files rebuilt and swapped in "
        + (f"{swapped:.1f} s after the change" if swapped else "— not within the run")
    )
    if latencies:
        print(
            f"  {report['ok']:,} of {report['sent']:,} answered, errors {report['errors']}; "
            f"latency {describe(latencies)} (target: worst ≤ 200 ms)"
        )


def step_up(args: argparse.Namespace, name: str, make_urls: Any) -> None:
    steps = [float(each) for each in args.steps.split(",") if each]
    best = 0.0
    print(f"sustained load, {name}: {args.workers} gunicorn sync workers, stepping the rate up:")
    for rate in steps:
        report = run_rate(args, make_urls(int(rate * args.step_seconds)), rate, args.step_seconds)
        report_load(f"{rate:.0f}/s for {args.step_seconds:.0f} s", report)
        drain(args)
        if not held(report):
            break
        best = rate
    print(f"  highest rate held with p99 ≤ 250 ms and no error: {best:.0f} requests/s")
    report = run_rate(
        args, make_urls(int(args.rps * args.load_seconds)), args.rps, args.load_seconds
    )
    report_load(f"{args.rps:.0f}/s for {args.load_seconds:.0f} s", report)
    verdict = "held" if held(report) else "NOT held"
    print(
        f"  target {args.rps:.0f} requests/s for {args.load_seconds:.0f} s, "
        f"p99 ≤ 250 ms, 0 errors: {verdict}"
    )
    drain(args)


def report_load(label: str, report: dict[str, Any]) -> None:
    latencies = report["latencies"]
    print(
        f"  {label}: {report['ok']:,} answered 200 of {report['sent']:,} sent "
        f"({report['ok'] / report['duration']:.1f}/s over {report['duration']:.1f} s), "
        f"errors {report['errors']} {' '.join(report['error_kinds'])}"
    )
    if latencies:
        print(f"    latency {describe(latencies)}")


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


def report_connections() -> None:
    """Say how database connections are kept, and check it: two requests in a row
    served by the same connection."""
    from django.db import connection
    from django.test import Client

    client = Client()
    client.get(POPULAR_PAGES[0])
    first = id(connection.connection)
    client.get(POPULAR_PAGES[0])
    kept = connection.connection is not None and id(connection.connection) == first
    print(
        f"database: {connection.vendor}, DATABASE_CONN_MAX_AGE "
        f"{connection.settings_dict['CONN_MAX_AGE']} s "
        f"(one connection across requests: {'yes' if kept else 'no'}); "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )


def main() -> None:
    args = parse_args()
    if args.loadgen:  # the load generator, in its own process; its plan comes on stdin
        print(json.dumps(_generate(json.loads(sys.stdin.read()))))
        return
    if args.first_search:
        first_search(args)
        return
    setup_django(args)
    from django.db import connection

    print("learningcity finder benchmark (the machine's load makes these figures noisy)")
    city = seed(args)
    report_connections()
    build_files(city)
    measure_first_search(args)
    measure_search(city, args)
    measure_pages(args)
    if not args.skip_load:
        connection.close()
        run_server(args, city)


if __name__ == "__main__":
    main()

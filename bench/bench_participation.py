"""Benchmark of civic participation (``make bench-participation``).

Run with ``python bench/bench_participation.py [--quick] [--seconds 60]
[--postgres URL]``. Prints:

1. The proposal list with filters and counts at 100,000 proposals (temporary SQLite
   database, deployed settings, the page through Django's test client): p50/p95 over
   random filters (target p95 ≤ 50 ms).
2. Casting ballots on PostgreSQL (``BENCH_POSTGRES_URL``; skipped, and said so,
   without a server): signed-in residents POST their ballot over HTTP to gunicorn
   with 2 sync workers (the deployed settings), the load generator on the same
   machine sending at a fixed rate: stepped up 100 to 300/s for 10 s each (the highest
   rate held with p99 ≤ 250 ms and no error is printed), then ``--seconds`` at 200/s;
   5 % of the requests are a second ballot by someone who voted (refused). Then the
   stored ballots are counted against those the server accepted: lost ballots and
   ballots counted twice (target ≥ 200/s, 0, 0).
3. The Equal Shares tally, completed, of 50,000 approval ballots over 100 projects
   (pabutools, as ``learningcity participation tally``; target ≤ 60 s), with the
   greedy and plain Equal Shares times beside it. Stopped after ``--tally-limit``
   seconds, and said so.

``--quick``: 20,000 proposals, 10 s of voting, 5,000 ballots in the tally.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _bench import COMPRESSED_STATIC, ROOT, create_bench_city, percentile, setup_bench_django

WORKERS = 2  # gunicorn sync workers, as docs/deployment.md runs it


def proposal_list(count: int) -> None:
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

    from learningcity.core.db import refresh_planner_statistics
    from learningcity.core.models import District
    from learningcity.participation.models import Phase, Process, Proposal, ProposalState

    city = create_bench_city("medellin-bench", "Medellín (bench)", with_districts=True)
    districts = list(District.objects.filter(city=city))
    process = Process.objects.create(city=city, slug="plan", title="Plan", support_threshold=50)
    today = timezone.localdate()
    Phase.objects.create(
        process=process,
        name="Ideas",
        starts_on=today - timedelta(days=5),
        ends_on=today + timedelta(days=5),
        proposals_open=True,
        supports_open=True,
    )
    rng = random.Random(1)
    states = list(ProposalState.values)
    words = ["library", "garden", "coding", "reading", "evening", "family", "digital", "music"]
    now = timezone.now()
    began = time.perf_counter()
    Proposal.objects.bulk_create(
        (
            Proposal(
                process=process,
                title=f"{rng.choice(words).title()} {rng.choice(words)} {n}",
                body="A proposal for the learning plan. " * 3,
                district=rng.choice(districts),
                state=rng.choice(states),
                support_count=rng.randint(0, 200),
                created_at=now - timedelta(minutes=n),
            )
            for n in range(count)
        ),
        batch_size=5000,
    )
    print(f"seeded {count:,} proposals in {time.perf_counter() - began:.1f} s")
    # The planner's statistics, as the nightly refresh (learningcity.periodic) keeps them.
    refresh_planner_statistics()
    client = Client()
    url = f"/{city.slug}/participate/{process.slug}/proposals/"
    client.get(url)
    timings = []
    for _ in range(200):
        query = {}
        if rng.random() < 0.6:
            query["district"] = rng.choice(districts).slug
        if rng.random() < 0.5:
            query["state"] = rng.choice(states)
        if rng.random() < 0.3:
            query["order"] = "supports"
        if rng.random() < 0.2:
            query["q"] = rng.choice(words)
        if rng.random() < 0.3:
            query["page"] = str(rng.randint(1, 20))
        start = time.perf_counter()
        response = client.get(url, query)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    print(
        f"proposal list with filters and counts at {count:,} proposals: "
        f"p50 {percentile(timings, 0.5):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms "
        f"(target p95 ≤ 50 ms)"
    )


# ---- ballots on PostgreSQL ------------------------------------------------------------

VOTE_PORT = 8731
VOTE_STEPS = (100.0, 150.0, 200.0, 250.0, 300.0)
STEP_SECONDS = 10.0
REPEAT_SHARE = 0.05  # this share of the requests are a second vote by someone who voted


def voting(url: str, seconds: float) -> None:
    try:
        import psycopg

        with psycopg.connect(url, autocommit=True, connect_timeout=3) as admin:
            admin.execute("DROP DATABASE IF EXISTS lc_bench_participation")
            admin.execute("CREATE DATABASE lc_bench_participation")
    except Exception as error:
        print(f"casting ballots on PostgreSQL: skipped ({error.__class__.__name__}: {error})")
        return
    scratch = url.rsplit("/", 1)[0] + "/lc_bench_participation"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [sys.executable, str(Path(__file__)), "--voting", scratch, "--seconds", str(seconds)],
        check=False,
        env=env,
    )


def _voting_environment(url: str, data_dir: str) -> dict[str, str]:
    """The deployed settings (DEBUG off) on the scratch PostgreSQL database."""
    return {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench_voting_settings",
        "PYTHONPATH": os.pathsep.join([data_dir, str(ROOT)]),
        "LEARNINGCITY_DATA_DIR": data_dir,
        "LEARNINGCITY_DEBUG": "0",
        "SECRET_KEY": "benchmark-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "HUEY_IMMEDIATE": "0",
    }


def _seed_voters(people: int) -> tuple[Any, list[str]]:
    """A budget open for voting and ``people`` signed-in residents: the session key of
    each (sessions written as Django's login writes them)."""
    from datetime import timedelta

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from learningcity.core.models import User
    from learningcity.participation.models import Budget, BudgetProject, Phase, Process

    city = create_bench_city("medellin-vote", "Medellín (vote)")
    process = Process.objects.create(city=city, slug="budget", title="Budget")
    today = timezone.localdate()
    Phase.objects.create(
        process=process,
        name="Voting",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=1),
        voting_open=True,
    )
    budget = Budget.objects.create(process=process, slug="b", title="B", amount=1_000_000)
    BudgetProject.objects.bulk_create(
        BudgetProject(budget=budget, code=str(n), title=f"P{n}", cost=10_000) for n in range(20)
    )
    unusable = make_password(None)
    User.objects.bulk_create(
        (User(email=f"v{n}@bench.example", password=unusable) for n in range(people)),
        batch_size=5000,
    )
    store = SessionStore()
    expires = timezone.now() + timedelta(days=1)
    sessions = []
    backend = "django.contrib.auth.backends.ModelBackend"
    for user in User.objects.filter(email__endswith="@bench.example").order_by("pk"):
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: backend,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expires)
        )
    Session.objects.bulk_create(sessions, batch_size=5000)
    return budget, [each.session_key for each in sessions]


def _ballot_requests(budget: Any, keys: list[str], count: int, rng: random.Random) -> list[bytes]:
    """``count`` raw HTTP POSTs of a ballot, each by a resident who has not voted yet,
    but for ``REPEAT_SHARE`` of them: a second ballot by someone who has (refused)."""
    from urllib.parse import urlencode

    projects = list(budget.projects.values_list("pk", flat=True))
    path = f"/{budget.process.city.slug}/participate/{budget.process.slug}/budgets/{budget.slug}/"
    token = "b" * 32  # the CSRF secret, sent as cookie and as form field
    requests: list[bytes] = []
    used: list[str] = []
    for _ in range(count):
        if used and rng.random() < REPEAT_SHARE:
            key = rng.choice(used)
        else:
            key = keys.pop()
            used.append(key)
        pairs = [("csrfmiddlewaretoken", token)]
        pairs += [("projects", str(pk)) for pk in rng.sample(projects, 3)]
        body = urlencode(pairs)
        requests.append(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            f"Cookie: sessionid={key}; csrftoken={token}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n{body}".encode()
        )
    return requests


class _Exchange(asyncio.Protocol):
    """One request on its own connection, the answer read until the server closes it:
    a bare protocol, lighter than streams, so the generator (on the same machine)
    takes as little CPU from the server as it can."""

    def __init__(self, request: bytes, answered: asyncio.Future[bytes]) -> None:
        self.request, self.answered, self.received = request, answered, bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        cast(asyncio.Transport, transport).write(self.request)

    def data_received(self, data: bytes) -> None:
        self.received += data

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.answered.done():
            if exc is None:
                self.answered.set_result(bytes(self.received))
            else:
                self.answered.set_exception(exc)


async def _send(requests: list[bytes], rate: float) -> dict[str, Any]:
    """Send ``requests`` at ``rate`` per second (open loop); latency counts from the
    planned send time. 302 is a counted ballot, 400 a refused second ballot."""
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    statuses: dict[str, int] = {}

    async def one(request: bytes, planned: float) -> None:
        answered: asyncio.Future[bytes] = loop.create_future()
        try:
            transport, _protocol = await asyncio.wait_for(
                loop.create_connection(
                    lambda: _Exchange(request, answered), "127.0.0.1", VOTE_PORT
                ),
                timeout=10,
            )
            try:
                answer = await asyncio.wait_for(answered, timeout=10)
            finally:
                transport.close()
            status = answer[9:12].decode(errors="replace")
            latencies.append((loop.time() - planned) * 1000)
        except (TimeoutError, OSError) as error:
            status = type(error).__name__
        statuses[status] = statuses.get(status, 0) + 1

    start = loop.time() + 0.1
    tasks = []
    for number, request in enumerate(requests):
        planned = start + number / rate
        delay = planned - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(request, planned)))
    await asyncio.gather(*tasks)
    return {"statuses": statuses, "latencies": latencies, "duration": loop.time() - start}


def _step(label: str, requests: list[bytes], rate: float) -> tuple[bool, int]:
    report = asyncio.run(_send(requests, rate))
    statuses, latencies = report["statuses"], report["latencies"]
    counted = statuses.get("302", 0)
    errors = sum(n for status, n in statuses.items() if status not in {"302", "400"})
    p99 = percentile(latencies, 0.99) if latencies else float("inf")
    print(
        f"  {label}: {counted / report['duration']:.0f} ballots/s counted "
        f"({counted:,} counted, {statuses.get('400', 0):,} second ballots refused, "
        f"{errors} errors {sorted(s for s in statuses if s not in {'302', '400'})}); "
        f"latency p50 {percentile(latencies, 0.5) if latencies else 0:.0f} ms, "
        f"p99 {p99:.0f} ms"
    )
    return errors == 0 and p99 <= 250, counted


def voting_child(url: str, seconds: float) -> None:
    """Ballots cast over HTTP to gunicorn with 2 sync workers (as deployed), the load
    generator on the same machine: the rate stepped up, then ``seconds`` at 200/s;
    then the stored ballots are counted against the ballots the server accepted."""
    import django

    data_dir = tempfile.mkdtemp(prefix="bench-voting-")
    # As deployed, but for static files served without the hashed-name manifest.
    Path(data_dir, "bench_voting_settings.py").write_text(
        "from learningcity.settings import *  # noqa: F403\n"
        "STORAGES = {**STORAGES, 'staticfiles': {  # noqa: F405\n"
        f"    'BACKEND': {COMPRESSED_STATIC!r}}}}}\n"
    )
    os.environ.update(_voting_environment(url, data_dir))
    sys.path[:0] = [data_dir, str(ROOT)]
    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from learningcity.participation.models import Ballot, BallotChoice, HasVoted

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    rng = random.Random(7)
    plan = [(rate, STEP_SECONDS) for rate in VOTE_STEPS] + [(200.0, seconds)]
    people = int(sum(rate * length for rate, length in plan)) + 10
    budget, keys = _seed_voters(people)
    connections.close_all()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn), "learningcity.wsgi:application", "--bind", f"127.0.0.1:{VOTE_PORT}",
            "--workers", str(WORKERS), "--worker-class", "sync", "--backlog", "2048",
            "--preload", "--timeout", "60", "--log-level", "warning",
        ],
        cwd=ROOT, env={**os.environ}, start_new_session=True,
    )  # fmt: skip
    counted = 0
    try:
        _wait_for_port(VOTE_PORT, 60)
        print(f"casting ballots over HTTP on PostgreSQL, gunicorn with {WORKERS} sync workers:")
        best = 0.0
        for rate, length in plan[:-1]:
            requests = _ballot_requests(budget, keys, int(rate * length), rng)
            ok, n = _step(f"{rate:.0f}/s for {length:.0f} s", requests, rate)
            counted += n
            time.sleep(2)
            if not ok:
                break
            best = rate
        print(f"  highest rate held with p99 ≤ 250 ms and no error: {best:.0f} ballots/s")
        rate, length = plan[-1]
        requests = _ballot_requests(budget, keys, int(rate * length), rng)
        ok, n = _step(f"{rate:.0f}/s for {length:.0f} s", requests, rate)
        counted += n
        print(
            f"  target 200 ballots/s for {length:.0f} s, p99 ≤ 250 ms: "
            + ("held" if ok else "NOT held")
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    ballots = Ballot.objects.filter(budget=budget).count()
    voted = HasVoted.objects.filter(budget=budget).count()
    choices = BallotChoice.objects.filter(ballot__budget=budget).count()
    print(
        f"  stored {ballots:,} ballots, {voted:,} 'has voted', {choices:,} choices for "
        f"{counted:,} ballots the server counted: lost {counted - ballots}, counted twice "
        f"{max(0, ballots - voted)}, choices per ballot {choices / max(ballots, 1):.2f} "
        "(target 0, 0, 3.00)"
    )


def _wait_for_port(port: int, seconds: float) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on 127.0.0.1:{port}")


# ---- the tally ------------------------------------------------------------------------


def tally_child(ballots: int, rule: str) -> None:
    from learningcity.engines.budgeting import tally

    text = random_election(ballots, 100)
    began = time.perf_counter()
    outcome = tally(text, rule)
    print(
        f"{rule} tally of {ballots:,} ballots over 100 projects: "
        f"{time.perf_counter() - began:.1f} s, {len(outcome.selected)} funded"
    )


def random_election(ballots: int, projects: int) -> str:
    rng = random.Random(50)
    costs = [rng.randint(20, 400) * 1000 for _ in range(projects)]
    popularity = [rng.random() ** 2 for _ in range(projects)]
    total = sum(popularity)
    lines = [
        "META",
        "key;value",
        f"budget;{sum(costs) // 4}",
        "vote_type;approval",
        "PROJECTS",
        "project_id;cost",
    ]
    lines += [f"{j + 1};{c}" for j, c in enumerate(costs)]
    lines += ["VOTES", "voter_id;vote"]
    for i in range(ballots):
        k = rng.randint(1, 8)
        chosen = sorted(set(rng.choices(range(projects), weights=popularity, k=k)))
        lines.append(f"{i + 1};{','.join(str(j + 1) for j in chosen)}")
    del total
    return "\n".join(lines) + "\n"


def tallies(ballots: int, limit: float) -> None:
    for rule in ("greedy", "equal-shares", "equal-shares-completed"):
        try:
            subprocess.run(
                [sys.executable, str(Path(__file__)), "--tally", rule, "--ballots", str(ballots)],
                check=False,
                timeout=limit,
            )
        except subprocess.TimeoutExpired:
            print(
                f"{rule} tally of {ballots:,} ballots over 100 projects: stopped after "
                f"{limit:.0f} s (target for equal-shares-completed: ≤ 60 s)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seconds", type=float, default=0)
    parser.add_argument("--tally-limit", type=float, default=600)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--voting", default="", help=argparse.SUPPRESS)
    parser.add_argument("--tally", default="", help=argparse.SUPPRESS)
    parser.add_argument("--ballots", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    seconds = args.seconds or (10 if args.quick else 60)
    if args.voting:
        voting_child(args.voting, seconds)
        return
    if args.tally:
        tally_child(args.ballots, args.tally)
        return
    data_dir = tempfile.mkdtemp(prefix="bench-participation-")
    setup_bench_django(data_dir, "participation")
    proposal_list(20_000 if args.quick else 100_000)
    voting(args.postgres, seconds)
    tallies(5_000 if args.quick else 50_000, args.tally_limit)


if __name__ == "__main__":
    main()

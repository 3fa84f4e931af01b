"""Benchmark of civic participation (``make bench-participation``).

Run with ``python bench/bench_participation.py [--quick] [--seconds 60]
[--postgres URL]``. Prints:

1. The proposal list with filters and counts at 100,000 proposals (temporary SQLite
   database, deployed settings, the page through Django's test client): p50/p95 over
   random filters (target p95 ≤ 50 ms).
2. Casting ballots on PostgreSQL (``BENCH_POSTGRES_URL``; skipped, and said so,
   without a server): 2 worker processes × 8 threads calling ``cast_ballot`` for
   ``--seconds`` (every person tries twice), then ballots/s, lost ballots (accepted
   but not stored) and ballots counted twice (target ≥ 200/s, 0, 0).
3. The Equal Shares tally, completed, of 50,000 approval ballots over 100 projects
   (pabutools, as ``learningcity participation tally``; target ≤ 60 s), with the
   greedy and plain Equal Shares times beside it. Stopped after ``--tally-limit``
   seconds, and said so.

``--quick``: 20,000 proposals, 10 s of voting, 5,000 ballots in the tally.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _bench import ROOT, create_bench_city, percentile, setup_bench_django

THREADS = 8
WORKERS = 2


def proposal_list(count: int) -> None:
    from datetime import timedelta

    from django.test import Client
    from django.utils import timezone

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


def _voting_worker(url: str, budget_id: int, user_ids: list[int], seconds: float, out) -> None:  # type: ignore[no-untyped-def]
    import django

    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "learningcity.settings"
    django.setup()
    from django.core.exceptions import ValidationError
    from django.db import connections

    from learningcity.core.models import User
    from learningcity.participation import services
    from learningcity.participation.models import Budget

    budget = Budget.objects.select_related("process__city").get(pk=budget_id)
    projects = list(budget.projects.values_list("pk", flat=True))
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}
    connections.close_all()
    lock = threading.Lock()
    queue = list(user_ids)
    accepted = refused = errors = 0
    deadline = time.perf_counter() + seconds

    def run() -> None:
        nonlocal accepted, refused, errors
        rng = random.Random(threading.get_ident())
        while time.perf_counter() < deadline:
            with lock:
                if not queue:
                    return
                user_id = queue.pop()
            for _attempt in range(2):  # every person tries twice
                try:
                    services.cast_ballot(
                        actor=users[user_id],
                        budget=budget,
                        project_ids=rng.sample(projects, 2),
                    )
                    with lock:
                        accepted += 1
                except ValidationError:
                    with lock:
                        refused += 1
                except Exception:
                    with lock:
                        errors += 1
        connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put((accepted, refused, errors))


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


def voting_child(url: str, seconds: float) -> None:
    import django

    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "learningcity.settings"
    sys.path.insert(0, str(ROOT))
    django.setup()
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from learningcity.core.models import User
    from learningcity.participation.models import (
        Ballot,
        BallotChoice,
        Budget,
        BudgetProject,
        HasVoted,
        Phase,
        Process,
    )

    call_command("migrate", verbosity=0)
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
    people = int(max(seconds, 1) * 600)
    unusable = make_password(None)
    User.objects.bulk_create(
        (User(email=f"v{n}@bench.example", password=unusable) for n in range(people)),
        batch_size=5000,
    )
    ids = list(User.objects.filter(email__endswith="@bench.example").values_list("pk", flat=True))
    connections.close_all()
    out: multiprocessing.Queue = multiprocessing.Queue()
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_voting_worker, args=(url, budget.pk, ids[k::WORKERS], seconds, out))
        for k in range(WORKERS)
    ]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    results = [out.get() for _ in workers]
    for worker in workers:
        worker.join()
    took = time.perf_counter() - began
    accepted = sum(r[0] for r in results)
    refused = sum(r[1] for r in results)
    errors = sum(r[2] for r in results)
    ballots = Ballot.objects.filter(budget=budget).count()
    voted = HasVoted.objects.filter(budget=budget).count()
    choices = BallotChoice.objects.filter(ballot__budget=budget).count()
    print(
        f"casting ballots on PostgreSQL, {WORKERS} workers × {THREADS} threads for "
        f"{took:.0f} s: {accepted / took:.0f} ballots/s ({accepted:,} accepted, {refused:,} "
        f"second tries refused, {errors} errors); stored {ballots:,} ballots, {voted:,} "
        f"'has voted', {choices:,} choices: lost {accepted - ballots}, counted twice "
        f"{max(0, ballots - voted)} (target ≥ 200/s, 0, 0)"
    )


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

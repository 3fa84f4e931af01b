"""``make bench-events``: the conference's busy moments, with the issue's targets.

- Registration opening: 350 registrations through the registration page (the test
  client, deployed settings, a temporary SQLite database): the time for all of them
  (target: within one minute) and the p95 of one.
- 100 people booking a 20-place site visit at the same moment on PostgreSQL (the
  catalogue's enrolment with its row lock): booked, waiting, errors (target: 20, 80,
  0). Uses ``--postgres`` (default ``postgres://postgres@127.0.0.1:5432/postgres``)
  to create a scratch database ``lc_bench_events``; skipped, and said so, without
  a server.
- Badge PDFs for 350 participants through the background job (weasyprint, A6, QR
  codes): the total time (target: 30 s) and the progress reports written on the way.
- Check-in by QR: the page the badge's code opens and the check-in itself, p50/p95
  over 200 badges (target: 100 ms)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

from _bench import ROOT, create_bench_city, percentile, setup_bench_django

PARTICIPANTS = 350


def _conference() -> Any:
    from django.utils import timezone

    from learningcity.events.models import Conference

    today = timezone.localdate()
    conference = Conference.objects.create(
        slug="bench",
        title="Bench conference",
        city=create_bench_city("bench-city", "Bench city"),
        starts_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=32),
        capacity=400,
        registration_opens_on=today - timedelta(days=1),
        registration_closes_on=today + timedelta(days=20),
    )
    for position, code in enumerate(["delegation", "expert", "partner", "press"]):
        conference.categories.create(code=code, name=code.title(), position=position)
    return conference


def registration_opening(conference: Any) -> None:
    from django.test import Client

    from learningcity.core.models import User

    users = [
        User.objects.create_user(email=f"participant{n}@example.org", password=None)
        for n in range(PARTICIPANTS)
    ]
    timings = []
    started = time.perf_counter()
    for number, user in enumerate(users):
        client = Client()
        client.force_login(user)
        began = time.perf_counter()
        response = client.post(
            f"/network/events/{conference.slug}/register/",
            {
                "category": ["delegation", "expert", "partner", "press"][number % 4],
                "full_name": f"Participant {number}",
                "country_code": "CO",
            },
        )
        timings.append(time.perf_counter() - began)
        assert response.status_code == 302, response.status_code
    total = time.perf_counter() - started
    print(
        f"registration opening: {PARTICIPANTS} registrations in {total:.1f} s "
        f"(target 60 s), one p50 {percentile(timings, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(timings, 0.95) * 1000:.0f} ms"
    )


def badges(conference: Any) -> None:
    from learningcity.events import printing
    from learningcity.events.models import BadgePrint

    job = BadgePrint.objects.create(conference=conference, stamp="en-bench")
    reports: list[tuple[str, int]] = []
    original = printing.jobs.report

    def noted(job_row: Any, stage: str, percent: int) -> None:
        reports.append((stage, percent))
        original(job_row, stage, percent)

    printing.jobs.report = noted  # type: ignore[assignment]
    started = time.perf_counter()
    made = printing.run_badges(job.pk)
    total = time.perf_counter() - started
    printing.jobs.report = original  # type: ignore[assignment]
    job.refresh_from_db()
    print(
        f"badges: {job.pages} A6 pages for {PARTICIPANTS} participants in {total:.1f} s "
        f"(target 30 s), made={made}, {len(reports)} progress reports "
        f"({', '.join(f'{s} {p}%' for s, p in reports[-3:])}), "
        f"{job.file.size / 1024:.0f} KiB"
    )


def check_in(conference: Any) -> None:
    from django.test import Client

    from learningcity.core.models import Role, RoleGrant, User

    staff = User.objects.create_user(email="staff@example.org", password=None)
    RoleGrant.objects.create(user=staff, role=Role.NETWORK_COORDINATOR)
    client = Client()
    client.force_login(staff)
    codes = list(conference.registrations.values_list("badge_code", flat=True)[:200])
    opened, checked = [], []
    for code in codes:
        url = f"/network/events/{conference.slug}/check-in/{code}/"
        began = time.perf_counter()
        assert client.get(url).status_code == 200
        opened.append(time.perf_counter() - began)
        began = time.perf_counter()
        assert client.post(url).status_code == 200
        checked.append(time.perf_counter() - began)
    print(
        f"check-in by QR ({len(codes)} badges): open p50 {percentile(opened, 0.5) * 1000:.1f} ms, "
        f"p95 {percentile(opened, 0.95) * 1000:.1f} ms; check in p50 "
        f"{percentile(checked, 0.5) * 1000:.1f} ms, p95 {percentile(checked, 0.95) * 1000:.1f} ms "
        "(target 100 ms)"
    )


def visit_race(url: str) -> None:
    """Run in a child process on PostgreSQL: 100 bookings of 20 places at once."""
    import django

    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "learningcity.settings"
    os.environ["HUEY_IMMEDIATE"] = "1"
    # The booking e-mails are written but not sent: no mail server in a benchmark.
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from learningcity.core.models import User
    from learningcity.events import conference_services

    call_command("migrate", verbosity=0)
    conference = _conference()
    start = timezone.now() + timedelta(days=10)
    visit = conference_services.create_site_visit(
        actor=None,
        conference=conference,
        title="Library park",
        description="",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        places=20,
        meeting_point="Gate",
        accessibility=[],
        accessibility_note="",
        latitude=6.2,
        longitude=-75.5,
    )
    people = [
        User.objects.create_user(email=f"v{n}@example.org", password=None) for n in range(100)
    ]
    connections.close_all()
    barrier = threading.Barrier(100)
    gate = threading.BoundedSemaphore(40)
    errors: list[str] = []

    def book(person: Any) -> str:
        barrier.wait()
        with gate:
            try:
                return str(conference_services.book_visit(visit=visit, user=person).status)
            except Exception as error:
                errors.append(repr(error))
                return "error"
            finally:
                connections.close_all()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=100) as pool:
        statuses = list(pool.map(book, people))
    total = time.perf_counter() - started
    print(
        f"site visit race on PostgreSQL: 100 bookings of 20 places in {total:.2f} s: "
        f"{statuses.count('confirmed')} booked, {statuses.count('waitlisted')} waiting, "
        f"{len(errors)} errors (target 20, 80, 0)"
    )


def run_race(server_url: str) -> None:
    try:
        import psycopg

        with psycopg.connect(server_url, autocommit=True, connect_timeout=3) as admin:
            admin.execute("DROP DATABASE IF EXISTS lc_bench_events")
            admin.execute("CREATE DATABASE lc_bench_events")
    except Exception as error:
        print(f"site visit race on PostgreSQL: skipped ({error.__class__.__name__}: {error})")
        return
    scratch = server_url.rsplit("/", 1)[0] + "/lc_bench_events"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [sys.executable, str(Path(__file__)), "--visit-race", scratch], check=False, env=env
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default="")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--visit-race", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.visit_race:
        visit_race(args.visit_race)
        return
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="bench-events-")
    setup_bench_django(data_dir, "events")
    sys.path.insert(0, str(ROOT))
    conference = _conference()
    registration_opening(conference)
    badges(conference)
    check_in(conference)
    run_race(args.postgres)


if __name__ == "__main__":
    main()

"""``make bench-credentials``: verifiable credentials and "find my way" at scale.

A temporary SQLite database with the deployed settings (DEBUG off). Prints:

- signing one credential (the eddsa-rdfc-2022 proof alone, and the whole
  ``issue_credential`` service with its transaction) and verifying one in Python
  (the full check: signature, terms, schema, dates, status list): medians;
- a batch of ``--batch`` credentials (default 1,000) for a completed course, issued
  by the same code the background task runs, with its progress as it goes;
- "find my way" to a qualification in a catalogue of ``--opportunities`` (default
  100,000): the plan alone and the whole page (test client): median and p95."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta

from _bench import create_bench_city, percentile, setup_bench_django


def _time(function, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    options = parser.parse_args()
    data_dir = options.data_dir or tempfile.mkdtemp(prefix="bench-credentials-")
    setup_bench_django(
        data_dir,
        "credentials",
        static_storage="django.contrib.staticfiles.storage.StaticFilesStorage",
    )

    from django.utils import timezone

    from learningcity.catalogue.models import (
        Enrolment,
        EnrolmentStatus,
        Format,
        Level,
        Opportunity,
        Provider,
        Session,
    )
    from learningcity.core.models import User
    from learningcity.credentials import keystore, services, verification
    from learningcity.credentials.models import Achievement, IssueBatch, Qualification, Unit
    from learningcity.credentials.vc import dataintegrity, didkey

    city = create_bench_city("benchcity", "Bench City")
    provider = Provider.objects.create(
        city=city, slug="college", name="Migrant College", sector="public"
    )
    now = timezone.now()
    course = Opportunity.objects.create(
        city=city,
        provider=provider,
        slug="care-1",
        title="Care unit 1",
        level=Level.VOCATIONAL,
        format=Format.IN_PERSON,
    )
    sessions = [
        Session.objects.create(
            opportunity=course,
            starts_at=now - timedelta(days=d),
            ends_at=now - timedelta(days=d, hours=-2),
        )
        for d in (30, 20, 10)
    ]
    badge = Achievement.objects.create(
        city=city,
        provider=provider,
        opportunity=course,
        name="Care unit 1",
        description="Personal care.",
        criteria="75% attendance.",
        basis=Achievement.Basis.ATTENDANCE,
    )
    staff = User.objects.create_user(email="staff@bench.example", password="x" * 20)

    def learners(count: int, prefix: str) -> list[User]:
        people = User.objects.bulk_create(
            User(email=f"{prefix}{n}@bench.example", display_name=f"Learner {n}")
            for n in range(count)
        )
        people = list(User.objects.filter(email__startswith=prefix))
        Enrolment.objects.bulk_create(
            Enrolment(session=session, user=person, status=EnrolmentStatus.ATTENDED)
            for person in people
            for session in sessions
        )
        return people

    # -- signing and verifying one credential ----------------------------------------
    single = learners(options.runs, "single-")
    issued = []
    issue_times = []
    for person in single:
        started = time.perf_counter()
        issued.append(services.issue_credential(actor=staff, achievement=badge, person=person))
        issue_times.append((time.perf_counter() - started) * 1000)
    key = issued[0].issuer_key
    private = keystore.open_private_key(key.private_key_encrypted)
    unsigned = {k: v for k, v in issued[0].document.items() if k != "proof"}
    method = didkey.verification_method_for(key.did)
    sign_times = _time(lambda: dataintegrity.sign(unsigned, private, method), options.runs)
    documents = [each.document for each in issued]
    verify_times = []
    for document in documents:
        started = time.perf_counter()
        assert verification.verify_credential(document).is_valid
        verify_times.append((time.perf_counter() - started) * 1000)
    print(f"sign (eddsa-rdfc-2022 proof only): median {statistics.median(sign_times):.1f} ms")
    print(f"issue_credential (whole service):  median {statistics.median(issue_times):.1f} ms")
    print(f"verify in Python (full check):     median {statistics.median(verify_times):.1f} ms")

    # -- a batch for a completed course ------------------------------------------------
    learners(options.batch, "batch-")
    batch = IssueBatch.objects.create(achievement=badge, requested_by=staff)
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print(f"  batch: {done:>5} of {total} ({time.perf_counter() - started:5.1f} s)", flush=True)

    services.run_batch(batch.pk, report_every=max(1, options.batch // 10), on_progress=progress)
    elapsed = time.perf_counter() - started
    batch.refresh_from_db()
    print(
        f"batch of {batch.issued} credentials: {elapsed:.1f} s "
        f"({elapsed / max(1, batch.issued) * 1000:.1f} ms each)"
    )

    # -- find my way at catalogue scale -----------------------------------------------
    started = time.perf_counter()
    soon = now + timedelta(days=20)
    Opportunity.objects.bulk_create(
        (
            Opportunity(
                city=city,
                provider=provider,
                slug=f"o-{n}",
                title=f"Opportunity {n}",
                level=Level.NON_FORMAL,
                format=Format.IN_PERSON,
                languages=["es" if n % 3 else "en"],
                next_start=soon + timedelta(days=n % 200),
            )
            for n in range(options.opportunities)
        ),
        batch_size=5000,
    )
    print(
        f"catalogue of {options.opportunities:,} opportunities built in "
        f"{time.perf_counter() - started:.1f} s"
    )
    qualification = Qualification.objects.create(
        city=city,
        provider=provider,
        code="CARE",
        title="Care assistant",
        awarding_body="Body",
        isced_level=3,
        isced_field="0923",
    )
    units = [
        Unit.objects.create(
            qualification=qualification,
            code="LANG",
            title="Spanish B1",
            kind="language",
            language="es",
            cefr_level="B1",
        )
    ]
    units += [
        Unit.objects.create(
            qualification=qualification, code=f"U{n}", title=f"Unit {n}", position=n
        )
        for n in range(1, 9)
    ]
    units.append(
        Unit.objects.create(
            qualification=qualification,
            code="EXAM",
            title="Assessment",
            kind="assessment",
            position=99,
        )
    )
    picks = list(
        Opportunity.objects.filter(city=city).order_by("?").values_list("pk", flat=True)[:400]
    )
    for number, unit in enumerate(units):
        unit.opportunities.set(picks[number * 40 : (number + 1) * 40])

    from learningcity.credentials import pathways

    today = timezone.localdate()
    plan_times = _time(
        lambda: pathways.plan_for(
            qualification,
            city,
            languages={"ar": "C2", "es": "A2"},
            held=frozenset(),
            available_from=today,
        ),
        options.runs,
    )
    from django.test import Client

    client = Client()
    url = (
        f"/{city.slug}/credentials/find/?qualification={qualification.pk}"
        "&language_1=ar&level_1=C2&language_2=es&level_2=A2"
    )
    assert client.get(url).status_code == 200
    page_times = _time(lambda: client.get(url), options.runs)
    print(
        f"find my way ({options.opportunities:,} opportunities): "
        f"plan median {statistics.median(plan_times):.1f} ms, "
        f"p95 {percentile(plan_times, 0.95):.1f} ms; "
        f"page median {statistics.median(page_times):.1f} ms, "
        f"p95 {percentile(page_times, 0.95):.1f} ms"
    )
    if elapsed > 30 or percentile(page_times, 0.95) > 200:
        print("over budget: batch ≤ 30 s, find my way ≤ 200 ms", file=sys.stderr)


if __name__ == "__main__":
    main()

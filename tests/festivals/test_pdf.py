"""The printable programme: a huey task makes an A5 PDF (checked from the file), the
page shows progress until it is ready, the file is kept until the festival changes,
and Arabic is laid out."""

import re
import zlib
from datetime import timedelta

import pytest

from learningcity.festivals import printing, services
from learningcity.festivals.models import PrintStatus, ProgrammePrint
from tests.catalogue.factories import make_opportunity
from tests.conftest import client_for
from tests.festivals.factories import session_on, setup_city

pytestmark = pytest.mark.django_db

# A5 in PostScript points: 148 × 210 mm.
A5 = (419.53, 595.28)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def setup(city_a, coordinator_a):
    setup = setup_city(city_a)
    for number in range(12):
        talk = make_opportunity(setup.provider, title=f"Talk number {number}")
        day = setup.festival.starts_on + timedelta(days=number % 3)
        entry = services.submit_opportunity(
            actor=setup.staff,
            submission=services.Submission(
                setup.festival, setup.provider, talk, [session_on(talk, day, 10 + number % 8)]
            ),
        )
        services.decide_entry(actor=coordinator_a, entry=entry, accept=True)
    return setup


def readable(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams hold the pages) unpacked."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(
        rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", readable(pdf)
    )
    return [(float(x2) - float(x1), float(y2) - float(y1)) for x1, y1, x2, y2 in boxes]


def test_booklet_is_made_by_the_task_and_downloaded(
    client, setup, django_capture_on_commit_callbacks
):
    url = f"/{setup.city.slug}/festivals/{setup.festival.slug}/booklet/"
    first = client.get(url).content.decode()
    assert "Prepare the printable programme" in first
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    job = ProgrammePrint.objects.get()
    assert job.status == PrintStatus.DONE and job.pages >= 2
    page = client.get(url).content.decode()
    assert "The programme is ready" in page and "refresh" not in page
    download = client.get(f"/{setup.city.slug}/festivals/{setup.festival.slug}/booklet.pdf")
    pdf = b"".join(download.streaming_content)
    assert download["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF")
    sizes = page_sizes(pdf)
    assert len(sizes) == job.pages
    assert all(abs(w - A5[0]) < 1 and abs(h - A5[1]) < 1 for w, h in sizes)
    # Asked again for the same state: the same file, no new job.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert ProgrammePrint.objects.count() == 1


def test_a_change_to_the_festival_makes_the_file_out_of_date(
    client, setup, coordinator_a, django_capture_on_commit_callbacks
):
    url = f"/{setup.city.slug}/festivals/{setup.festival.slug}/booklet/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    old = ProgrammePrint.objects.get()
    services.update_festival(
        actor=coordinator_a, festival=setup.festival, changes={"name": "Renamed"}
    )
    assert "Prepare the printable programme" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    new = ProgrammePrint.objects.get()  # the old one and its file are gone
    assert new.pk != old.pk and new.status == PrintStatus.DONE
    assert not old.file.storage.exists(old.file.name)


def test_progress_is_shown_while_the_task_runs(client, setup):
    job = ProgrammePrint.objects.create(
        festival=setup.festival,
        language="en",
        stamp=services.programme_stamp(setup.festival),
        status=PrintStatus.RUNNING,
        stage="layout",
        progress=40,
        total=100,
        attempts=1,
        lease_expires_at=job_lease(),
    )
    url = f"/{setup.city.slug}/festivals/{setup.festival.slug}/booklet/"
    page = client.get(url).content.decode()
    assert 'http-equiv="refresh"' in page and "laying out the pages" in page
    assert '<progress max="100" value="40"' in page
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="booklet-status"') and 'hx-trigger="every 2s"' in partial
    assert job.is_busy
    assert (
        client.get(f"/{setup.city.slug}/festivals/{setup.festival.slug}/booklet.pdf").status_code
        == 302
    )


def job_lease():
    from django.utils import timezone

    return timezone.now() + timedelta(minutes=5)


def test_a_stalled_print_is_queued_again(client, setup, django_capture_on_commit_callbacks):
    from django.utils import timezone

    job = ProgrammePrint.objects.create(
        festival=setup.festival,
        language="en",
        stamp=services.programme_stamp(setup.festival),
        status=PrintStatus.RUNNING,
        attempts=1,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"/{setup.city.slug}/festivals/{setup.festival.slug}/booklet/")
    job.refresh_from_db()
    assert job.status == PrintStatus.DONE and job.attempts == 2


def test_a_stalled_print_nobody_looks_at_is_queued_again_by_the_reaper(
    setup, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from learningcity import periodic

    job = ProgrammePrint.objects.create(
        festival=setup.festival,
        language="en",
        stamp=services.programme_stamp(setup.festival),
        status=PrintStatus.RUNNING,
        attempts=1,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        periodic.reap_stalled_jobs.call_local()
    job.refresh_from_db()
    assert job.status == PrintStatus.DONE and job.attempts == 2


def test_a_print_is_made_once_even_if_queued_twice(setup):
    job = ProgrammePrint.objects.create(
        festival=setup.festival, language="en", stamp=services.programme_stamp(setup.festival)
    )
    assert printing.run_print(job.pk) is True
    assert printing.run_print(job.pk) is False


def test_arabic_booklet_is_laid_out_right_to_left(setup):
    pdf, pages = printing.render_pdf(setup.festival, "ar")
    assert pdf.startswith(b"%PDF") and pages >= 2
    assert all(abs(w - A5[0]) < 1 for w, _h in page_sizes(pdf))


def test_arabic_booklet_page_through_http(setup, django_capture_on_commit_callbacks):
    client = client_for(setup.staff)
    client.cookies["django_language"] = "ar"
    url = f"/{setup.city.slug}/festivals/{setup.festival.slug}/booklet/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert ProgrammePrint.objects.get().language == "ar"

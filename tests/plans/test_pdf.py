"""The progress report as a PDF: asked for by a request, made by a huey task that
writes its progress, shown on a page that works without JavaScript, downloaded when
ready, kept while the plan stays as it is, refused through another city's address,
and made again (or failed with a reason) when its worker dies."""

from datetime import timedelta

import pytest
from django.utils import timezone

from learningcity import periodic
from learningcity.core.jobs import FileJobStatus
from learningcity.plans import printing, services
from learningcity.plans.models import Action, ReportPrint
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PAGE = "/alpha/plan/report/pdf/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def a_job(plan, **fields):
    """A print of the plan as it stands now, in English, in the state ``fields`` say."""
    version = plan.versions.get()
    return ReportPrint.objects.create(
        version=version,
        language="en",
        stamp=printing.report_stamp(plan.city, version),
        **fields,
    )


def test_asked_made_by_the_task_and_downloaded(
    client, published, django_capture_on_commit_callbacks
):
    first = client.get(PAGE)
    assert first.status_code == 200 and "Prepare the PDF" in first.content.decode()
    assert not ReportPrint.objects.exists()  # looking at the page asks for nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE)
    assert response.status_code == 302 and response["Location"] == PAGE
    job = ReportPrint.objects.get()
    assert job.status == FileJobStatus.DONE and job.pages >= 1 and job.attempts == 1
    assert job.file.name.startswith("plans/reports/alpha-plan-v1-en-")
    page = client.get(PAGE).content.decode()
    assert "The PDF is ready" in page and "refresh" not in page
    download = client.get(f"{PAGE}{job.pk}/")
    pdf = b"".join(download.streaming_content)
    assert download["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF")
    assert download["Content-Disposition"] == 'attachment; filename="alpha-plan-v1-progress-en.pdf"'
    # Asked again while nothing it shows has changed: the same file, no new job.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PAGE)
    assert ReportPrint.objects.get().pk == job.pk


def test_the_old_address_leads_to_the_pdf_page(client, published):
    response = client.get("/alpha/plan/report.pdf")
    assert response.status_code == 302 and response["Location"] == PAGE


def test_a_progress_update_makes_the_file_out_of_date(
    client, published, coordinator_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PAGE)
    old = ReportPrint.objects.get()
    services.post_action_update(
        actor=coordinator_a,
        action=Action.objects.get(title="Reading circles"),
        data={"status": "done", "note": "Finished"},
    )
    assert "Prepare the PDF" in client.get(PAGE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PAGE)
    new = ReportPrint.objects.get()  # the old row and its file are gone
    assert new.pk != old.pk and new.status == FileJobStatus.DONE
    assert not old.file.storage.exists(old.file.name)


def test_progress_is_shown_without_javascript_while_the_task_runs(client, published):
    job = a_job(
        published,
        status=FileJobStatus.RUNNING,
        stage="layout",
        progress=40,
        total=100,
        attempts=1,
        lease_expires_at=timezone.now() + timedelta(minutes=5),
    )
    page = client.get(PAGE).content.decode()
    # Without JavaScript: the page reloads itself, and a link reloads it by hand.
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert f'<a href="{PAGE}">Show the progress now</a>' in page
    assert "laying out the pages (40%)" in page
    assert '<progress max="100" value="40"' in page
    # With htmx: only the status is fetched again, every two seconds.
    partial = client.get(PAGE, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="pdf-status"') and 'hx-trigger="every 2s"' in partial
    # Not ready: the file's address leads back to the page.
    assert client.get(f"{PAGE}{job.pk}/")["Location"] == PAGE


def test_the_task_writes_its_progress_as_it_goes(published, monkeypatch):
    job = a_job(published)
    seen = []
    real = printing.jobs.report

    def watching(job, stage, percent):
        real(job, stage, percent)
        row = ReportPrint.objects.get(pk=job.pk)
        seen.append((row.status, row.stage, row.progress))

    monkeypatch.setattr(printing.jobs, "report", watching)
    assert printing.run_report_print(job.pk) is True
    assert ReportPrint.objects.get(pk=job.pk).started_at is not None
    assert seen == [  # "reading" at 0 % was written when the worker claimed the job
        ("running", "layout", printing.READING_SHARE),
        ("running", "writing", printing.READING_SHARE + printing.LAYOUT_SHARE),
    ]


def test_a_print_is_made_once_even_if_queued_twice(published):
    job = a_job(published)
    assert printing.run_report_print(job.pk) is True
    assert printing.run_report_print(job.pk) is False
    assert ReportPrint.objects.get().attempts == 1


def test_the_language_of_the_request_is_the_pdf_s(published, coordinator_a):
    client = client_for(coordinator_a)
    client.cookies["django_language"] = "ar"
    client.post(PAGE)  # not run: the commit callbacks are not executed here
    assert ReportPrint.objects.get().language == "ar"


def test_another_city_s_address_never_shows_this_city_s_pdf(
    published, coordinator_b, city_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(coordinator_b).post(PAGE)  # the plan is public: anyone may ask
    job = ReportPrint.objects.get()
    other = client_for(coordinator_b)
    # Through city B's address, city A's file does not exist.
    assert other.get(f"/{city_b.slug}/plan/report/pdf/{job.pk}/").status_code == 404
    # City B has published no plan: no PDF page, and nothing is queued.
    assert other.get(f"/{city_b.slug}/plan/report/pdf/").status_code == 404
    assert other.post(f"/{city_b.slug}/plan/report/pdf/").status_code == 404
    assert ReportPrint.objects.count() == 1


def test_a_killed_worker_s_job_is_made_again_by_the_reaper(
    published, django_capture_on_commit_callbacks
):
    job = a_job(
        published,
        status=FileJobStatus.RUNNING,
        stage="layout",
        attempts=1,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        periodic.reap_stalled_jobs.call_local()
    job.refresh_from_db()
    assert job.status == FileJobStatus.DONE and job.attempts == 2


def test_a_killed_worker_s_job_is_also_made_again_when_its_page_is_looked_at(
    client, published, django_capture_on_commit_callbacks
):
    job = a_job(
        published,
        status=FileJobStatus.RUNNING,
        attempts=1,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.get(PAGE)
    job.refresh_from_db()
    assert job.status == FileJobStatus.DONE and job.attempts == 2


def test_a_job_that_keeps_dying_fails_with_a_reason_and_can_be_asked_again(
    client, published, settings, django_capture_on_commit_callbacks
):
    settings.JOB_ATTEMPTS = 3
    job = a_job(
        published,
        status=FileJobStatus.RUNNING,
        attempts=3,
        lease_expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert services.reap_stalled_report_prints() == 1
    job.refresh_from_db()
    assert job.status == FileJobStatus.FAILED and job.error == "stalled"
    page = client.get(PAGE).content.decode()
    assert "the work stopped several times before it could finish" in page
    assert "Try again" in page and "refresh" not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PAGE)
    job.refresh_from_db()
    assert job.status == FileJobStatus.DONE and job.attempts == 1


def test_a_failing_layout_is_failed_with_a_reason(client, published, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(printing, "render_pdf", broken)
    job = a_job(published)
    assert printing.run_report_print(job.pk) is False
    job.refresh_from_db()
    assert job.status == FileJobStatus.FAILED and job.error == "error"
    assert "because of an error on our side" in client.get(PAGE).content.decode()

"""Background work on the one huey queue: what is queued when, the reaper that takes
back jobs whose worker died, the fence that keeps a retry from importing twice, and
the settings. Tasks run here in huey's immediate mode (tests/conftest.py), and only
when a test runs the on-commit callbacks that queue them; test_worker_killed.py kills
a real worker."""

import importlib.util
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

import learningcity.settings
from learningcity.catalogue import jobs, services
from learningcity.catalogue.models import ImportJob, ImportJobStatus, Opportunity
from learningcity.monitoring import services as monitoring
from learningcity.monitoring.models import IndexResult, IndexRun, RunStatus
from tests.catalogue.factories import make_provider, make_staff
from tests.catalogue.test_import import confirm, csv_bytes, many_rows, upload
from tests.conftest import client_for, make_city, make_user
from tests.monitoring.factories import fill_values, make_tiny_framework

pytestmark = pytest.mark.django_db
LATER = timedelta(seconds=jobs.lease_seconds() + 1)
JOB_PAGE = "/alpha/learn/workspace/imports/{}/"


@pytest.fixture
def staff(city_a):
    provider = make_provider(city_a, slug="alpha-library")
    user = make_user("staff@example.org")
    make_staff(provider, user)
    return user


@pytest.fixture
def large(monkeypatch):
    """Files of more than 5 rows go to the background worker."""
    monkeypatch.setattr(services, "INLINE_IMPORT_ROWS", 5)


def checked_job(client, django_capture_on_commit_callbacks, rows=10) -> ImportJob:
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, csv_bytes(many_rows(rows)))
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.READY
    return job


# -- queued when the row is committed, then worked by the task


def test_a_large_upload_is_queued_on_commit_then_checked_and_saved_by_the_worker(
    staff, large, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    with django_capture_on_commit_callbacks() as queued:
        upload(client, csv_bytes(many_rows(10)))
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.PENDING and len(queued) == 1
    assert job.lease_expires_at is not None  # the reaper queues it again if the task is lost

    queued[0]()  # the worker runs the task

    job.refresh_from_db()
    assert job.status == ImportJobStatus.READY and job.attempts == 1
    with django_capture_on_commit_callbacks() as queued:
        confirm(client, job)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.CONFIRMED and len(queued) == 1
    assert not Opportunity.objects.exists()

    queued[0]()

    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE and job.data == b"" and job.attempts == 2
    assert job.lease_expires_at is None
    assert Opportunity.objects.count() == 10


def test_the_task_does_nothing_for_a_job_that_is_not_waiting(
    staff, large, django_capture_on_commit_callbacks
):
    from learningcity.catalogue.tasks import process_import_job

    job = checked_job(client_for(staff), django_capture_on_commit_callbacks)
    process_import_job(job.pk)  # queued twice, or the job is waiting for its person
    job.refresh_from_db()
    assert job.status == ImportJobStatus.READY and job.attempts == 1
    process_import_job(job.pk + 1000)  # deleted since: nothing to do, no error


# -- the reaper: dead workers


def test_a_job_whose_worker_died_is_queued_again_and_saved_once(
    staff, large, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    job = checked_job(client, django_capture_on_commit_callbacks)
    confirm(client, job)  # queued; the worker claims it, then dies while saving:
    assert jobs.claim(job, ImportJobStatus.SAVING)
    assert jobs.reap_stalled_jobs() == 0  # its lease has not run out yet

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.reap_stalled_jobs(now=timezone.now() + LATER) == 1

    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE and job.stalls == 1 and job.attempts == 3
    assert Opportunity.objects.count() == 10


def test_a_job_whose_workers_keep_dying_fails_with_a_reason_and_drops_its_file(
    staff, large, django_capture_on_commit_callbacks, settings
):
    settings.JOB_ATTEMPTS = 2
    client = client_for(staff)
    job = checked_job(client, django_capture_on_commit_callbacks)
    confirm(client, job)
    for _stall in range(2):
        assert jobs.claim(job, ImportJobStatus.SAVING)
        jobs.reap_stalled_jobs(now=timezone.now() + LATER)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED and job.data == b"" and job.stalls == 2
    page = client.get(JOB_PAGE.format(job.public_id)).content.decode()
    assert "Failed: nothing was imported" in page
    assert "The import stopped 2 times before it could finish" in page
    assert "hx-trigger" not in page  # finished: the page stops asking
    assert jobs.reap_stalled_jobs(now=timezone.now() + 2 * LATER) == 0  # it stays failed


def test_a_job_whose_task_was_lost_is_queued_again(
    staff, large, django_capture_on_commit_callbacks
):
    client = client_for(staff)
    upload(client, csv_bytes(many_rows(10)))  # its task is never run (a lost queue)
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.reap_stalled_jobs(now=timezone.now() + LATER) == 1
    job.refresh_from_db()
    assert job.status == ImportJobStatus.READY and job.stalls == 0


def test_a_worker_that_lost_its_job_to_a_retry_saves_nothing(
    staff, large, django_capture_on_commit_callbacks, monkeypatch
):
    client = client_for(staff)
    job = checked_job(client, django_capture_on_commit_callbacks)
    confirm(client, job)
    save = services._save_import

    def slow_save(*args, **kwargs):
        outcome = save(*args, **kwargs)
        # Meanwhile this worker's lease ran out and a retry took the job over.
        ImportJob.objects.filter(pk=job.pk).update(attempts=job.attempts + 5)
        return outcome

    monkeypatch.setattr(services, "_save_import", slow_save)
    services.apply_import_job(job)

    assert not Opportunity.objects.exists()  # rolled back: the retry will save them
    job.refresh_from_db()
    assert job.status == ImportJobStatus.SAVING and job.finished_at is None


# -- index runs


@pytest.fixture
def framework(db):
    framework = make_tiny_framework()
    fill_values(
        framework,
        {
            make_city("north"): {"IA": 9, "IB": 30, "IC": 8, "ID": 2},
            make_city("east"): {"IA": 5, "IB": 20, "IC": 5, "ID": 5},
            make_city("south"): {"IA": 1, "IB": 10, "IC": 2, "ID": 9},
        },
        2024,
    )
    return framework


def queued_run(framework) -> IndexRun:
    return monitoring.run_index(
        actor=None,
        framework=framework,
        years=[2024],
        spec=monitoring.SPEC_PRESETS["standard"],
        samples=4,
    )


def test_an_index_run_whose_worker_died_is_queued_again_and_finished(
    framework, django_capture_on_commit_callbacks
):
    run = queued_run(framework)
    assert run.lease_expires_at is not None
    IndexRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, attempts=1)
    assert monitoring.reap_stalled_runs() == 0  # still within its lease

    with django_capture_on_commit_callbacks(execute=True):
        assert monitoring.reap_stalled_runs(now=timezone.now() + LATER) == 1

    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.attempts == 2 and run.lease_expires_at is None
    assert IndexResult.objects.filter(run=run, median_rank__isnull=False).exists()


def test_an_index_run_whose_workers_keep_dying_fails_with_a_reason(framework, network_coordinator):
    run = queued_run(framework)
    IndexRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, attempts=3)
    monitoring.reap_stalled_runs(now=timezone.now() + LATER)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    page = client_for(network_coordinator).get(f"/network/monitoring/runs/{run.public_id}/")
    assert "The analysis stopped 3 times before it could finish" in page.content.decode()


def test_an_index_run_that_lost_its_lease_does_not_store_its_intervals(framework, monkeypatch):
    run = queued_run(framework)
    rank_intervals = monitoring.engine_adapter.rank_intervals

    def slow(*args, **kwargs):
        intervals = rank_intervals(*args, **kwargs)
        IndexRun.objects.filter(pk=run.pk).update(attempts=7)  # a retry took it over
        return intervals

    monkeypatch.setattr(monitoring.engine_adapter, "rank_intervals", slow)
    monitoring.process_index_run(run)
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING  # the retry's to finish
    assert not IndexResult.objects.filter(run=run, median_rank__isnull=False).exists()


# -- without the worker: `learningcity run-jobs`


def test_run_jobs_does_the_waiting_work_and_each_periodic_task_once(
    staff, large, framework, django_capture_on_commit_callbacks, capsys
):
    client = client_for(staff)
    upload(client, csv_bytes(many_rows(10)))  # queued, but no worker runs
    run = queued_run(framework)
    call_command("run-jobs")
    output = capsys.readouterr().out
    assert "Import jobs: 1; index runs: 1" in output
    for task in ("reap_stalled_jobs", "refresh_schedules", "send_reminders"):
        assert f"{task}: done" in output
    assert ImportJob.objects.get().status == ImportJobStatus.READY
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


# -- settings


def load_settings(monkeypatch, tmp_path, **environ):
    """A fresh copy of the settings module, read with ``environ``."""
    for name in ("DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LEARNINGCITY_DATA_DIR", str(tmp_path / "data"))
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_copy", learningcity.settings.__file__)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_queue_is_a_sqlite_file_in_the_data_directory_by_default(monkeypatch, tmp_path):
    copy = load_settings(monkeypatch, tmp_path, DATABASE_URL="postgres://u@db:5432/lc")
    assert copy.HUEY["huey_class"] == "huey.SqliteHuey"
    assert Path(copy.HUEY["filename"]) == tmp_path / "data" / "tasks.sqlite3"
    assert (tmp_path / "data").is_dir()  # made even when the database is PostgreSQL
    assert copy.HUEY["immediate"] is False


def test_redis_url_moves_the_queue_to_redis(monkeypatch, tmp_path):
    copy = load_settings(monkeypatch, tmp_path, REDIS_URL="redis://127.0.0.1:6379/2")
    assert copy.HUEY["huey_class"] == "huey.RedisHuey"
    assert copy.HUEY["url"] == "redis://127.0.0.1:6379/2"


def test_the_one_schedule_holds_every_periodic_task_of_the_platform():
    from huey.contrib.djhuey import HUEY

    import learningcity.periodic  # noqa: F401  (registers the schedule)

    names = {task.__name__ for task in HUEY._registry._periodic_tasks}
    assert {
        "reap_stalled_jobs",
        "refresh_schedules",
        "send_reminders",
        "send_saved_search_alerts",
        "refresh_search_indexes",
    } <= names

"""``learningcity run-jobs``: do, once and in this process, the background work that
the worker (``learningcity run_huey``) otherwise does: every waiting import job and
index run, then each periodic task of ``learningcity/periodic.py`` (the reaper,
schedules, reminders, …).

The worker is the normal way (docs/deployment.md). This is for installs that cannot
keep a worker running (call it from cron every minute) and for looking at a problem
by hand. It is safe beside a running worker: every job is claimed by exactly one of
them, and every periodic task may run twice."""

from typing import Any

from django.core.management.base import BaseCommand
from huey.api import PeriodicTask, TaskWrapper
from huey.exceptions import TaskLockedException

from learningcity import periodic
from learningcity.catalogue.jobs import WAITING
from learningcity.catalogue.models import ImportJob
from learningcity.catalogue.tasks import process_import_job
from learningcity.monitoring.models import IndexRun, RunStatus
from learningcity.monitoring.tasks import process_index_run


class Command(BaseCommand):
    help = "Run waiting background jobs and each periodic task once, without the worker."

    def handle(self, *args: Any, **options: Any) -> None:
        imports = ImportJob.objects.filter(status__in=WAITING).order_by("created_at", "pk")
        job_pks = list(imports.values_list("pk", flat=True))
        for job_pk in job_pks:
            process_import_job.call_local(job_pk)
        runs = IndexRun.objects.filter(status=RunStatus.QUEUED).order_by("created_at", "pk")
        run_pks = list(runs.values_list("pk", flat=True))
        for run_pk in run_pks:
            process_index_run.call_local(run_pk)
        self.stdout.write(f"Import jobs: {len(job_pks)}; index runs: {len(run_pks)}")
        for name, task in _periodic_tasks():
            try:
                task.call_local()
            except TaskLockedException:
                self.stdout.write(f"{name}: skipped, the worker is running it now")
            else:
                self.stdout.write(f"{name}: done")


def _periodic_tasks() -> list[tuple[str, TaskWrapper]]:
    return [
        (name, value)
        for name, value in vars(periodic).items()
        if isinstance(value, TaskWrapper) and issubclass(value.task_class, PeriodicTask)
    ]

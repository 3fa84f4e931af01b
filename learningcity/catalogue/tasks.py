"""The catalogue's background tasks (huey; see ``catalogue.jobs`` for the lifecycle).

Periodic work of the catalogue (schedules, reminders, the reaper) is declared in
``learningcity/periodic.py``, the one schedule."""

from huey.contrib.djhuey import db_task

from . import (
    index_tasks,  # noqa: F401  (the finder's index tasks; huey finds them here)
    services,
)
from .models import ImportJob, ImportJobStatus


@db_task()
def process_import_job(job_pk: int) -> None:
    """Do what the job waits for: check a new upload, or save a confirmed one.

    Does nothing if the job is not waiting any more (another worker took it, or it was
    queued twice): claiming it is one conditional update."""
    job = ImportJob.objects.filter(pk=job_pk).select_related("provider__city").first()
    if job is None:
        return
    if job.status == ImportJobStatus.PENDING:
        services.run_import_job(job)
    elif job.status == ImportJobStatus.CONFIRMED:
        services.apply_import_job(job)

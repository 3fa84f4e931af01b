"""Import jobs in the background: queueing, leases, and what happens when a worker dies.

An ``ImportJob`` row is the record of the job; the huey task
``catalogue.tasks.process_import_job`` only says "look at job N" and does whatever its
status asks (check a new upload, or save a confirmed one). So:

- A job is queued when it is created or confirmed (after the commit, so the worker
  sees the row), and a worker **claims** it with one conditional update that moves it
  from waiting to running, counts an attempt and sets a lease. Two workers given the
  same job: one claims it, the other does nothing.
- While running, each progress report **renews the lease**. A worker that is killed
  stops renewing; once the lease has run out, the periodic reaper (``periodic.py``,
  every minute) puts the job back to waiting and queues it again, or, once workers
  have died ``JOB_ATTEMPTS`` times on it, fails it with a reason and drops the file.
- A retry never imports twice: the rows of an import and the job's "done" are written
  in one transaction, and that last write is **fenced** by the attempt that claimed the
  job (``finish``). A worker killed before the commit wrote nothing; a worker that
  outlived its lease (a retry has claimed the job since) fails its fence and rolls
  its own transaction back.
"""

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcity.core.audit import record_event

from .models import ImportJob, ImportJobStatus

# A waiting status, and the running status a worker moves it to when it claims it.
RUNNING_FROM: dict[str, str] = {
    ImportJobStatus.CHECKING: ImportJobStatus.PENDING,
    ImportJobStatus.SAVING: ImportJobStatus.CONFIRMED,
}
WAITING = list(RUNNING_FROM.values())
RUNNING = list(RUNNING_FROM)
ENDED = [ImportJobStatus.DONE, ImportJobStatus.REFUSED, ImportJobStatus.FAILED]


class LeaseLost(Exception):
    """This worker's claim on the job ran out and another attempt took it over."""


def lease_seconds() -> int:
    return int(getattr(settings, "JOB_LEASE_SECONDS", 300))


def max_attempts() -> int:
    return int(getattr(settings, "JOB_ATTEMPTS", 3))


def queue(job: ImportJob) -> None:
    """Have a worker take the job up once the current transaction commits."""
    from .tasks import process_import_job  # the tasks module imports the services

    job.lease_expires_at = _lease_end()  # the reaper queues it again if the task is lost
    ImportJob.objects.filter(pk=job.pk).update(lease_expires_at=job.lease_expires_at)
    transaction.on_commit(partial(process_import_job, job.pk))


def claim(job: ImportJob, running: str) -> bool:
    """Move the job from its waiting status to ``running`` for this worker: one attempt,
    with a fresh lease. False when it was not waiting (another worker has it, or it
    is finished). ``job`` is refreshed, so ``job.attempts`` is this attempt's fence."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=RUNNING_FROM[running]).update(
        status=running,
        attempts=F("attempts") + 1,
        lease_expires_at=_lease_end(),
        started_at=Coalesce(F("started_at"), timezone.now()),
    )
    job.refresh_from_db()
    return bool(claimed)


def renew(job_pk: int, **fields: Any) -> None:
    """Write progress and extend the lease (the worker is alive)."""
    ImportJob.objects.filter(pk=job_pk, status__in=RUNNING).update(
        lease_expires_at=_lease_end(), **fields
    )


def held(job: ImportJob) -> QuerySet[ImportJob]:
    """The job, as long as the attempt ``job`` was loaded with still holds it: no later
    attempt has claimed it and it has not ended (the reaper may have failed it)."""
    return ImportJob.objects.filter(pk=job.pk, attempts=job.attempts).exclude(status__in=ENDED)


def finish(job: ImportJob, **fields: Any) -> bool:
    """Write the job's end (status and outcome) if this attempt still holds the job.

    For an import that saves, call it inside the transaction that writes the rows,
    through :func:`finish_or_roll_back`, so that both commit or neither does."""
    return bool(held(job).update(lease_expires_at=None, finished_at=timezone.now(), **fields))


def finish_or_roll_back(job: ImportJob, **fields: Any) -> None:
    if not finish(job, **fields):
        raise LeaseLost(str(job.public_id))


def reap_stalled_jobs(*, now: datetime | None = None) -> int:
    """Jobs whose lease ran out: a running one goes back to waiting (or fails after
    the last attempt); a waiting one whose task was lost is queued again. Returns how
    many jobs were touched."""
    now = now or timezone.now()
    expired = Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True)
    touched = 0
    with transaction.atomic():
        stalled = (
            ImportJob.objects.filter(expired, status__in=RUNNING + WAITING)
            .select_for_update(skip_locked=True)
            .select_related("city")
        )
        for job in stalled:
            touched += 1
            if job.status in WAITING:
                queue(job)
            elif job.stalls + 1 >= max_attempts():
                _fail(job, now)
            else:
                ImportJob.objects.filter(pk=job.pk, status=job.status).update(
                    status=RUNNING_FROM[job.status], stalls=F("stalls") + 1
                )
                queue(job)
    return touched


def _fail(job: ImportJob, now: datetime) -> None:
    reason = _(
        "The import stopped %(count)s times before it could finish (the server was "
        "restarted or ran out of memory). Nothing was imported. Please upload the file "
        "again; if it stops again, split it into smaller files."
    ) % {"count": job.stalls + 1}
    ImportJob.objects.filter(pk=job.pk, status=job.status).update(
        status=ImportJobStatus.FAILED,
        stalls=F("stalls") + 1,
        errors=[{"row": 0, "column": "", "message": reason}],
        finished_at=now,
        lease_expires_at=None,
        data=b"",  # the file is not needed any more
    )
    record_event(
        None, "import.failed", city=job.city, target=str(job.public_id), stalls=job.stalls + 1
    )


def _lease_end() -> datetime:
    return timezone.now() + timedelta(seconds=lease_seconds())

"""Files made in the background: a printed festival programme, a plan's PDF report.

One row per file (a model built on ``FileJob``) is the record; the huey task only says
"make file N", and the functions here do the rest the same way for every app:

- ``request_file`` finds or creates the row for what the file shows (an app's own
  columns, say festival, language and stamp) and queues it after the commit, so the
  worker finds the row. A file that failed is tried again when asked for again.
- ``make_file`` **claims** the row with one conditional update (waiting → running, an
  attempt counted, a lease), lets the app's function make the bytes while it reports
  its stage and percentage (each report renews the lease), and writes the file and
  "done" only while its attempt still holds the row: a file queued twice is made
  once, and a worker that outlived its lease (a retry claimed the row meanwhile)
  throws its file away.
- A worker that dies stops renewing its lease. ``revive_if_stalled`` (when the page
  is looked at) and ``reap_stalled`` (every minute from ``periodic.py``) put such a
  row back to waiting and queue it again, or fail it with the reason ``"stalled"``
  once ``JOB_ATTEMPTS`` attempts have died on it. A waiting row whose task was lost
  is queued again the same way.

Import jobs (``catalogue.jobs``) and index runs (``monitoring.services``) keep their
own variants: they write rows rather than a file, in the same transaction as "done".
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class FileJobStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting to start")
    RUNNING = "running", _("Being prepared")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


BUSY = (FileJobStatus.WAITING, FileJobStatus.RUNNING)


class FileJob(models.Model):
    """What every file made in the background records. A concrete model adds what
    the file is of (and a ``stamp`` of the state it shows) and its own
    ``file = models.FileField(upload_to=..., blank=True)`` in the default storage."""

    status = models.CharField(
        max_length=10, choices=FileJobStatus.choices, default=FileJobStatus.WAITING
    )
    # What the worker is doing, as a code the app's page words.
    stage = models.CharField(max_length=20, blank=True)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    # Why it failed, as a code the page words: "error" (the maker raised) or
    # "stalled" (workers died on it JOB_ATTEMPTS times).
    error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    file: Any  # each concrete model declares its FileField (its own folder)

    class Meta:
        abstract = True

    @property
    def is_busy(self) -> bool:
        return self.status in BUSY

    @property
    def percent(self) -> int:
        if self.status == FileJobStatus.DONE:
            return 100
        return min(99, int(100 * self.progress / self.total)) if self.total else 0


J = TypeVar("J", bound=FileJob)
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class MadeFile:
    """What an app's maker returns: the file's name in storage and its bytes."""

    name: str
    content: bytes
    pages: int = 0


def lease_seconds() -> int:
    return int(getattr(settings, "JOB_LEASE_SECONDS", 300))


def max_attempts() -> int:
    return int(getattr(settings, "JOB_ATTEMPTS", 3))


def lease_end() -> datetime:
    return timezone.now() + timedelta(seconds=lease_seconds())


def request_file(model: type[J], queue: Callable[[int], None], **identity: Any) -> J:
    """The row for ``identity`` (created if missing) and, when it is new or had
    failed, queued for the worker once the current transaction commits. A new row
    has a lease too, so a task lost before any worker saw it is queued again."""
    with transaction.atomic():
        job, created = model._default_manager.get_or_create(
            **identity, defaults={"lease_expires_at": lease_end()}
        )
        if not created and job.status == FileJobStatus.FAILED:
            model._default_manager.filter(pk=job.pk, status=FileJobStatus.FAILED).update(
                status=FileJobStatus.WAITING,
                error="",
                attempts=0,
                progress=0,
                stage="",
                lease_expires_at=lease_end(),
            )
            job.refresh_from_db()
            created = True
        if created:
            transaction.on_commit(partial(queue, job.pk))
    return job


def claim(jobs: "models.QuerySet[J]", pk: int, stage: str = "") -> J | None:
    """Move row ``pk`` from waiting to running for this worker: one more attempt, a
    fresh lease. None when it was not waiting (another worker has it, or it ended).
    The returned row's ``attempts`` is this attempt's fence."""
    claimed = jobs.filter(pk=pk, status=FileJobStatus.WAITING).update(
        status=FileJobStatus.RUNNING,
        attempts=F("attempts") + 1,
        lease_expires_at=lease_end(),
        started_at=timezone.now(),
        stage=stage,
        progress=0,
        total=100,
    )
    return jobs.get(pk=pk) if claimed else None


def held(job: J) -> "models.QuerySet[J]":
    """The row, as long as the attempt ``job`` was claimed with still holds it."""
    return type(job)._default_manager.filter(
        pk=job.pk, attempts=job.attempts, status=FileJobStatus.RUNNING
    )


def report(job: FileJob, stage: str, percent: int) -> None:
    """Write the progress and renew the lease, while this attempt holds the row."""
    held(job).update(stage=stage, progress=percent, lease_expires_at=lease_end())


def make_file(
    jobs: "models.QuerySet[J]", pk: int, maker: Callable[[J, Progress], MadeFile], stage: str = ""
) -> J | None:
    """Claim row ``pk``, have ``maker(job, progress)`` make the file, store it in the
    default storage and mark the row done. Returns the finished row, or None when
    this call made nothing (not waiting, the maker failed, or the lease was lost)."""
    job = claim(jobs, pk, stage)
    if job is None:
        return None
    try:
        made = maker(job, partial(report, job))
    except Exception:
        logger.exception("could not make %s %s", type(job).__name__, job.pk)
        held(job).update(
            status=FileJobStatus.FAILED,
            error="error",
            finished_at=timezone.now(),
            lease_expires_at=None,
        )
        return None
    if not held(job).exists():
        return None  # another attempt took over meanwhile: its file will be the one
    job.file.save(made.name, ContentFile(made.content), save=False)
    updated = held(job).update(
        file=job.file.name,
        status=FileJobStatus.DONE,
        stage="",
        progress=100,
        pages=made.pages,
        finished_at=timezone.now(),
        lease_expires_at=None,
    )
    if not updated:
        job.file.delete(save=False)
        return None
    job.refresh_from_db()
    return job


def revive_if_stalled(job: J, queue: Callable[[int], None], *, now: datetime | None = None) -> J:
    """A busy row whose lease ran out (its worker was killed, or its task lost) is
    queued again, or failed with the reason "stalled" after ``JOB_ATTEMPTS`` attempts.
    Anything else is returned as it is."""
    now = now or timezone.now()
    if not job.is_busy or (job.lease_expires_at and job.lease_expires_at > now):
        return job
    rows = type(job)._default_manager.filter(pk=job.pk, status=job.status)
    if job.attempts >= max_attempts():
        rows.update(
            status=FileJobStatus.FAILED, error="stalled", finished_at=now, lease_expires_at=None
        )
        logger.warning(
            "%s %s failed: %s attempts stalled", type(job).__name__, job.pk, job.attempts
        )
    elif rows.update(
        status=FileJobStatus.WAITING, lease_expires_at=now + timedelta(seconds=lease_seconds())
    ):
        transaction.on_commit(partial(queue, job.pk))
    job.refresh_from_db()
    return job


def reap_stalled(
    model: type[FileJob], queue: Callable[[int], None], *, now: datetime | None = None
) -> int:
    """Every busy row of ``model`` whose lease ran out, through ``revive_if_stalled``.
    Returns how many rows were touched."""
    now = now or timezone.now()
    expired = Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True)
    touched = 0
    with transaction.atomic():
        stalled = model._default_manager.filter(expired, status__in=BUSY).select_for_update(
            skip_locked=True
        )
        for job in stalled:
            revive_if_stalled(job, queue, now=now)
            touched += 1
    return touched


def delete_files(jobs: "models.QuerySet[Any]") -> None:
    """Delete the ended rows among ``jobs`` with their files (files that a newer
    state replaced). Busy rows are left to finish."""
    ended = jobs.exclude(status__in=BUSY)
    for job in ended:
        if job.file:
            job.file.delete(save=False)
    ended.delete()

"""Plan runs in the background: queue, claim with a lease, renew, fence, reap.

The same lifecycle as ``catalogue.jobs`` (read it for the why): the ``PlanRun`` row
is the record, the huey task only says "look at run N"; a worker claims the run with
one conditional update (waiting → running, an attempt counted, a lease set);
progress writes renew the lease; the result is written only if this attempt still
holds the run; the reaper (``periodic.py``, every minute) gives a run whose worker
died to another worker, or fails it with a reason after ``JOB_ATTEMPTS`` deaths.
"""

from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import ngettext

from .models import PlanRun, RunStatus


def lease_seconds() -> int:
    return int(getattr(settings, "JOB_LEASE_SECONDS", 300))


def max_attempts() -> int:
    return int(getattr(settings, "JOB_ATTEMPTS", 3))


def _lease_end() -> datetime:
    return timezone.now() + timedelta(seconds=lease_seconds())


def queue(run: PlanRun) -> None:
    """Have a worker take the run up once the current transaction commits."""
    from .tasks import process_plan_run

    PlanRun.objects.filter(pk=run.pk).update(lease_expires_at=_lease_end())
    transaction.on_commit(partial(process_plan_run, run.pk))


def claim(run: PlanRun) -> bool:
    claimed = PlanRun.objects.filter(pk=run.pk, status=RunStatus.WAITING).update(
        status=RunStatus.RUNNING,
        attempts=F("attempts") + 1,
        lease_expires_at=_lease_end(),
        started_at=timezone.now(),
        progress_percent=0,
    )
    run.refresh_from_db()
    return bool(claimed)


def renew(run: PlanRun, **fields: Any) -> None:
    PlanRun.objects.filter(pk=run.pk, attempts=run.attempts, status=RunStatus.RUNNING).update(
        lease_expires_at=_lease_end(), **fields
    )


def finish(run: PlanRun, **fields: Any) -> bool:
    """Write the run's end if this attempt still holds it."""
    return bool(
        PlanRun.objects.filter(pk=run.pk, attempts=run.attempts, status=RunStatus.RUNNING).update(
            lease_expires_at=None, finished_at=timezone.now(), **fields
        )
    )


def reap_stalled_runs(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    expired = Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True)
    touched = 0
    with transaction.atomic():
        stalled = PlanRun.objects.filter(
            expired, status__in=[RunStatus.WAITING, RunStatus.RUNNING]
        ).select_for_update(skip_locked=True)
        for run in stalled:
            touched += 1
            if run.status == RunStatus.WAITING:
                queue(run)
            elif run.stalls + 1 >= max_attempts():
                PlanRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                    status=RunStatus.FAILED,
                    stalls=F("stalls") + 1,
                    finished_at=now,
                    lease_expires_at=None,
                    error=ngettext(
                        "The plan stopped %(count)s time before it could finish (the server "
                        "was restarted or ran out of memory). Try again with fewer candidate "
                        "stops or a shorter time limit.",
                        "The plan stopped %(count)s times before it could finish (the server "
                        "was restarted or ran out of memory). Try again with fewer candidate "
                        "stops or a shorter time limit.",
                        run.stalls + 1,
                    )
                    % {"count": run.stalls + 1},
                )
            else:
                PlanRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                    status=RunStatus.WAITING, stalls=F("stalls") + 1
                )
                queue(run)
    return touched

"""A real background worker and its helpers, each in its own process, for
tests/core/test_worker_killed.py. The database and the queue are the ones the
environment names (``LEARNINGCITY_DATA_DIR``, ``DATABASE_URL``), never the test's.

    python tests/core/task_worker.py upload ROWS   an import of ROWS rows, queued
    python tests/core/task_worker.py confirm       the person confirms its preview
    python tests/core/task_worker.py worker        learningcity run_huey, one thread
    python tests/core/task_worker.py reap          the reaper, as if every lease ran out

With ``PAUSE_WHILE_SAVING=<file>`` the worker stops inside the import's write
transaction, once the rows are written and before the commit: it creates ``<file>``
(so the test knows) and sleeps until it is killed.
"""

import os
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import django


def upload(rows: int) -> None:
    from learningcity.catalogue import services
    from tests.catalogue.factories import make_provider
    from tests.conftest import make_city, make_user

    lines = ["slug,title,level,format,session_starts,session_ends"]
    lines += [
        f"course-{n},Course {n},informal,online,2030-03-02 18:00,2030-03-02 20:00"
        for n in range(rows)
    ]
    services.start_import(
        actor=make_user("staff@example.org"),
        provider=make_provider(make_city("alpha"), slug="alpha-library"),
        file_name="big.csv",
        data="\n".join(lines).encode(),
    )


def confirm() -> None:
    from learningcity.catalogue import services
    from learningcity.catalogue.models import ImportJob
    from learningcity.core.models import User

    job = ImportJob.objects.get()
    assert services.confirm_import(actor=User.objects.get(), job=job)


def worker() -> None:
    from django.core.management import call_command

    marker = os.environ.get("PAUSE_WHILE_SAVING")
    if marker:
        _pause_while_saving(Path(marker))
    call_command("run_huey", workers=1, worker_type="thread", periodic=False, max_delay=0.2)


def reap() -> None:
    from django.utils import timezone

    from learningcity.catalogue import jobs

    jobs.reap_stalled_jobs(now=timezone.now() + timedelta(seconds=jobs.lease_seconds() + 1))


def _pause_while_saving(marker: Path) -> None:
    from learningcity.catalogue import services

    save = services._save_import

    def save_then_wait(*args: Any, **kwargs: Any) -> Any:
        save(*args, **kwargs)
        marker.write_text("saving")
        while True:  # killed here, with the rows written but not committed
            time.sleep(1)

    services._save_import = save_then_wait  # type: ignore[assignment]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learningcity.settings")
    django.setup()
    command, *arguments = sys.argv[1:]
    if command == "upload":
        upload(int(arguments[0]))
    elif command == "confirm":
        confirm()
    elif command == "worker":
        worker()
    elif command == "reap":
        reap()
    else:
        raise SystemExit(f"unknown command {command!r}")

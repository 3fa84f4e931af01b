"""Monitoring's background tasks (huey). An ``IndexRun`` row is the record of the
work; see ``services.process_index_run`` (claim, lease, fenced finish) and
``services.reap_stalled_runs`` (run by ``learningcity/periodic.py``)."""

from huey.contrib.djhuey import db_task

from . import services
from .models import IndexRun


@db_task()
def process_index_run(run_pk: int) -> None:
    """The uncertainty analysis of a queued run (nothing if it is not queued)."""
    run = IndexRun.objects.filter(pk=run_pk).first()
    if run is not None:
        services.process_index_run(run)

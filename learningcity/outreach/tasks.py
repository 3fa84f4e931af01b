"""Outreach's background task (huey): solve one plan run (see ``outreach.jobs``)."""

from huey.contrib.djhuey import db_task

from . import services
from .models import PlanRun


@db_task()
def process_plan_run(run_pk: int) -> None:
    run = PlanRun.objects.filter(pk=run_pk).select_related("city").first()
    if run is not None:
        services.run_plan(run)

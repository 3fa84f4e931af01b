"""``learningcity run-jobs [--watch] [--interval SECONDS]``: run waiting import jobs
and move on the "next date" of opportunities whose date has passed.

Without ``--watch`` it runs what is waiting and stops (for cron or a systemd timer,
every minute); with ``--watch`` it keeps looking, as a long-running worker. Several
workers may run at once: each job is claimed by exactly one of them."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from learningcity.catalogue.schedule import refresh_stale_schedules
from learningcity.catalogue.services import run_pending_jobs


class Command(BaseCommand):
    help = "Run waiting background jobs (large imports, schedules whose date has passed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--watch", action="store_true", help="keep running, polling for jobs")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between polls")

    def handle(self, *args: Any, watch: bool, interval: float, **options: Any) -> None:
        while True:
            ran = run_pending_jobs()
            moved = refresh_stale_schedules()
            if ran or moved or not watch:
                self.stdout.write(f"Jobs run: {ran}; schedules moved on: {moved}")
            if not watch:
                return
            time.sleep(interval)

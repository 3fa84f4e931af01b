"""``learningcity process-index-runs``: run the queued uncertainty analyses.

Index runs with an uncertainty analysis are stored straight away with their scores
and queued; this command (from cron or a systemd timer, say every minute) computes
the rank intervals outside any web request and reports progress on the run's page."""

from typing import Any

from django.core.management.base import BaseCommand

from learningcity.monitoring.services import process_queued_runs


class Command(BaseCommand):
    help = "Run the uncertainty analyses of queued index runs, oldest first."

    def handle(self, *args: Any, **options: Any) -> None:
        count = process_queued_runs(self.stdout.write)
        self.stdout.write(f"{count} index run(s) processed.")

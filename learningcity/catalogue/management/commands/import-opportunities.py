"""``learningcity import-opportunities --city SLUG --provider SLUG FILE``: the same
import as the workspace's upload page (all rows or none; creates or updates by slug),
from the command line. ``--dry-run`` only says what it would create and change."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from learningcity.catalogue import importer
from learningcity.catalogue.models import Provider
from learningcity.catalogue.services import ImportOutcome, import_opportunities, preview_import
from learningcity.core.models import City
from learningcity.core.tenancy import for_city


class Command(BaseCommand):
    help = "Import opportunities (with their sessions) from a CSV or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", required=True, help="the city's slug")
        parser.add_argument("--provider", required=True, help="the provider's slug")
        parser.add_argument("file", type=Path, help="a .csv or .xlsx file")
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would change; save nothing"
        )

    def handle(
        self,
        *args: Any,
        city: str,
        provider: str,
        file: Path,
        dry_run: bool = False,
        **options: Any,
    ) -> None:
        found_city = City.objects.filter(slug=city).first()
        if found_city is None:
            raise CommandError(f"No city “{city}”.")
        found = for_city(Provider, found_city).filter(slug=provider).first()
        if found is None:
            raise CommandError(f"No provider “{provider}” in {found_city.name}.")
        try:
            table = importer.read_table(file.read_bytes(), importer.file_format_for(file.name))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        except importer.UnreadableFile as problem:
            raise CommandError(problem.message) from None
        total = len(table.rows)
        if dry_run:
            self._report(preview_import(provider=found, table=table), saved=False)
            return
        outcome = import_opportunities(
            actor=None,
            provider=found,
            table=table,
            on_progress=lambda done: self.stderr.write(f"checked {done} of {total} rows"),
            before_saving=lambda: self.stderr.write("every row is fine; saving"),
        )
        self._report(outcome, saved=True)

    def _report(self, outcome: ImportOutcome, *, saved: bool) -> None:
        if outcome.ok:
            opportunities = outcome.summary["opportunities"]
            sessions = outcome.summary["sessions"]
            verb = "Imported" if saved else "Would import"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{verb}: opportunities {opportunities['create']} new, "
                    f"{opportunities['change']} changed, {opportunities['same']} unchanged; "
                    f"sessions {sessions['create']} new, {sessions['change']} changed, "
                    f"{sessions['same']} unchanged."
                )
            )
            return
        for error in outcome.errors:
            where = f"row {error.row}" if error.row else "file"
            column = f", column {error.column}" if error.column else ""
            self.stdout.write(f"{where}{column}: {error.message}")
        raise CommandError(f"Nothing was imported: {len(outcome.errors)} problems.")

"""``learningcity credentials verify FILE…`` and ``learningcity credentials rotate-key
--city SLUG --provider SLUG``: the same checks and services as the pages, from the
command line (verification exits 1 when any credential is not valid)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from learningcity.catalogue.models import Provider
from learningcity.credentials import services, verification


class Command(BaseCommand):
    help = "Verify credential files, or replace a provider's signing key."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        verify = actions.add_parser("verify", help="verify credential JSON files")
        verify.add_argument("files", nargs="+", type=Path)
        rotate = actions.add_parser("rotate-key", help="replace a provider's signing key")
        rotate.add_argument("--city", required=True)
        rotate.add_argument("--provider", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self._verify(options["files"])
        else:
            self._rotate(options["city"], options["provider"])

    def _verify(self, files: list[Path]) -> None:
        failed = 0
        for path in files:
            try:
                data = path.read_bytes()
            except OSError as error:
                raise CommandError(f"{path}: {error.strerror}") from error
            read = verification.read_credential(data)
            verdict = (
                read
                if isinstance(read, verification.Verdict)
                else verification.verify_credential(read)
            )
            reasons = "; ".join(verdict.reasons)
            self.stdout.write(f"{path}: {verdict.outcome}{': ' + reasons if reasons else ''}")
            failed += not verdict.is_valid
        if failed:
            raise CommandError(f"{failed} of {len(files)} credentials are not valid", returncode=1)

    def _rotate(self, city: str, provider_slug: str) -> None:
        provider = Provider.objects.filter(city__slug=city, slug=provider_slug).first()
        if provider is None:
            raise CommandError(f"no provider {provider_slug} in city {city}")
        key = services.rotate_issuer_key(actor=None, provider=provider)
        self.stdout.write(f"{provider.name}: new signing key {key.did}")

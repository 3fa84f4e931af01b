"""``learningcity outreach plan-stops ...``: the outreach engine on files.

Every argument after the word ``outreach`` goes to the engine's own command line
(``engines.outreach.cli.main``) untouched, and its exit status is the process's.
"""

import argparse
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from learningcity.engines.outreach import cli


class Command(BaseCommand):
    help = (
        "Plan mobile-library stops: outreach plan-stops --demand demand.csv "
        "--candidates candidates.csv --radius R --stops P [--objective coverage|median] "
        "--out plan.json. See learningcity outreach plan-stops --help."
    )

    def run_from_argv(self, argv: list[str]) -> NoReturn:
        # Django's own parser would claim --help and refuse the engine's options.
        sys.exit(cli.main(argv[2:]))

    def print_help(self, prog_name: str, subcommand: str) -> None:
        cli.main(["plan-stops", "--help"])

    def add_arguments(self, parser: CommandParser) -> None:
        # Only for call_command("outreach", "plan-stops", ...) from Python code.
        parser.add_argument("engine_args", nargs=argparse.REMAINDER)

    def handle(self, *args: Any, engine_args: list[str], **options: Any) -> None:
        status = cli.main([*args, *engine_args])
        if status != 0:
            raise CommandError(f"outreach stopped with status {status}", returncode=status)

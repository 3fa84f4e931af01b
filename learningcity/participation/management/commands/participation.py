"""``learningcity participation tally ...``: the budgeting engine on files.

Every argument after the word ``participation`` goes to the engine's own command line
(``engines.budgeting.cli.main``) untouched, and its exit status is the process's.
"""

import argparse
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from learningcity.engines.budgeting import cli


class Command(BaseCommand):
    help = (
        "Count a pabulib file's approval ballots: participation tally --pb FILE.pb "
        "--rule greedy|equal-shares|equal-shares-completed --out result.json."
    )

    def run_from_argv(self, argv: list[str]) -> NoReturn:
        # Django's own parser would claim --help and refuse the engine's options.
        sys.exit(cli.main(argv[2:]))

    def print_help(self, prog_name: str, subcommand: str) -> None:
        cli.main(["tally", "--help"])

    def add_arguments(self, parser: CommandParser) -> None:
        # Only for call_command("participation", "tally", ...) from Python code.
        parser.add_argument("engine_args", nargs=argparse.REMAINDER)

    def handle(self, *args: Any, engine_args: list[str], **options: Any) -> None:
        status = cli.main([*args, *engine_args])
        if status != 0:
            raise CommandError(f"participation stopped with status {status}", returncode=status)

"""``learningcity programmes match ...``: the matching engine on files.

Every argument after the word ``programmes`` goes to the engine's own command line
(``engines.matching.cli.main``) untouched, and its exit status is the process's.
"""

import argparse
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from learningcity.engines.matching import cli


class Command(BaseCommand):
    help = (
        "Match people with helpers: programmes match --pairs pairs.csv "
        "--capacity capacity.csv --out matches.json. See learningcity programmes match --help."
    )

    def run_from_argv(self, argv: list[str]) -> NoReturn:
        # Django's own parser would claim --help and refuse the engine's options.
        sys.exit(cli.main(argv[2:]))

    def print_help(self, prog_name: str, subcommand: str) -> None:
        cli.main(["match", "--help"])

    def add_arguments(self, parser: CommandParser) -> None:
        # Only for call_command("programmes", "match", ...) from Python code.
        parser.add_argument("engine_args", nargs=argparse.REMAINDER)

    def handle(self, *args: Any, engine_args: list[str], **options: Any) -> None:
        status = cli.main([*args, *engine_args])
        if status != 0:
            raise CommandError(f"programmes stopped with status {status}", returncode=status)

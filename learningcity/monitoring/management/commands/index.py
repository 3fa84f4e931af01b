"""``learningcity index build|sensitivity ...``: the index engine on files.

Every argument after the word ``index`` goes to the engine's own command line
(``compindex.cli.main``) untouched, so ``--data``, ``--help`` and the
rest mean what the engine says they mean, and its exit status is the process's.
"""

import argparse
import sys
from typing import Any, NoReturn

from compindex import cli
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Build composite indicators from iData/iMeta CSV files with a COINr pipeline: "
        "index build --data iData.csv --meta iMeta.csv --spec pipeline.json --out DIR "
        "(or index sensitivity ...). See learningcity index --help."
    )

    def run_from_argv(self, argv: list[str]) -> NoReturn:
        # Django's own parser would claim --help and refuse the engine's options.
        sys.exit(cli.main(argv[2:]))

    def print_help(self, prog_name: str, subcommand: str) -> None:
        cli.main(["--help"])

    def add_arguments(self, parser: CommandParser) -> None:
        # Only for call_command("index", "build", "--data", ...) from Python code.
        parser.add_argument("engine_args", nargs=argparse.REMAINDER)

    def handle(self, *args: Any, engine_args: list[str], **options: Any) -> None:
        status = cli.main([*args, *engine_args])
        if status != 0:
            raise CommandError(f"the index engine stopped with status {status}", returncode=status)

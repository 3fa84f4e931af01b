"""The `learningcity` console script: Django's manage.py for this project."""

import importlib
import os
import sys

# Commands that are an engine on files: they need no database, settings or apps, so
# they run without starting Django (which costs one to two seconds per call). Each
# also exists as a management command (``call_command`` and ``learningcity help``),
# which hands its arguments to the same ``main``.
ENGINE_COMMANDS = {
    "outreach": "learningcity.engines.outreach.cli",
    "programmes": "learningcity.engines.matching.cli",
    "participation": "learningcity.engines.budgeting.cli",
}


def main(argv: list[str] | None = None) -> None:
    arguments = sys.argv[1:] if argv is None else argv
    if arguments and arguments[0] in ENGINE_COMMANDS:
        engine = importlib.import_module(ENGINE_COMMANDS[arguments[0]])
        sys.exit(engine.main(arguments[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learningcity.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["learningcity", *arguments])


if __name__ == "__main__":
    main()

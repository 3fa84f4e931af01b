"""The events app's background task (huey): all badges of a conference as one PDF.
The row (``BadgePrint``) is the record; the task only says "look at print N"."""

from huey.contrib.djhuey import db_task

from . import printing


@db_task()
def print_badges(print_pk: int) -> None:
    printing.run_badges(print_pk)

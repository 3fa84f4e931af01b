"""The festivals' background task (huey): preparing a printable programme. The row
(``ProgrammePrint``) is the record; the task only says "look at print N"."""

from huey.contrib.djhuey import db_task

from . import printing


@db_task()
def print_programme(print_pk: int) -> None:
    printing.run_print(print_pk)

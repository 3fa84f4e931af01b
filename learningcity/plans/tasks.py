"""The plan's background task (huey): making the progress report's PDF. The row
(``ReportPrint``) is the record; the task only says "look at report N"."""

from huey.contrib.djhuey import db_task

from . import printing


@db_task()
def make_report_pdf(job_pk: int) -> None:
    printing.run_report_print(job_pk)

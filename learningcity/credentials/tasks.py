"""Background work of the credentials app (huey): issuing a batch."""

from huey.contrib.djhuey import db_task


@db_task()
def issue_batch(batch_pk: int) -> None:
    from .services import run_batch

    run_batch(batch_pk)

"""Background work of the network app (found by huey's autodiscovery; thin: the work
is in ``similarity``)."""

from huey.contrib.djhuey import db_task, lock_task


@db_task()
@lock_task("network-similar-practices")
def recompute_similar() -> None:
    from .similarity import recompute_similar_practices

    recompute_similar_practices()

"""Background work of the network app (found by huey's autodiscovery; thin: the work
is in ``similarity``)."""

from huey.contrib.djhuey import db_task, lock_task


@db_task()
@lock_task("network-similar-practices")
def recompute_similar() -> None:
    from .similarity import recompute_similar_practices

    recompute_similar_practices()


# How often a build for another machine is passed back to the queue before giving up
# (that machine's web processes ask again while their files are missing or behind).
MAX_HOPS = 20


@db_task(retries=2, retry_delay=30)
def build_library_index(machine: str, hops: int = 0) -> None:
    """Bring ``machine``'s files of the library's search index up to date (files are
    per machine; a worker of another machine passes the task back to the queue)."""
    import socket

    from .search import rebuild_library_files

    if machine != socket.gethostname():
        if hops < MAX_HOPS:
            build_library_index.schedule((machine, hops + 1), delay=1)
        return
    rebuild_library_files()

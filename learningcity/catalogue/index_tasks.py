"""Background tasks that build and refresh the finder's search index files.

Index files live on each app machine's own disk (``settings.INDEX_DIR``), so a
build is for one machine: the web process that finds its machine's files missing
or behind the database asks for ``build_search_index(city, machine)``. With one
machine (SQLite task storage, the default) its own worker runs it. With several
machines sharing a Redis queue, any worker may take the task; a worker on another
machine passes it back to the queue, so it reaches a worker of the machine named.

Only one build of a city runs at a time on a machine: the build holds an exclusive
``flock`` on a file in the city's index directory. Unlike a lock kept in the
queue's storage (huey's ``lock_task``), the operating system releases it when the
process holding it dies, so a worker killed in the middle of a build never stops
the next build.
"""

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from huey.contrib.djhuey import db_task

from learningcity.core.models import City

from . import search

logger = logging.getLogger(__name__)

# How often a task for another machine is passed back to the queue before giving up
# (the web process asks again while its files are still missing or behind).
MAX_HOPS = 20
HOP_DELAY_SECONDS = 1


class BuildRunning(Exception):
    """Another process of this machine is building the same city's index."""


@contextmanager
def building(city: City) -> Iterator[None]:
    """Hold this machine's build lock of ``city`` (raises ``BuildRunning``)."""
    root = search.index_root(city)
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".build.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise BuildRunning(city.pk) from error
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_city_index(city: City, *, force: bool = False) -> str | None:
    """Build ``city``'s index files on this machine unless they are up to date (or
    ``force``); returns the new version's name, or None when nothing was built."""
    try:
        with building(city):
            if not force and search.index_files_fresh(city):
                return None
            return search.build_index_files(city)
    except BuildRunning:
        logger.info("a search index build of city %s is already running here", city.pk)
        return None


@db_task(retries=2, retry_delay=30)
def build_search_index(city_pk: int, machine: str, hops: int = 0) -> None:
    """Bring ``machine``'s index files of city ``city_pk`` up to date."""
    if machine != search.machine_name():
        if hops < MAX_HOPS:
            build_search_index.schedule((city_pk, machine, hops + 1), delay=HOP_DELAY_SECONDS)
        return
    city = City.objects.filter(pk=city_pk).first()
    if city is not None:
        build_city_index(city)


def refresh_search_indexes() -> int:
    """Bring this machine's index files of every city with published learning up to
    date; returns how many were rebuilt. Run on a schedule, so a machine whose finder
    nobody has used since the catalogue changed (or since the demo was seeded) has
    current files before its first visitor, not after."""
    cities = City.objects.filter(opportunities__is_published=True).distinct().order_by("pk")
    return sum(build_city_index(city) is not None for city in cities)

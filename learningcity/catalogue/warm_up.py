"""Answer a few finder pages in gunicorn's master, before it forks its workers.

A process answering its first pages builds a lot that it then keeps: the URL
resolver's tables and the translation catalogues of each language, Babel's locale
data, compiled queries, the mapped index files of a city and the finder's caches.
Built in each worker, all of it is private memory of that worker (measured: a
worker forked from a cold master grew by about 35 MiB on its first few pages).
Built once in the master before the fork (``gunicorn --preload``), it is shared by
every worker, copy-on-write, and the garbage collector leaves it alone once frozen
(``gc.freeze()`` in ``learningcity.wsgi``). A worker's first search is quick too.

The pages are asked through the WSGI application itself, as a visitor would ask
them, for the cities that have index files on this machine (at most a few), once
in each interface language. Nothing is written. Anything going wrong (no database
yet, a city renamed) only means less is shared: it is logged and the server starts.
"""

import io
import logging
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import translation

logger = logging.getLogger(__name__)

MAX_CITIES = 3
# One question with words, a place, a distance, filters and a page: the search code
# beyond the plain list (typo matching, place names, distances, facet counts).
QUESTION = "q=course&near=centre&km=5&topic=arts&cost=free&when=month&age=30&page=2"


def warm_up(application: Callable[..., Iterable[bytes]]) -> None:
    """Answer the finder's pages of a few cities, in every interface language, then
    close the database connections (a worker must never share its master's) and
    forget the mapped index files."""
    try:
        _warm_languages()
        for slug in _cities_with_files():
            for code, _name in settings.LANGUAGES:
                _get(application, f"/{slug}/learn/", "", code)
            _get(application, f"/{slug}/learn/", QUESTION, settings.LANGUAGE_CODE)
    except Exception:  # the workers then simply build all of this themselves
        logger.warning("warming up the finder before forking failed", exc_info=True)
    finally:
        # The workers open the current index files themselves (in milliseconds): the
        # master must not keep a version mapped that a rebuild later deletes.
        from . import search

        search.forget_indexes()
        connections.close_all()


def _warm_languages() -> None:
    """Translation catalogues, URL tables and date formats of every language, also
    when no city has index files yet."""
    from django.urls import reverse
    from django.utils import timezone

    from learningcity.core.dates import format_when

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            reverse("core:home")
            format_when(timezone.now(), "brief")


def _cities_with_files() -> list[str]:
    """Slugs of the cities whose index files are on this machine and that are still
    cities (the directory is named ``<id>-<slug>``), at most ``MAX_CITIES``."""
    from learningcity.core.models import City

    root = Path(settings.INDEX_DIR)
    found: dict[int, str] = {}
    for pointer in sorted(root.glob("*/CURRENT")) if root.is_dir() else []:
        number, _dash, slug = pointer.parent.name.partition("-")
        if number.isdigit():
            found[int(number)] = slug
    cities = City.objects.filter(pk__in=list(found)).values_list("pk", "slug")
    return [slug for pk, slug in cities.order_by("pk") if found.get(pk) == slug][:MAX_CITIES]


def _get(application: Callable[..., Iterable[bytes]], path: str, query: str, language: str) -> None:
    host = next(
        (name for name in settings.ALLOWED_HOSTS if name and name[0] not in ".*"), "localhost"
    )
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": "443",
        "HTTP_HOST": host,
        "HTTP_ACCEPT_LANGUAGE": language,
        # As the TLS-terminating proxy says it (no redirect to https).
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTPS": "on",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    statuses: list[str] = []
    body = application(environ, lambda status, headers, *rest: statuses.append(status))
    try:
        b"".join(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    if statuses and not statuses[0].startswith("200"):
        logger.info("warming up: %s?%s answered %s", path, query, statuses[0])

"""Finding things in the network: the member directory (filtered in Python over one
query, always fresh) and the good-practice library (the finder's search engine,
``learningcity.engines.search``).

The library's index lives in files on each app machine (``settings.INDEX_DIR`` /
``network-practices``), built by the task queue (``tasks.build_library_index``) and
mapped read-only by every process (``engines.search.store``, as the finder's), so a
new process opens it in milliseconds and a request never builds it:

* No files yet (a new machine): the request asks the queue for a build and is
  answered from the database (``DatabaseLibrary``: the same filters and facet
  counts, plainer word matching, newest first) until the files exist.
* Each search first asks the database one indexed question — the newest
  ``Practice.index_stamp`` and the number of published practices — and re-reads
  only the practices changed since the files' (or this process's) stamp into the
  engine's small delta segment (up to ``MAX_DELTA``), so a publication shows at the
  next search; a count that does not add up (a city deleted with its practices)
  drops the practices that are gone. When more changed than that, the process asks
  for a build and the database answers until the new version is swapped in.
* A publication or withdrawal asks for a build once committed; a new version is
  noticed at the next search (the version pointer is read each time).

The rows of a page are always read from the database (published now), so nothing
withdrawn is shown."""

from __future__ import annotations

import fcntl
import logging
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db.models import Count, Max, Q

from learningcity.core.models import UnescoRegion
from learningcity.engines.search import index as engine_index
from learningcity.engines.search import store
from learningcity.engines.search.query import MAX_QUERY_WORDS, Hit, Query, Result, Sort
from learningcity.engines.search.schema import Document, Facet, Schema, Text
from learningcity.engines.search.text import fold

from .models import CityProfile, ClusterMembership, Practice, PracticeRevision
from .practice_fields import BODY_FIELDS, TRANSLATABLE, normalised
from .vocabulary import (
    PRACTICE_LANGUAGE_CODES,
    SDG_CODES,
    THEME_CODES,
    MembershipStatus,
    size_band,
)

logger = logging.getLogger(__name__)

# -- the member directory ------------------------------------------------------------

PUBLIC_STATUSES = (MembershipStatus.MEMBER, MembershipStatus.LAPSED, MembershipStatus.WITHDRAWN)
DIRECTORY_FACETS = ("region", "country", "size", "cluster", "status")


@dataclass(frozen=True)
class DirectoryQuery:
    text: str = ""
    filters: dict[str, frozenset[str]] = field(default_factory=dict)
    # Network coordinators also see applicants (not public until processed).
    include_applicants: bool = False


@dataclass(frozen=True)
class DirectoryResult:
    city_ids: list[int]  # ordered by name
    facets: dict[str, dict[str, int]]
    total: int


def _directory_rows(include_applicants: bool) -> list[dict[str, Any]]:
    statuses = [*PUBLIC_STATUSES, *([MembershipStatus.APPLICANT] if include_applicants else [])]
    rows = list(
        CityProfile.objects.filter(status__in=statuses)
        .values_list(
            "city_id",
            "city__name",
            "city__country",
            "city__country_code",
            "city__region",
            "city__population",
            "status",
        )
        .order_by("city__name", "city_id")
    )
    clusters: dict[int, set[str]] = {}
    for city_id, slug in ClusterMembership.objects.values_list("city_id", "cluster__slug"):
        clusters.setdefault(city_id, set()).add(slug)
    return [
        {
            "id": city_id,
            "text": fold(f"{name} {country}", "en"),
            "country": code,
            "region": region,
            "size": size_band(population),
            "status": status,
            "cluster": clusters.get(city_id, set()),
        }
        for city_id, name, country, code, region, population, status in rows
    ]


def _matches(row: dict[str, Any], filters: dict[str, frozenset[str]], skip: str = "") -> bool:
    for name, wanted in filters.items():
        if name == skip or not wanted:
            continue
        value = row[name]
        if isinstance(value, set):
            if not value & wanted:
                return False
        elif value not in wanted:
            return False
    return True


def search_directory(query: DirectoryQuery) -> DirectoryResult:
    """Cities matching the text and every filter; per facet, how many cities each
    value would give with the other filters kept (a facet's own choice set aside,
    so its values stay alternatives)."""
    rows = _directory_rows(query.include_applicants)
    words = fold(query.text, "en").split()
    if words:
        rows = [row for row in rows if all(word in row["text"] for word in words)]
    facets: dict[str, dict[str, int]] = {}
    for name in DIRECTORY_FACETS:
        counter: Counter[str] = Counter()
        for row in rows:
            if _matches(row, query.filters, skip=name):
                value = row[name]
                counter.update(value if isinstance(value, set) else [value])
        facets[name] = dict(counter)
    found = [row["id"] for row in rows if _matches(row, query.filters)]
    return DirectoryResult(city_ids=found, facets=facets, total=len(found))


# -- the good-practice library -------------------------------------------------------

LIBRARY_SCHEMA = Schema(
    facets=(
        Facet("theme", tuple(THEME_CODES), multi=True),
        Facet("sdg", tuple(SDG_CODES), multi=True),
        Facet("language", tuple(PRACTICE_LANGUAGE_CODES)),
        Facet("region", tuple(UnescoRegion.values)),
    )
)
MAX_DELTA = 200
# Newest first without search words: the engine sorts "soonest first", so the
# publication time is turned into a countdown.
_FAR_FUTURE = 4_102_444_800.0  # 2100-01-01


def _mask(values: list[str], vocabulary: list[str]) -> int:
    return sum(1 << vocabulary.index(value) for value in values if value in vocabulary)


def _index_of(value: str, vocabulary: list[str]) -> int:
    return vocabulary.index(value) if value in vocabulary else -1


def practice_document(
    practice_id: int, data: dict[str, Any], region: str, published_at: datetime
) -> Document:
    data = normalised(data)
    texts = [
        Text(
            data["language"] or "en",
            data["title"],
            " ".join(str(data[name]) for name in BODY_FIELDS),
        )
    ]
    for language, wording in sorted((data.get("translations") or {}).items()):
        if isinstance(wording, dict) and language in PRACTICE_LANGUAGE_CODES:
            body = " ".join(str(wording.get(name, "")) for name in TRANSLATABLE[1:])
            texts.append(Text(language, str(wording.get("title", "")), body))
    return Document(
        key=practice_id,
        texts=tuple(texts),
        facets={
            "theme": _mask(data["themes"], THEME_CODES),
            "sdg": _mask([str(goal) for goal in data["sdgs"]], SDG_CODES),
            "language": _index_of(data["language"], PRACTICE_LANGUAGE_CODES),
            "region": _index_of(region, list(UnescoRegion.values)),
        },
        next_start=_FAR_FUTURE - published_at.timestamp(),
    )


def _documents(practices: Any) -> list[Document]:
    rows = list(
        practices.published().values_list(
            "id", "published_revision_id", "city__region", "published_at"
        )
    )
    data = dict(
        PracticeRevision.objects.filter(pk__in=[row[1] for row in rows]).values_list("id", "data")
    )
    return [
        practice_document(practice_id, data.get(revision_id, {}), region, published_at)
        for practice_id, revision_id, region, published_at in rows
    ]


# -- the library's index: files built by the task queue, mapped by every process -------

LIBRARY_FILES = "network-practices"
# How often one process asks again for a build it is still waiting for.
ASK_AGAIN_SECONDS = 30.0


class LibrarySearcher(Protocol):
    """What answers library searches: the engine's index, or the database while this
    machine has no index files (``DatabaseLibrary``)."""

    def search(self, query: Query) -> Result: ...


@dataclass
class _Library:
    index: engine_index.SearchIndex
    stamp: datetime | None  # newest ``index_stamp`` the index holds
    files: str  # the version of the files it was opened from
    # More changed than a request may re-index: the files are being rebuilt and the
    # database answers until they are swapped in.
    behind: bool = False


_state: _Library | None = None
_lock = threading.Lock()
_asked: tuple[float, str | None] | None = None


def library_root() -> Path:
    """This machine's versions of the library's index files."""
    return Path(settings.INDEX_DIR) / LIBRARY_FILES


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _watermark() -> tuple[datetime | None, int]:
    found = Practice.objects.aggregate(
        stamp=Max("index_stamp"), published=Count("id", filter=Q(published_at__isnull=False))
    )
    return found["stamp"], found["published"]


def build_library_files() -> str:
    """Build the library's index from the database and publish it as this machine's
    current version; returns the version's name. Slow (seconds at 10,000
    practices): only the task queue, the demo seed and the benchmark call it."""
    # Read before the rows: a practice changing meanwhile is simply read again.
    stamp, _published = _watermark()
    index = engine_index.build_index(_documents(Practice.objects.all()), LIBRARY_SCHEMA)
    metadata = {"stamp": _iso(stamp), "published": index.size, "built_at": time.time()}
    return store.publish(index, library_root(), metadata)


def library_files_fresh() -> bool:
    """Do this machine's files hold what the database holds now?"""
    root = library_root()
    name = store.current_version(root)
    if name is None:
        return False
    try:
        metadata = store.read_metadata(root / name)
    except store.IndexFormatError:
        return False
    stamp, published = _watermark()
    return metadata.get("stamp") == _iso(stamp) and metadata.get("published") == published


def rebuild_library_files(*, force: bool = False) -> str | None:
    """Build the files unless they are fresh (or ``force``) and no other process of
    this machine is building them; returns the new version's name, or None. The
    ``flock`` is released by the operating system if the builder dies."""
    root = library_root()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".build.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.info("a library index build is already running here")
            return None
        try:
            if not force and library_files_fresh():
                return None
            return build_library_files()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _ask_for_build(files: str | None) -> None:
    """Ask the task queue for a build on this machine (again only after
    ``ASK_AGAIN_SECONDS``, or once another version appeared). Never fails a search."""
    global _asked
    now = time.monotonic()
    if _asked is not None and now - _asked[0] < ASK_AGAIN_SECONDS and _asked[1] == files:
        return
    _asked = (now, files)
    from .tasks import build_library_index  # the tasks module imports this one

    try:
        build_library_index(socket.gethostname())
    except Exception:  # a queue that is down must not take the library with it
        logger.exception("could not ask for a library index build")


def _open(name: str) -> _Library | None:
    try:
        index, metadata = store.load_index(library_root() / name)
    except (store.IndexFormatError, OSError, KeyError, ValueError):
        logger.exception("unreadable library index files %s", name)
        return None
    stamp = metadata.get("stamp")
    return _Library(index, datetime.fromisoformat(stamp) if isinstance(stamp, str) else None, name)


def _bring_up_to_date(state: _Library, stamp: datetime | None, published: int) -> _Library:
    """Re-read the practices changed since ``state`` into the delta segment (up to
    ``MAX_DELTA`` documents in it), and drop practices deleted outright (they leave
    no stamp, only a count that does not add up)."""
    if state.stamp == stamp and state.index.size == published:
        return replace(state, behind=False)
    changed = Practice.objects.all()
    if state.stamp is not None:
        changed = changed.filter(index_stamp__gt=state.stamp)
    ids = list(changed.values_list("id", flat=True)[: MAX_DELTA + 1])
    delta = sum(segment.size for segment in state.index.segments[1:])
    if delta + len(ids) > MAX_DELTA:
        return replace(state, behind=True)
    index = state.index
    if ids:
        index = index.with_changes(_documents(Practice.objects.filter(pk__in=ids)), ids)
    if index.size != published:
        live = {int(key) for key in index.live_keys()}
        gone = live - set(Practice.objects.published().values_list("id", flat=True))
        index = index.with_changes([], gone)
    if index.size != published or index.needs_rebuild:
        return replace(state, behind=True)
    return _Library(index, stamp, state.files)


def _current(state: _Library | None, stamp: datetime | None, published: int) -> _Library | None:
    name = store.current_version(library_root())
    if name is not None and (state is None or state.files != name):
        state = _open(name) or state
    return _bring_up_to_date(state, stamp, published) if state is not None else None


def library_searcher() -> LibrarySearcher:
    """What answers a library search in this process: this machine's index files
    (opened in milliseconds, kept current with a small delta), or the database while
    there are none or they are far behind. A request never builds an index."""
    global _state
    stamp, published = _watermark()
    with _lock:
        state = _current(_state, stamp, published)
        if state is None or state.behind:
            files = state.files if state is not None else None
            _ask_for_build(files)
            # A queue that runs tasks at once (development, tests) has built by now.
            if store.current_version(library_root()) != files:
                state = _current(state, stamp, published)
        _state = state
        if state is None or state.behind:
            return DatabaseLibrary()
        if sum(segment.size for segment in state.index.segments[1:]) > MAX_DELTA // 2:
            _ask_for_build(state.files)  # fold the delta into new files in good time
        return state.index


def library_index() -> engine_index.SearchIndex:
    """The engine's index of the library, built here if this machine has no files
    (tests and tools; requests go through ``library_searcher``)."""
    searcher = library_searcher()
    if isinstance(searcher, engine_index.SearchIndex):
        return searcher
    rebuild_library_files(force=True)
    forget_library_index()
    found = library_searcher()
    assert isinstance(found, engine_index.SearchIndex)
    return found


def forget_library_index() -> None:
    """Drop this process's index (tests, and the benchmark's "new process"); the
    files stay."""
    global _state, _asked
    with _lock:
        _state = None
        _asked = None


class DatabaseLibrary:
    """The library answered from the database while there are no index files: the
    same filters and facet counts (a facet's own choice set aside), plainer words
    (each query word found in the folded title or summary) and newest first. One
    query over the published practices' listing columns; correct, never building."""

    def search(self, query: Query) -> Result:
        rows = Practice.objects.published().values_list(
            "id", "title", "summary", "language", "themes", "sdgs", "city__region"
        )
        language = query.languages[0] if query.languages else "en"
        words = fold(query.text, language).split()[:MAX_QUERY_WORDS]
        found: list[dict[str, Any]] = []
        for key, title, summary, written_in, themes, sdgs, region in rows.order_by(
            "-published_at", "-id"
        ):
            if words:
                text = fold(f"{title} {summary}", written_in or language)
                if not all(word in text for word in words):
                    continue
            found.append(
                {
                    "key": key,
                    "theme": set(themes or []),
                    "sdg": {str(goal) for goal in sdgs or []},
                    "language": written_in,
                    "region": region,
                }
            )
        facets: dict[str, dict[str, int]] = {}
        for facet in LIBRARY_SCHEMA.facets:
            counter: Counter[str] = Counter()
            for row in found:
                if _matches(row, dict(query.filters), skip=facet.name):
                    value = row[facet.name]
                    counter.update(value if isinstance(value, set) else [value])
            facets[facet.name] = {value: counter[value] for value in facet.values}
        hits: list[int] = [row["key"] for row in found if _matches(row, dict(query.filters))]
        page = hits[query.offset : query.offset + query.limit]
        return Result(
            total=len(hits),
            hits=tuple(Hit(key, 0.0, None, None) for key in page),
            facets=facets,
        )


def search_library(
    text: str,
    filters: dict[str, frozenset[str]],
    *,
    languages: tuple[str, ...] = ("en",),
    offset: int = 0,
    limit: int = 20,
) -> Result:
    query = Query(
        text=text,
        languages=languages,
        filters=filters,
        sort=Sort.BEST,
        offset=offset,
        limit=limit,
    )
    return library_searcher().search(query)

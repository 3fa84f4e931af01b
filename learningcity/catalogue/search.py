"""The finder's search: the catalogue as seen by the search engine.

The index of a city lives in files on each app machine (``settings.INDEX_DIR``,
one directory per city), written by the task queue (``index_tasks``) and mapped
read-only by every worker of the machine (``learningcity.engines.search.store``),
so the workers share one copy and a new worker opens it in milliseconds. A
request never builds an index:

* No files yet (a new machine, a new city): the request asks the task queue for a
  build and is answered from the database (``search_fallback``: the same filters,
  totals and facet counts, plainer text matching and ordering) until the files
  exist.
* Every search first asks the database, through the ``(city, updated_at)`` index,
  which opportunities changed since the newest change the files (or this process)
  have seen, less a safety margin so that a transaction that committed late is
  still caught. A few changed rows are re-read into a small in-process delta
  segment with tombstones, so an edit shows on the very next search. When more
  rows changed than a request may re-index cheaply (``MAX_DELTA_DOCUMENTS``), the
  process asks for a rebuild instead and keeps answering from the files it has,
  hiding only the rows that were unpublished, until the new version is swapped in.
* Learning sites carry ``updated_at`` too: a moved or renamed site re-indexes its
  opportunities and refreshes the place names that "near" understands.
* Rows deleted outright leave no ``updated_at`` behind. The rows of every results
  page are read from the database (only published rows of this city), so a deleted
  row is never shown: it is dropped from the index there and then. Once a minute,
  counts of sites and published rows catch the rest.
* A new version of the files is noticed on the next search (the version pointer is
  read each time) and mapped; searches already running finish on the old mapping.

Writes that bypass ``save()`` (``QuerySet.update``) must set ``updated_at``
themselves, as ``schedule.refresh_schedules`` does.
"""

import bisect
import itertools
import logging
import math
import mmap
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import numpy as np
from django.conf import settings
from django.db import connections, router
from django.db.models import Exists, Max, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcity.core.models import City, District
from learningcity.core.tenancy import for_city
from learningcity.engines.search import (
    Document,
    Facet,
    Point,
    Preferences,
    Query,
    Result,
    Schema,
    SearchIndex,
    Text,
    build_index,
    store,
)
from learningcity.engines.search.text import fold

from .models import (
    Accessibility,
    Cost,
    Format,
    LearningSite,
    Level,
    Opportunity,
    OpportunityKind,
    TargetGroup,
    TimeOfDay,
    Topic,
    Weekday,
)

logger = logging.getLogger(__name__)

# How late a transaction may commit after stamping its rows and still be seen at once
# (later ones are caught by the next change or the count check). While the newest
# change is younger than this, each search re-reads the stamps of the rows changed
# in this window, so it is kept short.
COMMIT_MARGIN = timedelta(seconds=10)
COUNT_CHECK_SECONDS = 60.0
# Changed rows a process may hold in its delta segment, which is re-analysed whole at
# each change (about 0.1 ms a row): 200 keep a request quick. Beyond, the task queue
# rebuilds the files.
MAX_DELTA_DOCUMENTS = 200
# How often one process asks again for a build it is still waiting for.
ASK_AGAIN_SECONDS = 30.0

# Age bands people choose from, as (value, label, youngest, oldest).
AGE_BANDS = (
    ("0-5", _("Young children (0–5)"), 0, 5),
    ("6-11", _("Children (6–11)"), 6, 11),
    ("12-17", _("Teenagers (12–17)"), 12, 17),
    ("18-25", _("Young adults (18–25)"), 18, 25),
    ("26-64", _("Adults (26–64)"), 26, 64),
    ("65+", _("Older adults (65 and over)"), 65, 200),
)

# Languages offered as a facet besides the city's own: the UN's six and a few more
# that cities teach in often. Other codes are shown on pages but not filterable.
COMMON_LANGUAGES = ("pt", "de", "it", "ja", "ko", "hi", "sw", "tr", "qu", "sgn")

# Facet name (also the URL parameter) → its label and its values' labels.
FACET_LABELS: dict[str, Any] = {
    "topic": _("Topic"),
    "kind": _("Kind"),
    "format": _("How"),
    "cost": _("Cost"),
    "day": _("Day"),
    "time": _("Time of day"),
    "district": _("District"),
    "language": _("Language"),
    "group": _("Especially for"),
    "age_band": _("Age"),
    "level": _("Level"),
    "access": _("Accessibility"),
}
FIXED_FACETS: dict[str, tuple[str, ...]] = {
    "topic": tuple(Topic.values),
    "kind": tuple(OpportunityKind.values),
    "format": tuple(Format.values),
    "cost": tuple(Cost.values),
    "day": tuple(Weekday.values),
    "time": tuple(TimeOfDay.values),
    "group": tuple(TargetGroup.values),
    "age_band": tuple(band[0] for band in AGE_BANDS),
    "level": tuple(Level.values),
    "access": tuple(Accessibility.values),
}
MULTI_VALUED = frozenset({"topic", "day", "time", "group", "age_band", "access", "language"})
FACET_ORDER = tuple(FACET_LABELS)

ROW_FIELDS = (
    "id",
    "kind",
    "title",
    "description",
    "translations",
    "topics",
    "level",
    "format",
    "languages",
    "cost",
    "target_groups",
    "min_age",
    "max_age",
    "accessibility",
    "weekdays",
    "times_of_day",
    "next_start",
    "site__latitude",
    "site__longitude",
    "site__accessibility",
    "site__district__slug",
)


@dataclass(frozen=True)
class Place:
    """A point distances are measured from, with the words to show for it."""

    label: str
    point: Point


_versions = itertools.count(1)
Row = TypeVar("Row")


class Searcher(Protocol):
    """What answers a city's searches: the engine's index, or the database while
    this machine has no index files yet (``search_fallback.DatabaseSearch``)."""

    @property
    def schema(self) -> Schema: ...

    @property
    def size(self) -> int: ...

    def search(self, query: Query) -> Result: ...


class LazySites:
    """The city's places by name and address for "near", read the first time a
    search needs them (most searches do not): from the index files when they hold
    them (mapped, shared by every worker), otherwise from the database."""

    def __init__(self, city: City, directory: Path | None = None) -> None:
        self.city = city
        self.directory = directory
        self._gazetteer: Gazetteer | None = None
        self._lock = threading.Lock()

    def get(self) -> "Gazetteer":
        with self._lock:
            if self._gazetteer is None:
                self._gazetteer = self._read()
            return self._gazetteer

    def _read(self) -> "Gazetteer":
        if self.directory is not None:
            try:
                return Gazetteer([StoredNames(self.directory, kind) for kind in PLACE_KINDS])
            except (OSError, ValueError):
                logger.warning(
                    "no place names in %s: reading them from the database", self.directory
                )
        return _gazetteer(self.city)


@dataclass
class CityIndex:
    """One city's index in this process, with what is needed to keep it current."""

    index: Searcher
    districts: tuple[str, ...]
    languages: tuple[str, ...]
    places: LazySites  # the city's places by name, then by address, for "near"
    watermark: datetime | None  # newest updated_at seen
    recent: dict[int, datetime]  # rows seen within the commit margin of the watermark
    sites_changed: datetime | None  # newest updated_at of the city's sites
    site_count: int
    # The version of the index files this was opened from (None: not from files).
    files: str | None = None
    counted_at: float = field(default_factory=time.monotonic)
    # Changes whenever what a search can answer changes (the index or the place
    # names): pages built from an earlier version must not be reused.
    version: int = field(default_factory=lambda: next(_versions))
    # Rows changed that this process did not re-index (too many at once): the files
    # are being rebuilt and answer until then.
    behind: bool = False

    @property
    def schema(self) -> Schema:
        return self.index.schema

    @property
    def sites(self) -> "Gazetteer":
        return self.places.get()

    @property
    def from_database(self) -> bool:
        return not isinstance(self.index, SearchIndex)


_indexes: dict[int, CityIndex] = {}
_locks: dict[int, threading.Lock] = {}
_locks_guard = threading.Lock()
# When this process last asked the task queue for a city's build (monotonic time).
_asked: dict[int, tuple[float, str | None]] = {}


def _lock(city: City) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(city.pk, threading.Lock())


def forget_indexes() -> None:
    """Drop every index this process holds (tests, and after restoring a database).
    The files stay; ``settings.INDEX_DIR`` is per machine."""
    _indexes.clear()
    _asked.clear()
    _listings.clear()
    _listed_queries.clear()
    _probes.clear()
    _district_queries.clear()


# -- schema and documents -------------------------------------------------------------


def facet_languages(city: City) -> tuple[str, ...]:
    codes = [*city.languages, *(code for code, _name in settings.LANGUAGES), *COMMON_LANGUAGES]
    return tuple(dict.fromkeys(code.lower() for code in codes))


def build_schema(districts: tuple[str, ...], languages: tuple[str, ...]) -> Schema:
    values = {**FIXED_FACETS, "district": districts, "language": languages}
    return Schema(
        tuple(
            Facet(
                name,
                values[name],
                multi=name in MULTI_VALUED,
                match_all=name == "access",
            )
            for name in FACET_ORDER
        )
    )


def age_band_mask(min_age: int | None, max_age: int | None) -> int:
    youngest = 0 if min_age is None else min_age
    oldest = 200 if max_age is None else max_age
    mask = 0
    for bit, (_value, _label, low, high) in enumerate(AGE_BANDS):
        if youngest <= high and oldest >= low:
            mask |= 1 << bit
    return mask


def text_language(city: City, languages: list[str]) -> str:
    """The language an opportunity's own wording is read in: its first language of
    instruction when the city uses that language, else the city's main language."""
    for code in languages:
        if isinstance(code, str) and code in city.languages:
            return code
    return city.primary_language


def _document(row: dict[str, Any], city: City, state: "CityIndex") -> Document:
    languages = [code for code in row["languages"] or [] if isinstance(code, str)]
    texts = [Text(text_language(city, languages), row["title"], row["description"] or "")]
    translations = row["translations"] if isinstance(row["translations"], dict) else {}
    for code, wording in translations.items():
        if isinstance(wording, dict):
            texts.append(
                Text(str(code), str(wording.get("title", "")), str(wording.get("description", "")))
            )
    district = row["site__district__slug"]
    language_bits = 0
    for code in languages:
        if code.lower() in state.languages:
            language_bits |= 1 << state.languages.index(code.lower())
    single = {
        name: FIXED_FACETS[name].index(row[name]) if row[name] in FIXED_FACETS[name] else -1
        for name in ("kind", "format", "cost", "level")
    }
    return Document(
        key=row["id"],
        texts=tuple(texts),
        facets={
            **single,
            "topic": row["topics"],
            "day": row["weekdays"],
            "time": row["times_of_day"],
            "group": row["target_groups"],
            "age_band": age_band_mask(row["min_age"], row["max_age"]),
            "access": row["accessibility"] | (row["site__accessibility"] or 0),
            "language": language_bits,
            "district": state.districts.index(district) if district in state.districts else -1,
        },
        min_age=row["min_age"],
        max_age=row["max_age"],
        latitude=row["site__latitude"],
        longitude=row["site__longitude"],
        remote=row["format"] in (Format.ONLINE, Format.HYBRID),
        next_start=row["next_start"].timestamp() if row["next_start"] else None,
    )


def _published_rows(city: City, **lookup: Any) -> Iterator[dict[str, Any]]:
    rows = for_city(Opportunity, city).filter(is_published=True, **lookup).order_by("pk")
    return rows.values(*ROW_FIELDS).iterator(chunk_size=5000)


# -- building (task queue only) -------------------------------------------------------


def machine_name() -> str:
    """This app machine: index files are per machine, and so are their builds."""
    return socket.gethostname()


def index_root(city: City) -> Path:
    """The directory of ``city``'s index versions on this machine. The slug is part
    of the name so that files of a deleted city are never read for a new one that
    got the same id."""
    return Path(settings.INDEX_DIR) / f"{city.pk}-{city.slug}"


def _sites_changed(city: City) -> datetime | None:
    changed: datetime | None = for_city(LearningSite, city).aggregate(newest=Max("updated_at"))[
        "newest"
    ]
    return changed


PLACE_KINDS = ("names", "addresses")


def _place_lists(city: City) -> dict[str, list[tuple[str, Place]]]:
    """The city's sites by folded name and by folded address, for "near"."""
    language = city.primary_language
    lists: dict[str, list[tuple[str, Place]]] = {kind: [] for kind in PLACE_KINDS}
    sites = for_city(LearningSite, city).filter(latitude__isnull=False, longitude__isnull=False)
    rows = sites.order_by("name", "pk").values_list("name", "address", "latitude", "longitude")
    for name, address, latitude, longitude in rows:  # plain values: a city has thousands
        point = Point(float(latitude or 0), float(longitude or 0))
        lists["names"].append((fold(name, language), Place(name, point)))
        if address:
            lists["addresses"].append((fold(address, language), Place(address, point)))
    return lists


def _gazetteer(city: City) -> "Gazetteer":
    """The city's sites by name and by address, for "near", from the database."""
    lists = _place_lists(city)
    return Gazetteer([Names(lists[kind]) for kind in PLACE_KINDS])


def _save_places(city: City, directory: Path) -> None:
    """The place names beside the index files, as ``StoredNames`` reads them."""
    for kind, entries in _place_lists(city).items():
        encoded = [words.encode() for words, _place in entries]
        starts = np.zeros(len(encoded), dtype=np.int64)
        if encoded:
            np.cumsum([len(each) + 1 for each in encoded[:-1]], out=starts[1:])
        (directory / f"places-{kind}.txt").write_bytes(
            b"".join(b"\n" + each for each in encoded) + b"\n"
        )
        np.save(directory / f"places-{kind}-starts.npy", starts + 1)
        labels = store.PackedStrings.pack([place.label for _words, place in entries])
        np.save(directory / f"places-{kind}-labels.npy", labels.blob)
        np.save(directory / f"places-{kind}-label-offsets.npy", labels.offsets)
        points = [(place.point.latitude, place.point.longitude) for _words, place in entries]
        np.save(
            directory / f"places-{kind}-points.npy",
            np.array(points, dtype=np.float64).reshape(-1, 2),
        )


def district_slugs(city: City) -> tuple[str, ...]:
    """The city's district slugs in the order the index's district facet keeps them."""
    return tuple(for_city(District, city).order_by("slug").values_list("slug", flat=True))


def _build(city: City) -> CityIndex:
    """A complete index of ``city`` from the database (slow: seconds per 100,000
    opportunities). Only the task queue calls this, through ``build_index_files``."""
    districts = district_slugs(city)
    # Stamps are read before the rows: a row changing meanwhile is simply read again.
    watermark = for_city(Opportunity, city).aggregate(newest=Max("updated_at"))["newest"]
    recent: dict[int, datetime] = {}
    if watermark is not None:
        window = for_city(Opportunity, city).filter(updated_at__gte=watermark - COMMIT_MARGIN)
        recent = dict(window.values_list("pk", "updated_at"))
    state = CityIndex(
        index=SearchIndex(build_schema((), ()), ()),
        districts=districts,
        languages=facet_languages(city),
        places=LazySites(city),
        watermark=watermark,
        recent=recent,
        sites_changed=_sites_changed(city),
        site_count=for_city(LearningSite, city).count(),
    )
    schema = build_schema(state.districts, state.languages)
    state.index = build_index(
        (_document(row, city, state) for row in _published_rows(city)), schema
    )
    return state


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _moment(stamp: Any) -> datetime | None:
    return datetime.fromisoformat(stamp) if isinstance(stamp, str) else None


def build_index_files(city: City) -> str:
    """Build ``city``'s index from the database and publish it as the current
    version of this machine's files; returns the version's name."""
    state = _build(city)
    assert isinstance(state.index, SearchIndex)
    metadata = {
        "city": city.pk,
        "slug": city.slug,
        "districts": list(state.districts),
        "languages": list(state.languages),
        "watermark": _stamp(state.watermark),
        "recent": {str(pk): _stamp(moment) for pk, moment in state.recent.items()},
        "sites_changed": _stamp(state.sites_changed),
        "site_count": state.site_count,
        "published": state.index.size,
        "built_at": time.time(),
    }
    return store.publish(
        state.index, index_root(city), metadata, lambda directory: _save_places(city, directory)
    )


def index_files_fresh(city: City) -> bool:
    """Do this machine's files of ``city`` hold what the database holds now? (Edits
    are stamped, so the newest stamp, the sites and the counts tell.)"""
    root = index_root(city)
    name = store.current_version(root)
    if name is None:
        return False
    try:
        metadata = store.read_metadata(root / name)
    except store.IndexFormatError:
        return False
    opportunities = for_city(Opportunity, city)
    return (
        _stamp(opportunities.aggregate(newest=Max("updated_at"))["newest"])
        == metadata.get("watermark")
        and _stamp(_sites_changed(city)) == metadata.get("sites_changed")
        and for_city(LearningSite, city).count() == metadata.get("site_count")
        and opportunities.filter(is_published=True).count() == metadata.get("published")
        and list(facet_languages(city)) == metadata.get("languages")
        and list(district_slugs(city)) == metadata.get("districts")
    )


def _ask_for_build(city: City, files: str | None, *, delay: float = 0) -> None:
    """Ask the task queue for a build of ``city``'s files on this machine (``files``:
    the version this process has now), in ``delay`` seconds. Asked again only after
    ``ASK_AGAIN_SECONDS``, or once a newer version has appeared that still was not
    enough (the build's lock stops duplicates anyway). Never fails a request: the
    files are an optimisation."""
    now = time.monotonic()
    asked = _asked.get(city.pk)
    if asked is not None and now - asked[0] < ASK_AGAIN_SECONDS and asked[1] == files:
        return
    _asked[city.pk] = (now, files)
    from .index_tasks import build_search_index  # the tasks module imports this one

    try:
        if delay:
            build_search_index.schedule((city.pk, machine_name()), delay=delay)
        else:
            build_search_index(city.pk, machine_name())
    except Exception:  # a queue that is down must not take the finder with it
        logger.exception("could not ask for a search index build of city %s", city.pk)


# -- opening and keeping current (requests) -------------------------------------------


def _open(city: City, name: str) -> CityIndex:
    """This machine's index version ``name`` of ``city``, mapped."""
    index, metadata = store.load_index(index_root(city) / name)
    if metadata.get("city") != city.pk:
        raise store.IndexFormatError(f"index files {name} are not of city {city.pk}")
    recent = {int(pk): _moment(stamp) for pk, stamp in metadata.get("recent", {}).items()}
    return CityIndex(
        index=index,
        districts=tuple(metadata["districts"]),
        languages=tuple(metadata["languages"]),
        places=LazySites(city, index_root(city) / name),
        watermark=_moment(metadata.get("watermark")),
        recent={pk: moment for pk, moment in recent.items() if moment is not None},
        sites_changed=_moment(metadata.get("sites_changed")),
        site_count=int(metadata.get("site_count", 0)),
        files=name,
    )


def _from_database(city: City) -> CityIndex:
    from .search_fallback import DatabaseSearch

    districts = district_slugs(city)
    languages = facet_languages(city)
    return CityIndex(
        index=DatabaseSearch(city, build_schema(districts, languages)),
        districts=districts,
        languages=languages,
        places=LazySites(city),
        watermark=None,
        recent={},
        sites_changed=None,
        site_count=0,
    )


def _apply_changes(
    city: City, state: CityIndex, changed_ids: Iterable[int], unpublished: set[int]
) -> CityIndex:
    """Re-read ``changed_ids`` into the delta segment, or, when they are too many to
    re-index within a request, only hide the ``unpublished`` ones and ask for a
    rebuild (the files answer for the others until it is swapped in)."""
    index = state.index
    assert isinstance(index, SearchIndex)
    ids = sorted(set(changed_ids))
    if not ids:
        return state
    delta = sum(segment.size for segment in index.segments[1:])
    if delta + len(ids) <= MAX_DELTA_DOCUMENTS:
        rows = list(_published_rows(city, pk__in=ids))
        if all(row["site__district__slug"] in (None, *state.districts) for row in rows):
            updated = index.with_changes([_document(row, city, state) for row in rows], ids)
            if not updated.needs_rebuild:
                return replace(state, index=updated)
    # Too much to patch here (or a new district to offer as a facet): the caller asks
    # for a rebuild in the background; meanwhile only hiding rows is cheap enough.
    hidden = index.with_changes([], unpublished) if unpublished else index
    return replace(state, index=hidden, behind=True)


class PreparedQuery:
    """A query compiled to SQL once and run again as is. Building and compiling a
    query in the ORM costs ten times what running a small one costs, and the
    freshness check runs the very same query on every search until something
    changes. Rows come back as the ORM would give them (values converted)."""

    def __init__(self, queryset: QuerySet[Any, Any]) -> None:
        self.using = queryset.db
        self.compiler = queryset.query.get_compiler(using=self.using)
        self.sql, self.params = self.compiler.as_sql()

    def rows(self, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """The rows, with the compiled parameters or others in their place."""
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, self.params if params is None else params)
            fetched = cursor.fetchall()
        return list(self.compiler.results_iter(results=[fetched], tuple_expected=True))


class KeyedQuery:
    """A ``PreparedQuery`` of rows by a list of keys (``pk__in``) of one length, run
    again with other keys: the keys are found among the compiled parameters (as
    placeholders that no real key can be) and replaced."""

    def __init__(self, queryset: QuerySet[Any, Any], count: int) -> None:
        placeholders = list(range(-(2**40), -(2**40) + count))
        self.prepared = PreparedQuery(queryset.filter(pk__in=placeholders))
        params = list(self.prepared.params)
        self.positions = [params.index(each) for each in placeholders]
        self.params = params

    def rows(self, keys: Sequence[int]) -> list[tuple[Any, ...]]:
        params = list(self.params)
        for position, key in zip(self.positions, keys, strict=True):
            params[position] = key
        return self.prepared.rows(params)


# Per city, the freshness query last run, with what it depends on (the watermark and
# which rows it reads): the same one is run again until an edit moves the watermark.
_probes: dict[int, tuple[tuple[Any, ...], PreparedQuery]] = {}


def _probe(
    city: City, rows: Callable[[], QuerySet[Opportunity]], key: tuple[Any, ...]
) -> tuple[datetime | None, bool]:
    """In one query (a search pays for it): the newest stamp of the city's sites,
    and whether any of ``rows()`` (the opportunities that may have changed, as
    described by ``key``) exist. The query is built only when ``key`` changes."""
    cached = _probes.get(city.pk)
    if cached is None or cached[0] != key:
        newest_site = for_city(LearningSite, city).order_by("-updated_at").values("updated_at")[:1]
        probe = City.objects.filter(pk=city.pk).values_list(Subquery(newest_site), Exists(rows()))
        cached = _probes[city.pk] = (key, PreparedQuery(probe))
    found = cached[1].rows()
    return (found[0][0], bool(found[0][1])) if found else (None, False)


def _changed_rows(city: City, state: CityIndex, settled: bool) -> QuerySet[Opportunity]:
    """The opportunities that may have changed since ``state`` was current."""
    rows = for_city(Opportunity, city)
    if state.watermark is None:
        return rows
    return (
        rows.filter(updated_at__gt=state.watermark)
        if settled
        else rows.filter(updated_at__gte=state.watermark - COMMIT_MARGIN)
    )


def _refresh(city: City, state: CityIndex) -> CityIndex:
    now = timezone.now()
    settled = False
    if state.watermark is not None:
        settled = (
            state.behind  # the rebuild it waits for reads everything afresh
            or now - state.watermark > COMMIT_MARGIN
            or _window_unchanged(city, state)
        )
    # Usually nothing changed: one query says so (built once per watermark); the
    # changed rows are read only if there are some.
    key = (router.db_for_read(Opportunity), state.watermark, settled)
    sites_changed, any_rows = _probe(city, partial(_changed_rows, city, state, settled), key)
    rows = _changed_rows(city, state, settled) if any_rows else None
    changed: set[int] = set()
    if sites_changed != state.sites_changed:
        since = (state.sites_changed or now) - COMMIT_MARGIN
        moved = for_city(LearningSite, city).filter(updated_at__gte=since)
        changed.update(
            for_city(Opportunity, city).filter(site__in=moved).values_list("pk", flat=True)
        )
        state = replace(state, sites_changed=sites_changed, places=LazySites(city))

    stamps = (
        list(rows.values_list("pk", "updated_at", "is_published")[: MAX_DELTA_DOCUMENTS + 1])
        if rows is not None
        else []
    )
    if rows is not None and len(stamps) > MAX_DELTA_DOCUMENTS:
        return _fall_behind(city, state, rows)
    recent: dict[int, datetime] = {}
    unpublished: set[int] = set()
    for pk, stamp, published in stamps:
        recent[pk] = stamp
        if not published:
            unpublished.add(pk)
    changed.update(pk for pk, stamp in recent.items() if state.recent.get(pk) != stamp)
    if recent:
        watermark = max(recent.values())
        if state.watermark is not None:
            watermark = max(watermark, state.watermark)
        kept = {**state.recent, **recent}
        state = replace(
            state,
            watermark=watermark,
            recent={pk: s for pk, s in kept.items() if s >= watermark - COMMIT_MARGIN},
        )
    updated = _apply_changes(city, state, changed, unpublished & changed)
    if time.monotonic() - updated.counted_at > COUNT_CHECK_SECONDS:
        updated = _reconcile_count(city, updated)
    if updated.behind:
        _ask_for_build(city, updated.files)  # again now and then, in case one was lost
    return updated


def _window_unchanged(city: City, state: CityIndex) -> bool:
    """After a bulk change the late-commit window holds thousands of rows: rather
    than re-read them on every search, see whether it still holds just the rows seen
    (a late commit would add one). Small windows are simply re-read."""
    assert state.watermark is not None
    since = state.watermark - COMMIT_MARGIN
    seen = sum(1 for stamp in state.recent.values() if since <= stamp <= state.watermark)
    if seen <= MAX_DELTA_DOCUMENTS:
        return False
    window = for_city(Opportunity, city).filter(
        updated_at__gte=since, updated_at__lte=state.watermark
    )
    return window.count() == seen


def _fall_behind(city: City, state: CityIndex, changed: QuerySet[Opportunity]) -> CityIndex:
    """More rows changed than a request may re-read (a bulk change): without reading
    them one by one, move the watermark past them, hide the unpublished ones, and ask
    for a rebuild; the files answer for the others until it is swapped in."""
    newest = changed.aggregate(newest=Max("updated_at"))["newest"]
    hidden = set(changed.filter(is_published=False).values_list("pk", flat=True))
    index = state.index
    assert isinstance(index, SearchIndex)
    watermark = max(filter(None, (newest, state.watermark)), default=None)
    behind = replace(
        state,
        index=index.with_changes([], hidden) if hidden else index,
        watermark=watermark,
        recent={},
        behind=True,
    )
    # A bulk change usually comes in batches: build once it is over, not half-way.
    _ask_for_build(city, state.files, delay=COMMIT_MARGIN.total_seconds())
    return behind


def _reconcile_count(city: City, state: CityIndex) -> CityIndex:
    """Catch rows deleted outright (they leave no stamp): a site deleted means a
    rebuild (its opportunities lost their place); opportunities are compared."""
    state = replace(state, counted_at=time.monotonic())
    if for_city(LearningSite, city).count() != state.site_count:
        return replace(state, behind=True)
    published = for_city(Opportunity, city).filter(is_published=True)
    if published.count() == state.index.size:
        return state
    in_database = set(published.values_list("pk", flat=True))
    assert isinstance(state.index, SearchIndex)
    in_index = {int(key) for key in state.index.live_keys()}
    gone = in_index - in_database
    return _apply_changes(city, state, gone | (in_database - in_index), gone)


def city_index(city: City) -> CityIndex:
    """What answers ``city``'s searches in this process: this machine's index files
    (opened, or brought up to date), or the database while there are none. Never
    builds an index: builds are asked of the task queue."""
    with _lock(city):
        previous = _indexes.get(city.pk)
        state = _current(city, previous)
        if state.behind or state.from_database:
            # The build asked for may have finished already (a queue that runs tasks
            # at once, in development and tests): the pointer says.
            name = store.current_version(index_root(city))
            if name is not None and name != state.files:
                state = _current(city, state)
        if previous is not None and not _answers_differ(previous, state):
            state.version = previous.version
        else:
            state.version = next(_versions)
        _indexes[city.pk] = state
        return state


def _current(city: City, previous: CityIndex | None) -> CityIndex:
    name = store.current_version(index_root(city))
    if name is not None:
        try:
            if previous is not None and previous.files == name:
                return _refresh(city, previous)
            return _refresh(city, _open(city, name))
        except (store.IndexFormatError, OSError, KeyError, ValueError):
            logger.exception("unreadable search index files %s of city %s", name, city.pk)
    _ask_for_build(city, None)
    return _from_database(city)


def _answers_differ(before: CityIndex, after: CityIndex) -> bool:
    return after.index is not before.index or after.places is not before.places


def drop_from_index(city: City, state: CityIndex, keys: Iterable[int]) -> CityIndex:
    """Forget rows found deleted (or moved out of view) while showing results."""
    if not isinstance(state.index, SearchIndex):
        return state  # the database's answers have no stale rows to forget
    with _lock(city):
        current = _indexes.get(city.pk, state)
        if not isinstance(current.index, SearchIndex):
            return current
        updated = replace(
            current, index=current.index.with_changes([], keys), version=next(_versions)
        )
        _indexes[city.pk] = updated
        return updated


# -- places ---------------------------------------------------------------------------


class Names:
    """Folded names with their places, searchable for an exact name, a name starting
    with some words, or a name containing them. The names are joined into one string
    so that the searches run in C (``str.find``), not in a Python loop over
    thousands of sites."""

    def __init__(self, entries: list[tuple[str, Place]]) -> None:
        self.exact: dict[str, Place] = {}
        for words, place in entries:
            self.exact.setdefault(words, place)
        self.places = [place for _words, place in entries]
        self.starts: list[int] = []
        parts: list[str] = []
        offset = 0
        for words, _place in entries:
            self.starts.append(offset + 1)
            parts.append("\n" + words)
            offset += len(words) + 1
        self.text = "".join(parts) + "\n"

    def _at(self, position: int) -> Place:
        return self.places[bisect.bisect_right(self.starts, position) - 1]

    def match(self, wanted: str, how: int) -> Place | None:
        """0: the exact name; 1: a name starting with ``wanted``; 2: containing it."""
        if how == 0:
            return self.exact.get(wanted)
        position = self.text.find("\n" + wanted) + 1 if how == 1 else self.text.find(wanted)
        return self._at(position) if position > 0 else None


class StoredNames:
    """``Names`` read from index files: the joined names memory-mapped and searched
    with ``mmap.find`` (in C, and shared by every worker), their starts, labels and
    points in arrays."""

    def __init__(self, directory: Path, kind: str) -> None:
        with open(directory / f"places-{kind}.txt", "rb") as handle:
            self.text: bytes | mmap.mmap = (
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                if os.fstat(handle.fileno()).st_size
                else b"\n"
            )

        def mapped(name: str) -> Any:
            path = directory / f"places-{kind}-{name}.npy"
            try:
                return np.asarray(np.load(path, mmap_mode="r"))
            except ValueError:  # empty: nothing to map
                return np.load(path)

        self.starts = mapped("starts")
        self.labels = store.PackedStrings(mapped("labels"), mapped("label-offsets"))
        self.points = mapped("points")

    def match(self, wanted: str, how: int) -> Place | None:
        """As ``Names.match``."""
        needle = wanted.encode()
        if how == 0:
            position = self.text.find(b"\n" + needle + b"\n") + 1
        elif how == 1:
            position = self.text.find(b"\n" + needle) + 1
        else:
            position = self.text.find(needle)
        if position <= 0:
            return None
        at = int(np.searchsorted(self.starts, position, side="right")) - 1
        latitude, longitude = self.points[at]
        return Place(self.labels[at], Point(float(latitude), float(longitude)))


class PlaceNames(Protocol):
    def match(self, wanted: str, how: int) -> Place | None: ...


@dataclass(frozen=True)
class Gazetteer:
    """Name lists searched in order of preference."""

    lists: Sequence[PlaceNames]

    def find(self, wanted: str, first: PlaceNames | None = None) -> Place | None:
        lists = [first, *self.lists] if first else self.lists
        for how in (0, 1, 2):
            for names in lists:
                found = names.match(wanted, how)
                if found is not None:
                    return found
        return None


@dataclass(frozen=True)
class DistrictPlace:
    """What the finder needs of a district: read as plain values."""

    slug: str
    name: str
    latitude: float
    longitude: float


_district_queries: dict[int, PreparedQuery] = {}


def city_districts(city: City) -> list[DistrictPlace]:
    """The city's districts, read afresh (an edit shows at once) by a query compiled
    once per city."""
    prepared = _district_queries.get(city.pk)
    if prepared is None:
        query = for_city(District, city).values_list("slug", "name", "latitude", "longitude")
        prepared = _district_queries[city.pk] = PreparedQuery(query)
    return [DistrictPlace(*row) for row in prepared.rows()]


class NamedPoint(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def latitude(self) -> float: ...

    @property
    def longitude(self) -> float: ...


def find_place(
    city: City, text: str, state: CityIndex, districts: Iterable[NamedPoint]
) -> Place | None:
    """The district, site or address best matching ``text``: an exact name before a
    name starting with the words before one containing them, and districts before
    sites before addresses. No network geocoding: only names the city's own records
    know. ``districts`` are the city's, read fresh by the caller."""
    language = city.primary_language
    wanted = " ".join(fold(text, language).split())
    if len(wanted) < 2:
        return None
    named = Names(
        [
            (fold(each.name, language), Place(each.name, Point(each.latitude, each.longitude)))
            for each in districts
        ]
    )
    return state.sites.find(wanted, first=named)


# -- searching ------------------------------------------------------------------------


@dataclass(frozen=True)
class Match(Generic[Row]):
    opportunity: Row
    distance_km: float | None
    matched: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class SearchOutcome(Generic[Row]):
    result: Result
    matches: list[Match[Row]]
    schema: Schema
    query_filters: dict[str, frozenset[str]]


def query_languages(city: City, language: str | None) -> tuple[str, ...]:
    codes = [*city.languages]
    if language:
        codes.append(language)
    return tuple(dict.fromkeys(codes)) or ("en",)


@dataclass(frozen=True)
class Named:
    name: str


@dataclass(frozen=True)
class ListedSite:
    name: str
    latitude: float | None
    longitude: float | None
    district: Named | None


@dataclass(frozen=True)
class Listed:
    """What a list of results shows of an opportunity: read as plain values (no
    model objects), which keeps a results page quick."""

    pk: int
    slug: str
    title: str
    kind: str
    format: str
    cost: str
    languages: list[str]
    next_start: datetime | None
    provider: Named
    site: ListedSite | None


LISTED_COLUMNS = (
    "pk", "slug", "title", "kind", "format", "cost", "languages", "next_start",
    "provider__name", "site__name", "site__latitude", "site__longitude", "site__district__name",
)  # fmt: skip


# Per city, the query reading listed rows, without the page's keys: building it (three
# joins, thirteen columns) took longer than running it. Only clones of it are run.
_listings: dict[int, QuerySet[Opportunity, tuple[Any, ...]]] = {}
# And compiled to SQL, per city and number of keys (a page has at most twenty): only
# the keys change from one page to the next.
_listed_queries: dict[tuple[int, int], KeyedQuery] = {}
MAX_LISTED_KEYS = 50


def _listing(city: City) -> QuerySet[Opportunity, tuple[Any, ...]]:
    listing = _listings.get(city.pk)
    if listing is None:
        published = for_city(Opportunity, city).filter(is_published=True)
        listing = _listings[city.pk] = published.values_list(*LISTED_COLUMNS)
    return listing


def _listing_rows(city: City, keys: list[int]) -> Iterable[tuple[Any, ...]]:
    if not keys or len(keys) > MAX_LISTED_KEYS or len(set(keys)) != len(keys):
        return _listing(city).filter(pk__in=keys)
    prepared = _listed_queries.get((city.pk, len(keys)))
    if prepared is None:
        try:
            prepared = KeyedQuery(_listing(city), len(keys))
        except ValueError:  # keys not found as such among the parameters: not prepared
            return _listing(city).filter(pk__in=keys)
        _listed_queries[city.pk, len(keys)] = prepared
    return prepared.rows(keys)


def _listed(city: City, keys: list[int]) -> dict[int, Listed]:
    found = {}
    for row in _listing_rows(city, keys):
        pk, slug, title, kind, format_, cost, languages, next_start, provider = row[:9]
        site_name, latitude, longitude, district = row[9:]
        site = (
            ListedSite(site_name, latitude, longitude, Named(district) if district else None)
            if site_name is not None
            else None
        )
        found[pk] = Listed(
            pk=pk,
            slug=slug,
            title=title,
            kind=kind,
            format=format_,
            cost=cost,
            languages=[code for code in languages or [] if isinstance(code, str)],
            next_start=next_start,
            provider=Named(provider),
            site=site,
        )
    return found


def _models(city: City, keys: list[int]) -> dict[int, Opportunity]:
    rows = (
        for_city(Opportunity, city)
        .filter(pk__in=keys, is_published=True)
        .select_related("provider", "site", "site__district")
    )
    return {opportunity.pk: opportunity for opportunity in rows}


def search(city: City, query: Query, state: CityIndex) -> SearchOutcome[Opportunity]:
    """Run ``query`` over the city's published opportunities (``state`` from
    ``city_index``). The page's rows are read from the database, so they are always
    current, published and this city's."""
    return _search(city, query, state, _models)


def search_listed(city: City, query: Query, state: CityIndex) -> SearchOutcome[Listed]:
    """``search`` for pages listing results: rows as light ``Listed`` values."""
    return _search(city, query, state, _listed)


def _search(
    city: City,
    query: Query,
    state: CityIndex,
    read: Callable[[City, list[int]], dict[int, Row]],
) -> SearchOutcome[Row]:
    for _attempt in range(3):
        result = state.index.search(replace(query, now=query.now or time.time()))
        keys = [hit.key for hit in result.hits]
        found = read(city, keys)
        missing = [key for key in keys if key not in found]
        if not missing:
            break
        state = drop_from_index(city, state, missing)
    matches = [
        Match(found[hit.key], hit.distance_km, dict(hit.matched))
        for hit in result.hits
        if hit.key in found
    ]
    return SearchOutcome(
        result=result,
        matches=matches,
        schema=state.index.schema,
        query_filters=dict(query.filters),
    )


def personal_preferences(wishes: dict[str, frozenset[str]], near_km: float) -> Preferences:
    """The guided path's ranking: what someone wants to learn counts most, then
    fitting their free time, then being close by and free of charge."""
    weights = {"topic": 3.0, "day": 1.5, "time": 1.5, "cost": 1.0, "kind": 0.5}
    return Preferences(wishes=wishes, weights=weights, near_km=max(near_km, 0.5))


def distance_label(distance_km: float | None) -> str | None:
    if distance_km is None or math.isnan(distance_km):
        return None
    if distance_km < 1:
        return f"{round(distance_km * 1000, -1):.0f} m"
    return f"{distance_km:.1f} km"

"""Finding things in the network: the member directory (filtered in Python over one
query, always fresh) and the good-practice library (the finder's search engine,
``learningcity.engines.search``, held in this process and kept current).

The library's index is built in memory from the published revisions. Each search
first asks the database one indexed question — the newest ``Practice.index_stamp``
and the number of published practices — and re-reads only the practices changed
since the index's stamp: up to ``MAX_DELTA`` go into the engine's small delta
segment (so a publication shows at the next search); more, or a count that does not
add up (a city deleted with its practices), rebuild the index. The rows of a page
are always read from the database (published now), so nothing withdrawn is shown."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Q

from learningcity.core.models import UnescoRegion
from learningcity.engines.search import index as engine_index
from learningcity.engines.search.query import Query, Result, Sort
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


@dataclass
class _Library:
    index: engine_index.SearchIndex
    stamp: datetime | None
    built_at: float


_state: _Library | None = None
_lock = threading.Lock()


def _watermark() -> tuple[datetime | None, int]:
    found = Practice.objects.aggregate(
        stamp=Max("index_stamp"), published=Count("id", filter=Q(published_at__isnull=False))
    )
    return found["stamp"], found["published"]


def library_index() -> engine_index.SearchIndex:
    """The current index (built, patched or rebuilt as described above)."""
    global _state
    stamp, published = _watermark()
    with _lock:
        state = _state
        if state is not None and state.stamp == stamp and state.index.size == published:
            return state.index
        if state is not None and state.stamp is not None and stamp is not None:
            changed = Practice.objects.filter(index_stamp__gt=state.stamp)
            if changed.count() <= MAX_DELTA:
                upserted = _documents(changed)
                removed = set(changed.values_list("id", flat=True))
                patched = state.index.with_changes(upserted, removed)
                if patched.size == published and not patched.needs_rebuild:
                    _state = _Library(patched, stamp, state.built_at)
                    return patched
        index = engine_index.build_index(_documents(Practice.objects.all()), LIBRARY_SCHEMA)
        _state = _Library(index, stamp, time.monotonic())
        return index


def forget_library_index() -> None:
    """Drop this process's index (tests, and the benchmark's cold measurement)."""
    global _state
    with _lock:
        _state = None


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
    return library_index().search(query)

"""The finder answered from the database, while this machine has no index files yet.

A new machine (or a new city) has no index until the task queue has built it;
meanwhile ``DatabaseSearch`` answers the same questions with ORM queries, on SQLite
and PostgreSQL alike: the same filters with the same meaning (facet bitmasks, age
bands, ages, distance, dates), so the same totals, the same disjunctive facet counts
and the same relaxations as the index. It is slower (a query per chosen facet) and
plainer about words: each query word matches where one of its stems appears in the
title, description or translations (no typo tolerance, no accent folding on the
database's side), and results come soonest first (or nearest first) rather than by
relevance. It is correct and never builds anything.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property, reduce
from operator import and_, or_
from typing import Any

import numpy as np
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import Combinable, CombinedExpression
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan

from learningcity.core.models import City
from learningcity.core.tenancy import for_city
from learningcity.engines.search import (
    AGE,
    DATES,
    DISTANCE,
    TEXT,
    Hit,
    Point,
    Query,
    Relaxation,
    Result,
    Schema,
    Sort,
)
from learningcity.engines.search.index import EARTH_RADIUS_KM
from learningcity.engines.search.query import MAX_LIMIT, MAX_QUERY_WORDS
from learningcity.engines.search.text import analyzer

from .models import Format, LearningSite, Opportunity

# Facets stored as one column each, holding the value itself.
SINGLE_COLUMNS = {"kind": "kind", "format": "format", "cost": "cost", "level": "level"}
# Facets stored as an integer bitmask, in the order of the facet's values.
BITMASK_COLUMNS = {
    "topic": "topics",
    "day": "weekdays",
    "time": "times_of_day",
    "group": "target_groups",
}
REMOTE_FORMATS = (Format.ONLINE, Format.HYBRID)
TEXT_FIELDS = ("title__icontains", "description__icontains", "translations__icontains")


@dataclass(frozen=True)
class _Naming:
    """The facet values a row's ``_document`` is encoded against."""

    districts: tuple[str, ...]
    languages: tuple[str, ...]


class DatabaseSearch:
    """A city's searches answered by the database (see the module's description)."""

    def __init__(self, city: City, schema: Schema) -> None:
        self.city = city
        self.schema = schema

    @cached_property
    def size(self) -> int:
        """Published opportunities (counted once: a ``DatabaseSearch`` lasts a request)."""
        return self._published().count()

    def _published(self) -> QuerySet[Opportunity]:
        return for_city(Opportunity, self.city).filter(is_published=True)

    # -- answering ---------------------------------------------------------------------

    def search(self, query: Query) -> Result:
        self._check(query)
        filters = self._filters(query)
        everything = _all(filters.values())
        facets, total = self._facet_counts(query, filters)
        relaxations: tuple[Relaxation, ...] = ()
        if total == 0:
            relaxations = self._relaxations(filters)
        return Result(
            total=total,
            hits=self._hits(query, everything) if total else (),
            facets=facets,
            relaxations=relaxations,
        )

    def _check(self, query: Query) -> None:
        for name, values in query.filters.items():
            unknown = set(values) - set(self.schema.facet(name).values)
            if unknown:
                raise ValueError(f"unknown values for {name}: {sorted(unknown)}")

    def _filters(self, query: Query) -> dict[str, Q]:
        filters: dict[str, Q] = {}
        text = _text_filter(query)
        if text is not None:
            filters[TEXT] = text
        for name, values in query.filters.items():
            if values:
                filters[name] = self._facet_filter(name, values)
        if query.age is not None:
            filters[AGE] = _age_range(query.age, query.age)
        if query.max_km is not None and query.origin is not None:
            within = self._sites_within(query.origin, query.max_km)
            if getattr(query, "distance_keeps_remote", True):
                within |= Q(format__in=REMOTE_FORMATS)
            filters[DISTANCE] = within
        if query.starts_from is not None or query.starts_before is not None:
            filters[DATES] = _dates(query)
        return filters

    def _facet_filter(self, name: str, values: Iterable[str]) -> Q:
        facet = self.schema.facet(name)
        chosen = [self._value(name, value) for value in sorted(values)]
        return _all(chosen) if facet.match_all else _any(chosen)

    def _value(self, name: str, value: str) -> Q:
        """Rows having ``value`` of facet ``name``, as the index encodes them."""
        position = self.schema.facet(name).values.index(value)
        if name in SINGLE_COLUMNS:
            return Q(**{SINGLE_COLUMNS[name]: value})
        if name in BITMASK_COLUMNS:
            return _has_bit(F(BITMASK_COLUMNS[name]), position)
        if name == "access":  # the opportunity's own and its site's
            site = Coalesce(F("site__accessibility"), Value(0), output_field=IntegerField())
            either = CombinedExpression(
                F("accessibility"), Combinable.BITOR, site, output_field=IntegerField()
            )
            return _has_bit(either, position)
        if name == "age_band":
            from .search import AGE_BANDS

            _value, _label, low, high = AGE_BANDS[position]
            return _age_range(low, high)
        if name == "language":
            return Q(languages__icontains=f'"{value}"')
        if name == "district":
            return Q(site__district__slug=value)
        raise KeyError(name)

    def _sites_within(self, origin: Point, max_km: float) -> Q:
        """Rows at a site within ``max_km``, measured as the index measures (the
        equirectangular distance, in 32-bit radians). The sites are few next to the
        opportunities, so they are measured here and named in the query by the
        shorter of the two lists (those within, or all the others)."""
        sites = for_city(LearningSite, self.city).values_list("pk", "latitude", "longitude")
        ids, latitudes, longitudes = [], [], []
        for pk, latitude, longitude in sites:
            ids.append(pk)
            latitudes.append(math.nan if latitude is None else latitude)
            longitudes.append(math.nan if longitude is None else longitude)
        near = _within(
            np.radians(np.array(latitudes, dtype=np.float64)).astype(np.float32),
            np.radians(np.array(longitudes, dtype=np.float64)).astype(np.float32),
            origin,
            max_km,
        )
        inside = [pk for pk, keep in zip(ids, near, strict=True) if keep]
        outside = [pk for pk, keep in zip(ids, near, strict=True) if not keep]
        if len(inside) <= len(outside):
            return Q(site_id__in=inside)
        return Q(site__isnull=False) & ~Q(site_id__in=outside)

    def _facet_counts(
        self, query: Query, filters: dict[str, Q]
    ) -> tuple[dict[str, dict[str, int]], int]:
        """The total, and per facet value the matches if it were chosen (a facet of
        alternatives counted without its own choice), in one query: the filters
        that are not facets (words, age, distance, dates) narrow the rows once, and
        each count adds the facet filters it keeps."""
        names = set(self.schema.names)
        narrowing = _all(words for name, words in filters.items() if name not in names)
        chosen = {name: words for name, words in filters.items() if name in names}
        counts: dict[str, Any] = {"total": _count(chosen.values())}
        for facet in self.schema.facets if query.count_facets else ():
            kept = [
                words for name, words in chosen.items() if name != facet.name or facet.match_all
            ]
            for position, value in enumerate(facet.values):
                counts[f"{facet.name}:{position}"] = _count([*kept, self._value(facet.name, value)])
        found = self._published().filter(narrowing).aggregate(**counts)
        facets = {
            facet.name: {
                value: int(found[f"{facet.name}:{position}"] or 0)
                for position, value in enumerate(facet.values)
            }
            for facet in self.schema.facets
            if query.count_facets
        }
        return facets, int(found["total"] or 0)

    def _relaxations(self, filters: dict[str, Q]) -> tuple[Relaxation, ...]:
        totals = {
            name: self._published()
            .filter(_all(words for other, words in filters.items() if other != name))
            .count()
            for name in filters
        }
        ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
        return tuple(Relaxation(name, total) for name, total in ordered)

    def _hits(self, query: Query, everything: Q) -> tuple[Hit, ...]:
        start = max(0, query.offset)
        stop = start + max(0, min(query.limit, MAX_LIMIT))
        matches = self._published().filter(everything)
        columns = ("pk", "next_start", "site__latitude", "site__longitude")
        if query.sort is Sort.NEAREST and query.origin is not None:
            rows = list(matches.values_list(*columns))
            distances = _distances(rows, query.origin)
            keys = np.array([row[0] for row in rows], dtype=np.int64)
            order = np.lexsort((keys, np.nan_to_num(distances, nan=np.inf)))
            page = [rows[position] for position in order[start:stop]]
        else:
            now = datetime.fromtimestamp(query.now, tz=UTC)
            soonest = matches.annotate(
                upcoming=Case(When(next_start__gte=now, then=F("next_start")), default=None)
            ).order_by(F("upcoming").asc(nulls_last=True), "pk")
            page = list(soonest.values_list(*columns)[start:stop])
        distances = (
            _distances(page, query.origin)
            if query.origin is not None
            else np.full(len(page), np.nan, dtype=np.float32)
        )
        matched = self._matched([row[0] for row in page], query) if query.preferences else {}
        return tuple(
            Hit(
                key=int(pk),
                score=0.0,
                distance_km=None if math.isnan(distance) else round(float(distance), 3),
                next_start=next_start.timestamp() if next_start else None,
                matched=matched.get(pk, {}),
            )
            for (pk, next_start, _lat, _lng), distance in zip(page, distances, strict=True)
        )

    def _matched(self, keys: list[int], query: Query) -> dict[int, dict[str, tuple[str, ...]]]:
        """Per row of the page, the wished values it has (the guided path's reasons)."""
        from .search import _document, _published_rows

        assert query.preferences is not None
        naming = _Naming(self.schema.facet("district").values, self.schema.facet("language").values)
        matched: dict[int, dict[str, tuple[str, ...]]] = {}
        for row in _published_rows(self.city, pk__in=keys):
            document = _document(row, self.city, naming)  # type: ignore[arg-type]
            found: dict[str, tuple[str, ...]] = {}
            for name, wished in query.preferences.wishes.items():
                has = _values_of(self.schema, name, document.facets.get(name, -1))
                present = tuple(
                    value
                    for value in self.schema.facet(name).values
                    if value in wished and value in has
                )
                if present:
                    found[name] = present
            matched[row["id"]] = found
        return matched


# -- pieces ---------------------------------------------------------------------------


def _all(conditions: Iterable[Q]) -> Q:
    return reduce(and_, conditions, Q())


def _any(conditions: Iterable[Q]) -> Q:
    listed = list(conditions)
    return reduce(or_, listed) if listed else Q()


def _count(conditions: Iterable[Q]) -> Count:
    """Rows meeting every condition, as an aggregate."""
    listed = list(conditions)
    return Count("pk", filter=_all(listed)) if listed else Count("pk")


def _has_bit(column: Any, position: int) -> Q:
    return Q(GreaterThan(column.bitand(1 << position), 0))


def _age_range(low: int, high: int) -> Q:
    """Rows whose age range meets [low, high] (no limit given: no limit)."""
    return (Q(min_age__isnull=True) | Q(min_age__lte=high)) & (
        Q(max_age__isnull=True) | Q(max_age__gte=low)
    )


def _dates(query: Query) -> Q:
    def moment(seconds: float) -> datetime:
        return datetime.fromtimestamp(seconds, tz=UTC)

    condition = Q(next_start__isnull=False, next_start__gte=moment(query.now))
    if query.starts_from is not None:
        condition &= Q(next_start__gte=moment(query.starts_from))
    if query.starts_before is not None:
        condition &= Q(next_start__lt=moment(query.starts_before))
    return condition


def _text_filter(query: Query) -> Q | None:
    """Each query word (stop words aside) must appear, as one of its stems in the
    query's languages, in the title, description or translations."""
    analyzers = [analyzer(language) for language in query.languages or ("en",)]
    by_language = [each.words(query.text) for each in analyzers]
    if any(len(found) != len(by_language[0]) for found in by_language):
        by_language, analyzers = by_language[:1], analyzers[:1]
    words: list[Q] = []
    for position in range(min(len(by_language[0]), MAX_QUERY_WORDS)):
        variants = [
            (found[position], each) for found, each in zip(by_language, analyzers, strict=True)
        ]
        if any(each.is_stop_word(variant) for variant, each in variants):
            continue
        stems = sorted({each.stem(variant) for variant, each in variants})
        words.append(_any(Q(**{field: stem}) for stem in stems for field in TEXT_FIELDS))
    return _all(words) if words else None


def _within(latitudes: Any, longitudes: Any, origin: Point, max_km: float) -> Any:
    """As ``engines.search.index._within``: the equirectangular approximation."""
    latitude = np.float32(math.radians(origin.latitude))
    longitude = np.float32(math.radians(origin.longitude))
    reach = np.float32(max_km / EARTH_RADIUS_KM)
    east = (longitudes - longitude) * np.float32(math.cos(latitude))
    north = latitudes - latitude
    with np.errstate(invalid="ignore"):
        return east * east + north * north <= reach * reach


def _distances(rows: list[Any], origin: Point) -> Any:
    """As ``engines.search.index._distances``: haversine, in km (NaN: no place)."""
    latitudes = np.radians(
        np.array([math.nan if row[2] is None else row[2] for row in rows], dtype=np.float64)
    ).astype(np.float32)
    longitudes = np.radians(
        np.array([math.nan if row[3] is None else row[3] for row in rows], dtype=np.float64)
    ).astype(np.float32)
    latitude = np.float32(math.radians(origin.latitude))
    longitude = np.float32(math.radians(origin.longitude))
    half_dlat = np.sin((latitudes - latitude) * np.float32(0.5))
    half_dlng = np.sin((longitudes - longitude) * np.float32(0.5))
    cosines = np.cos(latitude) * np.cos(latitudes)
    a = np.clip(half_dlat * half_dlat + cosines * half_dlng * half_dlng, 0, 1)
    return (np.float32(2 * EARTH_RADIUS_KM) * np.arcsin(np.sqrt(a))).astype(np.float32)


def _values_of(schema: Schema, name: str, encoded: int) -> set[str]:
    facet = schema.facet(name)
    if facet.multi:
        return {value for bit, value in enumerate(facet.values) if encoded >> bit & 1}
    return {facet.values[encoded]} if 0 <= encoded < len(facet.values) else set()

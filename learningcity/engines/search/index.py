"""The search index: a large main segment plus at most one small delta segment.

Edits reach the index without a full rebuild: the old rows of changed or removed
documents are marked deleted, and changed documents go into the delta segment
(rebuilt from its kept documents, so it stays small and cheap). The caller starts
over from scratch when ``needs_rebuild`` says the delta or the deleted rows have
grown too large. A ``SearchIndex`` is never modified: ``with_changes`` returns a
new one, so searches running in other threads keep a consistent view.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import bitset
from .fuzzy import allowed_edits
from .query import (
    AGE,
    DATES,
    DISTANCE,
    MAX_LIMIT,
    MAX_QUERY_WORDS,
    TEXT,
    Hit,
    Point,
    Preferences,
    Query,
    Relaxation,
    Result,
    Sort,
)
from .schema import Document, Schema
from .segment import Float32, Float64, Int64, Segment, build_segment
from .text import analyzer

EARTH_RADIUS_KM = 6371.0088
# Weight of a term reached through a similar spelling, by number of edits.
APPROXIMATE_WEIGHT = {1: 0.6, 2: 0.4}
# Beyond these, the caller should rebuild rather than keep patching.
MAX_DELTA_FRACTION = 0.1
MAX_DELTA_DOCUMENTS = 5000
MAX_DEAD_FRACTION = 0.25


def build_index(documents: Iterable[Document], schema: Schema) -> SearchIndex:
    return SearchIndex(schema, (build_segment(documents, schema, keep=False),))


@dataclass(frozen=True)
class _TextPlan:
    # Per query word: term → weight (IDF times exact-or-approximate weight).
    words: tuple[dict[str, float], ...]
    approximate: tuple[str, ...]
    unknown: tuple[str, ...]
    # Approximate query word → the indexed words it was matched to, closest first.
    corrections: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class _Outcome:
    """One segment's answer, merged with the others' afterwards."""

    total: int
    facets: dict[str, Int64]
    relaxations: dict[str, int]
    primary: Float64
    keys: Int64
    rows: Int64
    scores: Float32
    distances: Float32


class SearchIndex:
    def __init__(self, schema: Schema, segments: tuple[Segment, ...]) -> None:
        self.schema = schema
        self.segments = segments

    # -- maintenance ---------------------------------------------------------------

    @property
    def size(self) -> int:
        """Documents that can be found (deleted rows not counted)."""
        return sum(segment.live_count for segment in self.segments)

    @property
    def nbytes(self) -> int:
        return sum(segment.nbytes for segment in self.segments)

    @property
    def needs_rebuild(self) -> bool:
        main = self.segments[0]
        delta = sum(segment.size for segment in self.segments[1:])
        dead = sum(segment.size - segment.live_count for segment in self.segments)
        rows = sum(segment.size for segment in self.segments)
        return (
            delta > min(MAX_DELTA_DOCUMENTS, max(1.0, main.size * MAX_DELTA_FRACTION))
            or dead > rows * MAX_DEAD_FRACTION + 10
        )

    def live_keys(self) -> Int64:
        """Keys of the documents that can be found."""
        found = [
            segment.keys[bitset.unpack(segment.live, segment.size)] for segment in self.segments
        ]
        return np.concatenate(found) if found else np.empty(0, dtype=np.int64)

    def with_changes(self, upserted: Sequence[Document], removed: Iterable[int]) -> SearchIndex:
        """A new index where ``upserted`` documents replace any with the same key and
        the ``removed`` keys are gone."""
        touched = np.array(sorted({*removed, *(doc.key for doc in upserted)}), dtype=np.int64)
        segments = [_without(segment, touched) for segment in self.segments]
        main, deltas = segments[0], segments[1:]
        kept = [
            doc
            for delta in deltas
            for doc, alive in zip(
                delta.documents or (), bitset.unpack(delta.live, delta.size), strict=True
            )
            if alive
        ]
        fresh = [*kept, *upserted]
        if not fresh:
            return SearchIndex(self.schema, (main,))
        return SearchIndex(self.schema, (main, build_segment(fresh, self.schema, keep=True)))

    # -- searching -----------------------------------------------------------------

    def search(self, query: Query) -> Result:
        self._check(query)
        plan = self._plan_text(query)
        outcomes = [self._search_segment(segment, query, plan) for segment in self.segments]
        total = sum(outcome.total for outcome in outcomes)
        facets = self._merge_facets(outcomes) if query.count_facets else {}
        relaxations: tuple[Relaxation, ...] = ()
        if total == 0:
            relaxations = self._merge_relaxations(outcomes)
        return Result(
            total=total,
            hits=self._merge_hits(outcomes, query),
            facets=facets,
            relaxations=relaxations,
            approximate_words=plan.approximate,
            unknown_words=plan.unknown,
            corrections=plan.corrections,
        )

    def _check(self, query: Query) -> None:
        for name, values in query.filters.items():
            facet = self.schema.facet(name)
            unknown = set(values) - set(facet.values)
            if unknown:
                raise ValueError(f"unknown values for {name}: {sorted(unknown)}")
        if query.preferences is not None:
            for name, values in query.preferences.wishes.items():
                unknown = set(values) - set(self.schema.facet(name).values)
                if unknown:
                    raise ValueError(f"unknown wishes for {name}: {sorted(unknown)}")

    def _plan_text(self, query: Query) -> _TextPlan:
        languages = query.languages or ("en",)
        analyzers = [analyzer(language) for language in languages]
        by_language = [each.words(query.text) for each in analyzers]
        if any(len(found) != len(by_language[0]) for found in by_language):
            by_language, analyzers = by_language[:1], analyzers[:1]
        planned: list[dict[str, float]] = []
        approximate: list[str] = []
        unknown: list[str] = []
        corrections: dict[str, tuple[str, ...]] = {}
        for position, word in enumerate(by_language[0][:MAX_QUERY_WORDS]):
            variants = [found[position] for found in by_language]
            pairs = list(zip(variants, analyzers, strict=True))
            if any(each.is_stop_word(variant) for variant, each in pairs):
                continue
            stems = {each.stem(variant) for variant, each in pairs}
            weights = self._term_weights(stems, set(variants))
            if weights is None:
                unknown.append(word)
                weights = {}
            elif any(weight < 1 for weight in weights.values()):
                approximate.append(word)
                corrections[word] = self._near_words(set(variants))
            planned.append(weights)
        total_rows = sum(segment.size for segment in self.segments)
        with_idf = tuple(
            {term: weight * self._idf(term, total_rows) for term, weight in weights.items()}
            for weights in planned
        )
        return _TextPlan(with_idf, tuple(approximate), tuple(unknown), corrections)

    def _near_words(self, words: set[str]) -> tuple[str, ...]:
        """The indexed words (as written) similar to ``words``, closest first."""
        found: dict[str, int] = {}
        for word in words:
            if allowed_edits(word) == 0:
                continue
            for segment in self.segments:
                for near, distance in segment.trigram_index().near(word).items():
                    found[near] = min(found.get(near, distance), distance)
        return tuple(sorted(found, key=lambda near: (found[near], near)))

    def _term_weights(self, stems: set[str], words: set[str]) -> dict[str, float] | None:
        """Terms to look up for one query word: its stems when the index knows them,
        otherwise the terms of similarly spelled words; None when nothing comes close."""
        exact = {
            term: 1.0
            for term in stems
            if any(term in segment.postings.vocabulary for segment in self.segments)
        }
        if exact:
            return exact
        approximate: dict[str, float] = {}
        for word in words:
            if allowed_edits(word) == 0:
                continue
            for segment in self.segments:
                for near, distance in segment.trigram_index().near(word).items():
                    term = segment.postings.words[near]
                    weight = APPROXIMATE_WEIGHT[distance]
                    approximate[term] = max(approximate.get(term, 0.0), weight)
        return approximate or None

    def _idf(self, term: str, total_rows: int) -> float:
        frequency = sum(segment.postings.frequency(term) for segment in self.segments)
        return math.log(1 + (total_rows - frequency + 0.5) / (frequency + 0.5))

    def _search_segment(self, segment: Segment, query: Query, plan: _TextPlan) -> _Outcome:
        size = segment.size
        filters: dict[str, bitset.Words] = {}
        scores = np.zeros(size, dtype=np.float32)
        if plan.words:
            filters[TEXT] = _text_filter(segment, plan, scores)
        for name, values in query.filters.items():
            if values:
                filters[name] = _facet_filter(segment, name, values)
        if query.age is not None:
            age = query.age
            filters[AGE] = bitset.pack((segment.min_age <= age) & (segment.max_age >= age))
        if query.max_km is not None and query.origin is not None:
            within = _within(segment, query.origin, query.max_km)
            filters[DISTANCE] = within | segment.remote if query.distance_keeps_remote else within
        if query.starts_from is not None or query.starts_before is not None:
            filters[DATES] = _date_filter(segment, query)

        matches = bitset.intersect([segment.live, *filters.values()], size)
        total = bitset.count(matches)
        facets = _facet_counts(segment, query, filters) if query.count_facets else {}
        relaxations: dict[str, int] = {}
        if total == 0:
            for name in filters:
                others = [words for other, words in filters.items() if other != name]
                relaxations[name] = bitset.count(bitset.intersect([segment.live, *others], size))
        rows = bitset.to_rows(matches, size)
        distances = np.full(size, np.nan, dtype=np.float32)
        if query.origin is not None:
            distances[rows] = _distances(segment, query.origin, rows)
        if query.preferences is not None:
            scores = _personal_scores(segment, query, query.preferences, rows, scores, distances)
        primary = _primary(segment, query, rows, scores, distances, personal=query.preferences)
        wanted = max(0, query.offset) + max(0, min(query.limit, MAX_LIMIT))
        chosen = _top(primary, segment.keys[rows], wanted)
        picked = rows[chosen]
        return _Outcome(
            total=total,
            facets=facets,
            relaxations=relaxations,
            primary=primary[chosen],
            keys=segment.keys[picked],
            rows=picked,
            scores=scores[picked],
            distances=distances[picked],
        )

    def _merge_facets(self, outcomes: list[_Outcome]) -> dict[str, dict[str, int]]:
        merged: dict[str, dict[str, int]] = {}
        for facet in self.schema.facets:
            counts = np.zeros(len(facet.values), dtype=np.int64)
            for outcome in outcomes:
                counts += outcome.facets[facet.name]
            merged[facet.name] = {
                value: int(count) for value, count in zip(facet.values, counts, strict=True)
            }
        return merged

    @staticmethod
    def _merge_relaxations(outcomes: list[_Outcome]) -> tuple[Relaxation, ...]:
        totals: dict[str, int] = {}
        for outcome in outcomes:
            for name, count in outcome.relaxations.items():
                totals[name] = totals.get(name, 0) + count
        ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
        return tuple(Relaxation(name, total) for name, total in ordered)

    def _merge_hits(self, outcomes: list[_Outcome], query: Query) -> tuple[Hit, ...]:
        primary = np.concatenate([outcome.primary for outcome in outcomes])
        keys = np.concatenate([outcome.keys for outcome in outcomes])
        order = np.lexsort((keys, primary))
        start = max(0, query.offset)
        stop = start + max(0, min(query.limit, MAX_LIMIT))
        where = [(index, row) for index, outcome in enumerate(outcomes) for row in outcome.rows]
        values = [
            (outcome.scores[position], outcome.distances[position])
            for outcome in outcomes
            for position in range(outcome.rows.shape[0])
        ]
        hits = []
        for position in order[start:stop]:
            segment_index, row = where[position]
            segment = self.segments[segment_index]
            score, distance = values[position]
            next_start = float(segment.next_start[row])
            hits.append(
                Hit(
                    key=int(keys[position]),
                    score=float(score),
                    distance_km=None if math.isnan(distance) else round(float(distance), 3),
                    next_start=None if math.isnan(next_start) else next_start,
                    matched=_matched(segment, int(row), query.preferences),
                )
            )
        return tuple(hits)


def _without(segment: Segment, keys: Int64) -> Segment:
    rows = segment.rows_of(keys)
    if rows.shape[0] == 0:
        return segment
    flags = bitset.unpack(segment.live, segment.size).copy()
    flags[rows] = False
    return segment.with_live(bitset.pack(flags))


def _text_filter(segment: Segment, plan: _TextPlan, scores: Float32) -> bitset.Words:
    """Rows containing every query word (through any of its terms); adds each row's
    BM25 score into ``scores``."""
    size = segment.size
    matched = bitset.full(size)
    for weights in plan.words:
        if len(weights) == 1:  # the usual case: one stem, rows are distinct
            ((term, weight),) = weights.items()
            rows, term_weights = segment.postings.of(term)
            scores[rows] += term_weights * np.float32(weight)
            np.bitwise_and(matched, bitset.from_rows(rows, size), out=matched)
            continue
        # Several terms for one word (stems in two languages, similar spellings): a
        # row scores its best term once, not every term it has.
        word_scores = np.zeros(size, dtype=np.float32)
        for term, weight in weights.items():
            rows, term_weights = segment.postings.of(term)
            contribution = term_weights * np.float32(weight)
            word_scores[rows] = np.maximum(word_scores[rows], contribution)
        scores += word_scores
        np.bitwise_and(matched, bitset.pack(word_scores > 0), out=matched)
    return matched


def _facet_filter(segment: Segment, name: str, values: frozenset[str]) -> bitset.Words:
    facet = segment.schema.facet(name)
    chosen = [segment.facet_bits[name][facet.values.index(value)] for value in sorted(values)]
    if facet.match_all:
        return bitset.intersect(chosen, segment.size)
    return bitset.union(chosen, segment.size)


def _date_filter(segment: Segment, query: Query) -> bitset.Words:
    starts = segment.next_start
    with np.errstate(invalid="ignore"):
        keep = ~np.isnan(starts) & (starts >= query.now)
        if query.starts_from is not None:
            keep &= starts >= query.starts_from
        if query.starts_before is not None:
            keep &= starts < query.starts_before
    return bitset.pack(keep)


def _distances(segment: Segment, origin: Point, rows: Int64) -> Float32:
    """Great-circle distance (haversine) of ``rows`` from ``origin``, in km; NaN for
    rows without a place."""
    latitude = np.float32(math.radians(origin.latitude))
    longitude = np.float32(math.radians(origin.longitude))
    half_dlat = np.sin((segment.latitude[rows] - latitude) * np.float32(0.5))
    half_dlng = np.sin((segment.longitude[rows] - longitude) * np.float32(0.5))
    cosines = np.cos(latitude) * segment.cos_latitude[rows]
    a = half_dlat * half_dlat + cosines * half_dlng * half_dlng
    np.clip(a, 0, 1, out=a)
    distances: Float32 = (np.float32(2 * EARTH_RADIUS_KM) * np.arcsin(np.sqrt(a))).astype(
        np.float32
    )
    return distances


def _within(segment: Segment, origin: Point, max_km: float) -> bitset.Words:
    """Rows within ``max_km`` of ``origin``, by the equirectangular approximation:
    over the few kilometres of a city it is within a fraction of a percent of the
    haversine distance, at a third of the cost over every row."""
    latitude = np.float32(math.radians(origin.latitude))
    longitude = np.float32(math.radians(origin.longitude))
    reach = np.float32(max_km / EARTH_RADIUS_KM)
    east = segment.longitude - longitude
    east *= np.float32(math.cos(latitude))
    east *= east
    north = segment.latitude - latitude
    north *= north
    east += north
    with np.errstate(invalid="ignore"):
        return bitset.pack(east <= reach * reach)


def _facet_counts(
    segment: Segment, query: Query, filters: dict[str, bitset.Words]
) -> dict[str, Int64]:
    """Per facet value, the matches if that value were chosen. A facet whose values
    are alternatives is counted without its own selection (the "disjunctive facet"
    rule); a match-all facet is counted within the current matches."""
    size = segment.size
    everything = bitset.intersect([segment.live, *filters.values()], size)
    counts: dict[str, Int64] = {}
    for facet in segment.schema.facets:
        if facet.name in filters and not facet.match_all:
            others = [words for name, words in filters.items() if name != facet.name]
            base = bitset.intersect([segment.live, *others], size)
        else:
            base = everything
        # Every value at once: one AND and one population count over the facet's
        # (values x words) matrix, rather than a few NumPy calls per value.
        both = np.bitwise_and(segment.facet_bits[facet.name], base)
        counts[facet.name] = np.bitwise_count(both).sum(axis=1, dtype=np.int64)
    return counts


def _personal_scores(
    segment: Segment,
    query: Query,
    preferences: Preferences,
    rows: Int64,
    text_scores: Float32,
    distances: Float32,
) -> Float32:
    """How well each row meets the person's wishes (only ``rows`` are scored)."""
    scores = np.zeros(segment.size, dtype=np.float32)
    if rows.shape[0] == 0:
        return scores
    total = np.zeros(rows.shape[0], dtype=np.float32)
    for name, wished in preferences.wishes.items():
        if not wished:
            continue
        facet = segment.schema.facet(name)
        bits = [segment.facet_bits[name][facet.values.index(value)] for value in wished]
        has_any = bitset.unpack(bitset.union(bits, segment.size), segment.size)[rows]
        total += np.float32(preferences.weights.get(name, 1.0)) * has_any
    if query.origin is not None:
        near = preferences.near_km / (preferences.near_km + distances[rows])
        near = np.nan_to_num(near, nan=0.0)
        remote = bitset.unpack(segment.remote, segment.size)[rows]
        near = np.maximum(near, np.where(remote, 0.5, 0.0)).astype(np.float32)
        total += np.float32(preferences.near_weight) * near
    text = text_scores[rows]
    if text.shape[0] and float(text.max()) > 0:
        total += text / np.float32(text.max())
    upcoming = segment.next_start[rows] >= query.now
    total += np.where(upcoming, np.float32(0.25), np.float32(0.0)).astype(np.float32)
    scores[rows] = total
    return scores


def _primary(
    segment: Segment,
    query: Query,
    rows: Int64,
    scores: Float32,
    distances: Float32,
    *,
    personal: Preferences | None,
) -> Float64:
    """The value rows are ordered by (smallest first) for the query's sort."""
    if personal is not None or (query.sort is Sort.BEST and query.text.strip()):
        return -scores[rows].astype(np.float64)
    if query.sort is Sort.NEAREST and query.origin is not None:
        return np.nan_to_num(distances[rows].astype(np.float64), nan=np.inf)
    starts = segment.next_start[rows]
    with np.errstate(invalid="ignore"):
        return np.where(starts >= query.now, starts, np.inf)


def _top(primary: Float64, keys: Int64, wanted: int) -> Int64:
    """Positions of the ``wanted`` smallest (primary, key) pairs, in order. Linear
    time however many rows tie on ``primary`` (common: "nothing coming up")."""
    size = primary.shape[0]
    if wanted <= 0 or size == 0:
        return np.empty(0, dtype=np.int64)
    if size > wanted:
        cutoff = np.partition(primary, wanted - 1)[wanted - 1]
        below = np.flatnonzero(primary < cutoff)
        tied = np.flatnonzero(primary == cutoff)
        need = wanted - below.shape[0]
        if tied.shape[0] > need:
            tied = tied[np.argpartition(keys[tied], need - 1)[:need]]
        chosen = np.concatenate([below, tied])
    else:
        chosen = np.arange(size)
    return chosen[np.lexsort((keys[chosen], primary[chosen]))].astype(np.int64)


def _matched(
    segment: Segment, row: int, preferences: Preferences | None
) -> dict[str, tuple[str, ...]]:
    if preferences is None:
        return {}
    matched: dict[str, tuple[str, ...]] = {}
    word, bit = row >> 6, np.uint64(1) << np.uint64(row & 63)
    for name, wished in preferences.wishes.items():
        facet = segment.schema.facet(name)
        found = tuple(
            value
            for value in facet.values
            if value in wished and segment.facet_bits[name][facet.values.index(value)][word] & bit
        )
        if found:
            matched[name] = found
    return matched

"""One immutable slice of the index: columns, facet bitsets and postings.

Rows are numbered 0..size-1 in the order documents were given. Text postings are
stored as one CSR structure (term → a run of rows and their BM25 term weights),
so a term's matches are two slices of two flat arrays.
"""

from __future__ import annotations

import math
import threading
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import bitset
from .fuzzy import TrigramIndex
from .schema import Document, Schema
from .text import analyzer

Float32 = NDArray[np.float32]
Float64 = NDArray[np.float64]
Int32 = NDArray[np.int32]
Int64 = NDArray[np.int64]
UInt8 = NDArray[np.uint8]

# BM25 constants (the usual defaults).
K1 = 1.2
B = 0.75
# A word in a title counts as much as this many words in a description.
TITLE_WEIGHT = 3
# Long descriptions are indexed up to here: enough to find a course by what it is
# about, and it bounds the index's memory whatever providers paste in.
MAX_BODY_CHARS = 1500
NO_MIN_AGE = 0
NO_MAX_AGE = 255


@dataclass(frozen=True)
class Postings:
    # Dictionaries when built in memory; views of the index files when loaded.
    vocabulary: Mapping[str, int]
    # Every word as written (folded) → its term: typos are matched against words,
    # not stems ("paintng" is one letter from "painting", two from "paint").
    words: Mapping[str, str]
    offsets: Int64  # term id → start of its run; offsets[-1] == number of postings
    rows: Int32
    weights: Float32  # BM25 term-frequency factor, ready to multiply by the IDF

    def of(self, term: str) -> tuple[Int32, Float32]:
        term_id = self.vocabulary.get(term)
        if term_id is None:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
        start, stop = int(self.offsets[term_id]), int(self.offsets[term_id + 1])
        return self.rows[start:stop], self.weights[start:stop]

    def frequency(self, term: str) -> int:
        term_id = self.vocabulary.get(term)
        if term_id is None:
            return 0
        return int(self.offsets[term_id + 1] - self.offsets[term_id])


class Segment:
    """Columns of a set of documents. Never changed after building, except that
    ``with_live`` makes a copy with some rows marked deleted. ``facet_bits`` holds,
    per facet, a (values x words) matrix: row i is the packed set of rows with the
    facet's value i."""

    def __init__(
        self,
        *,
        schema: Schema,
        keys: Int64,
        facet_bits: dict[str, bitset.Words],
        min_age: UInt8,
        max_age: UInt8,
        latitude: Float32,
        longitude: Float32,
        remote: bitset.Words,
        next_start: Float64,
        postings: Postings,
        live: bitset.Words,
        documents: tuple[Document, ...] | None,
        key_order: Int64 | None = None,
        cos_latitude: Float32 | None = None,
        trigrams: TrigramIndex | None = None,
    ) -> None:
        self.schema = schema
        self.size = int(keys.shape[0])
        self.keys = keys
        self.key_order = np.argsort(keys, kind="stable") if key_order is None else key_order
        self.facet_bits = facet_bits
        self.min_age = min_age
        self.max_age = max_age
        self.latitude = latitude
        self.longitude = longitude
        self.cos_latitude = np.cos(latitude) if cos_latitude is None else cos_latitude
        self.remote = remote
        self.next_start = next_start
        self.postings = postings
        self.live = live
        # Kept only for small segments, so they can be rebuilt when merged.
        self.documents = documents
        self._trigrams = trigrams
        self._lock = threading.Lock()

    @property
    def nbytes(self) -> int:
        """Bytes held in NumPy arrays (the vocabulary's dictionaries come on top)."""
        arrays: list[np.ndarray[Any, Any]] = [
            self.keys, self.key_order, self.min_age, self.max_age, self.latitude,
            self.longitude, self.cos_latitude, self.remote, self.next_start, self.live,
            self.postings.offsets, self.postings.rows, self.postings.weights,
            *self.facet_bits.values(),
        ]  # fmt: skip
        return sum(array.nbytes for array in arrays)

    @property
    def live_count(self) -> int:
        return bitset.count(self.live)

    def trigram_index(self) -> TrigramIndex:
        with self._lock:
            if self._trigrams is None:
                self._trigrams = TrigramIndex.of(self.postings.words)
            return self._trigrams

    def rows_of(self, keys: Int64) -> Int64:
        """Rows holding any of ``keys`` (keys not in this segment are skipped)."""
        if self.size == 0 or keys.shape[0] == 0:
            return np.empty(0, dtype=np.int64)
        sorted_keys = self.keys[self.key_order]
        positions = np.searchsorted(sorted_keys, keys)
        positions = np.minimum(positions, self.size - 1)
        found = sorted_keys[positions] == keys
        rows: Int64 = self.key_order[positions[found]].astype(np.int64)
        return rows

    def with_live(self, live: bitset.Words) -> Segment:
        clone = object.__new__(Segment)
        clone.__dict__.update(self.__dict__)
        clone.live = live
        clone._lock = threading.Lock()
        return clone


def build_segment(documents: Iterable[Document], schema: Schema, *, keep: bool) -> Segment:
    """Index ``documents`` in one pass (they may come from a generator, so a large
    catalogue is never held as Python objects all at once). ``keep`` holds on to
    them so that a small segment can be rebuilt when it is merged."""
    columns = _Columns(schema)
    kept: list[Document] = []
    for document in documents:
        columns.add(document)
        if keep:
            kept.append(document)
    return columns.segment(tuple(kept) if keep else None)


class _Columns:
    """Column values gathered document by document, in compact arrays."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.keys = array("q")
        self.facets = {facet.name: array("q") for facet in schema.facets}
        self.min_age = array("B")
        self.max_age = array("B")
        self.latitude = array("d")
        self.longitude = array("d")
        self.remote = array("B")
        self.next_start = array("d")
        self.lengths = array("f")
        self.vocabulary: dict[str, int] = {}
        self.words: dict[str, str] = {}
        self.term_ids = array("i")
        self.rows = array("i")
        self.frequencies = array("i")

    def add(self, doc: Document) -> None:
        row = len(self.keys)
        self.keys.append(doc.key)
        for facet in self.schema.facets:
            self.facets[facet.name].append(doc.facets.get(facet.name, 0 if facet.multi else -1))
        self.min_age.append(_age(doc.min_age, NO_MIN_AGE))
        self.max_age.append(_age(doc.max_age, NO_MAX_AGE))
        self.latitude.append(math.nan if doc.latitude is None else doc.latitude)
        self.longitude.append(math.nan if doc.longitude is None else doc.longitude)
        self.remote.append(1 if doc.remote else 0)
        self.next_start.append(math.nan if doc.next_start is None else doc.next_start)
        counts: dict[int, int] = {}
        length = 0
        vocabulary, words = self.vocabulary, self.words
        for text in doc.texts:
            words_and_terms = analyzer(text.language).words_and_terms
            for weight, wording in ((TITLE_WEIGHT, text.title), (1, text.body[:MAX_BODY_CHARS])):
                for word, term in words_and_terms(wording):
                    if word not in words:
                        words[word] = term
                    term_id = vocabulary.setdefault(term, len(vocabulary))
                    counts[term_id] = counts.get(term_id, 0) + weight
                    length += weight
        self.lengths.append(length)
        self.term_ids.extend(counts)
        self.rows.extend([row] * len(counts))
        self.frequencies.extend(counts.values())

    def segment(self, documents: tuple[Document, ...] | None) -> Segment:
        size = len(self.keys)
        return Segment(
            schema=self.schema,
            keys=np.frombuffer(self.keys, dtype=np.int64).copy(),
            facet_bits=self._facet_bits(),
            min_age=np.frombuffer(self.min_age, dtype=np.uint8).copy(),
            max_age=np.frombuffer(self.max_age, dtype=np.uint8).copy(),
            latitude=np.radians(np.frombuffer(self.latitude, dtype=np.float64)).astype(np.float32),
            longitude=np.radians(np.frombuffer(self.longitude, dtype=np.float64)).astype(
                np.float32
            ),
            remote=bitset.pack(np.frombuffer(self.remote, dtype=np.uint8) == 1),
            next_start=np.frombuffer(self.next_start, dtype=np.float64).copy(),
            postings=self._postings(),
            live=bitset.full(size),
            documents=documents,
        )

    def _facet_bits(self) -> dict[str, bitset.Words]:
        bits: dict[str, bitset.Words] = {}
        width = bitset.word_count(len(self.keys))
        for facet in self.schema.facets:
            column = np.frombuffer(self.facets[facet.name], dtype=np.int64)
            rows = np.zeros((len(facet.values), width), dtype=np.uint64)
            for index in range(len(facet.values)):
                flags = (column >> index) & 1 == 1 if facet.multi else column == index
                rows[index] = bitset.pack(flags)
            bits[facet.name] = rows
        return bits

    def _postings(self) -> Postings:
        term_array = np.frombuffer(self.term_ids, dtype=np.int32)
        order = np.argsort(term_array, kind="stable")  # rows stay ascending within a term
        rows = np.frombuffer(self.rows, dtype=np.int32)[order]
        tf = np.frombuffer(self.frequencies, dtype=np.int32)[order].astype(np.float32)
        lengths = np.frombuffer(self.lengths, dtype=np.float32)
        average = float(lengths.mean()) if lengths.shape[0] and lengths.mean() > 0 else 1.0
        norm = K1 * (1 - B + B * lengths[rows] / average)
        offsets = np.zeros(len(self.vocabulary) + 1, dtype=np.int64)
        np.cumsum(np.bincount(term_array, minlength=len(self.vocabulary)), out=offsets[1:])
        return Postings(
            vocabulary=self.vocabulary,
            words=self.words,
            offsets=offsets,
            rows=rows,
            weights=(tf * (K1 + 1) / (tf + norm)).astype(np.float32),
        )


def _age(value: int | None, missing: int) -> int:
    if value is None:
        return missing
    return min(max(value, 0), NO_MAX_AGE - 1)

"""Index files: a built index saved as flat arrays, mapped read-only by every process.

One version of an index is one directory of ``.npy`` files (NumPy's own format,
loaded with ``mmap_mode="r"``) and an ``index.json`` describing the schema, the
format and the caller's metadata. Strings (the vocabulary, the words as written,
the three-letter pieces of the typo index) are stored sorted, as one UTF-8 blob
with offsets, and looked up by binary search: nothing is turned into Python
objects when a process opens the index, so opening takes milliseconds, and the
pages of the files are shared by every process of the machine through the page
cache instead of each holding a copy.

Versions are published atomically beside each other under one root::

    root/CURRENT            the name of the current version (replaced with rename)
    root/v-<time>-<pid>/    one complete version
    root/.tmp-…/            a version being written (never read)

A reader holding an older version keeps using its mappings: the files of a
replaced version stay readable while mapped, even once deleted, and only versions
older than the last few are deleted.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, cast, overload

import numpy as np
from numpy.typing import NDArray

from .fuzzy import TrigramIndex
from .index import SearchIndex
from .schema import Facet, Schema
from .segment import Postings, Segment

FORMAT = 1
POINTER = "CURRENT"
DESCRIPTION = "index.json"
# Versions kept besides the current one: a process that read the pointer just before
# a swap can still open the version it read.
KEEP_OLD_VERSIONS = 2

Int32 = NDArray[np.int32]
Int64 = NDArray[np.int64]
UInt8 = NDArray[np.uint8]


class IndexFormatError(ValueError):
    """The files are not an index this code can read (another format, or damaged)."""


# -- strings --------------------------------------------------------------------------


class PackedStrings(Sequence[str]):
    """Sorted strings as one UTF-8 blob plus offsets: string ``i`` is
    ``blob[offsets[i]:offsets[i + 1]]``. UTF-8 keeps code-point order, so the
    byte strings are sorted too and a binary search finds a string's position."""

    def __init__(self, blob: UInt8, offsets: Int64) -> None:
        self.blob = blob
        self.offsets = offsets
        self._size = int(offsets.shape[0]) - 1

    @classmethod
    def pack(cls, strings: Sequence[str]) -> PackedStrings:
        """``strings`` (sorted, distinct) packed."""
        encoded = [text.encode() for text in strings]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(each) for each in encoded], out=offsets[1:])
        blob = np.frombuffer(b"".join(encoded), dtype=np.uint8).copy()
        return cls(blob, offsets)

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, position: int) -> str: ...
    @overload
    def __getitem__(self, position: slice) -> list[str]: ...
    def __getitem__(self, position: int | slice) -> str | list[str]:
        if isinstance(position, slice):
            return [self[each] for each in range(*position.indices(self._size))]
        if position < 0:
            position += self._size
        if not 0 <= position < self._size:
            raise IndexError(position)
        return self._bytes(position).decode()

    def _bytes(self, position: int) -> bytes:
        start, stop = int(self.offsets[position]), int(self.offsets[position + 1])
        return self.blob[start:stop].tobytes()

    def position(self, text: str) -> int | None:
        """Where ``text`` is, or None."""
        wanted = text.encode()
        found = bisect_left(_BytesView(self), wanted)
        if found < self._size and self._bytes(found) == wanted:
            return found
        return None


class _BytesView(Sequence[bytes]):
    """The packed strings as bytes, for ``bisect``."""

    def __init__(self, strings: PackedStrings) -> None:
        self.strings = strings

    def __len__(self) -> int:
        return len(self.strings)

    @overload
    def __getitem__(self, position: int) -> bytes: ...
    @overload
    def __getitem__(self, position: slice) -> list[bytes]: ...
    def __getitem__(self, position: int | slice) -> bytes | list[bytes]:
        if isinstance(position, slice):
            raise TypeError("not sliceable")
        return self.strings._bytes(position)


class StoredVocabulary(Mapping[str, int]):
    """Term → term id, where the id is the term's position in sorted order."""

    def __init__(self, terms: PackedStrings) -> None:
        self.terms = terms

    def __getitem__(self, term: str) -> int:
        found = self.terms.position(term)
        if found is None:
            raise KeyError(term)
        return found

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self.terms.position(term) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)


class StoredWords(Mapping[str, str]):
    """Word as written (folded) → its term."""

    def __init__(self, words: PackedStrings, term_ids: Int32, terms: PackedStrings) -> None:
        self.words = words
        self.term_ids = term_ids
        self.terms = terms

    def __getitem__(self, word: str) -> str:
        found = self.words.position(word)
        if found is None:
            raise KeyError(word)
        return self.terms[int(self.term_ids[found])]

    def __iter__(self) -> Iterator[str]:
        return iter(self.words)

    def __len__(self) -> int:
        return len(self.words)


class StoredHolders(Mapping[str, Int32]):
    """Three-letter piece → positions of the words having it (a CSR structure)."""

    def __init__(self, pieces: PackedStrings, offsets: Int64, ids: Int32) -> None:
        self.pieces = pieces
        self.offsets = offsets
        self.ids = ids

    def __getitem__(self, piece: str) -> Int32:
        found = self.pieces.position(piece)
        if found is None:
            raise KeyError(piece)
        return self.ids[int(self.offsets[found]) : int(self.offsets[found + 1])]

    def __contains__(self, piece: object) -> bool:
        return isinstance(piece, str) and self.pieces.position(piece) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.pieces)

    def __len__(self) -> int:
        return len(self.pieces)


# -- saving and loading one version ---------------------------------------------------


def save_index(index: SearchIndex, directory: Path, metadata: Mapping[str, Any]) -> None:
    """Write ``index`` (a freshly built one: a single segment) into ``directory``,
    with the caller's ``metadata`` (JSON values) alongside."""
    if len(index.segments) != 1:
        raise ValueError("only a freshly built index (one segment) can be saved")
    segment = index.segments[0]
    directory.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray[Any, Any]] = {
        "keys": segment.keys,
        "key_order": segment.key_order,
        "min_age": segment.min_age,
        "max_age": segment.max_age,
        "latitude": segment.latitude,
        "longitude": segment.longitude,
        "cos_latitude": segment.cos_latitude,
        "remote": segment.remote,
        "next_start": segment.next_start,
        "live": segment.live,
    }
    for facet in index.schema.facets:
        arrays[f"facet-{facet.name}"] = segment.facet_bits[facet.name]
    arrays |= _postings_arrays(segment.postings)
    arrays |= _trigram_arrays(TrigramIndex.of(segment.postings.words))
    for name, values in arrays.items():
        np.save(directory / f"{name}.npy", np.ascontiguousarray(values), allow_pickle=False)
    description = {
        "format": FORMAT,
        "size": segment.size,
        "facets": [
            {
                "name": facet.name,
                "values": list(facet.values),
                "multi": facet.multi,
                "match_all": facet.match_all,
            }
            for facet in index.schema.facets
        ],
        "metadata": dict(metadata),
    }
    (directory / DESCRIPTION).write_text(json.dumps(description))


def _postings_arrays(postings: Postings) -> dict[str, np.ndarray[Any, Any]]:
    """The postings with term ids renumbered in sorted term order (so a term's id is
    its position in the packed vocabulary)."""
    old_ids = np.array([postings.vocabulary[term] for term in postings.vocabulary])
    terms = list(postings.vocabulary)
    order = sorted(range(len(terms)), key=terms.__getitem__)
    by_new_id = old_ids[order] if terms else np.empty(0, dtype=np.int64)
    starts = postings.offsets[by_new_id]
    lengths = postings.offsets[by_new_id + 1] - starts
    offsets = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    gather = np.repeat(starts - offsets[:-1], lengths) + np.arange(int(offsets[-1]))
    packed_terms = PackedStrings.pack([terms[each] for each in order])
    new_id = {terms[old]: new for new, old in enumerate(order)}
    words = sorted(postings.words)
    packed_words = PackedStrings.pack(words)
    return {
        "offsets": offsets,
        "rows": postings.rows[gather],
        "weights": postings.weights[gather],
        "terms-blob": packed_terms.blob,
        "terms-offsets": packed_terms.offsets,
        "words-blob": packed_words.blob,
        "words-offsets": packed_words.offsets,
        "words-terms": np.array([new_id[postings.words[word]] for word in words], dtype=np.int32),
    }


def _trigram_arrays(trigrams: TrigramIndex) -> dict[str, np.ndarray[Any, Any]]:
    terms = PackedStrings.pack(list(trigrams.terms))
    pieces = sorted(trigrams.holders)
    packed_pieces = PackedStrings.pack(pieces)
    lists = [trigrams.holders[piece] for piece in pieces]
    offsets = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum([each.shape[0] for each in lists], out=offsets[1:])
    ids = np.concatenate(lists) if lists else np.empty(0, dtype=np.int32)
    return {
        "fuzzy-terms-blob": terms.blob,
        "fuzzy-terms-offsets": terms.offsets,
        "fuzzy-lengths": trigrams.lengths,
        "fuzzy-piece-counts": trigrams.piece_counts,
        "fuzzy-pieces-blob": packed_pieces.blob,
        "fuzzy-pieces-offsets": packed_pieces.offsets,
        "fuzzy-holders-offsets": offsets,
        "fuzzy-holders": ids.astype(np.int32),
    }


def _describe(directory: Path) -> dict[str, Any]:
    try:
        description = json.loads((directory / DESCRIPTION).read_text())
    except (OSError, ValueError) as error:
        raise IndexFormatError(f"no readable index in {directory}: {error}") from error
    if not isinstance(description, dict) or description.get("format") != FORMAT:
        raise IndexFormatError(f"{directory} holds another index format")
    return description


def read_metadata(directory: Path) -> dict[str, Any]:
    """The caller's metadata saved with the index in ``directory``."""
    return cast(dict[str, Any], _describe(directory)["metadata"])


def load_index(directory: Path) -> tuple[SearchIndex, dict[str, Any]]:
    """The index saved in ``directory``, its arrays mapped read-only, and the
    metadata saved with it."""
    description = _describe(directory)
    schema = Schema(
        tuple(
            Facet(
                str(each["name"]),
                tuple(str(value) for value in each["values"]),
                multi=bool(each["multi"]),
                match_all=bool(each["match_all"]),
            )
            for each in description["facets"]
        )
    )

    def mapped(name: str) -> Any:
        path = directory / f"{name}.npy"
        try:
            # A plain read-only view of the mapping (not the ``memmap`` subclass, whose
            # results of arithmetic would be ``memmap`` objects too).
            return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))
        except ValueError:  # an empty array: nothing to map
            return np.load(path, allow_pickle=False)

    terms = PackedStrings(mapped("terms-blob"), mapped("terms-offsets"))
    words = StoredWords(
        PackedStrings(mapped("words-blob"), mapped("words-offsets")), mapped("words-terms"), terms
    )
    trigrams = TrigramIndex(
        PackedStrings(mapped("fuzzy-terms-blob"), mapped("fuzzy-terms-offsets")),
        mapped("fuzzy-lengths"),
        mapped("fuzzy-piece-counts"),
        StoredHolders(
            PackedStrings(mapped("fuzzy-pieces-blob"), mapped("fuzzy-pieces-offsets")),
            mapped("fuzzy-holders-offsets"),
            mapped("fuzzy-holders"),
        ),
    )
    facet_bits = {}
    for facet in schema.facets:
        facet_bits[facet.name] = mapped(f"facet-{facet.name}")[: len(facet.values)]
    segment = Segment(
        schema=schema,
        keys=mapped("keys"),
        facet_bits=facet_bits,
        min_age=mapped("min_age"),
        max_age=mapped("max_age"),
        latitude=mapped("latitude"),
        longitude=mapped("longitude"),
        remote=mapped("remote"),
        next_start=mapped("next_start"),
        postings=Postings(
            vocabulary=StoredVocabulary(terms),
            words=words,
            offsets=mapped("offsets"),
            rows=mapped("rows"),
            weights=mapped("weights"),
        ),
        live=mapped("live"),
        documents=None,
        key_order=mapped("key_order"),
        cos_latitude=mapped("cos_latitude"),
        trigrams=trigrams,
    )
    if segment.size != description["size"]:
        raise IndexFormatError(f"{directory} is incomplete")
    return SearchIndex(schema, (segment,)), cast(dict[str, Any], description["metadata"])


# -- versions ---------------------------------------------------------------------------


def current_version(root: Path) -> str | None:
    """The name of the current version under ``root``, or None when there is none."""
    try:
        name = (root / POINTER).read_text().strip()
    except FileNotFoundError:
        return None
    return name or None


def publish(
    index: SearchIndex,
    root: Path,
    metadata: Mapping[str, Any],
    extra: Callable[[Path], None] | None = None,
) -> str:
    """Save ``index`` as a new version under ``root`` and make it the current one;
    ``extra`` may write more files of the caller's into the version's directory.

    The files are written into a temporary directory, which is then renamed to its
    version name; the pointer file is replaced with a rename too. Each step is
    atomic, so a reader sees either the old complete version or the new one."""
    root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        save_index(index, scratch, metadata)
        if extra is not None:
            extra(scratch)
        name = f"v-{time.time_ns()}-{os.getpid()}"
        scratch.rename(root / name)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    pointer = root / f".{POINTER}-{os.getpid()}"
    pointer.write_text(name)
    os.replace(pointer, root / POINTER)
    remove_old_versions(root)
    return name


def remove_old_versions(root: Path, keep: int = KEEP_OLD_VERSIONS) -> None:
    """Delete versions older than the current one and the ``keep`` before it, and
    scratch directories abandoned by a build that died (older than an hour)."""
    current = current_version(root)
    versions = sorted(
        (path for path in root.glob("v-*") if path.is_dir()),
        key=lambda path: _version_time(path.name),
    )
    if current is not None:
        versions = [path for path in versions if path.name != current]
    for path in versions[: max(0, len(versions) - keep)]:
        shutil.rmtree(path, ignore_errors=True)
    for path in root.glob(".tmp-*"):
        try:
            if time.time() - path.stat().st_mtime > 3600:
                shutil.rmtree(path, ignore_errors=True)
        except FileNotFoundError:
            continue


def _version_time(name: str) -> int:
    try:
        return int(name.split("-")[1])
    except (IndexError, ValueError):
        return 0

"""Typo tolerance: find vocabulary terms within a small edit distance of a word.

A trigram index over the vocabulary: each term is stored under its overlapping
three-letter pieces (padded, so "yoga" gives "$$y", "$yo", "yog", "oga", "ga$",
"a$$"). One edit (an insertion, deletion, substitution, or swap of neighbours)
spoils at most four of a word's pieces, so a term within ``d`` edits of a word
shares at least (its number of pieces - 4·d) of them. Counting shared pieces is one
vectorised ``bincount`` over the pieces' posting lists; the few terms passing that
bound are then checked with a true edit distance. This finds every term within the
allowed distance, whatever the vocabulary size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

# Words shorter than this are never corrected: "mar" → "par" is not a typo fix.
MIN_FUZZY_CHARS = 4
# From this length on, two edits are allowed.
TWO_EDITS_FROM_CHARS = 8
PIECES_SPOILED_PER_EDIT = 4


def allowed_edits(word: str) -> int:
    if len(word) < MIN_FUZZY_CHARS:
        return 0
    return 2 if len(word) >= TWO_EDITS_FROM_CHARS else 1


def pieces(word: str) -> set[str]:
    padded = f"$${word}$$"
    return {padded[start : start + 3] for start in range(len(padded) - 2)}


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance between ``a`` and ``b``, or ``limit + 1``
    as soon as it is known to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return previous[len(b)]


class TrigramIndex:
    """Vocabulary words by their three-letter pieces.

    ``terms`` is any sequence of words (a list, or words read from index files);
    ``holders`` maps a piece to the positions in ``terms`` of the words having it."""

    def __init__(
        self,
        terms: Sequence[str],
        lengths: NDArray[np.int32],
        piece_counts: NDArray[np.int32],
        holders: Mapping[str, NDArray[np.int32]],
    ) -> None:
        self.terms = terms
        self.lengths = lengths
        self.piece_counts = piece_counts
        self._holders = holders

    @classmethod
    def of(cls, vocabulary: Iterable[str]) -> TrigramIndex:
        """The trigram index of ``vocabulary``'s words, in sorted order."""
        terms = sorted(term for term in vocabulary if len(term) >= MIN_FUZZY_CHARS - 1)
        holders: dict[str, list[int]] = {}
        for term_id, term in enumerate(terms):
            for piece in pieces(term):
                holders.setdefault(piece, []).append(term_id)
        return cls(
            terms,
            np.array([len(term) for term in terms], dtype=np.int32),
            np.array([len(pieces(term)) for term in terms], dtype=np.int32),
            {piece: np.array(ids, dtype=np.int32) for piece, ids in holders.items()},
        )

    @property
    def holders(self) -> Mapping[str, NDArray[np.int32]]:
        return self._holders

    def __len__(self) -> int:
        return len(self.terms)

    def near(self, word: str) -> dict[str, int]:
        """Vocabulary words within the allowed edits of ``word`` → their distance
        (the word itself excluded)."""
        limit = allowed_edits(word)
        if limit == 0 or not self.terms:
            return {}
        own = pieces(word)
        lists = [self._holders[piece] for piece in own if piece in self._holders]
        if not lists:
            return {}
        shared = np.bincount(np.concatenate(lists), minlength=len(self.terms))
        needed = np.maximum(self.piece_counts, len(own)) - PIECES_SPOILED_PER_EDIT * limit
        close_in_length = np.abs(self.lengths - len(word)) <= limit
        found: dict[str, int] = {}
        for term_id in np.flatnonzero((shared >= needed) & close_in_length & (shared > 0)):
            term = self.terms[int(term_id)]
            if term == word:
                continue
            distance = edit_distance(word, term, limit)
            if distance <= limit:
                found[term] = distance
        return found

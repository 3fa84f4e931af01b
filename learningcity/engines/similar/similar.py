"""Top-k similar cases by a blend of text cosine (TF-IDF) and theme overlap (Jaccard).

Why both: two cases about adult literacy in different cities share few exact words
when written by different people, but they share the themes their authors chose;
two cases tagged with the same broad theme may still be about different things,
which their words tell apart. The score is ``text_weight · cosine + (1 −
text_weight) · jaccard``.

The all-pairs product is computed block by block (``block`` rows at a time) so that
memory stays at ``block × n`` floats whatever the number of cases."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from learningcity.engines.search.text import analyzer

DEFAULT_K = 5
MAX_SHARED_TERMS = 5


@dataclass(frozen=True)
class Case:
    key: int
    language: str
    text: str
    themes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Neighbour:
    key: int
    score: float  # 0..1
    shared_themes: tuple[str, ...]  # sorted
    shared_terms: tuple[str, ...]  # words as written (folded), strongest first


@dataclass
class _Vocabulary:
    columns: dict[str, int]
    surface: list[str]  # column → the word most often written for the term


def _case_terms(cases: Sequence[Case]) -> tuple[list[Counter[str]], dict[str, Counter[str]]]:
    counts: list[Counter[str]] = []
    words_of: dict[str, Counter[str]] = {}
    for case in cases:
        pairs = analyzer(case.language).words_and_terms(case.text)
        counts.append(Counter(term for _word, term in pairs))
        for word, term in pairs:
            words_of.setdefault(term, Counter())[word] += 1
    return counts, words_of


def _vocabulary(counts: list[Counter[str]], words_of: dict[str, Counter[str]]) -> _Vocabulary:
    frequency: Counter[str] = Counter()
    for terms in counts:
        frequency.update(terms.keys())
    # A term in one case only can never be shared: leave it out of the matrix.
    kept = sorted(term for term, df in frequency.items() if df > 1)
    return _Vocabulary(
        columns={term: column for column, term in enumerate(kept)},
        surface=[words_of[term].most_common(1)[0][0] for term in kept],
    )


def _tfidf(counts: list[Counter[str]], vocabulary: _Vocabulary) -> sparse.csr_matrix:
    n = len(counts)
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for row, terms in enumerate(counts):
        for term, tf in terms.items():
            column = vocabulary.columns.get(term)
            if column is not None:
                rows.append(row)
                cols.append(column)
                values.append(1.0 + math.log(tf))
    size = len(vocabulary.surface)
    matrix = sparse.csr_matrix(
        (np.array(values, dtype=np.float32), (rows, cols)), shape=(n, size), dtype=np.float32
    )
    df = np.bincount(np.array(cols, dtype=np.int64), minlength=size).astype(np.float32)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    weighted = sparse.csr_matrix(matrix.multiply(idf.reshape(1, -1)))
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms).dot(weighted), dtype=np.float32)


def _themes_matrix(cases: Sequence[Case]) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    names = sorted({theme for case in cases for theme in case.themes})
    index = {name: column for column, name in enumerate(names)}
    matrix = np.zeros((len(cases), max(len(names), 1)), dtype=np.float32)
    for row, case in enumerate(cases):
        for theme in case.themes:
            matrix[row, index[theme]] = 1.0
    return matrix, matrix.sum(axis=1)


def similar_cases(
    cases: Sequence[Case],
    k: int = DEFAULT_K,
    *,
    text_weight: float = 0.7,
    min_score: float = 0.05,
    block: int = 512,
) -> dict[int, tuple[Neighbour, ...]]:
    """Each case's ``k`` most similar other cases (best first), scored 0..1.

    Neighbours scoring below ``min_score`` are left out, so a case unlike any other
    has fewer than ``k`` (or none). Equal scores put the smaller key first."""
    if not 0.0 <= text_weight <= 1.0:
        raise ValueError("text_weight must be between 0 and 1")
    if k < 1 or block < 1:
        raise ValueError("k and block must be at least 1")
    keys = [case.key for case in cases]
    if len(set(keys)) != len(keys):
        raise ValueError("case keys must be unique")
    n = len(cases)
    if n < 2:
        return {key: () for key in keys}
    counts, words_of = _case_terms(cases)
    vocabulary = _vocabulary(counts, words_of)
    vectors = _tfidf(counts, vocabulary)
    vectors_t = sparse.csr_matrix(vectors.T)
    themes, theme_sizes = _themes_matrix(cases)
    key_array = np.array(keys, dtype=np.int64)
    result: dict[int, tuple[Neighbour, ...]] = {}
    for start in range(0, n, block):
        stop = min(start + block, n)
        cosine = np.asarray(vectors[start:stop].dot(vectors_t).todense(), dtype=np.float32)
        shared = themes[start:stop] @ themes.T
        union = theme_sizes[start:stop, None] + theme_sizes[None, :] - shared
        jaccard = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
        scores = text_weight * cosine + (1.0 - text_weight) * jaccard
        for offset in range(stop - start):
            row = start + offset
            scores[offset, row] = -1.0  # never similar to itself
            result[keys[row]] = _best(
                row,
                scores[offset],
                key_array,
                k,
                min_score,
                cases,
                vocabulary,
                vectors,
            )
    return result


def _best(
    row: int,
    scores: NDArray[np.float32],
    keys: NDArray[np.int64],
    k: int,
    min_score: float,
    cases: Sequence[Case],
    vocabulary: _Vocabulary,
    vectors: sparse.csr_matrix,
) -> tuple[Neighbour, ...]:
    wanted = min(k, len(scores) - 1)
    if wanted < 1:
        return ()
    candidates = np.argpartition(-scores, wanted)[: wanted + 1]
    # Best score first; among equal scores the smaller key.
    chosen = sorted(
        (int(column) for column in candidates if column != row and scores[column] >= min_score),
        key=lambda column: (-round(float(scores[column]), 6), int(keys[column])),
    )[:k]
    return tuple(
        Neighbour(
            key=int(keys[column]),
            score=round(min(1.0, max(0.0, float(scores[column]))), 4),
            shared_themes=tuple(sorted(cases[row].themes & cases[column].themes)),
            shared_terms=_shared_terms(row, column, vectors, vocabulary),
        )
        for column in chosen
    )


def _shared_terms(
    row: int, column: int, vectors: sparse.csr_matrix, vocabulary: _Vocabulary
) -> tuple[str, ...]:
    """The words contributing most to the text similarity of the two cases."""
    a = vectors.getrow(row)
    b = vectors.getrow(column)
    product = a.multiply(b).tocoo()
    order = np.argsort(-product.data, kind="stable")[:MAX_SHARED_TERMS]
    return tuple(vocabulary.surface[int(product.col[index])] for index in order)

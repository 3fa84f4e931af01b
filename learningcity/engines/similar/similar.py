"""Top-k similar cases by a blend of text cosine (TF-IDF) and theme overlap (Jaccard).

Why both: two cases about adult literacy in different cities share few exact words
when written by different people, but they share the themes their authors chose;
two cases tagged with the same broad theme may still be about different things,
which their words tell apart. The score is ``text_weight · cosine + (1 −
text_weight) · jaccard``.

The all-pairs product is computed block by block (``block`` rows at a time) so that
memory stays at ``block × n`` floats whatever the number of cases; each block's
top k are found with ``argpartition`` and the reasons (the words shared) are
computed afterwards for the kept pairs only, with one sparse product."""

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
# Terms in at least this share of the cases go into the dense part of the product
# (at most this many of them: n × 1,024 floats).
COMMON_SHARE = 0.02
MAX_COMMON_TERMS = 1024

Int64 = NDArray[np.int64]


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
    pairs_seen: Counter[tuple[str, str]] = Counter()
    for case in cases:
        pairs = analyzer(case.language).words_and_terms(case.text)
        counts.append(Counter(term for _word, term in pairs))
        pairs_seen.update(pairs)
    # Per term, how often each word was written for it (in the order first seen, so
    # that ``most_common`` breaks ties by the first word written).
    words_of: dict[str, Counter[str]] = {}
    for (word, term), seen in pairs_seen.items():
        words = words_of.get(term)
        if words is None:
            words = words_of[term] = Counter()
        words[word] += seen
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


def _split_common(vectors: sparse.csr_matrix) -> tuple[NDArray[np.float32], sparse.csr_matrix]:
    """The columns of terms found in many cases as a dense matrix (their part of the
    all-pairs product is dense anyway, and a dense product is many times faster),
    the other columns as a sparse one. The cosine is the sum of the two products."""
    n = vectors.shape[0]
    df = np.bincount(vectors.indices, minlength=vectors.shape[1])
    common = np.flatnonzero(df >= max(2.0, n * COMMON_SHARE))
    if common.shape[0] > MAX_COMMON_TERMS:
        common = np.sort(common[np.argsort(-df[common], kind="stable")[:MAX_COMMON_TERMS]])
    rare = np.setdiff1d(np.arange(vectors.shape[1]), common)
    return (
        np.asarray(vectors[:, common].toarray(), dtype=np.float32),
        sparse.csr_matrix(vectors[:, rare], dtype=np.float32),
    )


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
    has fewer than ``k`` (or none). Equal scores (to six decimals) put the smaller
    key first."""
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
    common, rare = _split_common(vectors)
    common_t = np.ascontiguousarray(common.T)
    rare_t = sparse.csr_matrix(rare.T)
    themes, theme_sizes = _themes_matrix(cases)
    key_array = np.array(keys, dtype=np.int64)
    pair_rows: list[Int64] = []
    pair_columns: list[Int64] = []
    pair_scores: list[NDArray[np.float32]] = []
    for start in range(0, n, block):
        stop = min(start + block, n)
        cosine = common[start:stop] @ common_t
        cosine += rare[start:stop].dot(rare_t).toarray()
        shared = themes[start:stop] @ themes.T
        union = theme_sizes[start:stop, None] + theme_sizes[None, :] - shared
        jaccard = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
        scores = text_weight * cosine + (1.0 - text_weight) * jaccard
        rows, columns = _top_k(scores, start, key_array, k, min_score)
        pair_rows.append(rows)
        pair_columns.append(columns)
        pair_scores.append(scores[rows - start, columns])
    rows = np.concatenate(pair_rows)
    columns = np.concatenate(pair_columns)
    scores = np.concatenate(pair_scores)
    terms = _shared_terms(rows, columns, vectors, vocabulary)
    found: dict[int, list[Neighbour]] = {key: [] for key in keys}
    for row, column, score, shared_terms in zip(
        rows.tolist(), columns.tolist(), scores.tolist(), terms, strict=True
    ):
        found[keys[row]].append(
            Neighbour(
                key=keys[column],
                score=round(min(1.0, max(0.0, score)), 4),
                shared_themes=tuple(sorted(cases[row].themes & cases[column].themes)),
                shared_terms=shared_terms,
            )
        )
    return {key: tuple(neighbours) for key, neighbours in found.items()}


def _top_k(
    scores: NDArray[np.float32], start: int, keys: Int64, k: int, min_score: float
) -> tuple[Int64, Int64]:
    """The kept pairs of a block of rows (rows numbered from ``start``): per row the
    ``k`` best columns scoring at least ``min_score``, never the row itself, best
    first and the smaller key first among equal scores; as (rows, columns), grouped
    by row in order. ``argpartition`` finds each row's k-th best score; only the
    columns reaching it (a handful, more when scores tie) are sorted."""
    size, n = scores.shape
    local = np.arange(size)
    scores[local, local + start] = -1.0  # never similar to itself
    wanted = min(k, n - 1)
    kth = -np.partition(-scores, wanted - 1, axis=1)[:, wanted - 1]
    # Ties are judged on six decimals, so that float noise does not order them: the
    # candidates are the columns within rounding of the k-th score, then judged.
    rows, columns = np.nonzero((scores >= kth[:, None] - 1e-6) & (scores >= min_score))
    rounded = np.round(scores[rows, columns].astype(np.float64), 6)
    reached = rounded >= np.round(kth.astype(np.float64), 6)[rows]
    rows, columns, rounded = rows[reached], columns[reached], rounded[reached]
    order = np.lexsort((keys[columns], -rounded, rows))
    rows, columns = rows[order], columns[order]
    # Rank within its row (rows are contiguous after the sort): keep the first k.
    first = np.searchsorted(rows, rows, side="left")
    kept = np.arange(rows.shape[0]) - first < k
    return rows[kept].astype(np.int64) + start, columns[kept].astype(np.int64)


def _shared_terms(
    rows: Int64, columns: Int64, vectors: sparse.csr_matrix, vocabulary: _Vocabulary
) -> list[tuple[str, ...]]:
    """Per kept pair, the words contributing most to its text similarity (the largest
    products of the two TF-IDF weights; equal products in vocabulary order), all
    pairs at once: one sparse element-wise product of the pairs' rows."""
    if rows.shape[0] == 0:
        return []
    product = sparse.csr_matrix(vectors[rows].multiply(vectors[columns])).tocoo()
    order = np.lexsort((product.col, -product.data, product.row))
    pair, column = product.row[order], product.col[order]
    rank = np.arange(pair.shape[0]) - np.searchsorted(pair, pair, side="left")
    kept = rank < MAX_SHARED_TERMS
    found: list[list[str]] = [[] for _ in range(rows.shape[0])]
    for index, term in zip(pair[kept].tolist(), column[kept].tolist(), strict=True):
        found[index].append(vocabulary.surface[term])
    return [tuple(words) for words in found]

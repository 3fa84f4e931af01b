"""Two ways to suggest peers for a city.

``cities_like``: a weighted sum of five resemblances, each between 0 and 1 —
same UNESCO region; population band (same band 1, the next band ½); GDP per capita
(1 when equal, 0 at a factor of four or more, on a log scale, because a city with
twice the income of another is as far from it as one with half); average years of
schooling (1 when equal, 0 at four years apart); shared clusters (Jaccard). A
missing figure counts as no resemblance rather than being guessed, so a sparse
profile is matched on what it says. A resemblance close enough to be worth saying
becomes a reason.

``cities_that_can_help``: the city's weakest areas (lowest scores in the stored
index results) and, for each other city, how far it is ahead in those areas; the
suggestion's score is the sum of its leads and each lead is a reason."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DEFAULT_K = 5
WEIGHTS: Mapping[str, float] = {
    "region": 0.25,
    "size": 0.2,
    "gdp": 0.2,
    "schooling": 0.15,
    "clusters": 0.2,
}
GDP_ZERO_AT_FACTOR = 4.0
SCHOOLING_ZERO_AT_YEARS = 4.0
# A resemblance is given as a reason from this value on (GDP within a factor of
# about 1.5, schooling within 1.5 years, the same or the next population band).
REASON_FROM = 0.5
SCHOOLING_REASON_YEARS = 1.5
GDP_REASON_FACTOR = 1.5


@dataclass(frozen=True)
class CityFacts:
    key: int
    region: str = ""
    size_band: int | None = None  # 0 = smallest band; the app names the bands
    gdp_per_capita: float | None = None
    schooling_years: float | None = None
    clusters: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reason:
    """Why a city was suggested. ``kind``: region, size, gdp, schooling, clusters
    (``items``: the shared clusters) or stronger (``items``: the one area, with the
    asking city's score ``own`` and the suggested city's ``theirs``)."""

    kind: str
    items: tuple[str, ...] = ()
    own: float | None = None
    theirs: float | None = None


@dataclass(frozen=True)
class Suggestion:
    key: int
    score: float
    reasons: tuple[Reason, ...]


def _gdp_resemblance(a: float | None, b: float | None) -> float:
    if a is None or b is None or a <= 0 or b <= 0:
        return 0.0
    return max(0.0, 1.0 - abs(math.log(a / b)) / math.log(GDP_ZERO_AT_FACTOR))


def _schooling_resemblance(a: float | None, b: float | None) -> float:
    if a is None or b is None:
        return 0.0
    return max(0.0, 1.0 - abs(a - b) / SCHOOLING_ZERO_AT_YEARS)


def _size_resemblance(a: int | None, b: int | None) -> float:
    if a is None or b is None:
        return 0.0
    return {0: 1.0, 1: 0.5}.get(abs(a - b), 0.0)


def compare(target: CityFacts, other: CityFacts) -> Suggestion:
    """How much ``other`` resembles ``target``, with the reasons."""
    reasons: list[Reason] = []
    score = 0.0
    if target.region and target.region == other.region:
        score += WEIGHTS["region"]
        reasons.append(Reason("region"))
    size = _size_resemblance(target.size_band, other.size_band)
    score += WEIGHTS["size"] * size
    if size >= REASON_FROM:
        reasons.append(Reason("size"))
    gdp = _gdp_resemblance(target.gdp_per_capita, other.gdp_per_capita)
    score += WEIGHTS["gdp"] * gdp
    if target.gdp_per_capita and other.gdp_per_capita and gdp > 0:
        ratio = max(target.gdp_per_capita, other.gdp_per_capita) / min(
            target.gdp_per_capita, other.gdp_per_capita
        )
        if ratio <= GDP_REASON_FACTOR:
            reasons.append(Reason("gdp", own=target.gdp_per_capita, theirs=other.gdp_per_capita))
    schooling = _schooling_resemblance(target.schooling_years, other.schooling_years)
    score += WEIGHTS["schooling"] * schooling
    if (
        target.schooling_years is not None
        and other.schooling_years is not None
        and abs(target.schooling_years - other.schooling_years) <= SCHOOLING_REASON_YEARS
    ):
        reasons.append(
            Reason("schooling", own=target.schooling_years, theirs=other.schooling_years)
        )
    shared = target.clusters & other.clusters
    if shared:
        score += WEIGHTS["clusters"] * len(shared) / len(target.clusters | other.clusters)
        reasons.append(Reason("clusters", items=tuple(sorted(shared))))
    return Suggestion(other.key, round(score, 6), tuple(reasons))


def cities_like(
    target: CityFacts, candidates: Sequence[CityFacts], k: int = DEFAULT_K
) -> list[Suggestion]:
    """The ``k`` candidates most like ``target`` (never itself), best first; a
    candidate with no reason at all is not suggested. Ties: the lower key first."""
    found = [compare(target, other) for other in candidates if other.key != target.key]
    kept = [suggestion for suggestion in found if suggestion.reasons]
    kept.sort(key=lambda suggestion: (-suggestion.score, suggestion.key))
    return kept[: max(k, 0)]


def weakest_areas(scores: Mapping[str, float], n: int = 2) -> list[str]:
    """The ``n`` areas with the lowest scores (ties: by code), weakest first."""
    ordered = sorted(
        (code for code, score in scores.items() if math.isfinite(score)),
        key=lambda code: (scores[code], code),
    )
    return ordered[: max(n, 0)]


def cities_that_can_help(
    own_scores: Mapping[str, float],
    others: Mapping[int, Mapping[str, float]],
    *,
    weakest: int = 2,
    k: int = DEFAULT_K,
) -> list[Suggestion]:
    """Cities ahead of the asking city in its ``weakest`` areas, the furthest ahead
    first (the sum of their leads). A city ahead in none is not suggested."""
    areas = weakest_areas(own_scores, weakest)
    found: list[Suggestion] = []
    for key, scores in others.items():
        reasons: list[Reason] = []
        lead = 0.0
        for area in areas:
            theirs = scores.get(area)
            own = own_scores[area]
            if theirs is None or not math.isfinite(theirs) or theirs <= own:
                continue
            lead += theirs - own
            reasons.append(Reason("stronger", items=(area,), own=own, theirs=theirs))
        if reasons:
            found.append(Suggestion(key, round(lead, 6), tuple(reasons)))
    found.sort(key=lambda suggestion: (-suggestion.score, suggestion.key))
    return found[: max(k, 0)]

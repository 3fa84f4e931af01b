"""What a search asks and what it answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

# Names of the filters that are not facets, as used in ``Relaxation.filter``.
TEXT = "text"
AGE = "age"
DISTANCE = "distance"
DATES = "dates"

MAX_QUERY_WORDS = 12
MAX_LIMIT = 200


class Sort(StrEnum):
    BEST = "best"  # best text match; without text, the soonest
    NEAREST = "nearest"  # closest to the origin; without an origin, the soonest
    SOONEST = "soonest"  # next date first; nothing coming up last


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        if not (-90 <= self.latitude <= 90 and -180 <= self.longitude <= 180):
            raise ValueError("latitude must be within ±90 and longitude within ±180")


@dataclass(frozen=True)
class Preferences:
    """Soft wishes for a personal ranking: documents with more of what the person
    wishes for rank higher, and each hit says which wishes it meets.

    ``wishes`` maps a facet to the values wished for; ``weights`` says how much a
    facet's wish counts (1 when not given). ``near_km`` is the distance at which
    closeness counts half; ``near_weight`` how much closeness counts at all."""

    wishes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    weights: Mapping[str, float] = field(default_factory=dict)
    near_km: float = 3.0
    near_weight: float = 1.0


@dataclass(frozen=True)
class Query:
    text: str = ""
    # Languages to read the text in (each brings its stemmer); the first one decides
    # how words are split.
    languages: tuple[str, ...] = ("en",)
    # Facet name → selected values. Values of one facet are alternatives (unless the
    # facet is match-all); different facets must all match.
    filters: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # A person's age: documents whose age range includes it.
    age: int | None = None
    origin: Point | None = None
    # Only documents within this distance of ``origin`` (remote ones always pass,
    # unless ``distance_keeps_remote`` is False: then only places within reach do).
    max_km: float | None = None
    distance_keeps_remote: bool = True
    # Next date within [starts_from, starts_before), seconds since the epoch.
    starts_from: float | None = None
    starts_before: float | None = None
    # Dates before ``now`` are over: they sort as "nothing coming up".
    now: float = 0.0
    sort: Sort = Sort.BEST
    offset: int = 0
    limit: int = 20
    count_facets: bool = True
    preferences: Preferences | None = None


@dataclass(frozen=True)
class Hit:
    key: int
    score: float
    distance_km: float | None
    next_start: float | None
    # For a personal ranking: per wished facet, the wished values this hit has.
    matched: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Relaxation:
    """How many results there would be without one of the filters."""

    filter: str
    total: int


@dataclass(frozen=True)
class Result:
    total: int
    hits: tuple[Hit, ...]
    # Facet → value → how many results choosing that value would give (the facet's
    # own selection set aside, so alternatives keep their counts).
    facets: Mapping[str, Mapping[str, int]]
    # Only when there is no result: each filter in use, with the total without it,
    # most helpful first.
    relaxations: tuple[Relaxation, ...] = ()
    # Query words matched through similar spellings, and words matching nothing.
    approximate_words: tuple[str, ...] = ()
    unknown_words: tuple[str, ...] = ()
    # Per approximate query word, the indexed words (as written, folded) it was
    # matched to, closest first: what was actually searched for.
    corrections: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

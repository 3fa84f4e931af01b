"""What the engine knows about a document, and which facets it can filter on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

MAX_FACET_VALUES = 64


@dataclass(frozen=True)
class Facet:
    """A filterable property with a fixed list of values.

    ``multi``: a document may have several values, given as a bitmask in the order
    of ``values``; otherwise it has at most one, given as an index into ``values``
    (``-1`` for none). Selected values of a facet are alternatives (any of them
    matches) unless ``match_all`` is set, when every selected value must be present
    (accessibility needs: someone needing step-free access *and* a hearing loop)."""

    name: str
    values: tuple[str, ...]
    multi: bool = False
    match_all: bool = False

    def __post_init__(self) -> None:
        if len(self.values) > MAX_FACET_VALUES:
            raise ValueError(f"facet {self.name!r} has more than {MAX_FACET_VALUES} values")
        if len(set(self.values)) != len(self.values):
            raise ValueError(f"facet {self.name!r} repeats a value")


@dataclass(frozen=True)
class Schema:
    facets: tuple[Facet, ...]

    def facet(self, name: str) -> Facet:
        for facet in self.facets:
            if facet.name == name:
                return facet
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(facet.name for facet in self.facets)


@dataclass(frozen=True)
class Text:
    """Some wording of a document, in one language (the language picks the stemmer)."""

    language: str
    title: str
    body: str = ""


@dataclass(frozen=True)
class Document:
    """One searchable item. ``key`` is the caller's identifier (a database id)."""

    key: int
    texts: tuple[Text, ...] = ()
    facets: Mapping[str, int] = field(default_factory=dict)
    min_age: int | None = None
    max_age: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    # Can be joined from anywhere (online): kept by a distance limit.
    remote: bool = False
    # The next time it happens, in seconds since the Unix epoch.
    next_start: float | None = None

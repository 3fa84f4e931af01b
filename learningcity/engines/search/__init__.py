"""Search engine for the learning finder: plain typed Python over NumPy, no Django.

An in-memory columnar index over documents (facet bitsets, ages, places, dates and
a stemmed inverted index of their wording) answering text + facet + distance
queries with all facet counts in a few milliseconds. See ``index.py``; ``store.py``
saves a built index as files that every process maps read-only.
"""

from . import store
from .index import SearchIndex, build_index
from .query import (
    AGE,
    DATES,
    DISTANCE,
    TEXT,
    Hit,
    Point,
    Preferences,
    Query,
    Relaxation,
    Result,
    Sort,
)
from .schema import Document, Facet, Schema, Text

__all__ = [
    "AGE",
    "DATES",
    "DISTANCE",
    "TEXT",
    "Document",
    "Facet",
    "Hit",
    "Point",
    "Preferences",
    "Query",
    "Relaxation",
    "Result",
    "Schema",
    "SearchIndex",
    "Sort",
    "Text",
    "build_index",
    "store",
]

"""Matching engine for the inclusion programmes: plain typed Python, no Django.

``solver``: many-to-one matching with capacities, exact (OR-Tools min-cost maximum
flow), lexicographic objective (most people matched, then the best total score), with
re-matching that keeps existing pairs unless moving one matches more people.
``files``: the CSV files of ``learningcity programmes match``. ``fit``: the hard
constraints and the score of a pair (languages, weekly availability, travel distance,
stated preferences, checks), each match's reasons.
"""

from .files import InputError, read_capacity, read_pairs
from .solver import (
    Candidate,
    Match,
    MatchingError,
    MatchResult,
    Move,
    PairArrays,
    solve_matching,
)

__all__ = [
    "Candidate",
    "InputError",
    "Match",
    "MatchResult",
    "MatchingError",
    "Move",
    "PairArrays",
    "read_capacity",
    "read_pairs",
    "solve_matching",
]

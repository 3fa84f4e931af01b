"""Many-to-one matching with capacities, solved exactly as a min-cost maximum flow.

The network: source → each person (capacity 1) → each helper the person may be paired
with (capacity 1, cost = − score) → sink (capacity = the helper's capacity). OR-Tools'
``solve_max_flow_with_min_cost`` first pushes the largest possible flow, then among
all maximum flows takes the cheapest: exactly the lexicographic objective "match as
many people as possible, then maximise the total score". The flow polytope is
integral, so its optimum is the optimum over matchings (no rounding, no heuristic).

Costs must be integers. Scores are scaled by the smallest power of ten that makes
every score whole (up to ``MAX_DECIMALS`` decimals, the exact case) or, for scores
with more decimals, by the largest power of ten the solver's cost range allows; in
that case the total is optimal up to that rounding, and ``exact_scores`` says so.

Re-matching: pairs that already exist get a bonus larger than any score difference,
so they are kept unless breaking one lets more people be matched (the first tier
wins); ``fixed`` pairs (a coordinator's override) are taken out before solving.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

MAX_DECIMALS = 6
# The cost-scaling algorithm multiplies costs by the number of nodes; staying well
# inside int64 after that keeps OR-Tools from refusing the instance (BAD_COST_RANGE).
_COST_HEADROOM = 2**60


class MatchingError(ValueError):
    """The instance cannot be solved as given (the message says what to change)."""


@dataclass(frozen=True)
class Candidate:
    """A feasible pair: ``person`` may be matched with ``helper``, worth ``score``."""

    person: str
    helper: str
    score: float


@dataclass(frozen=True)
class Match:
    person: str
    helper: str
    score: float
    kept: bool = False  # an existing pair that the solve kept
    fixed: bool = False  # a pair the coordinator set by hand


@dataclass(frozen=True)
class Move:
    """An existing pair that the solve broke, and where the person went."""

    person: str
    previous_helper: str
    new_helper: str | None


@dataclass(frozen=True)
class MatchResult:
    matches: list[Match]
    total_score: float
    optimal: bool
    exact_scores: bool
    moves: list[Move] = field(default_factory=list)
    # With moves: how many more people are matched than if every existing pair had
    # been kept (always ≥ 1 when moves is not empty: that is why they moved).
    gained_by_moves: int = 0

    @property
    def matched(self) -> int:
        return len(self.matches)


@dataclass(frozen=True)
class PairArrays:
    """Feasible pairs as parallel arrays of indices into ``persons`` and ``helpers``."""

    persons: Sequence[str]
    helpers: Sequence[str]
    person_index: npt.NDArray[np.int64]
    helper_index: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float64]
    capacities: npt.NDArray[np.int64]

    @classmethod
    def from_candidates(
        cls, candidates: Iterable[Candidate], capacity: Mapping[str, int]
    ) -> PairArrays:
        helpers = list(capacity)
        helper_position = {helper: i for i, helper in enumerate(helpers)}
        persons: list[str] = []
        person_position: dict[str, int] = {}
        person_index: list[int] = []
        helper_index: list[int] = []
        scores: list[float] = []
        for candidate in candidates:
            if candidate.helper not in helper_position:
                raise MatchingError(f"helper {candidate.helper!r} has no capacity")
            position = person_position.setdefault(candidate.person, len(persons))
            if position == len(persons):
                persons.append(candidate.person)
            person_index.append(position)
            helper_index.append(helper_position[candidate.helper])
            scores.append(float(candidate.score))
        return cls(
            persons=persons,
            helpers=helpers,
            person_index=np.asarray(person_index, dtype=np.int64),
            helper_index=np.asarray(helper_index, dtype=np.int64),
            scores=np.asarray(scores, dtype=np.float64),
            capacities=np.asarray([capacity[h] for h in helpers], dtype=np.int64),
        )


def score_scale(scores: npt.NDArray[np.float64], limit: float) -> tuple[int, bool]:
    """The power of ten to multiply scores by, and whether it makes them exact."""
    largest = float(np.max(np.abs(scores))) if scores.size else 0.0
    for decimals in range(MAX_DECIMALS + 1):
        scale = 10**decimals
        if largest * scale > limit:
            return max(1, scale // 10), False
        scaled = scores * scale
        if np.all(np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))):
            return scale, True
    decimals = MAX_DECIMALS
    while decimals < 15 and largest * 10 ** (decimals + 1) <= limit:
        decimals += 1
    return 10**decimals, False


def solve_matching(
    pairs: PairArrays,
    *,
    existing: Mapping[str, str] | None = None,
    fixed: Mapping[str, str] | None = None,
) -> MatchResult:
    """The optimal matching of ``pairs``; see the module docstring for the objective.

    ``existing`` maps person → helper for pairs already in place (kept unless moving
    one matches more people); ``fixed`` maps person → helper for pairs set by hand
    (always kept, and they use up the helper's capacity).
    """
    existing = dict(existing or {})
    fixed = dict(fixed or {})
    result = _solve(pairs, existing=existing, fixed=fixed)
    moves = _moves(result, existing)
    if not moves:
        return result
    # Say how much the moves help: the best count when every existing pair is kept.
    feasible = _feasible_pairs(pairs)
    still_there = {
        person: helper for person, helper in existing.items() if (person, helper) in feasible
    }
    kept_all = _solve(pairs, existing={}, fixed={**still_there, **fixed})
    return MatchResult(
        matches=result.matches,
        total_score=result.total_score,
        optimal=result.optimal,
        exact_scores=result.exact_scores,
        moves=moves,
        gained_by_moves=result.matched - kept_all.matched,
    )


def _feasible_pairs(pairs: PairArrays) -> set[tuple[str, str]]:
    return {
        (pairs.persons[int(p)], pairs.helpers[int(h)])
        for p, h in zip(pairs.person_index, pairs.helper_index, strict=True)
    }


def _moves(result: MatchResult, existing: Mapping[str, str]) -> list[Move]:
    now = {match.person: match.helper for match in result.matches}
    return [
        Move(person=person, previous_helper=helper, new_helper=now.get(person))
        for person, helper in existing.items()
        if now.get(person) != helper
    ]


def _solve(
    pairs: PairArrays, *, existing: Mapping[str, str], fixed: Mapping[str, str]
) -> MatchResult:
    n_persons = len(pairs.persons)
    n_helpers = len(pairs.helpers)
    person_of = {person: i for i, person in enumerate(pairs.persons)}
    helper_of = {helper: i for i, helper in enumerate(pairs.helpers)}
    capacities = pairs.capacities.copy()
    if np.any(capacities < 0):
        raise MatchingError("capacities must not be negative")

    # Fixed pairs leave the problem: their person is done, their helper has less room.
    fixed_matches: list[Match] = []
    fixed_people = np.zeros(n_persons, dtype=bool)
    for person, helper in fixed.items():
        if helper not in helper_of:
            raise MatchingError(f"fixed pair {person!r} → {helper!r}: unknown helper")
        h = helper_of[helper]
        if capacities[h] <= 0:
            raise MatchingError(f"fixed pairs use more than {helper!r}'s capacity")
        capacities[h] -= 1
        score = _pair_score(pairs, person_of.get(person), h)
        fixed_matches.append(Match(person, helper, score, fixed=True))
        if person in person_of:
            fixed_people[person_of[person]] = True

    keep = ~fixed_people[pairs.person_index] if n_persons else np.zeros(0, dtype=bool)
    person_index = pairs.person_index[keep]
    helper_index = pairs.helper_index[keep]
    scores = pairs.scores[keep]
    if scores.size and not np.all(np.isfinite(scores)):
        raise MatchingError("every score must be a finite number")

    is_existing = np.zeros(scores.size, dtype=bool)
    if existing:
        wanted = {
            (person_of[p], helper_of[h])
            for p, h in existing.items()
            if p in person_of and h in helper_of and p not in fixed
        }
        if wanted:
            codes = person_index * max(n_helpers, 1) + helper_index
            wanted_codes = np.fromiter(
                (p * max(n_helpers, 1) + h for p, h in wanted), dtype=np.int64
            )
            is_existing = np.isin(codes, wanted_codes)

    node_count = n_persons + n_helpers + 2
    cost_limit = _COST_HEADROOM / (node_count + 1)
    spread_factor = 2 * max(n_persons, 1) + 2
    # With existing pairs the bonus tier must exceed any achievable score difference.
    score_limit = cost_limit / spread_factor if is_existing.any() else cost_limit / 2
    scale, exact = score_scale(scores, score_limit)
    scaled = np.round(scores * scale).astype(np.int64)
    costs = -scaled
    if is_existing.any():
        spread = int(scaled.max() - scaled.min()) if scaled.size else 0
        bonus = spread * max(n_persons, 1) + 1
        costs = costs - bonus * is_existing.astype(np.int64)

    source = n_persons + n_helpers
    sink = source + 1
    free_people = np.flatnonzero(~fixed_people)
    tails = np.concatenate(
        [
            np.full(free_people.size, source, dtype=np.int64),
            person_index,
            n_persons + np.arange(n_helpers, dtype=np.int64),
        ]
    )
    heads = np.concatenate(
        [free_people.astype(np.int64), n_persons + helper_index, np.full(n_helpers, sink)]
    )
    arc_capacities = np.concatenate(
        [
            np.ones(free_people.size, dtype=np.int64),
            np.ones(person_index.size, dtype=np.int64),
            capacities,
        ]
    )
    arc_costs = np.concatenate(
        [np.zeros(free_people.size, dtype=np.int64), costs, np.zeros(n_helpers, dtype=np.int64)]
    )

    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, arc_capacities, arc_costs)
    supplies = np.zeros(node_count, dtype=np.int64)
    supplies[source] = free_people.size
    supplies[sink] = -free_people.size
    solver.set_nodes_supplies(np.arange(node_count, dtype=np.int64), supplies)
    status = solver.solve_max_flow_with_min_cost()
    if status != solver.OPTIMAL:
        raise MatchingError(f"the flow solver stopped without an optimum (status {status})")

    first_pair_arc = free_people.size
    flows = solver.flows(np.arange(first_pair_arc, first_pair_arc + person_index.size))
    chosen = np.flatnonzero(flows > 0)
    matches = list(fixed_matches)
    for arc in chosen:
        matches.append(
            Match(
                person=pairs.persons[int(person_index[arc])],
                helper=pairs.helpers[int(helper_index[arc])],
                score=float(scores[arc]),
                kept=bool(is_existing[arc]),
            )
        )
    order = {person: i for i, person in enumerate(pairs.persons)}
    matches.sort(key=lambda match: order.get(match.person, math.inf))
    return MatchResult(
        matches=matches,
        total_score=math.fsum(match.score for match in matches),
        optimal=True,
        exact_scores=exact,
    )


def _pair_score(pairs: PairArrays, person: int | None, helper: int) -> float:
    if person is None:
        return 0.0
    hits = np.flatnonzero((pairs.person_index == person) & (pairs.helper_index == helper))
    return float(pairs.scores[hits[0]]) if hits.size else 0.0

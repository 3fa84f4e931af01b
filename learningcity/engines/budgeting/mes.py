"""A fast, exact Method of Equal Shares for approval ballots with cost satisfaction
(``Cost_Sat``), and its completion, giving the same projects as pabutools.

What pabutools computes, and we reproduce step by step (exact rationals, the same
tie-breaking by project id as text):

- MES: every voter starts with ``budget / voters``. In each round, for each project
  still affordable, the smallest equal payment ρ its supporters can make (those who
  cannot pay ρ pay all they have) so that payments cover the cost; the project with the
  least ρ / cost is funded (ties: the smallest id as text), its supporters pay. A project
  whose supporters together hold less than its cost is dropped for good.
- Completion: MES again with the budget raised by 1% steps until the outcome is
  exhaustive (nothing more fits the real budget) or would overspend it (then the last
  feasible outcome), then greedy by number of supporters (ties: smallest id as text)
  adding what still fits.

Why it is fast: a voter's remaining money depends only on which funded projects they
support, so voters are kept in classes (one money value per class, a class id per
voter in a NumPy array), and a project's supporters are counted per class with one
``bincount``; only the few classes are sorted and compared, with ``Fraction``s."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from .pabulib import Election

IntArray = NDArray[np.int64]


class _Profile:
    def __init__(self, election: Election) -> None:
        self.ids = [p.project_id for p in election.projects]
        self.costs = [p.cost for p in election.projects]
        self.voters = len(election.votes)
        index = {pid: j for j, pid in enumerate(self.ids)}
        members: list[list[int]] = [[] for _ in self.ids]
        for i, vote in enumerate(election.votes):
            for pid in vote.vote:
                members[index[pid]].append(i)
        self.supporters: list[IntArray] = [np.array(m, dtype=np.int64) for m in members]
        self.counts = [len(m) for m in members]


def _mes(profile: _Profile, limit: Fraction) -> list[int]:
    """Projects (indices) funded by MES when the voters share ``limit``."""
    n = profile.voters
    funded: list[int] = []
    if n == 0:
        return funded
    # Zero-cost projects with support are funded at once (as pabutools does).
    candidates: set[int] = set()
    for j, cost in enumerate(profile.costs):
        if profile.counts[j] == 0:
            continue
        if cost == 0:
            funded.append(j)
        else:
            candidates.add(j)
    money: list[Fraction] = [limit / n]  # per class
    approx_money = np.array([float(money[0])])
    klass: IntArray = np.zeros(n, dtype=np.int64)
    # A project's factor only grows as voters spend, so last round's value is a lower
    # bound: projects are visited from the lowest bound and the search stops at the
    # first bound above the best factor found (as pabutools does).
    bound: dict[int, Fraction] = {j: Fraction(1, profile.counts[j]) for j in candidates}
    while candidates:
        best: Fraction | None = None
        best_rho = Fraction(0)
        tied: list[int] = []
        for j in sorted(candidates, key=lambda j: bound[j]):
            if best is not None and bound[j] > best:
                break
            per_class = np.bincount(klass[profile.supporters[j]])
            present_classes = np.flatnonzero(per_class)
            cost = profile.costs[j]
            # Floats to order and to screen; Fractions wherever floats could be wrong.
            approx = float(np.dot(approx_money[present_classes], per_class[present_classes]))
            if approx < float(cost) * (1 - 1e-9) or (
                approx <= float(cost) * (1 + 1e-9)
                and sum(
                    (money[c] * int(per_class[c]) for c in present_classes.tolist()),
                    Fraction(0),
                )
                < cost
            ):
                candidates.discard(j)
                continue
            order = present_classes[np.argsort(approx_money[present_classes], kind="stable")]
            present = [(money[c], int(per_class[c])) for c in order.tolist()]
            _settle(present)
            contributed = Fraction(0)
            remaining = profile.counts[j]
            rho: Fraction | None = None
            for amount, k in present:
                share = (cost - contributed) / remaining
                if share <= amount:
                    rho = share
                    break
                contributed += amount * k
                remaining -= k
            if rho is None:  # unreachable when the money suffices; kept for safety
                candidates.discard(j)
                continue
            factor = rho / cost
            bound[j] = factor
            if best is None or factor < best:
                best, best_rho, tied = factor, rho, [j]
            elif factor == best:
                tied.append(j)
        if best is None:
            break
        chosen = min(tied, key=lambda j: profile.ids[j])
        if len(tied) > 1:
            # ρ differs between tied projects of different costs; keep the chosen one's.
            cost = profile.costs[chosen]
            best_rho = best * cost
        funded.append(chosen)
        candidates.discard(chosen)
        # Supporters move to a new class each: same old class, one more funded project.
        payers = profile.supporters[chosen]
        old = klass[payers]
        new_of: dict[int, int] = {}
        for c in np.unique(old).tolist():
            new_of[c] = len(money)
            money.append(money[c] - min(money[c], best_rho))
        approx_money = np.array([float(m) for m in money])
        mapping = np.arange(len(money), dtype=np.int64)
        for c, d in new_of.items():
            mapping[c] = d
        klass[payers] = mapping[old]
    return funded


def _settle(present: list[tuple[Fraction, int]]) -> None:
    """Insertion sort by exact amount of a list the floats have almost sorted: one
    exact comparison per neighbour when it is already in order."""
    for i in range(1, len(present)):
        item = present[i]
        k = i - 1
        while k >= 0 and present[k][0] > item[0]:
            present[k + 1] = present[k]
            k -= 1
        present[k + 1] = item


def method_of_equal_shares(election: Election) -> list[str]:
    """The project ids MES (cost satisfaction) funds, in the file's order."""
    profile = _Profile(election)
    chosen = set(_mes(profile, election.budget))
    return [pid for j, pid in enumerate(profile.ids) if j in chosen]


def _cost(profile: _Profile, chosen: Sequence[int]) -> Fraction:
    return sum((profile.costs[j] for j in chosen), Fraction(0))


def _exhaustive(profile: _Profile, chosen: Sequence[int], limit: Fraction) -> bool:
    spent = _cost(profile, chosen)
    taken = set(chosen)
    return all(j in taken or profile.costs[j] + spent > limit for j in range(len(profile.ids)))


def equal_shares_completed(election: Election) -> list[str]:
    """MES with the budget raised in 1% steps, then greedy by supporters (pabutools'
    documented completion), as project ids in the file's order."""
    profile = _Profile(election)
    limit = election.budget
    step = limit / 100
    bound = limit * (profile.voters + 1)
    current = limit
    previous: list[int] = []
    outcome: list[int] = []
    while current <= bound:
        outcome = _mes(profile, current)
        if _cost(profile, outcome) > limit:
            outcome = previous
            break
        if _exhaustive(profile, outcome, limit):
            break
        previous = outcome
        current += step
    else:
        outcome = previous
    selected = list(outcome)
    if not _exhaustive(profile, selected, limit):
        taken = set(selected)
        order = sorted(
            (j for j in range(len(profile.ids)) if j not in taken),
            key=lambda j: (-_density(profile, j), profile.ids[j]),
        )
        left = limit - _cost(profile, selected)
        for j in order:
            if profile.costs[j] <= left:
                selected.append(j)
                left -= profile.costs[j]
    chosen = set(selected)
    return [pid for j, pid in enumerate(profile.ids) if j in chosen]


def _density(profile: _Profile, j: int) -> float:
    """Greedy's order with cost satisfaction: supporters' total satisfaction per unit
    of cost, which is the number of supporters (a free project with support first)."""
    if profile.counts[j] == 0:
        return 0.0
    if profile.costs[j] == 0:
        return float("inf")
    return float(profile.counts[j])

"""The tally of approval ballots by the three rules the platform offers, computed with
pabutools and its default tie-breaking, so that anyone can recount a published vote
with the same library and get the same projects:

- ``greedy``: ``greedy_utilitarian_welfare`` with ``Cardinality_Sat`` (most votes
  first, skipping what no longer fits);
- ``equal-shares``: ``method_of_equal_shares`` with ``Cost_Sat``;
- ``equal-shares-completed``: ``completion_by_rule_combination`` of
  ``exhaustion_by_budget_increase`` over ``method_of_equal_shares`` with ``Cost_Sat``,
  then ``greedy_utilitarian_welfare`` with ``Cost_Sat`` (the completion pabutools
  documents).

pabutools is read from the ``.pb`` text itself (``parse_pabulib_from_string``), after
``parse_pb`` has checked it: the same reading a researcher's recount does. The two
Equal Shares rules are counted by default with ``mes``, an exact and much faster
implementation that funds the same projects (tested against pabutools).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .pabulib import Election, PabulibError, parse_pb, write_pb

RULES = ("greedy", "equal-shares", "equal-shares-completed")


@dataclass(frozen=True)
class Outcome:
    rule: str
    selected: list[str]  # project ids as in the file, in the file's order
    cost: Fraction

    def as_json(self) -> dict[str, object]:
        cost: object = self.cost.numerator if self.cost.denominator == 1 else float(self.cost)
        return {"rule": self.rule, "selected": self.selected, "cost": cost}


def _run_rule(rule: str, instance: Any, profile: Any) -> Any:
    from pabutools.election import Cardinality_Sat, Cost_Sat
    from pabutools.rules import (
        completion_by_rule_combination,
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    if rule == "greedy":
        return greedy_utilitarian_welfare(instance, profile, sat_class=Cardinality_Sat)
    if rule == "equal-shares":
        return method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    return completion_by_rule_combination(
        instance,
        profile,
        [exhaustion_by_budget_increase, greedy_utilitarian_welfare],
        [
            {"rule": method_of_equal_shares, "rule_params": {"sat_class": Cost_Sat}},
            {"sat_class": Cost_Sat},
        ],
    )


def tally(election: Election | str, rule: str, *, engine: str = "fast") -> Outcome:
    """The projects ``rule`` funds. ``election`` is a parsed election or ``.pb`` text.

    ``engine="fast"`` counts the Equal Shares rules with ``mes`` (exact, the same
    projects as pabutools: tests/engines/budgeting compare them on every instance);
    ``"pabutools"`` runs pabutools itself for every rule."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; choose one of {', '.join(RULES)}")
    if isinstance(election, str):
        text = election
        election = parse_pb(text)
    else:
        text = write_pb(election)
    if "vote_type" not in election.meta:  # pabulib's default, which pabutools needs written
        election.meta["vote_type"] = "approval"
        text = write_pb(election)
    if election.vote_type not in ("approval", "choose-1"):
        raise PabulibError(
            0, "vote_type", f"the tally counts approval ballots, not {election.vote_type!r}"
        )
    if engine == "fast" and rule != "greedy":
        from . import mes

        count = mes.method_of_equal_shares if rule == "equal-shares" else mes.equal_shares_completed
        selected = count(election)
        return Outcome(rule=rule, selected=selected, cost=election.cost_of(selected))
    from pabutools.election.pabulib import parse_pabulib_from_string

    instance, profile = parse_pabulib_from_string(text)
    # Identical ballots counted once with their multiplicity: the same outcome (the
    # tests compare with the plain profile), and much faster when many voters agree.
    allocation = _run_rule(rule, instance, profile.as_multiprofile())
    funded = {project.name for project in allocation}
    selected = [p.project_id for p in election.projects if p.project_id in funded]
    return Outcome(rule=rule, selected=selected, cost=election.cost_of(selected))

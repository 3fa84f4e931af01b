"""Planning a way to a qualification.

A qualification is a list of requirements: language bridges (a language at a CEFR
level), units, and a final assessment. A person brings the languages they speak (with
CEFR levels), the units already recognised, the date they can start and, perhaps, a
budget. Offers are the city's opportunities that prepare for one or more
requirements, with their languages, dates and cost.

The plan works in three phases, each starting when the one before ends: language
bridges the person still needs, then the units, then the assessment. Within a phase
each open requirement, in the qualification's order, takes the offer that covers the
most requirements still open, then the cheapest, then the earliest; an offer is
usable when it starts on or after the phase's start and is taught in a language the
person follows (at B1 or above, or the language a bridge in the plan brings them to;
a language course counts as taught in the language it teaches).
A requirement nothing usable covers is a gap, with the reason: nothing offered at
all, only in languages the person does not follow, or only before they could start.
Greedy set cover is not always the cheapest cover, but it is quick (linear in the
offers per requirement) and its choices can be explained one by one."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")
FOLLOWS_TEACHING = "B1"

Kind = Literal["language", "unit", "assessment"]
GapReason = Literal["no_offer", "language", "dates"]
_PHASES: tuple[Kind, ...] = ("language", "unit", "assessment")


def level_rank(level: str) -> int:
    """0 for no level, 1 for A1 … 6 for C2."""
    try:
        return CEFR.index(level.upper()) + 1
    except ValueError:
        return 0


@dataclass(frozen=True)
class Requirement:
    code: str
    title: str
    kind: Kind = "unit"
    position: int = 0
    language: str = ""
    level: str = ""
    credit: float = 0.0


@dataclass(frozen=True)
class Offer:
    key: int
    title: str
    covers: frozenset[str]
    languages: frozenset[str] = frozenset()
    starts: date | None = None
    ends: date | None = None
    cost: float = 0.0


@dataclass(frozen=True)
class Person:
    languages: Mapping[str, str] = field(default_factory=dict)
    held: frozenset[str] = frozenset()
    available_from: date = date.min
    budget: float | None = None


@dataclass(frozen=True)
class Step:
    offer: Offer
    covers: tuple[str, ...]
    phase: Kind


@dataclass(frozen=True)
class Gap:
    code: str
    title: str
    reason: GapReason


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    gaps: tuple[Gap, ...]
    already: tuple[str, ...]
    total_cost: float
    finishes: date | None
    over_budget: bool

    @property
    def complete(self) -> bool:
        return not self.gaps


def _needed(requirements: Sequence[Requirement], person: Person) -> list[Requirement]:
    needed = []
    for requirement in sorted(requirements, key=lambda each: (each.position, each.code)):
        if requirement.code in person.held:
            continue
        if requirement.kind == "language" and level_rank(
            person.languages.get(requirement.language, "")
        ) >= level_rank(requirement.level):
            continue
        needed.append(requirement)
    return needed


def _followed(person: Person, bridges: Iterable[Requirement]) -> frozenset[str]:
    spoken = {
        language
        for language, level in person.languages.items()
        if level_rank(level) >= level_rank(FOLLOWS_TEACHING)
    }
    return frozenset(spoken | {bridge.language for bridge in bridges})


def find_way(requirements: Sequence[Requirement], offers: Iterable[Offer], person: Person) -> Plan:
    needed = _needed(requirements, person)
    already = tuple(
        sorted(code for code in person.held if any(r.code == code for r in requirements))
    )
    by_code: dict[str, list[Offer]] = {}
    for offer in offers:
        for code in offer.covers:
            by_code.setdefault(code, []).append(offer)
    bridges = [each for each in needed if each.kind == "language"]
    steps: list[Step] = []
    gaps: list[Gap] = []
    open_codes = {each.code for each in needed}
    phase_start = person.available_from
    for phase in _PHASES:
        # Languages the person follows in this phase: the bridges come first, so
        # the later phases may be taught in the language they bring.
        languages = _followed(person, bridges if phase != "language" else [])
        phase_end: date | None = None
        for requirement in (each for each in needed if each.kind == phase):
            if requirement.code not in open_codes:
                continue
            candidates = by_code.get(requirement.code, [])
            if phase == "language":
                # A language course is taught in the language it teaches.
                languages = _followed(person, []) | {requirement.language}
            usable = [
                offer
                for offer in candidates
                if (offer.starts is None or offer.starts >= phase_start)
                and (not offer.languages or offer.languages & languages)
            ]
            if not usable:
                gaps.append(Gap(requirement.code, requirement.title, _why(candidates, languages)))
                open_codes.discard(requirement.code)
                continue
            best = min(
                usable,
                key=lambda offer: (
                    -len(offer.covers & open_codes),
                    offer.cost,
                    offer.starts or date.min,
                    offer.key,
                ),
            )
            covered = tuple(
                each.code for each in needed if each.code in best.covers and each.code in open_codes
            )
            open_codes.difference_update(covered)
            steps.append(Step(best, covered, phase))
            end = best.ends or best.starts
            if end is not None and (phase_end is None or end > phase_end):
                phase_end = end
        if phase_end is not None and phase_end > phase_start:
            phase_start = phase_end
    ordered = tuple(
        sorted(
            steps,
            key=lambda step: (
                _PHASES.index(step.phase),
                step.offer.starts or date.min,
                step.offer.key,
            ),
        )
    )
    total = round(sum(step.offer.cost for step in ordered), 2)
    ends = [step.offer.ends or step.offer.starts for step in ordered]
    dated = [end for end in ends if end is not None]
    return Plan(
        steps=ordered,
        gaps=tuple(gaps),
        already=already,
        total_cost=total,
        finishes=max(dated) if dated else None,
        over_budget=person.budget is not None and total > person.budget,
    )


def _why(candidates: Sequence[Offer], languages: frozenset[str]) -> GapReason:
    if not candidates:
        return "no_offer"
    if all(offer.languages and not offer.languages & languages for offer in candidates):
        return "language"
    return "dates"

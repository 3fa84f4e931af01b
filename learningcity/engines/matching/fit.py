"""Whether two profiles may be paired, and how well: the hard constraints and the score.

Hard constraints (any one failing makes the pair infeasible): the helper's checks are
valid, they share a language, their weekly availability overlaps, the person is within
the helper's travel distance, and the person's stated preference (a volunteer's
gender, say) is met. The score, out of 100, rewards shared interests (40), overlapping
time (30, full at two hours a week) and nearness (30, falling linearly to 0 at the
travel limit). Each part is kept as a reason, so every match can say why.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
INTEREST_WEIGHT = 40.0
TIME_WEIGHT = 30.0
NEAR_WEIGHT = 30.0
FULL_OVERLAP_MINUTES = 120
EARTH_RADIUS_KM = 6371.0088


class SlotError(ValueError):
    """A weekly slot that cannot be used; ``row`` is its 1-based position."""

    def __init__(self, row: int, code: str, message: str) -> None:
        super().__init__(message)
        self.row = row
        self.code = code


@dataclass(frozen=True, order=True)
class WeeklySlot:
    day: int  # 0 = Monday
    start: int  # minutes after midnight
    end: int

    def as_json(self) -> dict[str, str]:
        return {"day": DAYS[self.day], "start": _hhmm(self.start), "end": _hhmm(self.end)}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> WeeklySlot:
        return cls(DAYS.index(data["day"]), _minutes(data["start"]), _minutes(data["end"]))


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(text: str) -> int:
    hours, _, minutes = text.partition(":")
    value = int(hours) * 60 + int(minutes or 0)
    if not 0 <= value <= 24 * 60:
        raise ValueError(text)
    return value


def check_weekly_slots(slots: Sequence[WeeklySlot]) -> list[WeeklySlot]:
    """The slots sorted, or SlotError for an inverted slot or two that overlap."""
    for row, slot in enumerate(slots, start=1):
        if not 0 <= slot.day < len(DAYS):
            raise SlotError(row, "day", f"slot {row}: unknown day")
        if slot.end <= slot.start:
            raise SlotError(row, "inverted", f"slot {row}: it ends before it starts")
    ordered = sorted(enumerate(slots, start=1), key=lambda item: item[1])
    for (_, before), (row, after) in itertools.pairwise(ordered):
        if before.day == after.day and after.start < before.end:
            raise SlotError(row, "overlap", f"slot {row}: it overlaps another slot that day")
    return [slot for _, slot in ordered]


def overlap_minutes(a: Iterable[WeeklySlot], b: Iterable[WeeklySlot]) -> int:
    """Minutes per week when both are free."""
    total = 0
    b_list = list(b)
    for first in a:
        for second in b_list:
            if first.day == second.day:
                total += max(0, min(first.end, second.end) - max(first.start, second.start))
    return total


def distance_km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float | None:
    """Great-circle distance between two (latitude, longitude) points, if both known."""
    if a is None or b is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Profile:
    """One side of a possible pair, reduced to what the matching needs."""

    id: str
    languages: frozenset[str]
    interests: frozenset[str] = frozenset()
    slots: tuple[WeeklySlot, ...] = ()
    place: tuple[float, float] | None = None
    travel_km: float | None = None  # how far this side travels (helpers)
    gender: str = ""
    wants_gender: str = ""  # the person's stated preference for the helper
    checks_valid: bool = True  # helpers: training and safeguarding valid today


@dataclass(frozen=True)
class Fit:
    feasible: bool
    score: float
    # Why not (codes: checks, language, time, distance, preference) or why (shared
    # interests, languages, minutes together, km apart).
    blockers: tuple[str, ...] = ()
    shared_languages: tuple[str, ...] = ()
    shared_interests: tuple[str, ...] = ()
    minutes_together: int = 0
    km_apart: float | None = None
    parts: dict[str, float] = field(default_factory=dict)


def assess(person: Profile, helper: Profile) -> Fit:
    """The hard constraints and the score of pairing ``person`` with ``helper``."""
    blockers: list[str] = []
    if not helper.checks_valid:
        blockers.append("checks")
    languages = tuple(sorted(person.languages & helper.languages))
    if not languages:
        blockers.append("language")
    minutes = overlap_minutes(person.slots, helper.slots)
    if minutes <= 0:
        blockers.append("time")
    km = distance_km(person.place, helper.place)
    limit = helper.travel_km
    if limit is not None and km is not None and km > limit:
        blockers.append("distance")
    if person.wants_gender and person.wants_gender != helper.gender:
        blockers.append("preference")
    interests = tuple(sorted(person.interests & helper.interests))
    parts = {
        "interests": INTEREST_WEIGHT * len(interests) / max(1, len(person.interests)),
        "time": TIME_WEIGHT * min(1.0, minutes / FULL_OVERLAP_MINUTES),
        "near": _nearness(km, limit),
    }
    return Fit(
        feasible=not blockers,
        score=round(sum(parts.values()), 2),
        blockers=tuple(blockers),
        shared_languages=languages,
        shared_interests=interests,
        minutes_together=minutes,
        km_apart=None if km is None else round(km, 1),
        parts={key: round(value, 2) for key, value in parts.items()},
    )


def _nearness(km: float | None, limit: float | None) -> float:
    if km is None:
        return NEAR_WEIGHT / 2  # unknown place: neither rewarded nor ruled out
    if not limit:
        return NEAR_WEIGHT if km < 1 else 0.0
    return NEAR_WEIGHT * max(0.0, 1 - km / limit)


def checks_valid(expiries: dict[str, date | None], required: Iterable[str], today: date) -> bool:
    """True when every required check has a validity that runs past ``today``."""
    return all((expiries.get(kind) or date.min) > today for kind in required)

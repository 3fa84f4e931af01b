"""The progress rule of a plan target.

Inputs: the baseline (year, value), the target (year, value), the indicator's
direction (+1 when higher is better, -1 when lower is better) and the indicator's
validated values as (year, value) pairs.

The rule, in words (the public plan page says the same):

1. Only validated values of years after the baseline year count. Without one, the
   target has "no data yet".
2. The *latest value* is the value of the most recent such year.
3. The *expected value* in a year is read off the straight line from the baseline
   to the target (linear interpolation); from the target year on it is the target.
4. The *trend* is the slope of the least-squares line through the validated values
   after the baseline year (change per year); with only one such value, the slope of
   the line from the baseline to it.
5. **On track**: the latest value is at least as good as the expected value of its
   year (better means higher, or lower when lower is better).
6. **At risk**: behind the expected value, but the latest value carried forward by
   the trend would reach the target by the target year.
7. **Off track**: otherwise; also when the target year has come and the latest value
   falls short of the target (there is no time left to catch up).

Comparisons allow a rounding tolerance of one millionth of the baseline-to-target
distance, so a value exactly on the path counts as on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

RULE_VERSION = 1


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"


@dataclass(frozen=True)
class Observation:
    year: int
    value: float


@dataclass(frozen=True)
class Progress:
    status: Status
    latest: Observation | None = None
    # Expected value in the latest value's year (rule 3).
    expected: float | None = None
    # Change per year (rule 4).
    slope: float | None = None
    # The latest value carried forward by the trend to the target year (rule 6).
    projected: float | None = None
    # Number of validated values after the baseline year.
    observations: int = 0


def least_squares_slope(points: Iterable[tuple[float, float]]) -> float | None:
    """Slope of the ordinary least-squares line through ``points`` (x, y); None with
    fewer than two distinct x."""
    pairs = list(points)
    if len(pairs) < 2:
        return None
    mean_x = sum(x for x, _ in pairs) / len(pairs)
    mean_y = sum(y for _, y in pairs) / len(pairs)
    spread = sum((x - mean_x) ** 2 for x, _ in pairs)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in pairs) / spread


def expected_value(baseline: Observation, target: Observation, year: int) -> float:
    """Rule 3: the straight path from the baseline to the target, flat after it."""
    if year >= target.year:
        return target.value
    if year <= baseline.year:
        return baseline.value
    share = (year - baseline.year) / (target.year - baseline.year)
    return baseline.value + (target.value - baseline.value) * share


def assess(
    baseline: Observation,
    target: Observation,
    direction: int,
    values: Iterable[tuple[int, float]],
) -> Progress:
    """Judge a target by the rule above. ``values`` must be validated values only;
    duplicates of a year keep the last one given."""
    if target.year <= baseline.year:
        raise ValueError("the target year must come after the baseline year")
    if direction not in (1, -1):
        raise ValueError("direction must be 1 (higher is better) or -1 (lower is better)")
    by_year: dict[int, float] = {}
    for year, value in values:
        if year > baseline.year:
            by_year[int(year)] = float(value)
    if not by_year:
        return Progress(status=Status.NO_DATA)
    latest_year = max(by_year)
    latest = Observation(latest_year, by_year[latest_year])
    points = [(float(year), value) for year, value in sorted(by_year.items())]
    if len(points) == 1:
        points.insert(0, (float(baseline.year), baseline.value))
    slope = least_squares_slope(points)
    assert slope is not None  # two distinct years at least
    expected = expected_value(baseline, target, latest.year)
    tolerance = abs(target.value - baseline.value) * 1e-6
    projected = latest.value + slope * max(0, target.year - latest.year)
    if latest.year >= target.year:
        reached = direction * (latest.value - target.value) >= -tolerance
        status = Status.ON_TRACK if reached else Status.OFF_TRACK
    elif direction * (latest.value - expected) >= -tolerance:
        status = Status.ON_TRACK
    elif direction * (projected - target.value) >= -tolerance:
        status = Status.AT_RISK
    else:
        status = Status.OFF_TRACK
    return Progress(
        status=status,
        latest=latest,
        expected=expected,
        slope=slope,
        projected=projected,
        observations=len(by_year),
    )

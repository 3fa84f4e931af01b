"""Targets' progress from the city's validated indicator values, by the rule of
``learningcity.engines.plan`` (only validated values count; drafts never do)."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from learningcity.core.models import City
from learningcity.core.tenancy import for_city
from learningcity.engines.plan import Observation, Progress, Status, assess
from learningcity.monitoring.models import IndicatorValue, ValueStatus

STATUS_LABELS = {
    Status.ON_TRACK: _("On track"),
    Status.AT_RISK: _("At risk"),
    Status.OFF_TRACK: _("Off track"),
    Status.NO_DATA: _("No data yet"),
}
STATUS_ORDER = (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA)


@dataclass
class TargetProgress:
    """A target (as a snapshot dict: see ``versions.build_snapshot``) with its progress."""

    target: dict[str, Any]
    progress: Progress
    values: list[tuple[int, float]]
    goal_title: str = ""

    @property
    def status(self) -> str:
        return self.progress.status.value

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.progress.status])


def validated_series(
    city: City, indicator_ids: Iterable[int]
) -> dict[int, list[tuple[int, float]]]:
    """Validated values of the city per indicator, oldest first (one query)."""
    series: dict[int, list[tuple[int, float]]] = defaultdict(list)
    rows = (
        for_city(IndicatorValue, city)
        .filter(indicator_id__in=set(indicator_ids), status=ValueStatus.VALIDATED)
        .order_by("year")
        .values_list("indicator_id", "year", "value")
    )
    for indicator_id, year, value in rows:
        series[indicator_id].append((year, value))
    return series


def assess_targets(city: City, targets: Sequence[dict[str, Any]]) -> list[TargetProgress]:
    series = validated_series(city, [target["indicator_id"] for target in targets])
    assessed = []
    for target in targets:
        values = series.get(target["indicator_id"], [])
        progress = assess(
            Observation(target["baseline_year"], target["baseline_value"]),
            Observation(target["target_year"], target["target_value"]),
            target["direction"],
            values,
        )
        assessed.append(TargetProgress(target, progress, values))
    return assessed


def status_counts(assessed: Iterable[TargetProgress]) -> dict[str, int]:
    counts = {status.value: 0 for status in STATUS_ORDER}
    for item in assessed:
        counts[item.status] += 1
    return counts

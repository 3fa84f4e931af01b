"""Reading a city's plan: the one read API for this app's pages and for later apps
(participation's accountability pages, the award dossier, the network's report).

Everything here reads the *published* plan: what the city promised is the latest
published version (``PlanVersion.snapshot``); what it did is each action's current
status (its owner's latest update); targets are judged against the city's validated
indicator values by ``learningcity.engines.plan``. Drafts never leave the
coordinator's desk through these functions.

    from learningcity.plans import selectors
    plan = selectors.current_plan(city)            # None before the first publication
    summary = selectors.progress_summary(city)     # counts by status
    targets = selectors.targets_with_status(city)  # each target with its progress
"""

from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from django.db.models import Max
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from learningcity.core.models import City
from learningcity.core.richtext import render_markdown
from learningcity.core.tenancy import for_city

from .models import Action, ActionStatus, ActionUpdate, PlanVersion
from .progress import STATUS_ORDER, TargetProgress, assess_targets, status_counts
from .versions import Diff, compare, status_label

# Published versions never change: each process keeps the last few decoded snapshots
# (and comparisons) instead of decoding some hundred kilobytes of JSON per request.
# The key includes the publication time, so a reused primary key (a test database,
# a restored backup) is never mistaken for another version.
_CACHE_SIZE = 16
_SNAPSHOTS: "OrderedDict[tuple[int, str], dict[str, Any]]" = OrderedDict()
_DIFFS: "OrderedDict[tuple[Any, ...], Any]" = OrderedDict()


def _key(version: PlanVersion) -> tuple[int, str]:
    return (version.pk, version.published_at.isoformat())


def _remember(cache: "OrderedDict[Any, Any]", key: Any, value: Any) -> Any:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
    return value


def snapshot_of(version: PlanVersion) -> dict[str, Any]:
    """The version's snapshot (read-only: shared between requests)."""
    key = _key(version)
    found = _SNAPSHOTS.get(key)
    if found is None:
        if "snapshot" in version.get_deferred_fields():
            found = PlanVersion.objects.values_list("snapshot", flat=True).get(pk=version.pk)
        else:
            found = version.snapshot
        _remember(_SNAPSHOTS, key, found)
    return found


def compare_versions(old: PlanVersion, new: PlanVersion) -> Diff:
    key = (_key(old), _key(new))
    found = _DIFFS.get(key)
    if found is None:
        found = _remember(_DIFFS, key, compare(snapshot_of(old), snapshot_of(new)))
    return found


@dataclass
class ActionRow:
    """A promised action (from the published version) with its current status."""

    item: dict[str, Any]
    goal_title: str
    status: str
    # Filled on demand by ``fill_last_updates`` (None until then, or without updates).
    last_update: datetime | None
    # False when the action was deleted from the draft after this version.
    exists: bool

    @property
    def id(self) -> int:
        return int(self.item["id"])

    @property
    def title(self) -> str:
        return str(self.item["title"])

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def start(self) -> date:
        return date.fromisoformat(self.item["start"])

    @property
    def end(self) -> date:
        return date.fromisoformat(self.item["end"])


@dataclass
class GoalRow:
    item: dict[str, Any]
    actions: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    targets: list[TargetProgress] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.item["id"])

    @property
    def title(self) -> str:
        return str(self.item["title"])

    @property
    def area_label(self) -> str:
        return gettext(self.item["area_name"]) if self.item.get("area_name") else ""

    @property
    def status_cells(self) -> list[int]:
        return [self.by_status.get(status, 0) for status in ActionStatus.values]


@dataclass
class PublishedPlan:
    city: City
    version: PlanVersion
    previous: PlanVersion | None
    goals: list[GoalRow]
    actions: list[ActionRow]
    targets: list[TargetProgress]

    @property
    def snapshot(self) -> dict[str, Any]:
        return snapshot_of(self.version)

    @property
    def title(self) -> str:
        return str(self.snapshot.get("title", ""))

    @property
    def vision(self) -> str:
        return str(self.snapshot.get("vision", ""))

    @property
    def vision_html(self) -> SafeString:
        """The vision's Markdown, rendered once per version (it never changes)."""
        key = ("vision", *_key(self.version))
        found = _DIFFS.get(key)
        if found is None:
            found = _remember(_DIFFS, key, render_markdown(self.vision))
        return found

    @cached_property
    def action_counts(self) -> dict[str, int]:
        counts = Counter(row.status for row in self.actions)
        return {status: counts.get(status, 0) for status in ActionStatus.values}

    @cached_property
    def target_counts(self) -> dict[str, int]:
        return status_counts(self.targets)

    def changes(self) -> Diff | None:
        """What changed from the version before this one (None for the first)."""
        if self.previous is None:
            return None
        return compare_versions(self.previous, self.version)


@dataclass(frozen=True)
class ProgressSummary:
    version: int | None
    published_at: datetime | None
    actions: int
    actions_by_status: dict[str, int]
    targets: int
    targets_by_status: dict[str, int]


def published_versions(city: City) -> list[PlanVersion]:
    return list(for_city(PlanVersion, city).defer("snapshot").order_by("-number"))


def published_version(city: City, number: int | None = None) -> PlanVersion | None:
    versions = for_city(PlanVersion, city).order_by("-number")
    if number is not None:
        versions = versions.filter(number=number)
    return versions.defer("snapshot").first()


def current_plan(city: City, version: PlanVersion | None = None) -> PublishedPlan | None:
    """The latest published version (or ``version``, one of the city's) with live
    statuses and targets' progress."""
    version = version or published_version(city)
    if version is None:
        return None
    previous = (
        for_city(PlanVersion, city)
        .filter(number__lt=version.number)
        .defer("snapshot")
        .order_by("-number")
    )
    snapshot = snapshot_of(version)
    live = dict(for_city(Action, city).values_list("id", "status"))
    goals = [GoalRow(goal) for goal in snapshot.get("goals", [])]
    goal_by_id = {goal.id: goal for goal in goals}
    actions = []
    for item in snapshot.get("actions", []):
        status = live.get(item["id"])
        goal = goal_by_id.get(item["goal_id"])
        row = ActionRow(
            item=item,
            goal_title=goal.title if goal else "",
            status=status or item["status"],
            last_update=None,
            exists=status is not None,
        )
        actions.append(row)
        if goal is not None:
            goal.actions += 1
            goal.by_status[row.status] = goal.by_status.get(row.status, 0) + 1
    targets = assess_targets(city, snapshot.get("targets", []))
    for target in targets:
        goal = goal_by_id.get(target.target["goal_id"])
        if goal is not None:
            goal.targets.append(target)
            target.goal_title = goal.title
    return PublishedPlan(city, version, previous.first(), goals, actions, targets)


def fill_last_updates(rows: Iterable[ActionRow]) -> None:
    """Set each row's ``last_update`` (the date of its owner's latest update); one
    query for just these rows (a page of the public list, or all for a download)."""
    by_id = {row.id: row for row in rows if row.exists}
    if not by_id:
        return
    latest = (
        ActionUpdate.objects.filter(action_id__in=list(by_id))
        .values_list("action_id")
        .annotate(latest=Max("created_at"))
        .order_by()
    )
    for action_id, when in latest:
        by_id[action_id].last_update = when


def targets_with_status(city: City) -> list[TargetProgress]:
    """The published targets, each with its latest value, trend and status."""
    version = published_version(city)
    if version is None:
        return []
    return assess_targets(city, snapshot_of(version).get("targets", []))


def progress_summary(city: City) -> ProgressSummary:
    """Counts of the published plan's actions by current status and of its targets
    by progress status (all zero before the first publication)."""
    plan = current_plan(city)
    if plan is None:
        return ProgressSummary(
            None,
            None,
            0,
            {status: 0 for status in ActionStatus.values},
            0,
            {status.value: 0 for status in STATUS_ORDER},
        )
    return ProgressSummary(
        plan.version.number,
        plan.version.published_at,
        len(plan.actions),
        plan.action_counts,
        len(plan.targets),
        plan.target_counts,
    )

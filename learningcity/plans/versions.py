"""Published versions of a plan: the snapshot kept at each publication, and the
comparison of two snapshots (goals, actions and targets added, removed, changed).

A snapshot is plain JSON, so an old version reads the same whatever happens to the
rows later (a deleted provider, a renamed indicator)."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import Action, ActionStatus, Plan

SNAPSHOT_FORMAT = 1

# Fields compared between versions, per kind, with their labels.
COMPARED = {
    "goals": {"title": _("goal"), "area_code": _("area of focus"), "description": _("description")},
    "actions": {
        "title": _("title"),
        "goal_id": _("goal"),
        "responsible": _("responsible partner"),
        "budget": _("budget"),
        "currency": _("currency"),
        "start": _("start"),
        "end": _("end"),
        "status": _("status"),
        "description": _("description"),
    },
    "targets": {
        "goal_id": _("goal"),
        "indicator_code": _("indicator"),
        "baseline_year": _("baseline year"),
        "baseline_value": _("baseline value"),
        "target_year": _("target year"),
        "target_value": _("target value"),
    },
}
KINDS = ("goals", "actions", "targets")


def build_snapshot(plan: Plan) -> dict[str, Any]:
    goals = list(plan.goals.select_related("area"))
    actions = (
        Action.objects.filter(plan=plan)
        .select_related("provider")
        .order_by("goal__position", "goal_id", "position", "id")
    )
    targets = [target for goal in goals for target in goal.targets.select_related("indicator")]
    return {
        "format": SNAPSHOT_FORMAT,
        "title": plan.title,
        "vision": plan.vision,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "currency": plan.currency,
        "goals": [
            {
                "id": goal.pk,
                "title": goal.title,
                "description": goal.description,
                "area_code": goal.area.code,
                "area_name": goal.area.name,
            }
            for goal in goals
        ],
        "actions": [
            {
                "id": action.pk,
                "goal_id": action.goal_id,
                "title": action.title,
                "description": action.description,
                "provider_id": action.provider_id,
                "responsible": action.responsible,
                "budget": None if action.budget is None else str(action.budget),
                "currency": action.currency,
                "start": action.start_date.isoformat(),
                "end": action.end_date.isoformat(),
                "status": action.status,
            }
            for action in actions
        ],
        "targets": [
            {
                "id": target.pk,
                "goal_id": target.goal_id,
                "indicator_id": target.indicator_id,
                "indicator_code": target.indicator.code,
                "indicator_name": target.indicator.name,
                "unit": target.indicator.unit,
                "direction": int(target.indicator.direction),
                "baseline_year": target.baseline_year,
                "baseline_value": target.baseline_value,
                "target_year": target.target_year,
                "target_value": target.target_value,
            }
            for target in targets
        ],
    }


def same_content(old: dict[str, Any], new: dict[str, Any]) -> bool:
    keys = ("title", "vision", "start_year", "end_year", "currency", *KINDS)
    return all(old.get(key) == new.get(key) for key in keys)


@dataclass
class Change:
    item: dict[str, Any]
    # (label, before, after) for every compared field that differs.
    fields: list[tuple[str, object, object]] = field(default_factory=list)


@dataclass
class KindDiff:
    kind: str
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed)


@dataclass
class Diff:
    vision_changed: bool
    kinds: dict[str, KindDiff]

    @property
    def count(self) -> int:
        return int(self.vision_changed) + sum(kind.count for kind in self.kinds.values())

    @property
    def goals(self) -> KindDiff:
        return self.kinds["goals"]

    @property
    def actions(self) -> KindDiff:
        return self.kinds["actions"]

    @property
    def targets(self) -> KindDiff:
        return self.kinds["targets"]


def compare(old: dict[str, Any], new: dict[str, Any]) -> Diff:
    """What changed from ``old`` to ``new`` (two snapshots), matched by row id."""
    goal_titles = {
        goal["id"]: goal["title"] for goal in [*old.get("goals", []), *new.get("goals", [])]
    }
    kinds = {}
    for kind in KINDS:
        before = {item["id"]: item for item in old.get(kind, [])}
        after = {item["id"]: item for item in new.get(kind, [])}
        diff = KindDiff(kind)
        diff.added = [item for key, item in after.items() if key not in before]
        diff.removed = [item for key, item in before.items() if key not in after]
        for key, item in after.items():
            if key not in before:
                continue
            changes = []
            for name, label in COMPARED[kind].items():
                was, now = before[key].get(name), item.get(name)
                if was != now:
                    if name == "goal_id":
                        was, now = goal_titles.get(was, was), goal_titles.get(now, now)
                    elif name == "status":
                        was, now = status_label(was), status_label(now)
                    changes.append((str(label), was, now))
            if changes:
                diff.changed.append(Change(item, changes))
        kinds[kind] = diff
    vision_changed = any(
        old.get(key) != new.get(key) for key in ("title", "vision", "start_year", "end_year")
    )
    return Diff(vision_changed, kinds)


def status_label(value: object) -> str:
    """An action status in the reader's language (an unknown one as stored)."""
    try:
        return str(ActionStatus(str(value)).label)
    except ValueError:
        return str(value)

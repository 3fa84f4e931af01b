"""The published plan as downloads: CSV and XLSX of actions and targets, and the
printable progress report's context (HTML with a print stylesheet; the same as a PDF
is made on the task queue, see ``printing``). Cells pass through monitoring's
``safe_cell``: text a spreadsheet would run as a formula is written as text."""

from collections.abc import Iterator, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from learningcity.core.models import City
from learningcity.monitoring.http import csv_response, xlsx_response

from .progress import STATUS_LABELS, STATUS_ORDER
from .selectors import PublishedPlan, fill_last_updates

ACTION_COLUMNS = (
    "id",
    "goal",
    "title",
    "responsible",
    "budget",
    "currency",
    "start",
    "end",
    "status",
    "last_update",
)
TARGET_COLUMNS = (
    "goal",
    "indicator_code",
    "indicator",
    "direction",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "latest_year",
    "latest_value",
    "trend_per_year",
    "expected_value",
    "status",
)


def action_rows(plan: PublishedPlan) -> Iterator[Sequence[object]]:
    fill_last_updates(plan.actions)
    yield ACTION_COLUMNS
    for row in plan.actions:
        item = row.item
        yield (
            item["id"],
            row.goal_title,
            item["title"],
            item["responsible"],
            float(item["budget"]) if item.get("budget") is not None else None,
            item.get("currency") or "",
            item["start"],
            item["end"],
            row.status,
            row.last_update.date().isoformat() if row.last_update else "",
        )


def target_rows(plan: PublishedPlan) -> Iterator[Sequence[object]]:
    yield TARGET_COLUMNS
    goals = {goal.id: goal.title for goal in plan.goals}
    for assessed in plan.targets:
        target, progress = assessed.target, assessed.progress
        yield (
            goals.get(target["goal_id"], ""),
            target["indicator_code"],
            target["indicator_name"],
            "higher is better" if target["direction"] == 1 else "lower is better",
            target["baseline_year"],
            target["baseline_value"],
            target["target_year"],
            target["target_value"],
            progress.latest.year if progress.latest else None,
            progress.latest.value if progress.latest else None,
            round(progress.slope, 6) if progress.slope is not None else None,
            round(progress.expected, 6) if progress.expected is not None else None,
            assessed.status,
        )


def download(city: City, plan: PublishedPlan, what: str, fmt: str) -> HttpResponse:
    name = f"{city.slug}-plan-v{plan.version.number}"
    if fmt == "xlsx":
        return xlsx_response(
            [(_("Actions"), action_rows(plan)), (_("Targets"), target_rows(plan))], f"{name}.xlsx"
        )
    rows = action_rows(plan) if what == "actions" else target_rows(plan)
    return csv_response(rows, f"{name}-{what}.csv")


def report_context(city: City, plan: PublishedPlan) -> dict[str, Any]:
    by_goal: dict[int, list[Any]] = {}
    for row in plan.actions:
        by_goal.setdefault(row.item["goal_id"], []).append(row)
    return {
        "city": city,
        "plan": plan,
        "goal_sections": [(goal, by_goal.get(goal.id, [])) for goal in plan.goals],
        "changes": plan.changes(),
        "target_counts": [
            (status.value, STATUS_LABELS[status], plan.target_counts[status.value])
            for status in STATUS_ORDER
        ],
    }


def direction_label(direction: int) -> str:
    return gettext("Higher is better") if direction == 1 else gettext("Lower is better")

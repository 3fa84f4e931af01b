"""The published plan as downloads: CSV and XLSX of actions and targets, and the
printable progress report (HTML with a print stylesheet, and the same as a PDF made
by WeasyPrint). Cells pass through monitoring's ``safe_cell``: text a spreadsheet
would run as a formula is written as text."""

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext as _

from learningcity.core.models import City
from learningcity.core.tenancy import for_city
from learningcity.monitoring.http import csv_response, xlsx_response
from learningcity.monitoring.models import IndicatorValue

from .models import Action
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


PDF_CACHE_SECONDS = 3600


def report_pdf(request: HttpRequest, city: City, plan: PublishedPlan) -> bytes:
    """The report as a PDF: the page's body with the print stylesheet, laid out by
    WeasyPrint (pango shapes Arabic; the direction comes from the page).

    Laying out hundreds of actions takes seconds, so the file is kept in the cache
    for an hour under a key that changes with anything it shows: the version, the
    language, the day, the actions' last change and the city's indicator values."""
    key = _pdf_cache_key(city, plan)
    cached = cache.get(key)
    if isinstance(cached, bytes):
        return cached
    pdf = _render_pdf(request, city, plan)
    cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf


def _pdf_cache_key(city: City, plan: PublishedPlan) -> str:
    actions = for_city(Action, city).aggregate(n=Count("id"), last=Max("updated_at"))
    values = for_city(IndicatorValue, city).aggregate(
        n=Count("id"), entered=Max("entered_at"), validated=Max("validated_at")
    )
    parts = [
        plan.version.pk,
        plan.version.published_at.isoformat(),
        get_language(),
        timezone.localdate().isoformat(),
        actions,
        values,
    ]
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"plans:report-pdf:{city.pk}:{digest}"


def _render_pdf(request: HttpRequest, city: City, plan: PublishedPlan) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string(
        "plans/report_pdf.html", report_context(city, plan) | {"pdf": True}, request=request
    )
    stylesheets = [CSS(filename=path) for path in _stylesheets()]
    return bytes(HTML(string=html, base_url=str(Path.cwd())).write_pdf(stylesheets=stylesheets))


def _stylesheets() -> list[str]:
    found = [finders.find("plans/plans.css"), finders.find("plans/print.css")]
    return [str(path) for path in found if path]


def direction_label(direction: int) -> str:
    return gettext("Higher is better") if direction == 1 else gettext("Lower is better")

"""Writes to a learning-city plan. Each function checks its input (every problem by
field, in plain words), writes in one transaction, and records an audit event.
Views, the admin, the demo and tests call these same functions.

A refused input raises ``django.core.exceptions.ValidationError`` with a message per
field (``error.message_dict``); nothing has been saved."""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from babel.numbers import list_currencies
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from learningcity.catalogue.models import Provider
from learningcity.core import jobs
from learningcity.core.audit import record_event
from learningcity.core.models import City, User
from learningcity.monitoring.models import Direction, FrameworkNode, NodeType

from . import frameworks, printing, versions
from .models import (
    Action,
    ActionStatus,
    ActionUpdate,
    Goal,
    Plan,
    PlanVersion,
    ReportPrint,
    Target,
)

Errors = dict[str, list[str]]
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_SUFFIXES = (
    "pdf",
    "png",
    "jpg",
    "jpeg",
    "webp",
    "txt",
    "csv",
    "xlsx",
    "docx",
    "odt",
    "ods",
)


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def city_today(city: City) -> date:
    return timezone.localtime(timezone.now(), city.tzinfo).date()


def known_currency(code: str) -> bool:
    return code in _currencies()


_CURRENCIES: set[str] = set()


def _currencies() -> set[str]:
    if not _CURRENCIES:
        _CURRENCIES.update(list_currencies())
    return _CURRENCIES


# ---- the plan ----------------------------------------------------------------------


def check_plan(data: Mapping[str, Any]) -> Errors:
    errors: Errors = {}
    start, end = data.get("start_year"), data.get("end_year")
    if start is not None and end is not None and end < start:
        _add(errors, "end_year", _("The last year cannot come before the first year."))
    currency = str(data.get("currency") or "").upper()
    if not known_currency(currency):
        _add(errors, "currency", _("Write a three-letter currency code, such as EUR or COP."))
    return errors


def save_plan(*, actor: User, city: City, data: Mapping[str, Any]) -> Plan:
    """Create the city's plan or change its title, vision, years and currency."""
    _raise_if(check_plan(data))
    fields = {
        "title": str(data["title"]).strip(),
        "vision": str(data["vision"]).strip(),
        "start_year": data["start_year"],
        "end_year": data["end_year"],
        "currency": str(data["currency"]).upper(),
    }
    with transaction.atomic():
        plan, created = Plan.objects.update_or_create(city=city, defaults=fields)
        record_event(
            actor, "plan.created" if created else "plan.updated", city=city, target=plan.title
        )
    return plan


# ---- goals -------------------------------------------------------------------------


def check_goal(data: Mapping[str, Any]) -> Errors:
    errors: Errors = {}
    area = data.get("area")
    if not isinstance(area, FrameworkNode) or not frameworks.is_area_of_focus(area):
        _add(errors, "area", _("Choose one of the areas of focus of the Key Features."))
    if not str(data.get("title") or "").strip():
        _add(errors, "title", _("Write the goal."))
    return errors


def save_goal(
    *, actor: User, plan: Plan, data: Mapping[str, Any], goal: Goal | None = None
) -> Goal:
    _raise_if(check_goal(data))
    with transaction.atomic():
        if goal is None:
            last = plan.goals.aggregate(last=Max("position"))["last"]
            goal = Goal(plan=plan, position=(last or 0) + 1)
        goal.area = data["area"]
        goal.title = str(data["title"]).strip()
        goal.description = str(data.get("description") or "").strip()
        goal.save()
        record_event(actor, "plan.goal_saved", city=plan.city, target=goal.title)
    return goal


def delete_goal(*, actor: User, goal: Goal) -> None:
    with transaction.atomic():
        city = goal.plan.city
        title = goal.title
        goal.delete()
        record_event(actor, "plan.goal_deleted", city=city, target=title)


# ---- actions -----------------------------------------------------------------------


def check_action(plan: Plan, data: Mapping[str, Any]) -> Errors:
    errors: Errors = {}
    goal = data.get("goal")
    if not isinstance(goal, Goal) or goal.plan_id != plan.pk:
        _add(errors, "goal", _("Choose one of this plan's goals."))
    provider = data.get("provider")
    partner = str(data.get("partner_name") or "").strip()
    if provider is not None:
        if not isinstance(provider, Provider) or provider.city_id != plan.city_id:
            _add(
                errors,
                "provider",
                _("This provider works in another city. Choose one of this city's providers."),
            )
        elif partner:
            _add(
                errors,
                "partner_name",
                _("Choose a provider or name a partner organisation, not both."),
            )
    elif not partner:
        _add(
            errors,
            "provider",
            _("Choose the provider responsible, or name the partner organisation below."),
        )
    start, end = data.get("start_date"), data.get("end_date")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        _add(errors, "end_date", _("The end cannot come before the start."))
    budget = data.get("budget")
    if budget is not None:
        if Decimal(budget) < 0:
            _add(errors, "budget", _("A budget cannot be negative."))
        currency = str(data.get("currency") or plan.currency).upper()
        if not known_currency(currency):
            _add(errors, "currency", _("Write a three-letter currency code, such as EUR or COP."))
    status = data.get("status") or ActionStatus.PLANNED
    if status not in ActionStatus.values:
        _add(errors, "status", _("Choose a status from the list."))
    return errors


ACTION_FIELDS = (
    "goal",
    "title",
    "description",
    "provider",
    "partner_name",
    "budget",
    "currency",
    "start_date",
    "end_date",
    "status",
    "update_due",
)


def save_action(
    *, actor: User, plan: Plan, data: Mapping[str, Any], action: Action | None = None
) -> Action:
    _raise_if(check_action(plan, data))
    with transaction.atomic():
        if action is None:
            last = plan.actions.aggregate(last=Max("position"))["last"]
            action = Action(plan=plan, position=(last or 0) + 1)
        for field in ACTION_FIELDS:
            if field in data:
                setattr(action, field, data[field])
        action.title = str(action.title).strip()
        action.partner_name = str(action.partner_name or "").strip()
        action.status = action.status or ActionStatus.PLANNED
        action.currency = (
            str(action.currency or plan.currency).upper() if action.budget is not None else ""
        )
        action.save()
        record_event(actor, "plan.action_saved", city=plan.city, target=action.title)
    return action


def delete_action(*, actor: User, action: Action) -> None:
    with transaction.atomic():
        city = action.plan.city
        title = action.title
        for update in action.updates.exclude(evidence_file=""):
            # The file goes once the row is really gone.
            transaction.on_commit(_deleter(update.evidence_file.name or ""))
        action.delete()
        record_event(actor, "plan.action_deleted", city=city, target=title)


def _deleter(name: str):  # type: ignore[no-untyped-def]
    from django.core.files.storage import default_storage

    return lambda: default_storage.delete(name)


# ---- progress updates by the action's owner ---------------------------------------


def check_update(data: Mapping[str, Any]) -> Errors:
    errors: Errors = {}
    if data.get("status") not in ActionStatus.values:
        _add(errors, "status", _("Choose a status from the list."))
    if not str(data.get("note") or "").strip():
        _add(errors, "note", _("Say in a sentence or two what happened."))
    upload = data.get("evidence_file")
    if upload:
        suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in EVIDENCE_SUFFIXES:
            _add(
                errors,
                "evidence_file",
                _("Send a PDF, an image, a text file or an office document."),
            )
        if upload.size > EVIDENCE_MAX_BYTES:
            _add(errors, "evidence_file", _("The file is larger than 5 MB; send a link instead."))
    return errors


def post_action_update(*, actor: User, action: Action, data: Mapping[str, Any]) -> ActionUpdate:
    """The owner's report: the action takes the new status; the update is kept."""
    _raise_if(check_update(data))
    upload: UploadedFile | None = data.get("evidence_file") or None
    with transaction.atomic():
        update = ActionUpdate(
            action=action,
            author=actor,
            status=data["status"],
            note=str(data["note"]).strip(),
            evidence_url=str(data.get("evidence_url") or ""),
        )
        if upload is not None:
            update.evidence_name = str(upload.name)[-200:]
            update.evidence_file.save(upload.name or "evidence", upload, save=False)
        update.save()
        Action.objects.filter(pk=action.pk).update(status=update.status, updated_at=timezone.now())
        action.status = update.status
        record_event(
            actor,
            "plan.action_updated",
            city=action.plan.city,
            target=action.title,
            status=update.status,
        )
    return update


# ---- targets -----------------------------------------------------------------------


LOWER_TARGET_WORSE = gettext_noop(
    "For this indicator lower is better: the target cannot be above the baseline."
)
HIGHER_TARGET_WORSE = gettext_noop(
    "For this indicator higher is better: the target cannot be below the baseline."
)


def check_target(goal: Goal, data: Mapping[str, Any], *, today: date | None = None) -> Errors:
    errors: Errors = {}
    city = goal.plan.city
    this_year = (today or city_today(city)).year
    indicator = data.get("indicator")
    if not isinstance(indicator, FrameworkNode) or indicator.type != NodeType.INDICATOR:
        _add(errors, "indicator", _("Choose an indicator."))
        indicator = None
    else:
        allowed = frameworks.city_choices(city).indicators.get(goal.area_id, [])
        if indicator.pk not in {node.pk for node in allowed}:
            _add(
                errors,
                "indicator",
                _("Choose an indicator of this goal's area of focus that the city reports."),
            )
    baseline_year, baseline_value = data.get("baseline_year"), data.get("baseline_value")
    target_year, target_value = data.get("target_year"), data.get("target_value")
    if baseline_year is None:
        _add(errors, "baseline_year", _("Give the baseline year: progress is measured from it."))
    elif baseline_year > this_year:
        _add(errors, "baseline_year", _("The baseline year cannot be in the future."))
    if baseline_value is None:
        _add(errors, "baseline_value", _("Give the baseline value: progress is measured from it."))
    if target_value is None:
        _add(errors, "target_value", _("Give the value the city aims for."))
    if target_year is None:
        _add(errors, "target_year", _("Give the year the target should be reached."))
    elif target_year < this_year:
        _add(
            errors,
            "target_year",
            _("The target year is in the past. Choose %(year)s or later.") % {"year": this_year},
        )
    elif baseline_year is not None and target_year <= baseline_year:
        _add(errors, "target_year", _("The target year must come after the baseline year."))
    if indicator is not None:
        for field, value in (("baseline_value", baseline_value), ("target_value", target_value)):
            if value is not None and not indicator.allows(float(value)):
                _add(errors, field, _("This value is outside the indicator's possible range."))
        if baseline_value is not None and target_value is not None:
            worse = indicator.direction * (float(target_value) - float(baseline_value)) < 0
            if worse:
                lower = indicator.direction == Direction.LOWER_IS_BETTER
                message = _(LOWER_TARGET_WORSE) if lower else _(HIGHER_TARGET_WORSE)
                _add(errors, "target_value", message)
        duplicate = goal.targets.filter(indicator=indicator)
        if data.get("pk"):
            duplicate = duplicate.exclude(pk=data["pk"])
        if duplicate.exists():
            _add(errors, "indicator", _("This goal already has a target for this indicator."))
    return errors


TARGET_FIELDS = ("indicator", "baseline_year", "baseline_value", "target_year", "target_value")


def save_target(
    *,
    actor: User,
    goal: Goal,
    data: Mapping[str, Any],
    target: Target | None = None,
    today: date | None = None,
) -> Target:
    checked = {**data, "pk": target.pk if target else None}
    _raise_if(check_target(goal, checked, today=today))
    with transaction.atomic():
        if target is None:
            last = goal.targets.aggregate(last=Max("position"))["last"]
            target = Target(goal=goal, position=(last or 0) + 1)
        for field in TARGET_FIELDS:
            setattr(target, field, data[field])
        target.save()
        record_event(actor, "plan.target_saved", city=goal.plan.city, target=target.indicator.code)
    return target


def delete_target(*, actor: User, target: Target) -> None:
    with transaction.atomic():
        city = target.goal.plan.city
        code = target.indicator.code
        target.delete()
        record_event(actor, "plan.target_deleted", city=city, target=code)


# ---- publishing --------------------------------------------------------------------


def publish_plan(*, actor: User, plan: Plan, note: str = "") -> PlanVersion:
    """Keep what the plan says now as the next published version. Refused when
    nothing changed since the last one."""
    snapshot = versions.build_snapshot(plan)
    with transaction.atomic():
        # Lock the plan row so two coordinators publishing at once get two numbers.
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        last = plan.versions.order_by("-number").first()
        if last is not None and versions.same_content(last.snapshot, snapshot):
            raise ValidationError(
                {
                    "note": [
                        _("Nothing has changed since version %(number)s.") % {"number": last.number}
                    ]
                }
            )
        version = PlanVersion.objects.create(
            plan=plan,
            number=(last.number if last else 0) + 1,
            snapshot=snapshot,
            note=note.strip()[:500],
            published_by=actor if actor.is_authenticated else None,
        )
        record_event(
            actor, "plan.published", city=plan.city, target=plan.title, version=version.number
        )
    return version


# ---- reminders ---------------------------------------------------------------------


def reminder_days() -> int:
    """How many days before an update is due its owners are reminded
    (``PLAN_REMINDER_DAYS``, 7 by default)."""
    return int(getattr(settings, "PLAN_REMINDER_DAYS", 7))


def send_update_reminders(*, today: date | None = None) -> int:
    """E-mail owners whose progress update is due soon (once per due date); safe to
    run twice. Called every day by ``periodic.send_plan_update_reminders``."""
    from . import notifications

    return notifications.send_update_reminders(
        today=today or timezone.localdate(), days_before=reminder_days()
    )


# ---- the PDF report (made on the task queue, see printing) -------------------------


def report_print(city: City, version: PlanVersion, language: str) -> ReportPrint | None:
    """The PDF of the report as it stands now (``version``, today, current statuses
    and values) in ``language``, whatever its status; None when nobody asked yet. A
    busy one whose worker died is queued again or failed here (``core.jobs``)."""
    job = ReportPrint.objects.filter(
        version=version, language=language, stamp=printing.report_stamp(city, version)
    ).first()
    return jobs.revive_if_stalled(job, _queue_report_print) if job is not None else None


def request_report_pdf(*, city: City, version: PlanVersion, language: str) -> ReportPrint:
    """The report's PDF for the plan as it stands now: the ready or busy one, or a
    new one queued for the task queue (a failed one is tried again). ``version`` is
    the city's latest published version (the view has it)."""
    return jobs.request_file(
        ReportPrint,
        _queue_report_print,
        version=version,
        language=language,
        stamp=printing.report_stamp(city, version),
    )


def _queue_report_print(job_pk: int) -> None:
    from .tasks import make_report_pdf

    make_report_pdf(job_pk)


def reap_stalled_report_prints() -> int:
    """PDFs whose worker died (lease run out): queued again, or failed with the reason
    "stalled" after ``JOB_ATTEMPTS`` attempts. Every minute from ``periodic.py``."""
    return jobs.reap_stalled(ReportPrint, _queue_report_print)


# ---- personal data (registered with core in PlansConfig.ready) --------------------


def export_plan_updates_of(user: User) -> dict[str, Any]:
    updates = ActionUpdate.objects.filter(author=user).select_related("action__plan__city")
    return {
        "plan_updates": [
            {
                "city": update.action.plan.city.slug,
                "action": update.action.title,
                "status": update.status,
                "note": update.note,
                "evidence_url": update.evidence_url,
                "posted_at": update.created_at.isoformat(),
            }
            for update in updates
        ]
    }


def erase_plan_updates_of(user: User) -> None:
    """A progress update is the organisation's public record of its action: it stays,
    without the link to the person who posted it."""
    count = ActionUpdate.objects.filter(author=user).update(author=None)
    record_event(None, "plan.updates_unlinked", count=count)

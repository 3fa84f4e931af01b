"""A city's plan pages (``/<city-slug>/plan/...``).

Views stay thin: the access check first (``plans.permissions``), then a selector or
a service, then the template. Public pages read the published plan only."""

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from learningcity.core.forms import show_service_errors
from learningcity.core.http import PageNotFound
from learningcity.core.jobs import FileJobStatus
from learningcity.core.models import City, User
from learningcity.core.permissions import require
from learningcity.core.tenancy import for_city, get_city, get_in_city

from . import exports, permissions, selectors, services, versions
from .forms import (
    ActionForm,
    ConfirmForm,
    GoalForm,
    PlanForm,
    PublishForm,
    TargetForm,
    UpdateForm,
)
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
from .progress import STATUS_LABELS, STATUS_ORDER, assess_targets

PAGE_SIZE = 50
CHANGES_SHOWN = 8


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


def _actor(request: HttpRequest) -> User:
    """The signed-in person (views that write are behind ``login_required``)."""
    return cast(User, request.user)


def _form_data(request: HttpRequest) -> tuple[Any, Any]:
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


# ---- public pages ------------------------------------------------------------------


@require_safe
def public(request: HttpRequest, city_slug: str) -> HttpResponse:
    """What the city promised, what it did, what changed; small at any size: goals
    and targets in full, actions fifty to a page with filters."""
    city = get_city(city_slug)
    plan = selectors.current_plan(city)
    context: dict[str, Any] = {
        "city": city,
        "plan": plan,
        "can_edit": permissions.can_edit_plan(request.user, city),
        "status_labels": ActionStatus.choices,
        "target_status_labels": [(s.value, STATUS_LABELS[s]) for s in STATUS_ORDER],
    }
    if plan is not None:
        goal_filter = _int_or_none(request.GET.get("goal"))
        status_filter = request.GET.get("status", "")
        rows = [
            row
            for row in plan.actions
            if (goal_filter is None or row.item["goal_id"] == goal_filter)
            and (not status_filter or row.status == status_filter)
        ]
        page = Paginator(rows, PAGE_SIZE).get_page(_page_number(request))
        selectors.fill_last_updates(page.object_list)
        query = {
            key: value for key, value in (("goal", goal_filter), ("status", status_filter)) if value
        }
        changes = plan.changes()
        context.update(
            page_obj=page,
            filtered=bool(query),
            goal_filter=goal_filter,
            status_filter=status_filter,
            query_without_page=urlencode(query) + "&" if query else "",
            changes=changes,
            changes_shown=CHANGES_SHOWN,
            action_counts=[
                (value, label, plan.action_counts[value]) for value, label in ActionStatus.choices
            ],
            target_counts=[
                (status.value, STATUS_LABELS[status], plan.target_counts[status.value])
                for status in STATUS_ORDER
            ],
        )
    return render(request, "plans/public.html", context)


def _published_action(request: HttpRequest, city: City, action_id: int) -> Action:
    """An action of the published plan (coordinators also see draft actions)."""
    action = get_in_city(
        Action.objects.select_related("goal", "provider", "plan"), city, pk=action_id
    )
    if permissions.can_see_draft(request.user, city):
        return action
    version = selectors.published_version(city)
    actions = selectors.snapshot_of(version).get("actions", []) if version else []
    published = {item["id"] for item in actions}
    if action.pk not in published:
        raise PageNotFound(_("This page does not exist in this city."))
    return action


@require_safe
def action_detail(request: HttpRequest, city_slug: str, action_id: int) -> HttpResponse:
    city = get_city(city_slug)
    action = _published_action(request, city, action_id)
    updates = list(action.updates.all()[:100])
    return render(
        request,
        "plans/action.html",
        {
            "city": city,
            "action": action,
            "updates": updates,
            "can_update": permissions.can_update_action(request.user, action),
        },
    )


@require_safe
def evidence(request: HttpRequest, city_slug: str, update_id: int) -> FileResponse:
    city = get_city(city_slug)
    update = get_in_city(ActionUpdate.objects.select_related("action"), city, pk=update_id)
    _published_action(request, city, update.action_id)
    name = update.evidence_file.name or ""
    if not name or not default_storage.exists(name):
        raise PageNotFound(_("This file is no longer here."))
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=update.evidence_name or name.rsplit("/", 1)[-1],
    )


def _published_or_404(city: City) -> selectors.PublishedPlan:
    plan = selectors.current_plan(city)
    if plan is None:
        raise PageNotFound(_("This city has not published its learning-city plan yet."))
    return plan


@require_safe
def report(request: HttpRequest, city_slug: str) -> HttpResponse:
    """The printable progress report (print stylesheet; the PDF is the same page)."""
    city = get_city(city_slug)
    plan = _published_or_404(city)
    return render(request, "plans/report.html", exports.report_context(city, plan))


@require_http_methods(["GET", "HEAD", "POST"])
def report_pdf(request: HttpRequest, city_slug: str) -> HttpResponse:
    """The report as a PDF, made on the task queue (laying out 500 actions takes
    seconds): a POST asks for it, the page shows its progress (a meta refresh without
    JavaScript, htmx with it) and the download link once it is ready."""
    city = get_city(city_slug)
    version = selectors.published_version(city)
    if version is None:
        raise PageNotFound(_("This city has not published its learning-city plan yet."))
    language = translation.get_language() or settings.LANGUAGE_CODE
    if request.method == "POST":
        services.request_report_pdf(city=city, version=version, language=language)
        return redirect("plans:report_pdf", city_slug=city.slug)
    context = {
        "city": city,
        "version": version,
        "job": services.report_print(city, version, language),
    }
    if request.headers.get("HX-Request"):
        return render(request, "plans/partials/pdf_status.html", context)
    return render(request, "plans/report_pdf_page.html", context)


@require_safe
def report_pdf_file(request: HttpRequest, city_slug: str, job_id: int) -> HttpResponseBase:
    city = get_city(city_slug)
    job = get_in_city(ReportPrint.objects.select_related("version"), city, pk=job_id)
    if job.status != FileJobStatus.DONE or not job.file:
        messages.info(request, _("The PDF of the report is not ready yet."))
        return redirect("plans:report_pdf", city_slug=city.slug)
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=f"{city.slug}-plan-v{job.version.number}-progress-{job.language}.pdf",
    )


@require_safe
def export(request: HttpRequest, city_slug: str, what: str, fmt: str) -> HttpResponse:
    city = get_city(city_slug)
    plan = _published_or_404(city)
    return exports.download(city, plan, what, fmt)


@require_safe
def version_list(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    found = selectors.published_versions(city)
    return render(request, "plans/versions.html", {"city": city, "versions": found})


@require_safe
def compare(request: HttpRequest, city_slug: str) -> HttpResponse:
    """Two published versions side by side: what was added, removed and changed."""
    city = get_city(city_slug)
    found = selectors.published_versions(city)
    if not found:
        raise PageNotFound(_("This city has not published its learning-city plan yet."))
    numbers = [version.number for version in found]
    newer = _int_or_none(request.GET.get("to")) or numbers[0]
    older = _int_or_none(request.GET.get("from"))
    if older is None:
        older = max((n for n in numbers if n < newer), default=newer)
    if older not in numbers or newer not in numbers:
        raise PageNotFound(_("There is no version with this number."))
    old = for_city(PlanVersion, city).defer("snapshot").get(number=older)
    new = for_city(PlanVersion, city).defer("snapshot").get(number=newer)
    return render(
        request,
        "plans/compare.html",
        {
            "city": city,
            "versions": found,
            "old": old,
            "new": new,
            "diff": selectors.compare_versions(old, new),
        },
    )


# ---- the coordinator's desk --------------------------------------------------------


def _coordinator_city(request: HttpRequest, city_slug: str) -> City:
    city = get_city(city_slug)
    require(permissions.can_edit_plan(request.user, city))
    return city


def _plan_or_start(city: City) -> Plan | None:
    return for_city(Plan, city).first()


@login_required
@require_safe
def desk(request: HttpRequest, city_slug: str) -> HttpResponse:
    """The working draft: goals, targets with their progress, actions, and what has
    changed since the last published version."""
    city = _coordinator_city(request, city_slug)
    plan = _plan_or_start(city)
    context: dict[str, Any] = {"city": city, "plan": plan}
    if plan is not None:
        draft = versions.build_snapshot(plan)
        latest = selectors.published_version(city)
        assessed = assess_targets(city, draft["targets"])
        goals = list(plan.goals.select_related("area"))
        by_goal: dict[int, list[Any]] = {goal.pk: [] for goal in goals}
        for item in assessed:
            by_goal.setdefault(item.target["goal_id"], []).append(item)
        actions = (
            Action.objects.filter(plan=plan)
            .select_related("goal", "provider")
            .order_by("goal__position", "goal_id", "position", "id")
        )
        context.update(
            goals=[(goal, by_goal.get(goal.pk, [])) for goal in goals],
            page_obj=Paginator(actions, PAGE_SIZE).get_page(_page_number(request)),
            query_without_page="",
            latest=latest,
            unpublished=versions.compare(selectors.snapshot_of(latest), draft) if latest else None,
            changes_shown=CHANGES_SHOWN,
        )
    return render(request, "plans/desk.html", context)


@login_required
def plan_edit(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _coordinator_city(request, city_slug)
    plan = _plan_or_start(city)
    data, _files = _form_data(request)
    initial = {
        "start_year": services.city_today(city).year,
        "end_year": services.city_today(city).year + 4,
    }
    form = PlanForm(data, instance=plan, initial=initial if plan is None else None)
    if data is not None and form.is_valid():
        try:
            services.save_plan(actor=_actor(request), city=city, data=form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The plan is saved. Publish it when it is ready."))
            return redirect("plans:desk", city_slug=city.slug)
    return render(
        request,
        "plans/edit_form.html",
        {"city": city, "form": form, "kind": "plan", "object": plan},
    )


def _plan_required(city: City) -> Plan:
    plan = _plan_or_start(city)
    if plan is None:
        raise PageNotFound(_("Write the plan's vision first."))
    return plan


@login_required
def goal_edit(request: HttpRequest, city_slug: str, goal_id: int | None = None) -> HttpResponse:
    city = _coordinator_city(request, city_slug)
    plan = _plan_required(city)
    goal = get_in_city(Goal, city, pk=goal_id) if goal_id else None
    data, _files = _form_data(request)
    form = GoalForm(data, instance=goal, city=city)
    if data is not None and form.is_valid():
        try:
            services.save_goal(actor=_actor(request), plan=plan, goal=goal, data=form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The goal is saved."))
            return redirect("plans:desk", city_slug=city.slug)
    return render(
        request,
        "plans/edit_form.html",
        {"city": city, "form": form, "kind": "goal", "object": goal},
    )


@login_required
def action_edit(request: HttpRequest, city_slug: str, action_id: int | None = None) -> HttpResponse:
    city = _coordinator_city(request, city_slug)
    plan = _plan_required(city)
    action = get_in_city(Action, city, pk=action_id) if action_id else None
    data, _files = _form_data(request)
    initial = {"goal": _int_or_none(request.GET.get("goal"))} if action is None else None
    form = ActionForm(data, instance=action, plan=plan, initial=initial)
    if data is not None and form.is_valid():
        try:
            services.save_action(
                actor=_actor(request), plan=plan, action=action, data=form.cleaned_data
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The action is saved."))
            return redirect("plans:desk", city_slug=city.slug)
    return render(
        request,
        "plans/edit_form.html",
        {"city": city, "form": form, "kind": "action", "object": action},
    )


@login_required
def target_edit(
    request: HttpRequest, city_slug: str, goal_id: int | None = None, target_id: int | None = None
) -> HttpResponse:
    city = _coordinator_city(request, city_slug)
    _plan_required(city)
    target = (
        get_in_city(Target.objects.select_related("goal"), city, pk=target_id)
        if target_id
        else None
    )
    goal = target.goal if target else get_in_city(Goal, city, pk=goal_id)
    data, _files = _form_data(request)
    form = TargetForm(data, instance=target, goal=goal)
    if data is not None and form.is_valid():
        try:
            services.save_target(
                actor=_actor(request), goal=goal, target=target, data=form.cleaned_data
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The target is saved."))
            return redirect("plans:desk", city_slug=city.slug)
    return render(
        request,
        "plans/edit_form.html",
        {"city": city, "form": form, "kind": "target", "object": target, "goal": goal},
    )


@login_required
def delete(request: HttpRequest, city_slug: str, kind: str, pk: int) -> HttpResponse:
    """Delete a goal, action or target after a confirmation (a POST)."""
    city = _coordinator_city(request, city_slug)
    item: Goal | Action | Target
    if kind == "goal":
        item = get_in_city(Goal, city, pk=pk)
    elif kind == "action":
        item = get_in_city(Action, city, pk=pk)
    elif kind == "target":
        item = get_in_city(Target, city, pk=pk)
    else:
        raise PageNotFound(_("This page does not exist in this city."))
    if request.method == "POST" and ConfirmForm(request.POST).is_valid():
        if isinstance(item, Goal):
            services.delete_goal(actor=_actor(request), goal=item)
        elif isinstance(item, Action):
            services.delete_action(actor=_actor(request), action=item)
        elif isinstance(item, Target):
            services.delete_target(actor=_actor(request), target=item)
        messages.success(
            request, _("Deleted. The published plan does not change until you publish again.")
        )
        return redirect("plans:desk", city_slug=city.slug)
    return render(request, "plans/delete.html", {"city": city, "item": item, "kind": kind})


@login_required
def publish(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _coordinator_city(request, city_slug)
    plan = _plan_required(city)
    data, _files = _form_data(request)
    form = PublishForm(data)
    latest = selectors.published_version(city)
    draft = versions.build_snapshot(plan)
    if data is not None and form.is_valid():
        try:
            version = services.publish_plan(
                actor=_actor(request), plan=plan, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request, _("Version %(number)s is published.") % {"number": version.number}
            )
            return redirect("plans:public", city_slug=city.slug)
    return render(
        request,
        "plans/publish.html",
        {
            "city": city,
            "form": form,
            "latest": latest,
            "diff": versions.compare(selectors.snapshot_of(latest), draft) if latest else None,
        },
    )


# ---- action owners ----------------------------------------------------------------


@login_required
@require_safe
def my_actions(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    actions = (
        permissions.owned_actions(request.user, city)
        .select_related("goal", "provider")
        .order_by("update_due", "id")
        .distinct()
    )
    page = Paginator(actions, PAGE_SIZE).get_page(_page_number(request))
    return render(
        request, "plans/my_actions.html", {"city": city, "page_obj": page, "query_without_page": ""}
    )


@login_required
def action_update(request: HttpRequest, city_slug: str, action_id: int) -> HttpResponse:
    """The owner's progress update: status, a short note, evidence."""
    city = get_city(city_slug)
    action = get_in_city(
        Action.objects.select_related("plan__city", "provider", "goal"), city, pk=action_id
    )
    require(permissions.can_update_action(request.user, action))
    data, files = _form_data(request)
    form = UpdateForm(data, files, initial={"status": action.status})
    if data is not None and form.is_valid():
        try:
            services.post_action_update(
                actor=_actor(request), action=action, data=form.cleaned_data
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: your update is saved and shown on the plan."))
            return redirect(reverse("plans:action", args=[city.slug, action.pk]))
    return render(
        request,
        "plans/action_update.html",
        {"city": city, "action": action, "form": form, "updates": list(action.updates.all()[:10])},
    )

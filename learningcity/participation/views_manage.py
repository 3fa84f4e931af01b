"""The coordinators' workspace (``/<city-slug>/participate/manage/...``): processes
with their phases, budgets with their projects (or from a pabulib file), results and
surveys, and the proposals waiting for the city's answer. Every view first checks
``permissions.can_manage_participation`` for the city in the address; rows of another
city are a 404."""

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q
from django.forms import BaseForm, BaseModelFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from learningcity.core.forms import show_service_errors
from learningcity.core.models import City, User
from learningcity.core.permissions import require
from learningcity.core.tenancy import for_city, get_city, get_in_city

from . import permissions, services_manage
from .forms_manage import (
    BudgetForm,
    PbUploadForm,
    PhaseFormSet,
    ProcessForm,
    ProjectFormSet,
    QuestionFormSet,
    ResultForm,
    SurveyForm,
    formset_rows,
)
from .models import (
    Assembly,
    Budget,
    BudgetProject,
    Phase,
    Process,
    Proposal,
    ProposalState,
    Question,
    Result,
    Sortition,
    Survey,
)

QUEUE_PAGE_SIZE = 50
GET_POST = ["GET", "HEAD", "POST"]


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)  # the views are login_required


def _managed_city(request: HttpRequest, city_slug: str) -> City:
    city = get_city(city_slug)
    require(permissions.can_manage_participation(request.user, city))
    return city


def _managed_process(request: HttpRequest, city_slug: str, slug: str) -> tuple[City, Process]:
    """The process (published or not) of a city the person coordinates."""
    city = _managed_city(request, city_slug)
    return city, get_in_city(Process.objects.select_related("city"), city, slug=slug)


def _show_errors(
    error: ValidationError,
    form: BaseForm,
    formset: "BaseModelFormSet[Any, Any] | None",
    list_name: str,
) -> list[str]:
    """Put a service's refusal on the form and the formset's rows; returns the
    messages about the rows as a whole (shown above them and in the summary)."""
    whole: list[str] = []
    rest: dict[str, list[str]] = {}
    problems = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    for key, messages_ in problems.items():
        parts = key.split(".")
        if formset is None or parts[0] != list_name:
            rest[key] = messages_
        elif len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(formset.forms):
            row = formset.forms[int(parts[1])]
            for message in messages_:
                row.add_error(parts[2] if parts[2] in row.fields else None, message)
        else:
            whole.extend(messages_)
    if rest:
        show_service_errors(form, ValidationError(rest))
    return whole


def _save_form(
    request: HttpRequest,
    form: BaseForm,
    formset: "BaseModelFormSet[Any, Any] | None",
    list_name: str,
    save: Callable[[list[dict[str, Any]]], Any],
) -> tuple[Any, list[str]]:
    """Validate the posted form (and rows) and call ``save`` with the rows; returns
    what ``save`` returned (``None`` when refused) and the rows' general errors."""
    if request.method != "POST":
        return None, []
    valid = form.is_valid()
    rows_valid = formset is None or formset.is_valid()
    if not (valid and rows_valid):
        return None, []
    try:
        return save(formset_rows(formset) if formset is not None else []), []
    except ValidationError as error:
        return None, _show_errors(error, form, formset, list_name)


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], errors: list[str] | None = None
) -> HttpResponse:
    failed = request.method == "POST"
    return render(
        request,
        f"participation/manage/{template}",
        {**context, "list_errors": errors or []},
        status=400 if failed else 200,
    )


# ---- workspace and queue ------------------------------------------------------------


@login_required
@require_safe
def workspace(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _managed_city(request, city_slug)
    processes = (
        for_city(Process, city)
        .annotate(
            proposal_count=Count("proposals", distinct=True),
            budget_count=Count("budgets", distinct=True),
            survey_count=Count("surveys", distinct=True),
            result_count=Count("results", distinct=True),
        )
        .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("starts_on", "id")))
        .order_by("-created_at", "id")
    )
    rows = [{"process": p, "phase": p.current_phase()} for p in processes]
    return render(
        request,
        "participation/manage/workspace.html",
        {
            "city": city,
            "rows": rows,
            "waiting": _awaiting_answer(city).count(),
            "assemblies": list(for_city(Assembly, city).order_by("name")),
            "sortitions": list(for_city(Sortition, city).order_by("title")),
        },
    )


def _awaiting_answer(city: City) -> Any:
    """Proposals the city owes an answer: being evaluated, or still open for support
    but past their process's threshold."""
    return (
        for_city(Proposal, city)
        .filter(hidden_at=None, process__is_published=True)
        .filter(
            Q(state=ProposalState.EVALUATING)
            | Q(state=ProposalState.PUBLISHED, support_count__gte=F("process__support_threshold"))
        )
        .select_related("process")
        .order_by("created_at", "id")
    )


@login_required
@require_safe
def queue(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _managed_city(request, city_slug)
    page = Paginator(_awaiting_answer(city), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "participation/manage/queue.html",
        {"city": city, "page_obj": page, "query_without_page": ""},
    )


# ---- processes ----------------------------------------------------------------------


@login_required
@require_safe
def process_overview(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, process = _managed_process(request, city_slug, slug)
    budgets = process.budgets.annotate(
        project_count=Count("projects", distinct=True), ballot_count=Count("ballots", distinct=True)
    )
    surveys = process.surveys.annotate(response_count=Count("responses", distinct=True))
    return render(
        request,
        "participation/manage/process.html",
        {
            "city": city,
            "process": process,
            "phases": list(process.phases.all()),
            "phase": process.current_phase(),
            "budgets": list(budgets),
            "results": list(process.results.select_related("proposal", "project")),
            "surveys": list(surveys),
        },
    )


def _process_page(request: HttpRequest, city: City, process: Process | None) -> HttpResponse:
    form = ProcessForm(request.POST or None, instance=process, city=city)
    formset = PhaseFormSet(
        request.POST or None,
        queryset=process.phases.all() if process else Phase.objects.none(),
        prefix="phases",
    )

    def save(rows: list[dict[str, Any]]) -> Process:
        if process is None:
            return services_manage.create_process(
                actor=_actor(request), city=city, fields=form.cleaned_data, phases=rows
            )
        return services_manage.update_process(
            actor=_actor(request), process=process, fields=form.cleaned_data, phases=rows
        )

    saved, errors = _save_form(request, form, formset, "phases", save)
    if saved is not None:
        messages.success(request, _("Process saved."))
        return redirect("participation:manage_process", city.slug, saved.slug)
    return _page(
        request,
        "process_form.html",
        {"city": city, "process": process, "form": form, "formset": formset},
        errors,
    )


@login_required
@require_http_methods(GET_POST)
def process_new(request: HttpRequest, city_slug: str) -> HttpResponse:
    return _process_page(request, _managed_city(request, city_slug), None)


@login_required
@require_http_methods(GET_POST)
def process_edit(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, process = _managed_process(request, city_slug, slug)
    return _process_page(request, city, process)


# ---- budgets ------------------------------------------------------------------------


def _budget_page(
    request: HttpRequest, city: City, process: Process, budget: Budget | None
) -> HttpResponse:
    form = BudgetForm(request.POST or None, instance=budget, city=city)
    formset = ProjectFormSet(
        request.POST or None,
        queryset=budget.projects.all() if budget else BudgetProject.objects.none(),
        prefix="projects",
        form_kwargs={"city": city, "process": process},
    )

    def save(rows: list[dict[str, Any]]) -> Budget:
        if budget is None:
            return services_manage.create_budget(
                actor=_actor(request), process=process, fields=form.cleaned_data, projects=rows
            )
        return services_manage.update_budget(
            actor=_actor(request), budget=budget, fields=form.cleaned_data, projects=rows
        )

    saved, errors = _save_form(request, form, formset, "projects", save)
    if saved is not None:
        messages.success(request, _("Budget saved."))
        return redirect("participation:manage_process", city.slug, process.slug)
    return _page(
        request,
        "budget_form.html",
        {
            "city": city,
            "process": process,
            "budget": budget,
            "form": form,
            "formset": formset,
            "voted": budget is not None and budget.ballots.exists(),
        },
        errors,
    )


@login_required
@require_http_methods(GET_POST)
def budget_new(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, process = _managed_process(request, city_slug, slug)
    return _budget_page(request, city, process, None)


@login_required
@require_http_methods(GET_POST)
def budget_edit(request: HttpRequest, city_slug: str, slug: str, budget_slug: str) -> HttpResponse:
    city, process = _managed_process(request, city_slug, slug)
    budget = get_in_city(Budget.objects.filter(process=process), city, slug=budget_slug)
    return _budget_page(request, city, process, budget)


@login_required
@require_http_methods(GET_POST)
def budget_import(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, process = _managed_process(request, city_slug, slug)
    form = PbUploadForm(request.POST or None, request.FILES or None)

    def save(_rows: list[dict[str, Any]]) -> Budget:
        upload = form.cleaned_data["file"]
        return services_manage.import_budget(
            actor=_actor(request),
            process=process,
            slug=form.cleaned_data["slug"],
            data=upload.read(services_manage.MAX_PB_BYTES + 1),
        )

    saved, _errors = _save_form(request, form, None, "", save)
    if saved is not None:
        messages.success(
            request,
            _("Budget imported: %(projects)s projects, %(ballots)s ballots.")
            % {"projects": saved.projects.count(), "ballots": saved.ballots.count()},
        )
        return redirect("participation:manage_process", city.slug, process.slug)
    return _page(request, "budget_import.html", {"city": city, "process": process, "form": form})


# ---- results ------------------------------------------------------------------------


def _result_page(
    request: HttpRequest, city: City, process: Process, result: Result | None
) -> HttpResponse:
    form = ResultForm(request.POST or None, instance=result, process=process)

    def save(_rows: list[dict[str, Any]]) -> Result:
        if result is None:
            return services_manage.create_result(
                actor=_actor(request), process=process, fields=form.cleaned_data
            )
        return services_manage.update_result(
            actor=_actor(request), result=result, fields=form.cleaned_data
        )

    saved, _errors = _save_form(request, form, None, "", save)
    if saved is not None:
        messages.success(request, _("Result saved."))
        return redirect("participation:manage_process", city.slug, process.slug)
    return _page(
        request,
        "result_form.html",
        {"city": city, "process": process, "result": result, "form": form},
    )


@login_required
@require_http_methods(GET_POST)
def result_new(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, process = _managed_process(request, city_slug, slug)
    return _result_page(request, city, process, None)


@login_required
@require_http_methods(GET_POST)
def result_edit(request: HttpRequest, city_slug: str, slug: str, pk: int) -> HttpResponse:
    city, process = _managed_process(request, city_slug, slug)
    result = get_in_city(Result.objects.filter(process=process), city, pk=pk)
    return _result_page(request, city, process, result)


# ---- surveys ------------------------------------------------------------------------


def _survey_page(
    request: HttpRequest, city: City, process: Process, survey: Survey | None
) -> HttpResponse:
    form = SurveyForm(request.POST or None, instance=survey)
    formset = QuestionFormSet(
        request.POST or None,
        queryset=survey.questions.all() if survey else Question.objects.none(),
        prefix="questions",
    )

    def save(rows: list[dict[str, Any]]) -> Survey:
        if survey is None:
            return services_manage.create_survey(
                actor=_actor(request), process=process, fields=form.cleaned_data, questions=rows
            )
        return services_manage.update_survey(
            actor=_actor(request), survey=survey, fields=form.cleaned_data, questions=rows
        )

    saved, errors = _save_form(request, form, formset, "questions", save)
    if saved is not None:
        messages.success(request, _("Survey saved."))
        return redirect("participation:manage_process", city.slug, process.slug)
    return _page(
        request,
        "survey_form.html",
        {
            "city": city,
            "process": process,
            "survey": survey,
            "form": form,
            "formset": formset,
            "answered": survey is not None and survey.responses.exists(),
        },
        errors,
    )


@login_required
@require_http_methods(GET_POST)
def survey_new(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, process = _managed_process(request, city_slug, slug)
    return _survey_page(request, city, process, None)


@login_required
@require_http_methods(GET_POST)
def survey_edit(request: HttpRequest, city_slug: str, slug: str, survey_slug: str) -> HttpResponse:
    city, process = _managed_process(request, city_slug, slug)
    survey = get_in_city(Survey.objects.filter(process=process), city, slug=survey_slug)
    return _survey_page(request, city, process, survey)

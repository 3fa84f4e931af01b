"""The network's monitoring pages (``/network/monitoring/...``): every city's rank,
index runs, network frameworks and the printable progress report."""

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from learningcity.core.http import PageNotFound
from learningcity.core.permissions import is_network_coordinator, require

from . import dashboards, engine_adapter, exports, permissions, queries, services
from .forms import NewIndicatorForm, RunForm, recent_years
from .http import (
    csv_response,
    form_data,
    framework_or_404,
    imeta_response,
    node_or_404,
    xlsx_response,
)
from .models import PER_YEAR_NORMALISATION, FrameworkNode, IndexRun, RunStatus
from .problems import InvalidInput
from .tables import csv_bytes
from .views import edit_node_page, import_framework_page, show_problems

RUN_INPUT_FILES = ("iMeta.csv", "iData.csv", "pipeline.json")


def _run_or_404(request: HttpRequest, public_id: uuid.UUID) -> IndexRun:
    run = (
        IndexRun.objects.select_related("framework", "started_by")
        .filter(public_id=public_id)
        .first()
    )
    if run is None or not permissions.can_see_run(request.user, run.is_done):
        raise PageNotFound(_("There is no index run at this address."))
    return run


def _chosen_run(request: HttpRequest) -> IndexRun | None:
    wanted = request.GET.get("run", "")
    try:
        return _run_or_404(request, uuid.UUID(wanted)) if wanted else queries.latest_run()
    except ValueError:
        raise PageNotFound(_("There is no index run at this address.")) from None


def _query_without_page(request: HttpRequest) -> str:
    """The page's other query parameters, for the pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return f"{query.urlencode()}&" if query else ""


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    run = _chosen_run(request)
    found = dashboards.network_dashboard(run, page=request.GET.get("page")) if run else None
    return render(
        request,
        "monitoring/network.html",
        {
            "run": run,
            "dashboard": found,
            "page_obj": found.page_obj if found else None,
            "query_without_page": _query_without_page(request),
            "can_run": permissions.can_run_network_index(request.user),
        },
    )


@require_safe
def report(request: HttpRequest) -> HttpResponse:
    run = _chosen_run(request)
    dashboard = dashboards.network_dashboard(run, per_page=None) if run else None
    coverage = []
    if run is not None and dashboard is not None:
        counts = queries.value_counts_by_city_year(run.years)
        coverage = [
            (row.city, [counts.get((row.city.pk, year), 0) for year in run.years])
            for row in dashboard.rows
        ]
    return render(
        request,
        "monitoring/report.html",
        {
            "run": run,
            "dashboard": dashboard,
            "coverage": coverage,
            "spec_text": json.dumps(run.spec, indent=2) if run else "",
        },
    )


@require_safe
def runs(request: HttpRequest) -> HttpResponse:
    listed = IndexRun.objects.select_related("framework", "started_by")
    if not is_network_coordinator(request.user):
        listed = listed.filter(status=RunStatus.DONE)
    return render(
        request,
        "monitoring/runs.html",
        {"runs": listed[:50], "can_run": permissions.can_run_network_index(request.user)},
    )


@login_required
def run_new(request: HttpRequest) -> HttpResponse:
    require(permissions.can_run_network_index(request.user))
    choices = {str(framework.pk): framework for framework in queries.network_frameworks()}
    years = queries.validated_years()[-8:] or recent_years(4)
    form = RunForm(
        *form_data(request),
        framework_choices=[(pk, framework.name) for pk, framework in choices.items()],
        year_choices=years,
        initial={"years": years[-4:]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.run_index(
                actor=request.user,  # type: ignore[arg-type]
                framework=choices[data["framework"]],
                years=data["years"],
                spec=data["pipeline"],
                samples=data["samples"],
                drop_unusable=data["drop_unusable"],
                normalise_globally=data["normalisation"] != PER_YEAR_NORMALISATION,
                title=data["title"],
            )
        except InvalidInput as error:
            show_problems(form, error)
        else:
            messages.success(request, _("The index was built."))
            return redirect("monitoring_network:run", public_id=run.public_id)
    return render(request, "monitoring/run_new.html", {"form": form})


@require_safe
def run(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = _run_or_404(request, public_id)
    dashboard = (
        dashboards.network_dashboard(found, page=request.GET.get("page"))
        if found.results.exists()
        else None
    )
    context = {
        "run": found,
        "dashboard": dashboard,
        "page_obj": dashboard.page_obj if dashboard else None,
        "query_without_page": _query_without_page(request),
        "spec_text": json.dumps(found.spec, indent=2),
        "can_download_inputs": permissions.can_run_network_index(request.user),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "monitoring/partials/run_status.html", context)
    return render(request, "monitoring/run.html", context)


@require_safe
def run_export(request: HttpRequest, public_id: uuid.UUID, fmt: str) -> HttpResponse:
    found = _run_or_404(request, public_id)
    rows = exports.run_rows(found)
    name = f"index-run-{found.created_at:%Y%m%d}-{str(found.public_id)[:8]}"
    if fmt == "xlsx":
        return xlsx_response([(_("Results"), rows)], f"{name}.xlsx")
    return csv_response(rows, f"{name}.csv")


@login_required
@require_safe
def run_input(request: HttpRequest, public_id: uuid.UUID, name: str) -> HttpResponse:
    """The exact iMeta, panel iData (every year, with a Time column) and pipeline of a
    run, to re-run it with ``learningcity index build``. Holds every city's validated
    values, so it is for network coordinators only."""
    require(permissions.can_run_network_index(request.user))
    found = _run_or_404(request, public_id)
    inputs = services.snapshot_inputs(found)
    if name not in RUN_INPUT_FILES or inputs is None:
        raise PageNotFound(_("This run has no such input file."))
    if name == "pipeline.json":
        response = HttpResponse(json.dumps(found.spec, indent=2), content_type="application/json")
    else:
        table = (
            engine_adapter.meta_table(inputs.rows)
            if name == "iMeta.csv"
            else engine_adapter.data_table(inputs.rows, inputs.units)
        )
        response = HttpResponse(
            csv_bytes([list(table.columns), *table.values.tolist()]),
            content_type="text/csv; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# ---- network frameworks ----------------------------------------------------------


@require_safe
def frameworks_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "monitoring/frameworks.html",
        {
            "frameworks": list(queries.network_frameworks()),
            "can_manage": permissions.can_manage_network_frameworks(request.user),
        },
    )


@require_safe
def framework(request: HttpRequest, slug: str) -> HttpResponse:
    found = framework_or_404(queries.network_frameworks(), slug)
    return render(
        request,
        "monitoring/framework.html",
        {
            "framework": found,
            "tree": queries.build_tree(queries.effective_nodes(found)),
            "can_edit": permissions.can_edit_framework(request.user, found),
            "network": True,
        },
    )


@require_safe
def framework_imeta(request: HttpRequest, slug: str) -> HttpResponse:
    found = framework_or_404(queries.network_frameworks(), slug)
    return imeta_response(queries.effective_rows(found), f"{found.slug}-iMeta.csv")


@login_required
def framework_import(request: HttpRequest) -> HttpResponse:
    require(permissions.can_manage_network_frameworks(request.user))
    return import_framework_page(
        request,
        city=None,
        context={"network": True},
        redirect_to=lambda imported: ("monitoring_network:framework", {"slug": imported.slug}),
    )


@login_required
def framework_edit(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    found = framework_or_404(queries.network_frameworks(), slug)
    require(permissions.can_edit_framework(request.user, found))
    node = node_or_404(FrameworkNode.objects.filter(framework=found), code)
    return edit_node_page(
        request,
        node,
        {"network": True, "framework": found},
        redirect_to=("monitoring_network:framework", {"slug": found.slug}),
    )


@login_required
def framework_add(request: HttpRequest, slug: str) -> HttpResponse:
    found = framework_or_404(queries.network_frameworks(), slug)
    require(permissions.can_edit_framework(request.user, found))
    form = NewIndicatorForm(*form_data(request), features=queries.feature_nodes(found))
    if request.method == "POST" and form.is_valid():
        try:
            node = services.add_indicator(
                actor=request.user,  # type: ignore[arg-type]
                framework=found,
                parent=form.cleaned_data["parent"],
                fields=form.node_fields(),
            )
        except InvalidInput as error:
            show_problems(form, error)
        else:
            messages.success(request, _("Indicator %(code)s added.") % {"code": node.code})
            return redirect("monitoring_network:framework", slug=found.slug)
    return render(
        request,
        "monitoring/indicator_add.html",
        {"form": form, "network": True, "framework": found},
    )

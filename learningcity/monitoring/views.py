"""A city's monitoring pages (``/<city-slug>/monitoring/...``).

Views stay thin: the access check first (``monitoring.permissions``), then a query
helper or a service, then the template."""

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from learningcity.core.http import PageNotFound
from learningcity.core.models import City
from learningcity.core.permissions import require
from learningcity.core.tenancy import for_city, get_city

from . import charts, dashboards, exports, permissions, queries, services
from .derived import DERIVED, derived_values
from .forms import (
    ImportFrameworkForm,
    ImportValuesForm,
    NewIndicatorForm,
    NodeForm,
    PreviewForm,
    ValidateForm,
    ValueForm,
    recent_years,
)
from .http import (
    csv_response,
    form_data,
    framework_or_404,
    imeta_response,
    node_or_404,
    xlsx_response,
)
from .models import Framework, FrameworkNode, IndicatorValue, ValueStatus
from .numbers import plain_number
from .preview import preview_city_index as build_preview
from .problems import InvalidInput


def show_problems(form: Form, error: InvalidInput) -> None:
    """List a service's problems in the form's error summary."""
    for problem in error.problems:
        form.add_error(None, str(problem))


# ---- public pages ----------------------------------------------------------------


@require_safe
def city(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    run = queries.latest_run()
    dashboard = dashboards.city_dashboard(city, run) if run else None
    return render(
        request,
        "monitoring/city.html",
        {
            "city": city,
            "run": run,
            "dashboard": dashboard,
            "can_enter": permissions.can_enter_values(request.user, city),
        },
    )


@require_safe
def city_report(request: HttpRequest, city_slug: str) -> HttpResponse:
    """The city's dashboard as a printable report, with its data coverage and method."""
    city = get_city(city_slug)
    run = queries.latest_run()
    dashboard = dashboards.city_dashboard(city, run) if run else None
    coverage = []
    if run is not None:
        counts = queries.value_counts_by_city_year(run.years)
        coverage = [(year, counts.get((city.pk, year), 0)) for year in run.years]
    return render(
        request,
        "monitoring/city_report.html",
        {
            "city": city,
            "run": run,
            "dashboard": dashboard,
            "coverage": coverage,
            "spec_text": json.dumps(run.spec, indent=2) if run else "",
        },
    )


@require_safe
def city_results(request: HttpRequest, city_slug: str, fmt: str) -> HttpResponse:
    """The city's scores and ranks in the network's latest run, as CSV or XLSX."""
    city = get_city(city_slug)
    run = queries.latest_run()
    if run is None:
        raise PageNotFound(_("The network has not built its index yet."))
    rows = exports.run_rows(run, city)
    name = f"{city.slug}-index-{run.created_at:%Y%m%d}"
    if fmt == "xlsx":
        return xlsx_response([(_("Results"), rows)], f"{name}.xlsx")
    return csv_response(rows, f"{name}.csv")


@login_required
@require_safe
def preview(request: HttpRequest, city_slug: str) -> HttpResponse:
    """A city coordinator's preview of the index with the city's values as they stand,
    drafts included; built on request, never stored or published (see ``preview``)."""
    city = get_city(city_slug)
    require(permissions.can_preview_index(request.user, city))
    stored_years = for_city(IndicatorValue, city).values_list("year", flat=True).distinct()
    network_years = queries.validated_years()
    choices = sorted({*recent_years(4), *network_years, *stored_years.order_by()})[-8:]
    # Offered first: the latest years the other cities have validated values for.
    usual = [year for year in choices if year in network_years][-4:] or choices[-4:]
    asked = "years" in request.GET
    form = PreviewForm(
        request.GET if asked else None, year_choices=choices, initial={"years": usual}
    )
    built = None
    if asked and form.is_valid():
        try:
            built = build_preview(city, form.cleaned_data["years"])
        except InvalidInput as error:
            show_problems(form, error)
    chart = None
    if built is not None:
        chart = charts.bar_chart(
            [charts.Bar(area.name, area.score, area.median) for area in built.areas],
            chart_id="chart-preview",
            title=_("%(city)s: preview of the scores by %(level)s, %(year)s")
            % {"city": city.name, "level": built.area_level.lower(), "year": built.latest.year},
            description=_(
                "Bars show the city's score from 0 to 100 in this preview; the dark tick "
                "on each bar is the median of the cities. The table below gives the numbers."
            ),
        )
    return render(
        request,
        "monitoring/preview.html",
        {"city": city, "form": form, "preview": built, "chart": chart},
    )


def _main_framework(city: City) -> Framework | None:
    """The default framework as this city sees it (with its local indicators)."""
    default = queries.default_framework()
    if default is None:
        return None
    return queries.extension_of(city, default) or default


@require_safe
def indicator(request: HttpRequest, city_slug: str, code: str) -> HttpResponse:
    city = get_city(city_slug)
    drafts = permissions.can_see_drafts(request.user, city)
    page = dashboards.indicator_page(
        city,
        code,
        years=recent_years(),
        values_visible=drafts or permissions.can_see_values(request.user, city),
        include_drafts=drafts,
    )
    return render(
        request, "monitoring/indicator.html", {"city": city, "page": page, "can_enter": drafts}
    )


@require_safe
def derived(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    years = recent_years()
    available = [key for key, item in DERIVED.items() if item.available]
    found = derived_values(city, available, years)
    rows = [(item, [found.get((key, year)) for year in years]) for key, item in DERIVED.items()]
    return render(request, "monitoring/derived.html", {"city": city, "years": years, "rows": rows})


@require_safe
def framework(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    main = _main_framework(city)
    own = list(queries.city_frameworks(city).filter(base__isnull=True))
    nodes = queries.effective_nodes(main) if main else []
    return render(
        request,
        "monitoring/framework.html",
        {
            "city": city,
            "framework": main,
            "tree": queries.build_tree(nodes, main.pk if main and main.base_id else None),
            "own_frameworks": own,
            "can_edit": permissions.can_enter_values(request.user, city),
            "export_url": "monitoring:framework_imeta",
        },
    )


@require_safe
def framework_imeta(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    main = _main_framework(city)
    if main is None:
        return redirect("monitoring:framework", city_slug=city.slug)
    return imeta_response(queries.effective_rows(main), f"{city.slug}-{main.slug}-iMeta.csv")


@require_safe
def own_framework(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city = get_city(city_slug)
    found = framework_or_404(queries.city_frameworks(city).filter(base__isnull=True), slug)
    nodes = queries.effective_nodes(found)
    return render(
        request,
        "monitoring/framework.html",
        {
            "city": city,
            "framework": found,
            "tree": queries.build_tree(nodes),
            "can_edit": False,
            "standalone": True,
        },
    )


@require_safe
def own_framework_imeta(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city = get_city(city_slug)
    found = framework_or_404(queries.city_frameworks(city).filter(base__isnull=True), slug)
    return imeta_response(queries.effective_rows(found), f"{city.slug}-{found.slug}-iMeta.csv")


# ---- coordinators: the framework -------------------------------------------------


@login_required
def framework_add(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    require(permissions.can_enter_values(request.user, city))
    base = queries.default_framework()
    if base is None:
        return redirect("monitoring:framework", city_slug=city.slug)
    main = queries.extension_of(city, base) or base
    form = NewIndicatorForm(*form_data(request), features=queries.feature_nodes(main))
    if request.method == "POST" and form.is_valid():
        try:
            extension = services.extend_framework(actor=request.user, city=city, base=base)  # type: ignore[arg-type]
            node = services.add_indicator(
                actor=request.user,  # type: ignore[arg-type]
                framework=extension,
                parent=form.cleaned_data["parent"],
                fields=form.node_fields(),
            )
        except InvalidInput as error:
            show_problems(form, error)
        else:
            messages.success(request, _("Local indicator %(code)s added.") % {"code": node.code})
            return redirect("monitoring:framework", city_slug=city.slug)
    return render(request, "monitoring/indicator_add.html", {"city": city, "form": form})


@login_required
def framework_edit(request: HttpRequest, city_slug: str, code: str) -> HttpResponse:
    city = get_city(city_slug)
    require(permissions.can_enter_values(request.user, city))
    node = node_or_404(
        FrameworkNode.objects.filter(framework__in=queries.city_frameworks(city)), code
    )
    return edit_node_page(
        request,
        node,
        {"city": city},
        redirect_to=("monitoring:framework", {"city_slug": city.slug}),
    )


def edit_node_page(
    request: HttpRequest,
    node: FrameworkNode,
    context: dict[str, Any],
    redirect_to: tuple[str, dict[str, str]],
) -> HttpResponse:
    form = NodeForm(*form_data(request), instance=FrameworkNode.objects.get(pk=node.pk))
    if request.method == "POST" and form.is_valid():
        services.update_node(
            actor=request.user,  # type: ignore[arg-type]
            node=node,
            changes={name: form.cleaned_data[name] for name in form.changed_data},
        )
        messages.success(request, _("Saved."))
        return redirect(reverse(redirect_to[0], kwargs=redirect_to[1]))
    return render(request, "monitoring/node_edit.html", {**context, "node": node, "form": form})


@login_required
def framework_import(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    require(permissions.can_enter_values(request.user, city))
    return import_framework_page(
        request,
        city=city,
        context={"city": city},
        redirect_to=lambda imported: (
            "monitoring:own_framework",
            {"city_slug": city.slug, "slug": imported.slug},
        ),
    )


def import_framework_page(
    request: HttpRequest,
    *,
    city: City | None,
    context: dict[str, Any],
    redirect_to: Callable[[Framework], tuple[str, dict[str, str]]],
) -> HttpResponse:
    """The iMeta import form, for a city's own framework or (``city=None``) the network's."""
    form = ImportFrameworkForm(*form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            imported = services.import_framework(
                actor=request.user,  # type: ignore[arg-type]
                content=form.cleaned_data["file"].read(),
                name=form.cleaned_data["name"],
                slug=form.cleaned_data["slug"],
                city=city,
            )
        except InvalidInput as error:
            show_problems(form, error)
        else:
            messages.success(request, _("Framework imported."))
            name, kwargs = redirect_to(imported)
            return redirect(reverse(name, kwargs=kwargs))
    return render(request, "monitoring/framework_import.html", {**context, "form": form})


# ---- coordinators: values --------------------------------------------------------


@login_required
def data(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    require(permissions.can_enter_values(request.user, city))
    stored = queries.values_for_city(city, include_drafts=True)
    years = sorted({*recent_years(), *stored.values_list("year", flat=True).order_by().distinct()})[
        -6:
    ]
    sections = queries.entry_sections(city)
    # One area at a time keeps the page small (every cell is a link).
    section = next((each for each in sections if each.key == request.GET.get("part")), None)
    section = section or (sections[0] if sections else None)
    indicators = section.indicators if section else []
    values = {
        (value.indicator_id, value.year): value
        for value in stored.filter(year__in=years, indicator__in=indicators)
    }
    rows = [(node, [(year, values.get((node.pk, year))) for year in years]) for node in indicators]
    drafts = for_city(IndicatorValue, city).filter(status=ValueStatus.DRAFT).count()
    return render(
        request,
        "monitoring/data.html",
        {
            "city": city,
            "years": years,
            "rows": rows,
            "drafts": drafts,
            "sections": sections,
            "section": section,
        },
    )


@login_required
def value_entry(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    require(permissions.can_enter_values(request.user, city))
    indicators = queries.entry_indicators(city)
    form = ValueForm(
        *form_data(request), indicators=indicators, initial=_entry_initial(request, city)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_value(
                actor=request.user,  # type: ignore[arg-type]
                city=city,
                **form.cleaned_data,
            )
        except InvalidInput as error:
            show_problems(form, error)
        else:
            messages.success(request, _("Value saved."))
            return redirect("monitoring:data", city_slug=city.slug)
    return render(request, "monitoring/value_entry.html", {"city": city, "form": form})


def _entry_initial(request: HttpRequest, city: City) -> dict[str, Any]:
    """Prefill from ``?indicator=<id>&year=<year>``, with the stored value if any."""
    initial: dict[str, Any] = {"status": ValueStatus.DRAFT}
    indicator_id, year = request.GET.get("indicator", ""), request.GET.get("year", "")
    if not (indicator_id.isdigit() and year.isdigit()):
        return initial
    initial.update(indicator=int(indicator_id), year=int(year))
    stored = for_city(IndicatorValue, city).filter(indicator_id=int(indicator_id), year=int(year))
    existing = stored.first()
    if existing is not None:
        initial.update(
            value=existing.value, source=existing.source, note=existing.note, status=existing.status
        )
    return initial


@login_required
def validate(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    require(permissions.can_enter_values(request.user, city))
    drafts = list(
        for_city(IndicatorValue, city)
        .filter(status=ValueStatus.DRAFT)
        .select_related("indicator", "entered_by")
        .order_by("year", "indicator__position")
    )
    form = ValidateForm(
        *form_data(request), choices=[(str(value.pk), _draft_label(value)) for value in drafts]
    )
    if request.method == "POST" and form.is_valid():
        count = services.validate_values(
            actor=request.user,  # type: ignore[arg-type]
            city=city,
            value_ids=[int(pk) for pk in form.cleaned_data["values"]],
        )
        messages.success(
            request,
            ngettext("%(count)s value validated.", "%(count)s values validated.", count)
            % {"count": count},
        )
        return redirect("monitoring:data", city_slug=city.slug)
    return render(
        request, "monitoring/validate.html", {"city": city, "form": form, "drafts": drafts}
    )


def _draft_label(value: IndicatorValue) -> str:
    """A draft as a coordinator reads it: name and unit in their language, the number
    in their notation."""
    return _("%(code)s %(name)s in %(year)s: %(value)s %(unit)s") % {
        "code": value.indicator.code,
        "name": value.indicator.label,
        "year": value.year,
        "value": plain_number(value.value),
        "unit": value.indicator.unit_label,
    }


@login_required
def import_values(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    require(permissions.can_enter_values(request.user, city))
    choices = {str(f.pk): f for f in queries.frameworks_for_city(city)}
    form = ImportValuesForm(
        *form_data(request),
        framework_choices=[(pk, f.name) for pk, f in choices.items()],
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = services.import_values(
                actor=request.user,  # type: ignore[arg-type]
                city=city,
                framework=choices[form.cleaned_data["framework"]],
                content=upload.read(),
                filename=upload.name,
                status=form.cleaned_data["status"],
                source=form.cleaned_data["source"],
                default_year=form.cleaned_data["year"],
            )
        except InvalidInput as error:
            show_problems(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Imported: %(created)s new value, %(updated)s changed.",
                    "Imported: %(created)s new values, %(updated)s changed.",
                    summary.created,
                )
                % {"created": summary.created, "updated": summary.updated},
            )
            return redirect("monitoring:data", city_slug=city.slug)
    return render(request, "monitoring/import_values.html", {"city": city, "form": form})


@login_required
@require_safe
def export_values(request: HttpRequest, city_slug: str, fmt: str) -> HttpResponse:
    city = get_city(city_slug)
    require(permissions.can_see_values(request.user, city))
    values = list(
        queries.values_for_city(
            city, include_drafts=permissions.can_see_drafts(request.user, city)
        ).order_by("indicator__framework_id", "indicator__position", "year")
    )
    idata = exports.idata_rows(city, values)
    name = f"{city.slug}-indicator-values"
    if fmt == "xlsx":
        return xlsx_response(
            [("iData", idata), (_("Provenance"), exports.provenance_rows(values))], f"{name}.xlsx"
        )
    return csv_response(idata, f"{name}.csv")

"""Outreach pages (``/<city-slug>/outreach/...``): the public timetable and the
coordinator's planning desk. Views stay thin: access check (``permissions``), then a
selector or a service, then the template."""

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from learningcity.catalogue.models import LearningSite, SiteKind
from learningcity.core.forms import show_service_errors
from learningcity.core.models import City, District, User
from learningcity.core.permissions import require
from learningcity.core.tenancy import for_city, get_city, get_in_city

from . import calendars, permissions, planner, selectors, services
from .forms import DAYS, CancelForm, ImportForm, NearForm, PlanForm, PublishForm, VehicleForm
from .models import CandidateStop, DemandBlock, PlanRun, Vehicle, Visit

DAY_NAMES = dict(DAYS)
DEFAULT_DESERT_RADIUS = 800


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _coordinator_city(request: HttpRequest, city_slug: str) -> City:
    city = get_city(city_slug)
    require(permissions.can_plan_outreach(request.user, city))
    return city


# ---- public pages --------------------------------------------------------------------


@require_safe
def timetable(request: HttpRequest, city_slug: str) -> HttpResponse:
    """The next visits near a place: a district, a place's name, or the visitor's
    location (lat/lng, filled by "Use where I am" where the browser can)."""
    city = get_city(city_slug)
    form = NearForm(request.GET or None, city=city)
    rows: list[selectors.StopRow] = []
    searched = bool(request.GET)
    origin: str = ""
    not_found = False
    district: District | None = None
    if form.is_valid():
        data = form.cleaned_data
        district = form.districts.get(data["district"] or "")
        lat, lng = data.get("lat"), data.get("lng")
        if lat is not None and lng is not None:
            origin = _("where you are")
        elif data["near"]:
            place = selectors.find_place(city, data["near"])
            if place is None:
                not_found = True
            else:
                lat, lng, origin = place.latitude, place.longitude, place.name
        elif district is not None:
            lat, lng, origin = district.latitude, district.longitude, district.name
        if not not_found:
            rows = selectors.nearest_stops(city, lat, lng, district if data["district"] else None)
    elif not searched:
        rows = selectors.nearest_stops(city, None, None, None)
    return render(
        request,
        "outreach/timetable.html",
        {
            "city": city,
            "form": form,
            "rows": rows,
            "searched": searched,
            "origin": origin,
            "not_found": not_found,
            "districts": list(for_city(District, city)),
            "map_points": [
                {
                    "name": row.site.name,
                    "lat": row.site.latitude,
                    "lng": row.site.longitude,
                    "url": reverse("outreach:stop", args=[city.slug, row.site.slug]),
                }
                for row in rows
                if row.site.latitude is not None
            ],
        },
    )


def _stop_site(city: City, slug: str) -> LearningSite:
    return get_in_city(
        LearningSite.objects.filter(kind=SiteKind.MOBILE_LIBRARY_STOP).select_related("district"),
        city,
        slug=slug,
    )


@require_safe
def stop(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city = get_city(city_slug)
    site = _stop_site(city, slug)
    visits = list(selectors.upcoming(city).filter(site=site).order_by("starts_at")[:20])
    learning = selectors.learning_at(city, site)
    return render(
        request,
        "outreach/stop.html",
        {
            "city": city,
            "site": site,
            "visits": visits,
            "cancelled": [v for v in visits if v.is_cancelled],
            "learning": learning,
            "can_cancel": permissions.can_cancel_visit(request.user, city),
            "map_points": [{"name": site.name, "lat": site.latitude, "lng": site.longitude}]
            if site.latitude is not None
            else [],
        },
    )


@require_safe
def stop_calendar(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city = get_city(city_slug)
    site = _stop_site(city, slug)
    since = timezone.now() - calendars.KEEP_PAST
    visits = list(for_city(Visit, city).filter(site=site, ends_at__gte=since).order_by("starts_at"))
    response = HttpResponse(
        calendars.stop_calendar(site, visits), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{site.slug}.ics"'
    return response


@require_safe
def print_district(request: HttpRequest, city_slug: str, district_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    district = get_in_city(District, city, slug=district_slug)
    sites = list(selectors.stop_sites(city).filter(district=district))
    horizon = timezone.now() + calendars.PRINTED_AHEAD
    visits = (
        selectors.upcoming(city)
        .filter(site__in=sites, starts_at__lte=horizon)
        .order_by("site__name", "starts_at")
    )
    by_site: dict[int, list[Visit]] = {}
    for visit in visits:
        by_site.setdefault(visit.site_id, []).append(visit)
    return render(
        request,
        "outreach/print.html",
        {
            "city": city,
            "district": district,
            "rows": [(site, by_site.get(site.pk, [])) for site in sites],
            "printed": timezone.localdate(timezone=city.tzinfo),
        },
    )


# ---- the coordinator's desk -------------------------------------------------------------


@login_required
@require_safe
def desk(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _coordinator_city(request, city_slug)
    return render(
        request,
        "outreach/desk.html",
        {
            "city": city,
            "blocks": for_city(DemandBlock, city).count(),
            "candidates": for_city(CandidateStop, city).count(),
            "vehicles": for_city(Vehicle, city),
            "runs": for_city(PlanRun, city)[:10],
            "visits": selectors.upcoming(city).order_by("starts_at")[:30],
            "day_names": DAY_NAMES,
        },
    )


@login_required
def import_places(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _coordinator_city(request, city_slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        kind = form.cleaned_data["kind"]
        count, errors = services.import_places(
            actor=_actor(request), city=city, kind=kind, data=upload.read(), file_name=upload.name
        )
        if not errors:
            messages.success(
                request,
                ngettext("%(count)s row imported.", "%(count)s rows imported.", count)
                % {"count": count},
            )
            return redirect("outreach:desk", city.slug)
    return render(
        request,
        "outreach/import.html",
        {"city": city, "form": form, "errors": errors[:200], "error_count": len(errors)},
        status=422 if errors else 200,
    )


@login_required
@require_safe
def deserts(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _coordinator_city(request, city_slug)
    try:
        radius = int(request.GET.get("radius", DEFAULT_DESERT_RADIUS))
    except ValueError:
        radius = DEFAULT_DESERT_RADIUS
    problem = not 50 <= radius <= 20_000
    if problem:
        radius = DEFAULT_DESERT_RADIUS
    return render(
        request,
        "outreach/deserts.html",
        {
            "city": city,
            "table": selectors.desert_table(city, radius),
            "radius_problem": problem,
            "uses_blocks": for_city(DemandBlock, city).exists(),
        },
    )


@login_required
def vehicle_add(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _coordinator_city(request, city_slug)
    form = VehicleForm(
        request.POST or None,
        initial={"depot_latitude": city.latitude, "depot_longitude": city.longitude},
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.create_vehicle(actor=_actor(request), city=city, fields=fields)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Vehicle added."))
            return redirect("outreach:desk", city.slug)
    return render(
        request,
        "outreach/vehicle_form.html",
        {"city": city, "form": form},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def vehicle_delete(request: HttpRequest, city_slug: str, vehicle_id: int) -> HttpResponse:
    city = _coordinator_city(request, city_slug)
    vehicle = get_in_city(Vehicle, city, pk=vehicle_id)
    services.delete_vehicle(actor=_actor(request), vehicle=vehicle)
    messages.success(request, _("Vehicle removed."))
    return redirect("outreach:desk", city.slug)


@login_required
def plan(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _coordinator_city(request, city_slug)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_plan_run(
                actor=_actor(request), city=city, parameters=form.parameters()
            )
        except planner.PlanProblem as problem:
            form.add_error(None, str(problem))
        else:
            return redirect("outreach:run", city.slug, run.public_id)
    return render(
        request,
        "outreach/plan_form.html",
        {
            "city": city,
            "form": form,
            "candidates": for_city(CandidateStop, city).count(),
            "vehicles": for_city(Vehicle, city).count(),
        },
        status=422 if form.errors else 200,
    )


def _run(city: City, run_id: str) -> PlanRun:
    return get_in_city(PlanRun, city, public_id=run_id)


@login_required
def run_detail(request: HttpRequest, city_slug: str, run_id: str) -> HttpResponse:
    city = _coordinator_city(request, city_slug)
    run = _run(city, run_id)
    result = run.result or {}
    routes = [
        {**route, "day_name": DAY_NAMES.get(route["day"], "")} for route in result.get("routes", [])
    ]
    if run.is_running and request.headers.get("HX-Request"):
        # htmx asks every 2 s while the plan is solving; once it is done the whole page
        # is loaded again (HX-Refresh), as the result has a map and forms of its own.
        return render(request, "outreach/_run_progress.html", {"city": city, "run": run})
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "outreach/run.html",
        {
            "city": city,
            "run": run,
            "result": result,
            "routes": routes,
            "params": run.parameters,
            "publish_form": PublishForm(),
            "gap_percent": 100 * float(result.get("gap", 0.0)),
            # Said in the reader's language (the worker that solved it has none).
            "unserved": [
                {**u, "message": planner.unserved_message(u["reason"], u["name"])}
                for u in result.get("unserved", [])
            ],
            "map_points": [
                {"name": stop["name"], "lat": stop["lat"], "lng": stop["lon"]}
                for stop in result.get("chosen", [])
            ],
        },
    )


@login_required
@require_POST
def run_publish(request: HttpRequest, city_slug: str, run_id: str) -> HttpResponse:
    city = _coordinator_city(request, city_slug)
    run = _run(city, run_id)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            count = services.publish_run(
                actor=_actor(request), run=run, weeks=form.cleaned_data["weeks"]
            )
        except ValidationError as error:
            for problem in error.messages:
                messages.error(request, problem)
        else:
            messages.success(
                request,
                ngettext(
                    "Published: %(count)s visit is in the timetable.",
                    "Published: %(count)s visits are in the timetable.",
                    count,
                )
                % {"count": count},
            )
            return redirect("outreach:desk", city.slug)
    else:
        messages.error(
            request, _("Publish between 1 and %(max)s weeks.") % {"max": services.MAX_WEEKS}
        )
    return redirect("outreach:run", city.slug, run.public_id)


@login_required
def visit_cancel(request: HttpRequest, city_slug: str, visit_id: str) -> HttpResponse:
    city = get_city(city_slug)
    require(permissions.can_cancel_visit(request.user, city))
    visit = get_in_city(Visit.objects.select_related("site"), city, public_id=visit_id)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sessions = services.cancel_visit(
                actor=_actor(request), visit=visit, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The visit is cancelled; residents see the notice."))
            if sessions:
                messages.info(
                    request,
                    ngettext(
                        "%(count)s learning session at the stop during the visit is cancelled "
                        "too; the people enrolled are told.",
                        "%(count)s learning sessions at the stop during the visit are cancelled "
                        "too; the people enrolled are told.",
                        sessions,
                    )
                    % {"count": sessions},
                )
            return redirect("outreach:stop", city.slug, visit.site.slug)
    return render(
        request,
        "outreach/cancel.html",
        {"city": city, "visit": visit, "form": form},
        status=422 if form.errors else 200,
    )

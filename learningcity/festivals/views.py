"""Public pages of a festival: the list of a city's festivals, the programme (filters,
days, a map beside the list), its print version and PDF booklet, the calendar feed
and the figures. Mounted at ``/<city>/festivals/``."""

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from learningcity.catalogue.models import TargetGroup, Topic
from learningcity.core import permissions as core_permissions
from learningcity.core.dates import format_when
from learningcity.core.models import City
from learningcity.core.richtext import render_markdown
from learningcity.core.tenancy import for_city, get_city, get_in_city

from . import calendars, figures, permissions, programme, services
from .models import Festival, FestivalStatus, PrintStatus, ProgrammePrint

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)


def city_page(
    view: Callable[Concatenate[HttpRequest, City, P], R],
) -> Callable[..., R]:
    """Resolve ``city_slug`` (404 if unknown); show times in the city's time zone."""

    @wraps(view)
    def wrapper(request: HttpRequest, city_slug: str, *args: P.args, **kwargs: P.kwargs) -> R:
        city = get_city(city_slug)
        with timezone.override(city.tzinfo):
            return view(request, city, *args, **kwargs)

    return wrapper


def get_festival(request: HttpRequest, city: City, slug: str) -> Festival:
    """The festival at this address in this city; a draft only for its coordinators."""
    festival = get_in_city(Festival.objects.select_related("city"), city, slug=slug)
    if not permissions.can_see_festival(request.user, festival):
        raise Http404
    return festival


@require_safe
@city_page
def festival_list(request: HttpRequest, city: City) -> HttpResponse:
    festivals = list(for_city(Festival, city).exclude(status=FestivalStatus.DRAFT))
    return render(
        request,
        "festivals/list.html",
        {
            "city": city,
            "upcoming": [festival for festival in festivals if not festival.has_ended],
            "past": [festival for festival in festivals if festival.has_ended],
            "can_manage": permissions.can_manage_festivals(request.user, city),
            "is_provider": permissions.submitting_providers(request.user, city).exists(),
        },
    )


@require_safe
@city_page
def programme_page(request: HttpRequest, city: City, slug: str) -> HttpResponse:
    festival = get_festival(request, city, slug)
    chosen = programme.read_filters(festival, request.GET)
    filters = chosen.filters
    events = programme.matching(festival, filters).order_by("starts_at", "id")
    days = programme.day_counts(festival, filters)
    total = sum(count for day, count in days if not filters.day or day == filters.day)
    paginator = Paginator(range(total), programme.PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    offset = (page_obj.number - 1) * programme.PAGE_SIZE
    found = list(programme.rows(events[offset : offset + programme.PAGE_SIZE]))
    base = reverse("festivals:programme", args=[city.slug, festival.slug])
    query = filters.query()
    return render(
        request,
        "festivals/programme.html",
        {
            "city": city,
            "festival": festival,
            "filters": filters,
            "problems": chosen.problems,
            # Labels and links made once here: the day list shows twice on the page.
            "days": [
                (
                    day.isoformat(),
                    format_when(day),
                    count,
                    f"{base}?{filters.query(day=day)}",
                    day == filters.day,
                )
                for day, count in days
            ],
            "all_days_url": f"{base}?{filters.query(day=None)}",
            "total": total,
            "groups_html": programme.groups_html(
                programme.group_by_day(found),
                reverse("catalogue:opportunity", args=[city.slug, "-"])[:-2],
                f"{base}?{filters.query(place=None)}",
            ),
            "page_obj": page_obj,
            "query_without_page": f"{query}&" if query else "",
            "map_points": programme.map_points(
                found, lambda row: f"{base}?{filters.query(place=None)}&place={row.place_slug}"
            ),
            "place_link_base": f"{base}?{filters.query(place=None)}",
            "districts": _districts_in(festival),
            "topics": Topic.choices,
            "audiences": TargetGroup.choices,
            "description_html": _description_html(festival.description),
            "can_manage": permissions.can_manage_festivals(request.user, city),
            "can_see_figures": permissions.can_see_figures(request.user, festival),
        },
    )


@lru_cache(maxsize=64)
def _description_html(text: str) -> SafeString:
    """Markdown is rendered and sanitised once per wording (a few ms each time)."""
    return render_markdown(text)


def _districts_in(festival: Festival) -> list[tuple[str, str]]:
    """The districts that have a place in the programme (for the filter)."""
    return list(
        festival.events.exclude(district=None)
        .order_by("district__name")
        .values_list("district__slug", "district__name")
        .distinct()
    )


@require_safe
@city_page
def print_page(request: HttpRequest, city: City, slug: str) -> HttpResponse:
    """The whole programme on one page, laid out for printing (print stylesheet)."""
    festival = get_festival(request, city, slug)
    days = programme.booklet_days(festival)
    return render(
        request,
        "festivals/print.html",
        {
            "city": city,
            "festival": festival,
            "days": days,
            "event_count": sum(len(day.events) for day in days),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@city_page
def booklet_page(request: HttpRequest, city: City, slug: str) -> HttpResponse:
    """The PDF booklet: ready to download, or being prepared (this page updates by
    itself, with a meta refresh without JavaScript, htmx with it)."""
    festival = get_festival(request, city, slug)
    language = translation.get_language() or "en"
    if request.method == "POST":
        services.request_programme_print(festival=festival, language=language)
        return redirect("festivals:booklet", city_slug=city.slug, slug=festival.slug)
    job = services.current_print(festival, language)
    if job is not None:
        job = services.revive_stalled_print(job)
    failed = (
        ProgrammePrint.objects.filter(
            festival=festival, language=language, stamp=services.programme_stamp(festival)
        )
        .filter(status=PrintStatus.FAILED)
        .exists()
    )
    context = {"city": city, "festival": festival, "job": job, "failed": failed}
    if request.headers.get("HX-Request"):
        return render(request, "festivals/_booklet_status.html", context)
    return render(request, "festivals/booklet.html", context)


@require_safe
@city_page
def booklet_file(request: HttpRequest, city: City, slug: str) -> HttpResponseBase:
    festival = get_festival(request, city, slug)
    job = services.current_print(festival, translation.get_language() or "en")
    if job is None or job.status != PrintStatus.DONE or not job.file:
        messages.info(request, _("The printable programme is not ready yet."))
        return redirect("festivals:booklet", city_slug=city.slug, slug=festival.slug)
    response = FileResponse(
        job.file.open("rb"),
        content_type="application/pdf",
        filename=f"{festival.slug}-{job.language}.pdf",
    )
    return response


@require_safe
@city_page
def calendar_feed(request: HttpRequest, city: City, slug: str) -> HttpResponse:
    festival = get_festival(request, city, slug)
    response = HttpResponse(
        calendars.festival_calendar(festival), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{festival.slug}.ics"'
    return response


def _figures_festival(request: HttpRequest, city: City, slug: str) -> Festival:
    festival = get_festival(request, city, slug)
    core_permissions.require(permissions.can_see_figures(request.user, festival))
    return festival


@require_safe
@city_page
def figures_page(request: HttpRequest, city: City, slug: str) -> HttpResponse:
    festival = _figures_festival(request, city, slug)
    context: dict[str, Any] = {
        "city": city,
        "festival": festival,
        "figures": figures.festival_figures(festival),
    }
    return render(request, "festivals/figures.html", context)


@require_safe
@city_page
def figures_csv(request: HttpRequest, city: City, slug: str) -> HttpResponse:
    festival = _figures_festival(request, city, slug)
    response = HttpResponse(
        figures.figures_csv(figures.festival_figures(festival)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{festival.slug}-figures.csv"'
    return response

"""The public, read-only JSON API: opportunities (with the finder's filters),
sessions, learning sites and providers of a city.

Built with django-ninja: query parameters are read into the pydantic models of
``api_schemas`` (types, ranges and choices checked there), answers are those models,
and the OpenAPI 3.1 document (``/api/v1/openapi.json``) and the interactive docs page
(``/api/v1/docs``) are generated from the same code. Only published records of the
city in the address are read, through ``core.tenancy``. Nothing personal is ever
included: no enrolments, and no contact details of people.
"""

import dataclasses
import math
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import NinjaAPI, Path, Query, Router
from ninja.errors import ValidationError
from ninja.openapi.docs import Swagger
from ninja.renderers import JSONRenderer

from learningcity.core.models import City
from learningcity.core.tenancy import for_city, get_city, get_in_city
from learningcity.engines.search import Point, Sort

from . import forms_finder, schedule, search
from .api_schemas import (
    SLUG_PATTERN,
    DateOut,
    DistrictRef,
    ErrorOut,
    OpportunityDetailOut,
    OpportunityFilters,
    OpportunityOut,
    OpportunityPage,
    PageFilters,
    ProviderFilters,
    ProviderOut,
    ProviderPage,
    ProviderRef,
    SessionFilters,
    SessionOut,
    SessionPage,
    SiteFilters,
    SiteOut,
    SitePage,
    SiteRef,
)
from .models import (
    ACCESSIBILITY,
    TARGET_GROUPS,
    TIMES_OF_DAY,
    TOPICS,
    WEEKDAYS,
    LearningSite,
    Opportunity,
    Provider,
    Session,
)

API_VERSION = "1.0.0"
UPCOMING_DATES = 5
# Every operation can answer with these besides 200: schemathesis and clients see
# that a refusal (lat without lng, NUL characters, an unknown district…) is expected.
ERRORS: dict[int, type[ErrorOut]] = {400: ErrorOut, 404: ErrorOut}

Row = TypeVar("Row")


class BadRequest(Exception):
    """Input that cannot be used, with one message per parameter."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(problems)
        self.problems = problems


class PlainJSONRenderer(JSONRenderer):
    # JSON is UTF-8 by definition (RFC 8259): no escaping of non-ASCII text.
    json_dumps_params = {"ensure_ascii": False}


class CatalogueAPI(NinjaAPI):
    """NinjaAPI with the project's conventions: ``application/json`` answers that any
    web page may read (CORS ``*``: public, read-only data), HEAD answered like GET, and
    an OpenAPI document tidied for query parameters (see ``_tidy_parameter``)."""

    _document: dict[str, Any] | None = None

    def get_content_type(self) -> str:
        return "application/json"

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        response["Access-Control-Allow-Origin"] = "*"
        return response

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        # The document depends on code only: build it once per process.
        if self._document is None:
            document = dict(
                super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
            )
            for operations in document["paths"].values():
                # HEAD is GET without a body (RFC 9110 9.3.2); listing it again would
                # repeat every operation id.
                operations.pop("head", None)
                for operation in operations.values():
                    operation["parameters"] = [
                        _tidy_parameter(parameter) for parameter in operation["parameters"]
                    ]
            document.pop("servers", None)
            self._document = document
        return self._document


def _tidy_parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent or has a value, never ``null``: drop pydantic's
    ``anyOf [..., null]``, titles and the copy of the description inside the schema."""
    schema = dict(parameter["schema"])
    options = schema.pop("anyOf", None)
    if options:
        real = [option for option in options if option != {"type": "null"}]
        schema = {**real[0], **schema} if len(real) == 1 else {**schema, "anyOf": real}
    for key in ("title", "description"):
        schema.pop(key, None)
    if schema.get("default", 0) is None:
        del schema["default"]
    tidy = {**parameter, "schema": schema}
    if schema.get("type") == "array":
        tidy |= {"style": "form", "explode": True}
    return tidy


def _public_docs(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The OpenAPI document is public too: readable from other sites."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped


api = CatalogueAPI(
    title="learningcity public API",
    version=API_VERSION,
    description=(
        "Read-only data of each learning city's catalogue: opportunities (with the "
        "finder's filters), sessions, learning sites and providers. No personal data is "
        "published. Unusable input (a value out of range or not among the choices, a NUL "
        "character in text, `lat` without `lng`) is answered with 400 and one message "
        "per parameter."
    ),
    urls_namespace="catalogue_api",
    renderer=PlainJSONRenderer(),
    # Swagger UI from ninja's own static files (no CDN); its page has no inline script.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url="/docs",
    docs_decorator=_public_docs,
)
router = Router()

CITY_SLUG = Path(..., pattern=SLUG_PATTERN, description="The city's address name, e.g. medellin.")
RECORD_SLUG = Path(..., pattern=SLUG_PATTERN, description="The record's slug.")


@api.exception_handler(BadRequest)
def _bad_request(request: HttpRequest, error: BadRequest) -> HttpResponse:
    return api.create_response(request, {"errors": error.problems}, status=400)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """pydantic's errors as one message per parameter, named as in the address (a
    location is like ``("query", "filters", "topic", 0)``: the parameter is the last
    name in it)."""
    problems: dict[str, str] = {}
    for problem in error.errors:
        names = [part for part in problem.get("loc", ()) if isinstance(part, str)]
        problems.setdefault(names[-1] if names else "query", str(problem.get("msg", "")))
    return api.create_response(request, {"errors": problems}, status=400)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    message = str(error.args[0]) if error.args else "Not found."
    return api.create_response(request, {"errors": {"path": message}}, status=404)


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any other address under the API: a JSON 404, like an unknown record."""
    return _not_found(request, Http404("No such address in this API."))


# -- building the answers -------------------------------------------------------------


def _provider_ref(provider: Provider) -> ProviderRef:
    return ProviderRef(slug=provider.slug, name=provider.name)


def _site_ref(site: LearningSite | None) -> SiteRef | None:
    if site is None:
        return None
    district = site.district
    return SiteRef(
        slug=site.slug,
        name=site.name,
        district=DistrictRef(slug=district.slug, name=district.name) if district else None,
        latitude=site.latitude,
        longitude=site.longitude,
    )


def _opportunity_fields(
    request: HttpRequest, city: City, opportunity: Opportunity, distance: float | None
) -> dict[str, Any]:
    where = {"city_slug": city.slug, "slug": opportunity.slug}
    return {
        "slug": opportunity.slug,
        "title": opportunity.title,
        "kind": opportunity.kind,
        "format": opportunity.format,
        "level": opportunity.level,
        "cost": opportunity.cost,
        "fee": None if opportunity.fee is None else str(opportunity.fee),
        "languages": [code for code in opportunity.languages if isinstance(code, str)],
        "topics": TOPICS.to_values(opportunity.topics),
        "target_groups": TARGET_GROUPS.to_values(opportunity.target_groups),
        "accessibility": ACCESSIBILITY.to_values(opportunity.accessibility),
        "min_age": opportunity.min_age,
        "max_age": opportunity.max_age,
        "next_start": opportunity.next_start.isoformat() if opportunity.next_start else None,
        "weekdays": WEEKDAYS.to_values(opportunity.weekdays),
        "times_of_day": TIMES_OF_DAY.to_values(opportunity.times_of_day),
        "provider": _provider_ref(opportunity.provider),
        "site": _site_ref(opportunity.site),
        "distance_km": distance,
        "page_url": request.build_absolute_uri(reverse("catalogue:opportunity", kwargs=where)),
        "api_url": request.build_absolute_uri(reverse("catalogue_api:opportunity", kwargs=where)),
    }


def _session_out(request: HttpRequest, city: City, session: Session, now: datetime) -> SessionOut:
    dates = schedule.occurrences(
        session, city.tzinfo, start=now, end=now + schedule.HORIZON, limit=UPCOMING_DATES
    )
    slug = session.opportunity.slug
    return SessionOut(
        id=str(session.public_id),
        opportunity=slug,
        starts_at=session.starts_at.isoformat(),
        ends_at=session.ends_at.isoformat(),
        recurrence=session.recurrence,
        site=session.site.slug if session.site else None,
        capacity=session.capacity,
        live_url=session.live_url,
        recording_url=session.recording_url,
        is_cancelled=session.is_cancelled,
        upcoming=[
            DateOut(starts_at=date.starts_at.isoformat(), ends_at=date.ends_at.isoformat())
            for date in ([] if session.is_cancelled else dates)
        ],
        calendar_url=request.build_absolute_uri(
            reverse("catalogue:opportunity_calendar", kwargs={"city_slug": city.slug, "slug": slug})
        ),
    )


def _site_out(site: LearningSite) -> SiteOut:
    ref = _site_ref(site)
    assert ref is not None
    return SiteOut(
        slug=site.slug,
        name=site.name,
        kind=site.kind,
        address=site.address,
        district=ref.district,
        latitude=site.latitude,
        longitude=site.longitude,
        opening_hours=site.opening_hours,
        accessibility=ACCESSIBILITY.to_values(site.accessibility),
        public_transport=site.public_transport,
        provider=_provider_ref(site.provider) if site.provider else None,
    )


def _provider_out(provider: Provider) -> ProviderOut:
    return ProviderOut(
        slug=provider.slug,
        name=provider.name,
        sector=provider.sector,
        description=provider.description,
        website=provider.website,
        is_verified=provider.is_verified,
    )


def _page_links(request: HttpRequest, page: int, pages: int) -> tuple[str | None, str | None]:
    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return (link(page + 1) if page < pages else None, link(page - 1) if page > 1 else None)


def _paginate(
    request: HttpRequest,
    queryset: "QuerySet[Any]",
    params: PageFilters,
    convert: Callable[[Any], Row],
) -> dict[str, Any]:
    """The fields of a page of ``queryset``; a page past the end shows the last one."""
    paginator = Paginator(queryset, params.page_size)
    number = min(params.page or 1, max(paginator.num_pages, 1))
    following, previous = _page_links(request, number, paginator.num_pages)
    return {
        "count": paginator.count,
        "page": number,
        "page_size": params.page_size,
        "pages": paginator.num_pages,
        "next": following,
        "previous": previous,
        "results": [convert(item) for item in paginator.page(number).object_list],
    }


# -- endpoints ------------------------------------------------------------------------


@router.api_operation(
    ["GET", "HEAD"],
    "/{slug:city_slug}/opportunities/",
    response={200: OpportunityPage, **ERRORS},
    url_name="opportunities",
    operation_id="listOpportunities",
    summary="Find opportunities",
    description=(
        "Published opportunities matching the finder's filters, best first. Distance "
        "needs a starting point: `near`, or `lat` and `lng` together (either alone is "
        "refused with 400). District and language values are those of the city; "
        "others are refused with 400."
    ),
)
def opportunities(
    request: HttpRequest, filters: Query[OpportunityFilters], city_slug: str = CITY_SLUG
) -> OpportunityPage:
    city = get_city(city_slug)
    index = search.city_index(city)
    values = {facet.name: facet.values for facet in index.schema.facets}
    chosen = _facet_choices(filters, values)
    notices: list[str] = []
    origin = _origin(city, filters, notices, index)
    asked = forms_finder.FinderRequest(
        text=filters.q or "",
        filters=chosen,
        km=filters.km,
        when=filters.when or "",
        sort=filters.sort if filters.sort and filters.sort != Sort.BEST else "",
        age=filters.age,
        page=filters.page or 1,
    )
    query = forms_finder.to_query(
        asked,
        city=city,
        origin=origin,
        language=None,
        now=timezone.now(),
        page_size=filters.page_size,
    )
    after, before = _aware(filters.starts_after), _aware(filters.starts_before)
    if after or before:
        query = dataclasses.replace(
            query,
            starts_from=after.timestamp() if after else None,
            starts_before=before.timestamp() if before else None,
        )
    if filters.sort == Sort.BEST:
        query = dataclasses.replace(query, sort=Sort.BEST)
    outcome = search.search(city, query, index)
    pages = max(1, math.ceil(outcome.result.total / filters.page_size))
    following, previous = _page_links(request, asked.page, pages)
    return OpportunityPage(
        count=outcome.result.total,
        page=asked.page,
        page_size=filters.page_size,
        pages=pages,
        next=following,
        previous=previous,
        results=[
            OpportunityOut(
                **_opportunity_fields(request, city, match.opportunity, match.distance_km)
            )
            for match in outcome.matches
        ],
        facets={name: dict(counts) for name, counts in outcome.result.facets.items()},
        notices=notices,
    )


def _facet_choices(
    filters: OpportunityFilters, values: dict[str, tuple[str, ...]]
) -> dict[str, frozenset[str]]:
    """The chosen facet values, each checked against the city's own (districts and
    languages differ from city to city, so the document cannot list them)."""
    chosen: dict[str, frozenset[str]] = {}
    for name, allowed in values.items():
        picked = getattr(filters, name, None)
        if not picked:
            continue
        unknown = [value for value in picked if value not in allowed]
        if unknown:
            choices = ", ".join(allowed)
            raise BadRequest({name: f"Unknown value {unknown[0][:40]!r}; use one of: {choices}"})
        chosen[name] = frozenset(picked)
    return chosen


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return timezone.make_aware(moment)


def _origin(
    city: City, filters: OpportunityFilters, notices: list[str], index: search.CityIndex
) -> Point | None:
    if filters.near:
        place = search.find_place(city, filters.near, index, search.city_districts(city))
        if place is None:
            raise BadRequest({"near": "No district, site or address of this city matches."})
        return place.point
    if (filters.lat is None) != (filters.lng is None):
        raise BadRequest({"lat": "Give both lat and lng, or neither."})
    if filters.lat is not None and filters.lng is not None:
        return Point(filters.lat, filters.lng)
    if filters.km is not None:
        notices.append("km was ignored: give lat and lng or near to measure distance from.")
    return None


@router.api_operation(
    ["GET", "HEAD"],
    "/{slug:city_slug}/opportunities/{slug:slug}/",
    response={200: OpportunityDetailOut, **ERRORS},
    url_name="opportunity",
    operation_id="getOpportunity",
    summary="One opportunity with its sessions",
    description="One published opportunity with its sessions and their next dates.",
)
def opportunity(
    request: HttpRequest, city_slug: str = CITY_SLUG, slug: str = RECORD_SLUG
) -> OpportunityDetailOut:
    city = get_city(city_slug)
    found = get_in_city(
        Opportunity.objects.filter(is_published=True).select_related(
            "provider", "site", "site__district"
        ),
        city,
        slug=slug,
    )
    now = timezone.now()
    sessions = (
        for_city(Session, city).filter(opportunity=found).select_related("site", "opportunity")
    )
    return OpportunityDetailOut(
        **_opportunity_fields(request, city, found, None),
        description=found.description,
        translations=_translations(found.translations),
        outcome=found.outcome,
        capacity=found.capacity,
        co_providers=[_provider_ref(provider) for provider in found.co_providers.all()],
        sessions=[_session_out(request, city, session, now) for session in sessions],
    )


def _translations(value: Any) -> dict[str, dict[str, str]]:
    if not isinstance(value, dict):
        return {}
    return {
        str(code): {str(key): str(text) for key, text in wording.items()}
        for code, wording in value.items()
        if isinstance(wording, dict)
    }


@router.api_operation(
    ["GET", "HEAD"],
    "/{slug:city_slug}/sessions/",
    response={200: SessionPage, **ERRORS},
    url_name="sessions",
    operation_id="listSessions",
    summary="Sessions",
    description="Sessions of published opportunities, in order of their first date.",
)
def sessions(
    request: HttpRequest, filters: Query[SessionFilters], city_slug: str = CITY_SLUG
) -> SessionPage:
    city = get_city(city_slug)
    rows = (
        for_city(Session, city)
        .filter(opportunity__is_published=True)
        .select_related("site", "opportunity")
        .order_by("starts_at", "pk")
    )
    if filters.opportunity:
        rows = rows.filter(opportunity__slug=filters.opportunity)
    if not filters.include_cancelled:
        rows = rows.filter(is_cancelled=False)
    now = timezone.now()
    return SessionPage(
        **_paginate(
            request, rows, filters, lambda session: _session_out(request, city, session, now)
        )
    )


@router.api_operation(
    ["GET", "HEAD"],
    "/{slug:city_slug}/sites/",
    response={200: SitePage, **ERRORS},
    url_name="sites",
    operation_id="listSites",
    summary="Learning sites",
    description="The city's learning sites, by name.",
)
def sites(
    request: HttpRequest, filters: Query[SiteFilters], city_slug: str = CITY_SLUG
) -> SitePage:
    city = get_city(city_slug)
    rows = (
        for_city(LearningSite, city).select_related("district", "provider").order_by("name", "pk")
    )
    if filters.q:
        rows = rows.filter(name__icontains=filters.q) | rows.filter(address__icontains=filters.q)
    if filters.district:
        rows = rows.filter(district__slug=filters.district)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    return SitePage(**_paginate(request, rows, filters, _site_out))


@router.api_operation(
    ["GET", "HEAD"],
    "/{slug:city_slug}/sites/{slug:slug}/",
    response={200: SiteOut, **ERRORS},
    url_name="site",
    operation_id="getSite",
    summary="One learning site",
)
def site(request: HttpRequest, city_slug: str = CITY_SLUG, slug: str = RECORD_SLUG) -> SiteOut:
    city = get_city(city_slug)
    return _site_out(
        get_in_city(LearningSite.objects.select_related("district", "provider"), city, slug=slug)
    )


@router.api_operation(
    ["GET", "HEAD"],
    "/{slug:city_slug}/providers/",
    response={200: ProviderPage, **ERRORS},
    url_name="providers",
    operation_id="listProviders",
    summary="Providers",
    description="The city's learning providers, by name.",
)
def providers(
    request: HttpRequest, filters: Query[ProviderFilters], city_slug: str = CITY_SLUG
) -> ProviderPage:
    city = get_city(city_slug)
    rows = for_city(Provider, city).order_by("name", "pk")
    if filters.q:
        rows = rows.filter(name__icontains=filters.q)
    if filters.sector:
        rows = rows.filter(sector=filters.sector)
    return ProviderPage(**_paginate(request, rows, filters, _provider_out))


@router.api_operation(
    ["GET", "HEAD"],
    "/{slug:city_slug}/providers/{slug:slug}/",
    response={200: ProviderOut, **ERRORS},
    url_name="provider",
    operation_id="getProvider",
    summary="One provider",
)
def provider(
    request: HttpRequest, city_slug: str = CITY_SLUG, slug: str = RECORD_SLUG
) -> ProviderOut:
    city = get_city(city_slug)
    return _provider_out(get_in_city(Provider, city, slug=slug))


api.add_router("", router)

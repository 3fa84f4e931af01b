"""The public, read-only JSON API: opportunities (with the finder's filters),
sessions, learning sites and providers of a city.

Plain Django views. Input is read into typed dataclasses (``*Params``) and output is
built from dataclasses (``*Out``); the OpenAPI 3.1 document is generated from those
same dataclasses (``openapi_document``), so it cannot drift from what is served.
Nothing personal is ever included: no enrolments, and no contact details of people.
"""

import dataclasses
import math
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar, Union

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from learningcity.core.models import City, District
from learningcity.core.tenancy import for_city, get_city, get_in_city
from learningcity.engines.search import Point, Sort

from . import forms_finder, schedule, search
from .models import (
    ACCESSIBILITY,
    TARGET_GROUPS,
    TIMES_OF_DAY,
    TOPICS,
    WEEKDAYS,
    LearningSite,
    Opportunity,
    Provider,
    Sector,
    Session,
    SiteKind,
)

API_VERSION = "1.0.0"
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 1000
UPCOMING_DATES = 5

T = TypeVar("T")


class BadRequest(Exception):
    """Input that cannot be used, with one message per parameter."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(problems)
        self.problems = problems


# -- input ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PageParams:
    page: int | None = None
    page_size: int | None = None


@dataclass(frozen=True)
class OpportunityParams(PageParams):
    q: str | None = None
    topic: list[str] | None = None
    kind: list[str] | None = None
    format: list[str] | None = None
    cost: list[str] | None = None
    day: list[str] | None = None
    time: list[str] | None = None
    district: list[str] | None = None
    language: list[str] | None = None
    group: list[str] | None = None
    age_band: list[str] | None = None
    level: list[str] | None = None
    access: list[str] | None = None
    age: int | None = None
    lat: float | None = None
    lng: float | None = None
    near: str | None = None
    km: float | None = None
    when: str | None = None
    starts_after: datetime | None = None
    starts_before: datetime | None = None
    sort: str | None = None


@dataclass(frozen=True)
class SessionParams(PageParams):
    opportunity: str | None = None
    include_cancelled: bool | None = None


@dataclass(frozen=True)
class SiteParams(PageParams):
    q: str | None = None
    district: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class ProviderParams(PageParams):
    q: str | None = None
    sector: str | None = None


# Each parameter's description and checks (JSON Schema keywords, plus "facet": the
# finder facet whose values a list parameter takes). Used to check input and to
# document it in the OpenAPI document.
PARAMETERS: dict[str, dict[str, Any]] = {
    "page": {"description": "Page number, from 1.", "minimum": 1, "maximum": MAX_PAGE},
    "page_size": {
        "description": "Results per page.",
        "minimum": 1,
        "maximum": MAX_PAGE_SIZE,
        "default": DEFAULT_PAGE_SIZE,
    },
    "q": {
        "description": "Words to look for (typos and word endings are tolerated).",
        "maxLength": 200,
    },
    **{
        name: {"description": f"{label} (any of them).", "facet": name}
        for name, label in (
            ("topic", "Topics"),
            ("kind", "Kinds"),
            ("format", "Formats"),
            ("cost", "Costs; `free` for free learning"),
            ("day", "Days of the week it happens"),
            ("time", "Times of day"),
            ("district", "District slugs"),
            ("language", "Language codes"),
            ("group", "Target groups"),
            ("age_band", "Age bands"),
            ("level", "Levels"),
        )
    },
    "access": {"description": "Accessibility needs (all of them).", "facet": "access"},
    "age": {
        "description": "A learner's age: only opportunities open to it.",
        "minimum": 0,
        "maximum": 120,
    },
    "lat": {"description": "Latitude to measure distance from.", "minimum": -90, "maximum": 90},
    "lng": {"description": "Longitude to measure distance from.", "minimum": -180, "maximum": 180},
    "near": {"description": "A district, site or address of the city to measure distance from."},
    "km": {
        "description": "Only within this distance (online learning always included).",
        "minimum": 0.1,
        "maximum": 100,
    },
    "when": {
        "description": "A time window.",
        "enum": ["today", "tomorrow", "weekend", "week", "month"],
    },
    "starts_after": {"description": "Next date on or after this (ISO 8601)."},
    "starts_before": {"description": "Next date before this (ISO 8601)."},
    "sort": {
        "description": "Order: best match (the default with words), soonest, or nearest.",
        "enum": [choice.value for choice in Sort],
    },
    "opportunity": {"description": "Only the sessions of this opportunity (its slug)."},
    "include_cancelled": {"description": "Include cancelled sessions.", "default": False},
    "district_slug": {"description": "A district slug."},
    "site_kind": {"description": "Kind of place.", "enum": list(SiteKind.values)},
    "sector": {"description": "Sector.", "enum": list(Sector.values)},
}
# Parameters whose name means something else on another endpoint.
PARAMETER_KEYS: dict[tuple[type, str], str] = {
    (SiteParams, "district"): "district_slug",
    (SiteParams, "kind"): "site_kind",
}


def _parameter(kind: type, name: str) -> dict[str, Any]:
    return PARAMETERS[PARAMETER_KEYS.get((kind, name), name)]


def _is_list(annotation: Any) -> bool:
    return list[str] in typing.get_args(annotation)


def _scalar_type(annotation: Any) -> Any:
    return next(arg for arg in typing.get_args(annotation) if arg is not type(None))


def parse_params(kind: type[T], params: QueryDict, facet_values: dict[str, tuple[str, ...]]) -> T:
    """Read ``params`` into the dataclass ``kind``: types converted, ranges and
    choices checked. Raises ``BadRequest`` naming every unusable parameter."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    hints = typing.get_type_hints(kind)
    for spec in dataclasses.fields(kind):  # type: ignore[arg-type]
        annotation, meta = hints[spec.name], _parameter(kind, spec.name)
        if _is_list(annotation):
            raw = [value for value in params.getlist(spec.name) if value != ""]
            allowed = facet_values.get(meta.get("facet", ""), ())
            unknown = [value for value in raw if value not in allowed]
            if unknown:
                choices = ", ".join(allowed)
                problems[spec.name] = f"Unknown value {unknown[0][:40]!r}; use one of: {choices}"
            elif raw:
                values[spec.name] = raw
            continue
        text = params.get(spec.name, "")
        if text == "":
            continue
        try:
            values[spec.name] = _convert(_scalar_type(annotation), text, meta)
        except ValueError as error:
            problems[spec.name] = str(error)
    if problems:
        raise BadRequest(problems)
    return kind(**values)


def _convert(target: Any, text: str, meta: Any) -> Any:
    if target is bool:
        if text.lower() not in {"true", "false", "1", "0"}:
            raise ValueError("Use true or false.")
        return text.lower() in {"true", "1"}
    if target is datetime:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError("Use an ISO 8601 date and time, like 2026-05-01T10:00.") from None
        return moment if moment.tzinfo else timezone.make_aware(moment)
    if target in (int, float):
        try:
            number = target(text)
        except ValueError:
            raise ValueError(f"Use a {'whole ' if target is int else ''}number.") from None
        if not math.isfinite(number):
            raise ValueError("Use a finite number.")
        if "minimum" in meta and number < meta["minimum"]:
            raise ValueError(f"Use a number of at least {meta['minimum']}.")
        if "maximum" in meta and number > meta["maximum"]:
            raise ValueError(f"Use a number of at most {meta['maximum']}.")
        return number
    if "enum" in meta and text not in meta["enum"]:
        raise ValueError("Use one of: " + ", ".join(meta["enum"]))
    if "maxLength" in meta and len(text) > meta["maxLength"]:
        raise ValueError(f"Use at most {meta['maxLength']} characters.")
    return text


# -- output ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderRef:
    slug: str
    name: str


@dataclass(frozen=True)
class DistrictRef:
    slug: str
    name: str


@dataclass(frozen=True)
class SiteRef:
    slug: str
    name: str
    district: DistrictRef | None
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class OpportunityOut:
    slug: str
    title: str
    kind: str
    format: str
    level: str
    cost: str
    fee: str | None
    languages: list[str]
    topics: list[str]
    target_groups: list[str]
    accessibility: list[str]
    min_age: int | None
    max_age: int | None
    next_start: str | None
    weekdays: list[str]
    times_of_day: list[str]
    provider: ProviderRef
    site: SiteRef | None
    distance_km: float | None
    page_url: str
    api_url: str


@dataclass(frozen=True)
class DateOut:
    starts_at: str
    ends_at: str


@dataclass(frozen=True)
class SessionOut:
    id: str
    opportunity: str
    starts_at: str
    ends_at: str
    recurrence: str
    site: str | None
    capacity: int | None
    live_url: str
    recording_url: str
    is_cancelled: bool
    upcoming: list[DateOut]
    calendar_url: str


@dataclass(frozen=True)
class OpportunityDetailOut(OpportunityOut):
    description: str
    translations: dict[str, dict[str, str]]
    outcome: str
    capacity: int | None
    co_providers: list[ProviderRef]
    sessions: list[SessionOut]


@dataclass(frozen=True)
class SiteOut:
    slug: str
    name: str
    kind: str
    address: str
    district: DistrictRef | None
    latitude: float | None
    longitude: float | None
    opening_hours: str
    accessibility: list[str]
    public_transport: str
    provider: ProviderRef | None


@dataclass(frozen=True)
class ProviderOut:
    slug: str
    name: str
    sector: str
    description: str
    website: str
    is_verified: bool


@dataclass(frozen=True)
class Page(Generic[T]):
    count: int
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None
    results: list[T]


@dataclass(frozen=True)
class OpportunityPage(Page[OpportunityOut]):
    facets: dict[str, dict[str, int]]
    notices: list[str]


@dataclass(frozen=True)
class ErrorOut:
    errors: dict[str, str]


def _provider_ref(provider: Provider) -> ProviderRef:
    return ProviderRef(slug=provider.slug, name=provider.name)


def _site_ref(site: LearningSite | None) -> SiteRef | None:
    if site is None:
        return None
    district = site.district
    return SiteRef(
        slug=site.slug,
        name=site.name,
        district=DistrictRef(district.slug, district.name) if district else None,
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
            DateOut(date.starts_at.isoformat(), date.ends_at.isoformat())
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


# -- responses ------------------------------------------------------------------------


def _json(data: Any, status: int = 200) -> JsonResponse:
    is_record = dataclasses.is_dataclass(data) and not isinstance(data, type)
    payload = dataclasses.asdict(data) if is_record else data  # type: ignore[arg-type]
    response = JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})
    # A public, read-only API: any web page may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _page_links(request: HttpRequest, page: int, pages: int) -> tuple[str | None, str | None]:
    def link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    return (link(page + 1) if page < pages else None, link(page - 1) if page > 1 else None)


def api_view(handler: Callable[..., Any]) -> Callable[..., HttpResponse]:
    """GET only; unknown cities and records are JSON 404s and bad input a JSON 400."""

    @require_GET
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            return _json(handler(request, **kwargs))
        except BadRequest as error:
            return _json(ErrorOut(errors=error.problems), status=400)
        except Http404 as error:
            message = str(error.args[0]) if error.args else "Not found."
            return _json(ErrorOut(errors={"path": message}), status=404)

    view.__name__ = handler.__name__
    view.__doc__ = handler.__doc__
    return view


def _paginate(
    request: HttpRequest,
    queryset: "QuerySet[Any]",
    params: PageParams,
    convert: Callable[[Any], Any],
) -> Page[Any]:
    size = params.page_size or DEFAULT_PAGE_SIZE
    paginator = Paginator(queryset, size)
    number = min(params.page or 1, max(paginator.num_pages, 1))
    page = paginator.page(number)
    following, previous = _page_links(request, number, paginator.num_pages)
    return Page(
        count=paginator.count,
        page=number,
        page_size=size,
        pages=paginator.num_pages,
        next=following,
        previous=previous,
        results=[convert(item) for item in page.object_list],
    )


# -- endpoints ------------------------------------------------------------------------


@api_view
def opportunities(request: HttpRequest, city_slug: str) -> OpportunityPage:
    """Published opportunities matching the finder's filters, best first."""
    city = get_city(city_slug)
    index = search.city_index(city)
    values = {facet.name: facet.values for facet in index.schema.facets}
    params = parse_params(OpportunityParams, request.GET, values)
    notices: list[str] = []
    origin = _origin(city, params, notices, index)
    size = params.page_size or DEFAULT_PAGE_SIZE
    asked = forms_finder.FinderRequest(
        text=params.q or "",
        filters={
            name: frozenset(getattr(params, name)) for name in values if getattr(params, name, None)
        },
        km=params.km,
        when=params.when or "",
        sort=params.sort if params.sort and params.sort != Sort.BEST else "",
        age=params.age,
        page=params.page or 1,
    )
    query = forms_finder.to_query(
        asked, city=city, origin=origin, language=None, now=timezone.now(), page_size=size
    )
    if params.starts_after or params.starts_before:
        query = dataclasses.replace(
            query,
            starts_from=params.starts_after.timestamp() if params.starts_after else None,
            starts_before=params.starts_before.timestamp() if params.starts_before else None,
        )
    if params.sort == Sort.BEST:
        query = dataclasses.replace(query, sort=Sort.BEST)
    outcome = search.search(city, query, index)
    pages = max(1, math.ceil(outcome.result.total / size))
    following, previous = _page_links(request, asked.page, pages)
    return OpportunityPage(
        count=outcome.result.total,
        page=asked.page,
        page_size=size,
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


def _origin(
    city: City, params: OpportunityParams, notices: list[str], index: search.CityIndex
) -> Point | None:
    if params.near:
        districts = for_city(District, city).only("name", "latitude", "longitude")
        place = search.find_place(city, params.near, index, districts)
        if place is None:
            raise BadRequest({"near": "No district, site or address of this city matches."})
        return place.point
    if (params.lat is None) != (params.lng is None):
        raise BadRequest({"lat": "Give both lat and lng, or neither."})
    if params.lat is not None and params.lng is not None:
        return Point(params.lat, params.lng)
    if params.km is not None:
        notices.append("km was ignored: give lat and lng or near to measure distance from.")
    return None


@api_view
def opportunity(request: HttpRequest, city_slug: str, slug: str) -> OpportunityDetailOut:
    """One published opportunity with its sessions and their next dates."""
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


@api_view
def sessions(request: HttpRequest, city_slug: str) -> Page[SessionOut]:
    """Sessions of published opportunities, in order of their first date."""
    city = get_city(city_slug)
    params = parse_params(SessionParams, request.GET, {})
    rows = (
        for_city(Session, city)
        .filter(opportunity__is_published=True)
        .select_related("site", "opportunity")
        .order_by("starts_at", "pk")
    )
    if params.opportunity:
        rows = rows.filter(opportunity__slug=params.opportunity)
    if not params.include_cancelled:
        rows = rows.filter(is_cancelled=False)
    now = timezone.now()
    return _paginate(
        request, rows, params, lambda session: _session_out(request, city, session, now)
    )


@api_view
def sites(request: HttpRequest, city_slug: str) -> Page[SiteOut]:
    """The city's learning sites."""
    city = get_city(city_slug)
    params = parse_params(SiteParams, request.GET, {})
    rows = (
        for_city(LearningSite, city).select_related("district", "provider").order_by("name", "pk")
    )
    if params.q:
        rows = rows.filter(name__icontains=params.q) | rows.filter(address__icontains=params.q)
    if params.district:
        rows = rows.filter(district__slug=params.district)
    if params.kind:
        rows = rows.filter(kind=params.kind)
    return _paginate(request, rows, params, _site_out)


@api_view
def site(request: HttpRequest, city_slug: str, slug: str) -> SiteOut:
    city = get_city(city_slug)
    return _site_out(
        get_in_city(LearningSite.objects.select_related("district", "provider"), city, slug=slug)
    )


@api_view
def providers(request: HttpRequest, city_slug: str) -> Page[ProviderOut]:
    """The city's learning providers."""
    city = get_city(city_slug)
    params = parse_params(ProviderParams, request.GET, {})
    rows = for_city(Provider, city).order_by("name", "pk")
    if params.q:
        rows = rows.filter(name__icontains=params.q)
    if params.sector:
        rows = rows.filter(sector=params.sector)
    return _paginate(request, rows, params, _provider_out)


@api_view
def provider(request: HttpRequest, city_slug: str, slug: str) -> ProviderOut:
    city = get_city(city_slug)
    return _provider_out(get_in_city(Provider, city, slug=slug))


# -- the OpenAPI document -------------------------------------------------------------


def json_schema(annotation: Any, components: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of a Python type, adding dataclasses to ``components``."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        inner = json_schema(options[0], components)
        if "$ref" in inner:
            return {"anyOf": [inner, {"type": "null"}]}
        return {**inner, "type": [inner["type"], "null"]}
    if origin is list:
        return {"type": "array", "items": json_schema(typing.get_args(annotation)[0], components)}
    if origin is dict:
        value = typing.get_args(annotation)[1]
        return {"type": "object", "additionalProperties": json_schema(value, components)}
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        name = annotation.__name__
        if name not in components:
            components[name] = {}  # placeholder: stops recursion
            components[name] = object_schema(annotation, components)
        return {"$ref": f"#/components/schemas/{name}"}
    simple = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if annotation is datetime:
        return {"type": "string", "format": "date-time"}
    return {"type": simple[annotation]}


def object_schema(kind: Any, components: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(kind)
    names = [spec.name for spec in dataclasses.fields(kind)]
    return {
        "type": "object",
        "required": names,
        "additionalProperties": False,
        "properties": {name: json_schema(hints[name], components) for name in names},
    }


def _page_schema(
    name: str, item: type, components: dict[str, Any], extra: type | None = None
) -> dict[str, Any]:
    """A page of ``item`` as a named component (generic dataclasses have no single schema)."""
    hints = typing.get_type_hints(Page)
    properties = {
        spec.name: json_schema(hints[spec.name], components)
        for spec in dataclasses.fields(Page)
        if spec.name != "results"
    }
    properties["results"] = {"type": "array", "items": json_schema(item, components)}
    if extra is not None:
        extra_hints = typing.get_type_hints(extra)
        for spec in dataclasses.fields(extra):
            if spec.name not in properties:
                properties[spec.name] = json_schema(extra_hints[spec.name], components)
    components[name] = {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }
    return {"$ref": f"#/components/schemas/{name}"}


def _parameters(kind: type, facet_values: dict[str, tuple[str, ...]]) -> list[dict[str, Any]]:
    hints = typing.get_type_hints(kind)
    parameters = []
    for spec in dataclasses.fields(kind):  # type: ignore[arg-type]
        meta = _parameter(kind, spec.name)
        annotation = hints[spec.name]
        if _is_list(annotation):
            items: dict[str, Any] = {"type": "string"}
            if meta.get("facet") in facet_values:
                items["enum"] = list(facet_values[meta["facet"]])
            schema: dict[str, Any] = {"type": "array", "items": items}
        else:
            schema = dict(json_schema(_scalar_type(annotation), {}))
            for key in ("minimum", "maximum", "enum", "maxLength", "default"):
                if key in meta:
                    schema[key] = meta[key]
        parameter = {
            "name": spec.name,
            "in": "query",
            "required": False,
            "description": meta.get("description", ""),
            "schema": schema,
        }
        if _is_list(annotation):
            parameter |= {"style": "form", "explode": True}
        parameters.append(parameter)
    return parameters


def _response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi_document(facet_values: dict[str, tuple[str, ...]]) -> dict[str, Any]:
    components: dict[str, Any] = {}
    city = {
        "name": "city_slug",
        "in": "path",
        "required": True,
        "description": "The city's address name, e.g. medellin.",
        "schema": {"type": "string"},
    }
    slug = {**city, "name": "slug", "description": "The record's slug."}
    error = json_schema(ErrorOut, components)

    def operation(
        summary: str, response: dict[str, Any], parameters: list[dict[str, Any]], operation_id: str
    ) -> dict[str, Any]:
        return {
            "get": {
                "operationId": operation_id,
                "summary": summary,
                "parameters": parameters,
                "responses": {
                    "200": _response("OK", response),
                    "400": _response("Unusable input", error),
                    "404": _response("No such city or record", error),
                },
            }
        }

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "learningcity public API",
            "version": API_VERSION,
            "description": (
                "Read-only data of each learning city's catalogue: opportunities (with "
                "the finder's filters), sessions, learning sites and providers. No "
                "personal data is published."
            ),
        },
        "paths": {
            "/api/v1/{city_slug}/opportunities/": operation(
                "Find opportunities",
                _page_schema("OpportunityPage", OpportunityOut, components, OpportunityPage),
                [city, *_parameters(OpportunityParams, facet_values)],
                "listOpportunities",
            ),
            "/api/v1/{city_slug}/opportunities/{slug}/": operation(
                "One opportunity with its sessions",
                json_schema(OpportunityDetailOut, components),
                [city, slug],
                "getOpportunity",
            ),
            "/api/v1/{city_slug}/sessions/": operation(
                "Sessions",
                _page_schema("SessionPage", SessionOut, components),
                [city, *_parameters(SessionParams, facet_values)],
                "listSessions",
            ),
            "/api/v1/{city_slug}/sites/": operation(
                "Learning sites",
                _page_schema("SitePage", SiteOut, components),
                [city, *_parameters(SiteParams, facet_values)],
                "listSites",
            ),
            "/api/v1/{city_slug}/sites/{slug}/": operation(
                "One learning site", json_schema(SiteOut, components), [city, slug], "getSite"
            ),
            "/api/v1/{city_slug}/providers/": operation(
                "Providers",
                _page_schema("ProviderPage", ProviderOut, components),
                [city, *_parameters(ProviderParams, facet_values)],
                "listProviders",
            ),
            "/api/v1/{city_slug}/providers/{slug}/": operation(
                "One provider", json_schema(ProviderOut, components), [city, slug], "getProvider"
            ),
        },
        "components": {"schemas": components},
    }


@require_GET
def openapi(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3.1 document. Facet values common to every city are listed;
    districts and languages vary by city and are plain strings here."""
    fixed = {name: values for name, values in search.FIXED_FACETS.items()}
    return _json(openapi_document(fixed))

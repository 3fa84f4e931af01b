"""Typed input and output of the public JSON API (pydantic models through django-ninja).

The OpenAPI document at ``/api/v1/openapi.json`` is generated from these classes, so
what is documented is what is checked and served. Output models forbid extra fields
(``additionalProperties: false``) so a client can rely on the exact shape.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from learningcity.engines.search import Sort

from . import search
from .models import Sector, SiteKind

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 1000
MAX_TEXT = 200
WHEN_CHOICES = ("today", "tomorrow", "weekend", "week", "month")
# A slug as Django's ``slug`` path converter matches it.
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


class OneOf:
    """``Annotated`` marker: the value must be one of ``values``; the JSON Schema lists
    them as an ``enum`` (inline, so each parameter documents its own choices)."""

    def __init__(self, values: Sequence[str]) -> None:
        self.values = tuple(values)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(schema), "enum": list(self.values)}

    def _check(self, value: str) -> str:
        if value not in self.values:
            raise PydanticCustomError(
                "one_of", "Use one of: {choices}", {"choices": ", ".join(self.values)}
            )
        return value


class PlainText:
    """``Annotated`` marker for text parameters: at most ``max_length`` characters and
    no NUL character (PostgreSQL cannot store or compare one, so it is refused with a
    400 before any query rather than failing inside the database)."""

    PATTERN = "^[^\\x00]*$"

    def __init__(self, max_length: int = MAX_TEXT) -> None:
        self.max_length = max_length

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(schema), "maxLength": self.max_length, "pattern": self.PATTERN}

    def _check(self, value: str) -> str:
        if "\x00" in value:
            raise PydanticCustomError("nul_character", "Text may not contain NUL characters.")
        if len(value) > self.max_length:
            raise PydanticCustomError(
                "too_long", "Use at most {limit} characters.", {"limit": self.max_length}
            )
        return value


Text = Annotated[str, PlainText()]


def facet(name: str) -> OneOf:
    """The marker for one value of a fixed finder facet (districts and languages vary
    by city: they are plain text, checked against the city's own values)."""
    return OneOf(search.FIXED_FACETS[name])


TopicValue = Annotated[str, facet("topic")]
KindValue = Annotated[str, facet("kind")]
FormatValue = Annotated[str, facet("format")]
CostValue = Annotated[str, facet("cost")]
DayValue = Annotated[str, facet("day")]
TimeValue = Annotated[str, facet("time")]
GroupValue = Annotated[str, facet("group")]
AgeBandValue = Annotated[str, facet("age_band")]
LevelValue = Annotated[str, facet("level")]
AccessValue = Annotated[str, facet("access")]


# -- input (query parameters) -----------------------------------------------------------


class PageFilters(Schema):
    page: int | None = Field(None, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Results per page."
    )


class OpportunityFilters(PageFilters):
    q: Text | None = Field(
        None, description="Words to look for (typos and word endings are tolerated)."
    )
    topic: list[TopicValue] | None = Field(None, description="Topics (any of them).")
    kind: list[KindValue] | None = Field(None, description="Kinds (any of them).")
    format: list[FormatValue] | None = Field(None, description="Formats (any of them).")
    cost: list[CostValue] | None = Field(
        None, description="Costs; `free` for free learning (any of them)."
    )
    day: list[DayValue] | None = Field(
        None, description="Days of the week it happens (any of them)."
    )
    time: list[TimeValue] | None = Field(None, description="Times of day (any of them).")
    district: list[Text] | None = Field(
        None, description="District slugs of the city (any of them)."
    )
    language: list[Text] | None = Field(None, description="Language codes (any of them).")
    group: list[GroupValue] | None = Field(None, description="Target groups (any of them).")
    age_band: list[AgeBandValue] | None = Field(None, description="Age bands (any of them).")
    level: list[LevelValue] | None = Field(None, description="Levels (any of them).")
    access: list[AccessValue] | None = Field(None, description="Accessibility needs (all of them).")
    age: int | None = Field(
        None, ge=0, le=120, description="A learner's age: only opportunities open to it."
    )
    lat: float | None = Field(
        None,
        ge=-90,
        le=90,
        allow_inf_nan=False,
        description="Latitude to measure distance from. Give `lng` too: one without the "
        "other is refused with 400.",
    )
    lng: float | None = Field(
        None,
        ge=-180,
        le=180,
        allow_inf_nan=False,
        description="Longitude to measure distance from. Give `lat` too: one without the "
        "other is refused with 400.",
    )
    near: Text | None = Field(
        None,
        description="A district, site or address of the city to measure distance from "
        "(400 if nothing matches).",
    )
    km: float | None = Field(
        None,
        ge=0.1,
        le=100,
        allow_inf_nan=False,
        description="Only within this distance (online learning always included).",
    )
    when: Annotated[str, OneOf(WHEN_CHOICES)] | None = Field(None, description="A time window.")
    starts_after: datetime | None = Field(
        None, description="Next date on or after this (ISO 8601)."
    )
    starts_before: datetime | None = Field(None, description="Next date before this (ISO 8601).")
    sort: Annotated[str, OneOf([choice.value for choice in Sort])] | None = Field(
        None, description="Order: best match (the default with words), soonest, or nearest."
    )


class SessionFilters(PageFilters):
    opportunity: Text | None = Field(
        None, description="Only the sessions of this opportunity (its slug)."
    )
    include_cancelled: bool = Field(False, description="Include cancelled sessions.")


class SiteFilters(PageFilters):
    q: Text | None = Field(None, description="Words in the name or address.")
    district: Text | None = Field(None, description="A district slug.")
    kind: Annotated[str, OneOf(SiteKind.values)] | None = Field(None, description="Kind of place.")


class ProviderFilters(PageFilters):
    q: Text | None = Field(None, description="Words in the name.")
    sector: Annotated[str, OneOf(Sector.values)] | None = Field(None, description="Sector.")


# -- output ---------------------------------------------------------------------------


class Out(Schema):
    model_config = ConfigDict(extra="forbid")


class ProviderRef(Out):
    slug: str
    name: str


class DistrictRef(Out):
    slug: str
    name: str


class SiteRef(Out):
    slug: str
    name: str
    district: DistrictRef | None
    latitude: float | None
    longitude: float | None


class OpportunityOut(Out):
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


class DateOut(Out):
    starts_at: str
    ends_at: str


class SessionOut(Out):
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


class OpportunityDetailOut(OpportunityOut):
    description: str
    translations: dict[str, dict[str, str]]
    outcome: str
    capacity: int | None
    co_providers: list[ProviderRef]
    sessions: list[SessionOut]


class SiteOut(Out):
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


class ProviderOut(Out):
    slug: str
    name: str
    sector: str
    description: str
    website: str
    is_verified: bool


class PageOut(Out):
    count: int
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None


class OpportunityPage(PageOut):
    results: list[OpportunityOut]
    facets: dict[str, dict[str, int]]
    notices: list[str]


class SessionPage(PageOut):
    results: list[SessionOut]


class SitePage(PageOut):
    results: list[SiteOut]


class ProviderPage(PageOut):
    results: list[ProviderOut]


class ErrorOut(Out):
    errors: dict[str, str] = Field(
        description="One message per unusable parameter (`path` for a missing record)."
    )

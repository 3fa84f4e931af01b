"""Reading a festival's programme: the filters a visitor chose (checked, never
trusted), the dates that match, their counts per day, and each date as a ready-made
row for the page, the print version and the booklet."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import cast

from django.db.models import Count, F, QuerySet
from django.http import QueryDict
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from learningcity.catalogue.models import (
    ACCESSIBILITY,
    TARGET_GROUPS,
    TOPICS,
    Cost,
    LearningSite,
    TargetGroup,
    Topic,
)
from learningcity.core.dates import format_when
from learningcity.core.models import District
from learningcity.core.tenancy import for_city

from .models import Festival, FestivalEvent

PAGE_SIZE = 30


@dataclass(frozen=True)
class Filters:
    day: date | None = None
    district: District | None = None
    place: LearningSite | None = None
    topic: str = ""
    audience: str = ""

    def query(self, **changes: object) -> str:
        """The query string for these filters (with ``changes``), for links."""
        chosen = replace(self, **changes)  # type: ignore[arg-type]
        params = QueryDict(mutable=True)
        if chosen.day:
            params["day"] = chosen.day.isoformat()
        if chosen.district:
            params["district"] = chosen.district.slug
        if chosen.place:
            params["place"] = chosen.place.slug
        if chosen.topic:
            params["topic"] = chosen.topic
        if chosen.audience:
            params["audience"] = chosen.audience
        return params.urlencode()

    @property
    def any(self) -> bool:
        return bool(self.day or self.district or self.place or self.topic or self.audience)


@dataclass
class ReadFilters:
    filters: Filters
    problems: list[str] = field(default_factory=list)


def read_filters(festival: Festival, params: QueryDict) -> ReadFilters:
    """The visitor's choices; a value that does not fit is left out and named."""
    problems: list[str] = []
    day = None
    raw_day = params.get("day", "").strip()
    if raw_day:
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            day = None
        if day is None or not festival.starts_on <= day <= festival.ends_on:
            problems.append(_("That day is not a day of the festival, so every day is shown."))
            day = None
    district = _by_slug(for_city(District, festival.city), params.get("district", ""))
    if params.get("district") and district is None:
        problems.append(_("That district is not known, so every district is shown."))
    place = _by_slug(for_city(LearningSite, festival.city), params.get("place", ""))
    if params.get("place") and place is None:
        problems.append(_("That place is not known, so every place is shown."))
    topic = params.get("topic", "")
    if topic and topic not in Topic.values:
        problems.append(_("That topic is not known, so every topic is shown."))
        topic = ""
    audience = params.get("audience", "")
    if audience and audience not in TargetGroup.values:
        problems.append(_("That group is not known, so events for everyone are shown."))
        audience = ""
    return ReadFilters(Filters(day, district, place, topic, audience), problems)


def _by_slug(rows: "QuerySet[District] | QuerySet[LearningSite]", slug: str):  # type: ignore[no-untyped-def]
    slug = slug.strip()
    if not slug or len(slug) > 100 or "\x00" in slug:
        return None
    return rows.filter(slug=slug).first()


def matching(
    festival: Festival, filters: Filters, *, with_day: bool = True
) -> "QuerySet[FestivalEvent]":
    events = FestivalEvent.objects.filter(festival=festival)
    if with_day and filters.day:
        events = events.filter(day=filters.day)
    if filters.district:
        events = events.filter(district=filters.district)
    if filters.place:
        events = events.filter(site=filters.place)
    if filters.topic:
        events = events.alias(topic_bit=F("topics").bitand(TOPICS.bit[filters.topic])).filter(
            topic_bit__gt=0
        )
    if filters.audience:
        bit = TARGET_GROUPS.bit[filters.audience]
        events = events.alias(group_bit=F("target_groups").bitand(bit)).filter(group_bit__gt=0)
    return events


def day_counts(festival: Festival, filters: Filters) -> list[tuple[date, int]]:
    """Every festival day with how many dates match the other filters (zero too)."""
    counted = dict(
        matching(festival, filters, with_day=False)
        .order_by()
        .values("day")
        .annotate(count=Count("id"))
        .values_list("day", "count")
    )
    days = []
    current = festival.starts_on
    while current <= festival.ends_on:
        days.append((current, int(counted.get(current, 0))))
        current = date.fromordinal(current.toordinal() + 1)
    return days


ROW_FIELDS = (
    "id",
    "day",
    "starts_at",
    "ends_at",
    "site__slug",
    "site__name",
    "site__address",
    "site__latitude",
    "site__longitude",
    "site__accessibility",
    "district__name",
    "session__live_url",
    "entry__opportunity__slug",
    "entry__opportunity__title",
    "entry__opportunity__translations",
    "entry__opportunity__cost",
    "entry__opportunity__accessibility",
    "entry__opportunity__format",
    "entry__provider__name",
)


@dataclass(frozen=True)
class Row:
    """One date of the programme, as every listing shows it."""

    day: date
    starts_at: datetime
    time: str
    title: str
    opportunity_slug: str
    place: str
    place_slug: str
    address: str
    district: str
    online: bool
    provider: str
    free: bool
    cost: str
    access: list[str]
    latitude: float | None
    longitude: float | None


COST_LABELS = dict(Cost.choices)


def rows(events: "QuerySet[FestivalEvent]") -> Iterator[Row]:
    """``events`` as rows, read as plain values (no model instances: a page of the
    programme and a 1,000-date booklet both stay cheap)."""
    language = (get_language() or "en").split("-")[0]
    for values in events.values(*ROW_FIELDS).iterator(chunk_size=500):
        yield _row(values, language)


def _row(values: dict[str, object], language: str) -> Row:
    from django.utils import timezone

    zone = timezone.get_current_timezone()
    starts = cast(datetime, values["starts_at"]).astimezone(zone)
    ends = cast(datetime, values["ends_at"]).astimezone(zone)
    translations = values["entry__opportunity__translations"]
    title = str(values["entry__opportunity__title"])
    if isinstance(translations, dict):
        wording = translations.get(language) or translations.get(language.replace("_", "-"))
        if isinstance(wording, dict) and str(wording.get("title", "")).strip():
            title = str(wording["title"])
    access_mask = int(values["entry__opportunity__accessibility"] or 0) | int(  # type: ignore[call-overload]
        values["site__accessibility"] or 0  # type: ignore[call-overload]
    )
    cost = str(values["entry__opportunity__cost"])
    return Row(
        day=values["day"],  # type: ignore[arg-type]
        starts_at=starts,
        time=f"{starts:%H:%M}–{ends:%H:%M}",
        title=title,
        opportunity_slug=str(values["entry__opportunity__slug"]),
        place=str(values["site__name"] or ""),
        place_slug=str(values["site__slug"] or ""),
        address=str(values["site__address"] or ""),
        district=str(values["district__name"] or ""),
        online=not values["site__name"] and bool(values["session__live_url"]),
        provider=str(values["entry__provider__name"]),
        free=cost == Cost.FREE,
        cost=str(COST_LABELS.get(cost, cost)),
        access=ACCESSIBILITY.labels(access_mask),
        latitude=values["site__latitude"],  # type: ignore[arg-type]
        longitude=values["site__longitude"],  # type: ignore[arg-type]
    )


@dataclass
class Day:
    day: date
    label: str
    events: list[Row]


def group_by_day(found: list[Row]) -> list[Day]:
    days: list[Day] = []
    for row in found:
        if not days or days[-1].day != row.day:
            days.append(Day(row.day, format_when(row.day), []))
        days[-1].events.append(row)
    return days


def booklet_days(
    festival: Festival, progress: Callable[[int, int], None] | None = None
) -> list[Day]:
    """Every date of the programme by day, for the booklet and the print page."""
    events = matching(festival, Filters()).order_by("starts_at", "id")
    total = events.count()
    found: list[Row] = []
    for number, row in enumerate(rows(events), start=1):
        found.append(row)
        if progress is not None and (number % 100 == 0 or number == total):
            progress(number, total)
    return group_by_day(found)


def map_points(found: list[Row], link: Callable[[Row], str]) -> list[dict[str, object]]:
    """One point per place on this page (the list beside the map says the rest)."""
    points: dict[str, dict[str, object]] = {}
    for row in found:
        if row.latitude is None or row.longitude is None or row.place_slug in points:
            continue
        points[row.place_slug] = {
            "name": row.place,
            "lat": row.latitude,
            "lng": row.longitude,
            "url": link(row),
        }
    return list(points.values())


def groups_html(groups: list[Day], opportunity_base: str, place_base: str) -> SafeString:
    """The page's list of dates, grouped by day, written here rather than by a
    template loop: the same HTML at a fraction of the cost (about 40 variables a row
    otherwise go through the template engine)."""
    online, free = _("Online"), _("Free")
    parts: list[str] = []
    for group in groups:
        iso = group.day.isoformat()
        parts.append(
            format_html(
                '<section aria-labelledby="day-{}"><h3 id="day-{}">{}</h3>'
                '<ol class="festival-events">',
                iso,
                iso,
                group.label,
            )
        )
        for row in group.events:
            parts.append(_row_html(row, opportunity_base, place_base, online, free))
        parts.append("</ol></section>")
    return mark_safe("".join(parts))  # every piece above is escaped by format_html


def _row_html(row: Row, opportunity_base: str, place_base: str, online: str, free: str) -> str:
    where: str = ""
    if row.place:
        where = format_html(
            '<a href="{}&amp;place={}">{}</a>{}{}',
            place_base,
            row.place_slug,
            row.place,
            format_html(", {}", row.address) if row.address else "",
            format_html(" ({})", row.district) if row.district else "",
        )
    elif row.online:
        where = escape(online)
    cost = (
        format_html('<span class="festival-free">{}</span>', free) if row.free else escape(row.cost)
    )
    access = (
        format_html(' · <span class="muted">{}</span>', ", ".join(row.access)) if row.access else ""
    )
    return format_html(
        '<li><p><span class="festival-time">{}</span></p>'
        '<h4><a href="{}{}/">{}</a></h4><p>{}</p><p>{} · {}{}</p></li>',
        row.time,
        opportunity_base,
        row.opportunity_slug,
        row.title,
        where,
        row.provider,
        cost,
        access,
    )

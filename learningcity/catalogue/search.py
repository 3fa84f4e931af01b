"""The finder's search: the catalogue as seen by the search engine.

Each app-server process keeps one in-memory index per city
(``learningcity.engines.search``), built from the database on first use and kept
current without full rebuilds:

* Every search first asks the database, through the ``(city, updated_at)`` index,
  which opportunities changed since the newest change it has seen (less a safety
  margin, so that a transaction that committed late is still caught). Changed rows
  are re-read; published ones replace their old version in the index, the others
  leave it. An edited or unpublished opportunity therefore shows or disappears on
  the very next search, in every process.
* Learning sites carry ``updated_at`` too: a moved or renamed site re-indexes its
  opportunities and refreshes the place names that "near" understands.
* Rows deleted outright leave no ``updated_at`` behind. The rows of every results
  page are read from the database (only published rows of this city), so a deleted
  row is never shown: it is dropped from the index there and then. Once a minute,
  counts of sites and published rows catch the rest (totals, facet counts, a
  deleted site's opportunities losing their place).
* When the index has collected many changes (see ``SearchIndex.needs_rebuild``) it is
  rebuilt from scratch.

Writes that bypass ``save()`` (``QuerySet.update``) must set ``updated_at``
themselves, as ``schedule.refresh_schedules`` does.
"""

import bisect
import itertools
import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcity.core.models import City, District
from learningcity.core.tenancy import for_city
from learningcity.engines.search import (
    Document,
    Facet,
    Point,
    Preferences,
    Query,
    Result,
    Schema,
    SearchIndex,
    Text,
    build_index,
)
from learningcity.engines.search.text import fold

from .models import (
    Accessibility,
    Cost,
    Format,
    LearningSite,
    Level,
    Opportunity,
    OpportunityKind,
    TargetGroup,
    TimeOfDay,
    Topic,
    Weekday,
)

# How late a transaction may commit after stamping its rows and still be seen at once
# (later ones are caught by the next change or the count check). While the newest
# change is younger than this, each search re-reads the stamps of the rows changed
# in this window, so it is kept short.
COMMIT_MARGIN = timedelta(seconds=10)
COUNT_CHECK_SECONDS = 60.0

# Age bands people choose from, as (value, label, youngest, oldest).
AGE_BANDS = (
    ("0-5", _("Young children (0–5)"), 0, 5),
    ("6-11", _("Children (6–11)"), 6, 11),
    ("12-17", _("Teenagers (12–17)"), 12, 17),
    ("18-25", _("Young adults (18–25)"), 18, 25),
    ("26-64", _("Adults (26–64)"), 26, 64),
    ("65+", _("Older adults (65 and over)"), 65, 200),
)

# Languages offered as a facet besides the city's own: the UN's six and a few more
# that cities teach in often. Other codes are shown on pages but not filterable.
COMMON_LANGUAGES = ("pt", "de", "it", "ja", "ko", "hi", "sw", "tr", "qu", "sgn")

# Facet name (also the URL parameter) → its label and its values' labels.
FACET_LABELS: dict[str, Any] = {
    "topic": _("Topic"),
    "kind": _("Kind"),
    "format": _("How"),
    "cost": _("Cost"),
    "day": _("Day"),
    "time": _("Time of day"),
    "district": _("District"),
    "language": _("Language"),
    "group": _("Especially for"),
    "age_band": _("Age"),
    "level": _("Level"),
    "access": _("Accessibility"),
}
FIXED_FACETS: dict[str, tuple[str, ...]] = {
    "topic": tuple(Topic.values),
    "kind": tuple(OpportunityKind.values),
    "format": tuple(Format.values),
    "cost": tuple(Cost.values),
    "day": tuple(Weekday.values),
    "time": tuple(TimeOfDay.values),
    "group": tuple(TargetGroup.values),
    "age_band": tuple(band[0] for band in AGE_BANDS),
    "level": tuple(Level.values),
    "access": tuple(Accessibility.values),
}
MULTI_VALUED = frozenset({"topic", "day", "time", "group", "age_band", "access", "language"})
FACET_ORDER = tuple(FACET_LABELS)

ROW_FIELDS = (
    "id",
    "kind",
    "title",
    "description",
    "translations",
    "topics",
    "level",
    "format",
    "languages",
    "cost",
    "target_groups",
    "min_age",
    "max_age",
    "accessibility",
    "weekdays",
    "times_of_day",
    "next_start",
    "site__latitude",
    "site__longitude",
    "site__accessibility",
    "site__district__slug",
)


@dataclass(frozen=True)
class Place:
    """A point distances are measured from, with the words to show for it."""

    label: str
    point: Point


_versions = itertools.count(1)
Row = TypeVar("Row")


@dataclass
class CityIndex:
    """One city's index in this process, with what is needed to keep it current."""

    index: SearchIndex
    districts: tuple[str, ...]
    languages: tuple[str, ...]
    sites: "Gazetteer"  # the city's places by name, then by address, for "near"
    watermark: datetime | None  # newest updated_at seen
    recent: dict[int, datetime]  # rows seen within the commit margin of the watermark
    sites_changed: datetime | None  # newest updated_at of the city's sites
    site_count: int
    counted_at: float = field(default_factory=time.monotonic)
    # Changes whenever what a search can answer changes (the index or the place
    # names): pages built from an earlier version must not be reused.
    version: int = field(default_factory=lambda: next(_versions))

    @property
    def schema(self) -> Schema:
        return self.index.schema


_indexes: dict[int, CityIndex] = {}
_locks: dict[int, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock(city: City) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(city.pk, threading.Lock())


def forget_indexes() -> None:
    """Drop every cached index (tests, and after restoring a database)."""
    _indexes.clear()


# -- schema and documents -------------------------------------------------------------


def facet_languages(city: City) -> tuple[str, ...]:
    codes = [*city.languages, *(code for code, _name in settings.LANGUAGES), *COMMON_LANGUAGES]
    return tuple(dict.fromkeys(code.lower() for code in codes))


def build_schema(districts: tuple[str, ...], languages: tuple[str, ...]) -> Schema:
    values = {**FIXED_FACETS, "district": districts, "language": languages}
    return Schema(
        tuple(
            Facet(
                name,
                values[name],
                multi=name in MULTI_VALUED,
                match_all=name == "access",
            )
            for name in FACET_ORDER
        )
    )


def age_band_mask(min_age: int | None, max_age: int | None) -> int:
    youngest = 0 if min_age is None else min_age
    oldest = 200 if max_age is None else max_age
    mask = 0
    for bit, (_value, _label, low, high) in enumerate(AGE_BANDS):
        if youngest <= high and oldest >= low:
            mask |= 1 << bit
    return mask


def text_language(city: City, languages: list[str]) -> str:
    """The language an opportunity's own wording is read in: its first language of
    instruction when the city uses that language, else the city's main language."""
    for code in languages:
        if isinstance(code, str) and code in city.languages:
            return code
    return city.primary_language


def _document(row: dict[str, Any], city: City, state: "CityIndex") -> Document:
    languages = [code for code in row["languages"] or [] if isinstance(code, str)]
    texts = [Text(text_language(city, languages), row["title"], row["description"] or "")]
    translations = row["translations"] if isinstance(row["translations"], dict) else {}
    for code, wording in translations.items():
        if isinstance(wording, dict):
            texts.append(
                Text(str(code), str(wording.get("title", "")), str(wording.get("description", "")))
            )
    district = row["site__district__slug"]
    language_bits = 0
    for code in languages:
        if code.lower() in state.languages:
            language_bits |= 1 << state.languages.index(code.lower())
    single = {
        name: FIXED_FACETS[name].index(row[name]) if row[name] in FIXED_FACETS[name] else -1
        for name in ("kind", "format", "cost", "level")
    }
    return Document(
        key=row["id"],
        texts=tuple(texts),
        facets={
            **single,
            "topic": row["topics"],
            "day": row["weekdays"],
            "time": row["times_of_day"],
            "group": row["target_groups"],
            "age_band": age_band_mask(row["min_age"], row["max_age"]),
            "access": row["accessibility"] | (row["site__accessibility"] or 0),
            "language": language_bits,
            "district": state.districts.index(district) if district in state.districts else -1,
        },
        min_age=row["min_age"],
        max_age=row["max_age"],
        latitude=row["site__latitude"],
        longitude=row["site__longitude"],
        remote=row["format"] in (Format.ONLINE, Format.HYBRID),
        next_start=row["next_start"].timestamp() if row["next_start"] else None,
    )


def _published_rows(city: City, **lookup: Any) -> Iterator[dict[str, Any]]:
    rows = for_city(Opportunity, city).filter(is_published=True, **lookup).order_by("pk")
    return rows.values(*ROW_FIELDS).iterator(chunk_size=5000)


# -- building and keeping current -----------------------------------------------------


def _sites_changed(city: City) -> datetime | None:
    changed: datetime | None = for_city(LearningSite, city).aggregate(newest=Max("updated_at"))[
        "newest"
    ]
    return changed


def _gazetteer(city: City) -> "Gazetteer":
    """The city's sites by name and by address, for "near"."""
    language = city.primary_language
    names: list[tuple[str, Place]] = []
    addresses: list[tuple[str, Place]] = []
    sites = for_city(LearningSite, city).filter(latitude__isnull=False, longitude__isnull=False)
    for site in sites.only("name", "address", "latitude", "longitude").order_by("name", "pk"):
        point = Point(float(site.latitude or 0), float(site.longitude or 0))
        names.append((fold(site.name, language), Place(site.name, point)))
        if site.address:
            addresses.append((fold(site.address, language), Place(site.address, point)))
    return Gazetteer([Names(names), Names(addresses)])


def _build(city: City) -> CityIndex:
    districts = tuple(for_city(District, city).order_by("slug").values_list("slug", flat=True))
    # Stamps are read before the rows: a row changing meanwhile is simply read again.
    watermark = for_city(Opportunity, city).aggregate(newest=Max("updated_at"))["newest"]
    recent: dict[int, datetime] = {}
    if watermark is not None:
        window = for_city(Opportunity, city).filter(updated_at__gte=watermark - COMMIT_MARGIN)
        recent = dict(window.values_list("pk", "updated_at"))
    state = CityIndex(
        index=SearchIndex(build_schema((), ()), ()),
        districts=districts,
        languages=facet_languages(city),
        sites=_gazetteer(city),
        watermark=watermark,
        recent=recent,
        sites_changed=_sites_changed(city),
        site_count=for_city(LearningSite, city).count(),
    )
    schema = build_schema(state.districts, state.languages)
    state.index = build_index(
        (_document(row, city, state) for row in _published_rows(city)), schema
    )
    return state


def _apply_changes(city: City, state: CityIndex, changed_ids: Iterable[int]) -> CityIndex | None:
    """Re-read ``changed_ids`` into the index; None when a full rebuild is needed."""
    ids = sorted(set(changed_ids))
    if not ids:
        return state
    rows = list(_published_rows(city, pk__in=ids))
    if any(row["site__district__slug"] not in (None, *state.districts) for row in rows):
        return None  # a district newer than the index: rebuild to offer it as a facet
    index = state.index.with_changes([_document(row, city, state) for row in rows], ids)
    if index.needs_rebuild:
        return None
    return replace(state, index=index)


def _refresh(city: City, state: CityIndex) -> CityIndex | None:
    now = timezone.now()
    sites_changed = _sites_changed(city)
    changed: set[int] = set()
    if sites_changed != state.sites_changed:
        since = (state.sites_changed or now) - COMMIT_MARGIN
        moved = for_city(LearningSite, city).filter(updated_at__gte=since)
        changed.update(
            for_city(Opportunity, city).filter(site__in=moved).values_list("pk", flat=True)
        )
        state = replace(state, sites_changed=sites_changed, sites=_gazetteer(city))

    rows = for_city(Opportunity, city)
    if state.watermark is not None:
        settled = now - state.watermark > COMMIT_MARGIN
        rows = (
            rows.filter(updated_at__gt=state.watermark)
            if settled
            else rows.filter(updated_at__gte=state.watermark - COMMIT_MARGIN)
        )
    recent = dict(rows.values_list("pk", "updated_at"))
    changed.update(pk for pk, stamp in recent.items() if state.recent.get(pk) != stamp)
    if recent:
        watermark = max(recent.values())
        if state.watermark is not None:
            watermark = max(watermark, state.watermark)
        kept = {pk: stamp for pk, stamp in {**state.recent, **recent}.items()}
        state = replace(
            state,
            watermark=watermark,
            recent={pk: s for pk, s in kept.items() if s >= watermark - COMMIT_MARGIN},
        )
    updated = _apply_changes(city, state, changed)
    if updated is None:
        return None
    if time.monotonic() - updated.counted_at > COUNT_CHECK_SECONDS:
        updated = _reconcile_count(city, updated)
    return updated


def _reconcile_count(city: City, state: CityIndex) -> CityIndex | None:
    """Catch rows deleted outright (they leave no stamp): a site deleted means a
    rebuild (its opportunities lost their place); opportunities are compared."""
    if for_city(LearningSite, city).count() != state.site_count:
        return None
    published = for_city(Opportunity, city).filter(is_published=True)
    state = replace(state, counted_at=time.monotonic())
    if published.count() == state.index.size:
        return state
    in_database = set(published.values_list("pk", flat=True))
    in_index = {int(key) for key in state.index.live_keys()}
    return _apply_changes(city, state, (in_index - in_database) | (in_database - in_index))


def city_index(city: City) -> CityIndex:
    """The current index of ``city`` for this process (built or brought up to date)."""
    with _lock(city):
        previous = _indexes.get(city.pk)
        state = _refresh(city, previous) if previous is not None else None
        if state is None:
            state = _build(city)
        elif previous is not None and not _answers_differ(previous, state):
            state.version = previous.version
        else:
            state.version = next(_versions)
        _indexes[city.pk] = state
        return state


def _answers_differ(before: CityIndex, after: CityIndex) -> bool:
    return after.index is not before.index or after.sites is not before.sites


def drop_from_index(city: City, state: CityIndex, keys: Iterable[int]) -> CityIndex:
    """Forget rows found deleted (or moved out of view) while showing results."""
    with _lock(city):
        current = _indexes.get(city.pk, state)
        updated = replace(
            current, index=current.index.with_changes([], keys), version=next(_versions)
        )
        _indexes[city.pk] = updated
        return updated


# -- places ---------------------------------------------------------------------------


class Names:
    """Folded names with their places, searchable for an exact name, a name starting
    with some words, or a name containing them. The names are joined into one string
    so that the searches run in C (``str.find``), not in a Python loop over
    thousands of sites."""

    def __init__(self, entries: list[tuple[str, Place]]) -> None:
        self.exact: dict[str, Place] = {}
        for words, place in entries:
            self.exact.setdefault(words, place)
        self.places = [place for _words, place in entries]
        self.starts: list[int] = []
        parts: list[str] = []
        offset = 0
        for words, _place in entries:
            self.starts.append(offset + 1)
            parts.append("\n" + words)
            offset += len(words) + 1
        self.text = "".join(parts) + "\n"

    def _at(self, position: int) -> Place:
        return self.places[bisect.bisect_right(self.starts, position) - 1]

    def match(self, wanted: str, how: int) -> Place | None:
        """0: the exact name; 1: a name starting with ``wanted``; 2: containing it."""
        if how == 0:
            return self.exact.get(wanted)
        position = self.text.find("\n" + wanted) + 1 if how == 1 else self.text.find(wanted)
        return self._at(position) if position > 0 else None


@dataclass(frozen=True)
class Gazetteer:
    """Name lists searched in order of preference."""

    lists: list[Names]

    def find(self, wanted: str, first: Names | None = None) -> Place | None:
        lists = [first, *self.lists] if first else self.lists
        for how in (0, 1, 2):
            for names in lists:
                found = names.match(wanted, how)
                if found is not None:
                    return found
        return None


def find_place(
    city: City, text: str, state: CityIndex, districts: Iterable[District]
) -> Place | None:
    """The district, site or address best matching ``text``: an exact name before a
    name starting with the words before one containing them, and districts before
    sites before addresses. No network geocoding: only names the city's own records
    know. ``districts`` are the city's, read fresh by the caller."""
    language = city.primary_language
    wanted = " ".join(fold(text, language).split())
    if len(wanted) < 2:
        return None
    named = Names(
        [
            (fold(each.name, language), Place(each.name, Point(each.latitude, each.longitude)))
            for each in districts
        ]
    )
    return state.sites.find(wanted, first=named)


# -- searching ------------------------------------------------------------------------


@dataclass(frozen=True)
class Match(Generic[Row]):
    opportunity: Row
    distance_km: float | None
    matched: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class SearchOutcome(Generic[Row]):
    result: Result
    matches: list[Match[Row]]
    schema: Schema
    query_filters: dict[str, frozenset[str]]


def query_languages(city: City, language: str | None) -> tuple[str, ...]:
    codes = [*city.languages]
    if language:
        codes.append(language)
    return tuple(dict.fromkeys(codes)) or ("en",)


@dataclass(frozen=True)
class Named:
    name: str


@dataclass(frozen=True)
class ListedSite:
    name: str
    latitude: float | None
    longitude: float | None
    district: Named | None


@dataclass(frozen=True)
class Listed:
    """What a list of results shows of an opportunity: read as plain values (no
    model objects), which keeps a results page quick."""

    pk: int
    slug: str
    title: str
    kind: str
    format: str
    cost: str
    languages: list[str]
    next_start: datetime | None
    provider: Named
    site: ListedSite | None


LISTED_COLUMNS = (
    "pk", "slug", "title", "kind", "format", "cost", "languages", "next_start",
    "provider__name", "site__name", "site__latitude", "site__longitude", "site__district__name",
)  # fmt: skip


def _listed(city: City, keys: list[int]) -> dict[int, Listed]:
    rows = for_city(Opportunity, city).filter(pk__in=keys, is_published=True)
    found = {}
    for row in rows.values(*LISTED_COLUMNS):
        district = row["site__district__name"]
        site = (
            ListedSite(
                row["site__name"],
                row["site__latitude"],
                row["site__longitude"],
                Named(district) if district else None,
            )
            if row["site__name"] is not None
            else None
        )
        found[row["pk"]] = Listed(
            pk=row["pk"],
            slug=row["slug"],
            title=row["title"],
            kind=row["kind"],
            format=row["format"],
            cost=row["cost"],
            languages=[code for code in row["languages"] or [] if isinstance(code, str)],
            next_start=row["next_start"],
            provider=Named(row["provider__name"]),
            site=site,
        )
    return found


def _models(city: City, keys: list[int]) -> dict[int, Opportunity]:
    rows = (
        for_city(Opportunity, city)
        .filter(pk__in=keys, is_published=True)
        .select_related("provider", "site", "site__district")
    )
    return {opportunity.pk: opportunity for opportunity in rows}


def search(city: City, query: Query, state: CityIndex) -> SearchOutcome[Opportunity]:
    """Run ``query`` over the city's published opportunities (``state`` from
    ``city_index``). The page's rows are read from the database, so they are always
    current, published and this city's."""
    return _search(city, query, state, _models)


def search_listed(city: City, query: Query, state: CityIndex) -> SearchOutcome[Listed]:
    """``search`` for pages listing results: rows as light ``Listed`` values."""
    return _search(city, query, state, _listed)


def _search(
    city: City,
    query: Query,
    state: CityIndex,
    read: Callable[[City, list[int]], dict[int, Row]],
) -> SearchOutcome[Row]:
    for _attempt in range(3):
        result = state.index.search(replace(query, now=query.now or time.time()))
        keys = [hit.key for hit in result.hits]
        found = read(city, keys)
        missing = [key for key in keys if key not in found]
        if not missing:
            break
        state = drop_from_index(city, state, missing)
    matches = [
        Match(found[hit.key], hit.distance_km, dict(hit.matched))
        for hit in result.hits
        if hit.key in found
    ]
    return SearchOutcome(
        result=result,
        matches=matches,
        schema=state.index.schema,
        query_filters=dict(query.filters),
    )


def personal_preferences(wishes: dict[str, frozenset[str]], near_km: float) -> Preferences:
    """The guided path's ranking: what someone wants to learn counts most, then
    fitting their free time, then being close by and free of charge."""
    weights = {"topic": 3.0, "day": 1.5, "time": 1.5, "cost": 1.0, "kind": 0.5}
    return Preferences(wishes=wishes, weights=weights, near_km=max(near_km, 0.5))


def distance_label(distance_km: float | None) -> str | None:
    if distance_km is None or math.isnan(distance_km):
        return None
    if distance_km < 1:
        return f"{round(distance_km * 1000, -1):.0f} m"
    return f"{distance_km:.1f} km"

"""The learning finder, an opportunity's page, its calendar file, and the guided path.

Public pages: no account is needed. Only published opportunities of the city in the
address are ever shown (an unpublished one is visible to the people who manage it,
with a notice)."""

import dataclasses
import math
import re
import threading
import time
import zlib
from collections import Counter, OrderedDict
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, ngettext, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from learningcity.core.context_processors import site
from learningcity.core.dates import format_when
from learningcity.core.http import PageNotFound
from learningcity.core.models import City, District
from learningcity.core.navigation import links_for
from learningcity.core.tenancy import for_city, get_city, get_in_city
from learningcity.engines.search import AGE, DATES, DISTANCE, TEXT, Point, Query, Schema
from learningcity.engines.search.text import analyzer

from . import calendars, finder_frame, forms_finder, schedule, search
from .forms_enrol import QuestionForm
from .models import (
    ACCESSIBILITY,
    TARGET_GROUPS,
    TOPICS,
    Accessibility,
    Cost,
    Enrolment,
    EnrolmentStatus,
    Format,
    Level,
    Opportunity,
    OpportunityKind,
    Session,
    TargetGroup,
    TimeOfDay,
    Topic,
    Weekday,
)
from .permissions import can_manage_provider

FIXED_VALUE_LABELS: dict[str, dict[str, Any]] = {
    "topic": dict(Topic.choices),
    "kind": dict(OpportunityKind.choices),
    "format": dict(Format.choices),
    "cost": dict(Cost.choices),
    "day": dict(Weekday.choices),
    "time": dict(TimeOfDay.choices),
    "group": dict(TargetGroup.choices),
    "level": dict(Level.choices),
    "access": dict(Accessibility.choices),
    "age_band": {value: label for value, label, _low, _high in search.AGE_BANDS},
}
OTHER_LANGUAGE_NAMES = {"sgn": "Sign language", "qu": "Runa Simi"}
UPCOMING_DATES_SHOWN = 6


def language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return OTHER_LANGUAGE_NAMES.get(code, code)


def label_of(facet: str, value: str, districts: dict[str, str]) -> str:
    if facet == "district":
        return districts.get(value, value)
    return _fixed_label(get_language() or "", facet, value)


@lru_cache(maxsize=4096)
def _fixed_label(language: str, facet: str, value: str) -> str:
    """A value's label in ``language``, translated once per process: a results page
    shows about a hundred of them."""
    if facet == "language":
        return language_name(value)
    label = FIXED_VALUE_LABELS[facet].get(value)
    return value if label is None else str(label)


# -- URLs built from the current question ---------------------------------------------


def url_without(params: QueryDict, name: str, value: str | None = None) -> str:
    """The current query (back on page 1) with one value, or every value, of
    ``name`` removed."""
    kept = [
        (key, item)
        for key, items in params.lists()
        if key != "page"
        for item in items
        if not (key == name and value in (None, item))
    ]
    return f"?{urlencode(kept)}"


@dataclass(frozen=True)
class Pages:
    """What ``core/components/pagination.html`` reads (a Django Page look-alike)."""

    number: int
    num_pages: int

    @property
    def paginator(self) -> "Pages":
        return self

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


# -- the finder -----------------------------------------------------------------------


def _origin(
    city: City,
    request: forms_finder.FinderRequest,
    index: search.CityIndex,
    districts: list[search.DistrictPlace],
) -> tuple[Point | None, str]:
    """Where distances start from, and how to name it (notices added when unknown)."""
    if request.near:
        place = search.find_place(city, request.near, index, districts)
        if place is not None:
            return place.point, place.label
        request.notices.append(
            _(
                "We could not find “%(place)s” among this city's districts and places. "
                "Try a district name or the name of a library or centre."
            )
            % {"place": request.near}
        )
    if request.point is not None:
        return request.point, _("the point you chose")
    if request.km is not None:
        request.notices.append(_("To limit the distance, say where you start from."))
    return None, ""


def _facet_groups(
    schema: Schema,
    counts: Any,
    filters: dict[str, frozenset[str]],
    districts: dict[str, str],
) -> list[dict[str, Any]]:
    groups = []
    language = get_language() or ""
    for facet in schema.facets:
        chosen = filters.get(facet.name, frozenset())
        found = counts.get(facet.name, {})
        # Labels in the current language, looked up once per facet (a page has about
        # a hundred values): the districts' own names, else the translated ones.
        labels = districts if facet.name == "district" else None
        # Values nobody offers are left out (unless chosen): shorter, clearer lists.
        options = [
            {
                "value": value,
                "label": (
                    labels.get(value, value)
                    if labels is not None
                    else _fixed_label(language, facet.name, value)
                ),
                "count": found.get(value, 0),
                "checked": value in chosen,
                "id": f"f-{facet.name}-{index}",
            }
            for index, value in enumerate(facet.values)
            if found.get(value, 0) or value in chosen
        ]
        if options:
            groups.append(
                {
                    "name": facet.name,
                    "label": search.FACET_LABELS[facet.name],
                    "options": options,
                    "open": bool(chosen),
                    "all": facet.match_all,
                }
            )
    return groups


def _chips(
    request: forms_finder.FinderRequest, params: QueryDict, districts: dict[str, str], origin: str
) -> list[dict[str, str]]:
    chips = []
    if request.text:
        chips.append({"label": _quoted(request.text), "url": url_without(params, "q")})
    for name, values in request.filters.items():
        for value in sorted(values):
            chips.append(
                {"label": label_of(name, value, districts), "url": url_without(params, name, value)}
            )
    if request.when:
        label = dict(forms_finder.WHEN_CHOICES)[request.when]
        chips.append({"label": str(label), "url": url_without(params, "when")})
    if request.age is not None:
        chips.append(
            {"label": _("Age %(age)s") % {"age": request.age}, "url": url_without(params, "age")}
        )
    if origin:
        chips.append(
            {"label": _("Near %(place)s") % {"place": origin}, "url": _without_origin(params)}
        )
    return chips


def _without_origin(params: QueryDict) -> str:
    dropped = {"near", "lat", "lng", "km", "page"}
    kept = [(key, item) for key, items in params.lists() if key not in dropped for item in items]
    return f"?{urlencode(kept)}"


def _relaxations(
    outcome: search.SearchOutcome[Any],
    params: QueryDict,
    districts: dict[str, str],
    *,
    parameters: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """For an empty result: which filter to drop, and what it would give.
    ``parameters`` names the URL parameter behind a filter when it is not the
    filter's own name."""
    parameters = parameters or {}
    names = {
        TEXT: (_("your search words"), url_without(params, "q")),
        AGE: (_("the age"), url_without(params, "age")),
        DISTANCE: (_("the distance limit"), url_without(params, parameters.get(DISTANCE, "km"))),
        DATES: (_("the dates"), url_without(params, "when")),
    }
    suggestions = []
    for relaxation in outcome.result.relaxations:
        if relaxation.total == 0:
            continue
        if relaxation.filter in names:
            label, url = names[relaxation.filter]
        else:
            chosen = outcome.query_filters.get(relaxation.filter, frozenset())
            values = ", ".join(
                label_of(relaxation.filter, value, districts) for value in sorted(chosen)
            )
            facet_label = search.FACET_LABELS.get(relaxation.filter, relaxation.filter)
            label = f"{facet_label}: {values}"
            url = url_without(params, parameters.get(relaxation.filter, relaxation.filter))
        suggestions.append({"label": label, "total": relaxation.total, "url": url})
    return suggestions[:3]


def _result_rows(outcome: search.SearchOutcome[search.Listed], city: City) -> list[dict[str, Any]]:
    """What each result shows, worked out here once: a results page has twenty of
    them, and formatting in Python is several times quicker than in the template."""
    labels = {
        name: {value: str(label) for value, label in FIXED_VALUE_LABELS[name].items()}
        for name in ("kind", "format", "cost")
    }
    base = _finder_url(get_script_prefix(), get_language(), city.slug)
    rows = []
    for match in outcome.matches:
        opportunity = match.opportunity
        site = opportunity.site
        starts = opportunity.next_start
        local = timezone.localtime(starts, city.tzinfo) if starts else None
        rows.append(
            {
                "opportunity": opportunity,
                "url": f"{base}opportunities/{opportunity.slug}/",
                "kind": labels["kind"].get(opportunity.kind, opportunity.kind),
                "format": labels["format"].get(opportunity.format, opportunity.format),
                "cost": labels["cost"].get(opportunity.cost, opportunity.cost),
                "free": opportunity.cost == Cost.FREE,
                "starts_iso": local.isoformat() if local else "",
                "starts": format_when(local, "brief") if local else "",
                "distance": search.distance_label(match.distance_km),
                "place": site,
                "district": site.district if site else None,
                "languages": ", ".join(language_name(code) for code in opportunity.languages),
                "matched": match.matched,
            }
        )
    return rows


@lru_cache(maxsize=1024)
def _finder_url(prefix: str, language: str | None, slug: str) -> str:
    """The finder's address in a city, reversed once (a results page links twenty
    times into it; the script prefix and the language are part of the key)."""
    return reverse("catalogue:finder", kwargs={"city_slug": slug})


def _map_points(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "name": row["opportunity"].title,
            "lat": row["place"].latitude,
            "lng": row["place"].longitude,
            "url": row["url"],
        }
        for row in rows
        if row["place"] is not None and row["place"].latitude is not None
    ]


# Cities the finder was asked for, by slug: their query compiled once (the row is
# still read on every request, so an edit of the city shows at once). Only slugs
# that named a city are kept, and only so many.
_city_queries: dict[str, search.PreparedQuery] = {}
MAX_CITY_QUERIES = 1000


def _finder_city(slug: str) -> City:
    """``get_city`` for the finder's results page, which is asked for most."""
    prepared = _city_queries.get(slug)
    rows = prepared.rows() if prepared is not None else []
    if prepared is None or not rows:
        city = get_city(slug)  # the usual 404 for a slug that names no city
        if len(_city_queries) < MAX_CITY_QUERIES:
            _city_queries[slug] = search.PreparedQuery(City.objects.filter(slug=slug))
        return city
    fields = [field.attname for field in City._meta.concrete_fields]
    return City.from_db(prepared.using, fields, rows[0])


def _districts(city: City) -> list[search.DistrictPlace]:
    return search.city_districts(city)


class _Fragments:
    """The finder's rendered main part, by question, for a short while.

    It depends only on the city's index (its ``version``), the question (the query
    string), the language and the time (date windows, what is "coming up"), so the
    key holds those, the time rounded to the minute: an edit shows at once (a new
    version), time moving on (a date passing) within a minute. Popular questions are
    then answered without searching or rendering again. Per process, bounded, least
    recently used first out. Each part remembers which opportunities it lists: one
    cheap query checks they are all still there and published before it is reused."""

    def __init__(self, size: int) -> None:
        self.size = size
        # Kept compressed (a part is 15-40 KB as a Python string, about 5 KB compressed,
        # in 0.03 ms): a full cache costs each worker about 1 MiB rather than 10.
        self._items: OrderedDict[tuple[Any, ...], tuple[bytes, list[int]]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> tuple[str, list[int]] | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
        return zlib.decompress(found[0]).decode(), found[1]

    def put(self, key: tuple[Any, ...], html: str, listed: list[int]) -> None:
        packed = zlib.compress(html.encode(), 1)
        with self._lock:
            self._items[key] = (packed, listed)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


FRAGMENT_SECONDS = 60
MAX_CACHED_QUERY_CHARS = 1000
fragments = _Fragments(size=256)


@require_safe
def finder(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = _finder_city(city_slug)
    index = search.city_index(city)
    question = request.META.get("QUERY_STRING", "")
    key = (city.pk, index.version, get_language(), question, int(time.time()) // FRAGMENT_SECONDS)
    cached = fragments.get(key)
    if cached is not None and _still_listed(city, cached[1]):
        body = cached[0]
    else:
        context = _finder_context(request, city, index)
        # Rendered without the request: nothing personal goes in (and the context
        # processors, run again for the page around it, would cost for nothing).
        body = render_to_string("catalogue/_finder_body.html", context | site(request))
        if len(question) <= MAX_CACHED_QUERY_CHARS:
            fragments.put(key, body, [row["opportunity"].pk for row in context["rows"]])
    # What a saved search would keep: the question without its page number. The form
    # is outside the cached part (it carries the visitor's own CSRF token).
    kept = request.GET.copy()
    kept.pop("page", None)
    saved_query = kept.urlencode() if index.index.size else ""
    # The page around it is the same for every visitor without an account: made once.
    return finder_frame.finder_page(request, city, mark_safe(body), saved_query)


def _still_listed(city: City, listed: list[int]) -> bool:
    """Are all these opportunities still there and published? (Deleted rows leave
    no trace in the index's version.) By a query compiled once per city and number
    of rows: only the keys change."""
    if not listed:
        return True
    check = _listed_checks.get((city.pk, len(listed)))
    if check is None and len(set(listed)) == len(listed) <= search.MAX_LISTED_KEYS:
        published = for_city(Opportunity, city).filter(is_published=True).order_by()
        try:
            check = search.KeyedQuery(published.values_list("pk"), len(listed))
        except ValueError:  # keys not found as such among the parameters: not prepared
            check = None
        else:
            _listed_checks[city.pk, len(listed)] = check
    if check is None or len(set(listed)) != len(listed):
        found = for_city(Opportunity, city).filter(pk__in=listed, is_published=True).count()
        return found == len(listed)
    return len(check.rows(listed)) == len(listed)


_listed_checks: dict[tuple[int, int], search.KeyedQuery] = {}


def _finder_context(request: HttpRequest, city: City, index: search.CityIndex) -> dict[str, Any]:
    if not index.index.size:
        return _empty_city_context(city)
    schema = index.schema
    asked = forms_finder.parse_finder(request.GET, schema)
    places = _districts(city)
    origin, origin_label = _origin(city, asked, index, places)
    now = timezone.now()
    language = get_language()
    ask = partial(forms_finder.to_query, city=city, origin=origin, language=language, now=now)
    query = ask(asked, places_only=True)
    outcome = search.search_listed(city, query, index)
    needed = math.ceil(outcome.result.total / forms_finder.PAGE_SIZE)
    pages = max(1, min(forms_finder.MAX_PAGE, needed))
    if asked.page > pages:
        asked.page = pages
        query = ask(asked, places_only=True)
        outcome = search.search_listed(city, query, index)
    districts = {district.slug: district.name for district in places}
    rows = _result_rows(outcome, city)
    page_params = request.GET.copy()
    page_params.pop("page", None)
    encoded = page_params.urlencode()
    return {
        "city": city,
        "catalogue_size": index.index.size,
        "asked": asked,
        "origin_label": origin_label,
        "total": outcome.result.total,
        "rows": rows,
        "first_number": (asked.page - 1) * forms_finder.PAGE_SIZE + 1,
        "facets": _facet_groups(schema, outcome.result.facets, asked.filters, districts),
        "chips": _chips(asked, request.GET, districts, origin_label),
        "chosen_count": _chosen_count(asked),
        "relaxations": _relaxations(outcome, request.GET, districts) if not rows else [],
        "corrections": _corrections(outcome.result.corrections),
        "unknown": outcome.result.unknown_words,
        "online_elsewhere": _online_elsewhere(city, query, asked, request.GET, index),
        "examples": search_examples(city, index),
        "page_obj": Pages(asked.page, pages),
        "query_without_page": f"{encoded}&" if encoded else "",
        "map_points": _map_points(rows),
        "districts": districts.values(),
        "when_choices": forms_finder.WHEN_CHOICES,
        "sort_choices": forms_finder.SORT_CHOICES,
        "km_choices": forms_finder.KM_CHOICES,
        "asked_km": f"{asked.km:g}" if asked.km is not None else "",
        "quick_links": _quick_links() if asked.is_empty else [],
    }


def _chosen_count(asked: forms_finder.FinderRequest) -> int:
    """How many choices are folded behind the "more choices" button."""
    values = sum(len(values) for values in asked.filters.values())
    return values + bool(asked.when) + (asked.age is not None) + bool(asked.sort)


def _quoted(text: str) -> str:
    """Words the visitor typed, in their language's quotation marks (« » in French)."""
    return pgettext("quotation marks around words someone typed", "“%(text)s”") % {"text": text}


def _corrections(corrections: Any) -> list[dict[str, str]]:
    """For a typo, the words actually searched for ("yoga", not "yoag")."""
    found = []
    for typed, words in corrections.items():
        if words:
            searched = _(" or ").join(_quoted(word) for word in words[:3])
            found.append({"typed": typed, "searched": searched})
    return found


def _online_elsewhere(
    city: City,
    query: Query,
    asked: forms_finder.FinderRequest,
    params: QueryDict,
    index: search.CityIndex,
) -> dict[str, Any] | None:
    """A distance limit keeps to places; online learning is counted apart and offered
    as its own link (the same question, online, without the place)."""
    if query.max_km is None or "format" in asked.filters:
        return None
    online = dataclasses.replace(
        query,
        filters={**query.filters, "format": frozenset({"online"})},
        origin=None,
        max_km=None,
        offset=0,
        limit=0,
        count_facets=False,
        preferences=None,
    )
    total = index.index.search(online).total
    if not total:
        return None
    dropped = {"near", "lat", "lng", "km", "page", "format"}
    kept = [(key, item) for key, items in params.lists() if key not in dropped for item in items]
    kept.append(("format", "online"))
    label = ngettext("Also %(count)s online", "Also %(count)s online", total) % {
        "count": f"{total:,}"
    }
    return {"total": total, "label": label, "url": f"?{urlencode(kept)}"}


def _empty_city_context(city: City) -> dict[str, Any]:
    """A city with nothing listed: say so, and point to what exists."""
    with_learning = (
        City.objects.exclude(pk=city.pk)
        .filter(opportunities__is_published=True)
        .annotate(listed=Count("opportunities"))
        .order_by("-listed", "name")
        .values("slug", "name", "listed")[:EMPTY_CITY_SUGGESTIONS]
    )
    return {
        "city": city,
        "catalogue_size": 0,
        "other_cities": list(with_learning),
        "city_links": links_for("city", AnonymousUser(), city),
        "rows": [],
    }


EMPTY_CITY_SUGGESTIONS = 8
EXAMPLE_COUNT = 3
_WORD = re.compile(r"[^\W\d_]{3,}")
EXAMPLE_SECONDS = 600
_examples: dict[int, tuple[float, tuple[str, ...]]] = {}


def search_examples(city: City, index: search.CityIndex) -> tuple[str, ...]:
    """Words to suggest in the search box, from this city's own catalogue: the title
    words most published opportunities share, leaving out words that say what kind
    of learning it is ("course", "online") rather than what it is about. Kept for
    ten minutes per city: they follow the catalogue without a query per search."""
    known = _examples.get(city.pk)
    if known is not None and time.monotonic() - known[0] < EXAMPLE_SECONDS:
        return known[1]
    language = city.languages[0] if city.languages else "en"
    words = analyzer(language)
    generic = _generic_words()
    counts: Counter[str] = Counter()
    titles = for_city(Opportunity, city).filter(is_published=True).values_list("title", flat=True)
    for title in titles[:5000]:
        found = {word.lower() for word in _WORD.findall(title)}
        counts.update(
            word for word in found if word not in generic and not words.is_stop_word(word)
        )
    chosen = tuple(word for word, _count in counts.most_common(EXAMPLE_COUNT))
    _examples[city.pk] = (time.monotonic(), chosen)
    return chosen


def forget_examples() -> None:
    """Drop the kept examples (tests reuse city ids)."""
    _examples.clear()


@lru_cache(maxsize=1)
def _generic_words() -> frozenset[str]:
    """Words of the kind, format, level and cost names in English (titles are often
    "Online course: ...": those words find everything and say nothing)."""
    labels = [
        str(value).replace("_", " ")
        for choices in (OpportunityKind, Format, Level, Cost)
        for value in choices.values
    ]
    labels += ["class", "classes", "session", "sessions", "introduction", "online", "beginners"]
    return frozenset(word.lower() for label in labels for word in _WORD.findall(label))


def _quick_links() -> list[tuple[str, str]]:
    return [
        (
            _("Free online lectures this week"),
            "?"
            + urlencode({"cost": "free", "format": "online", "kind": "lecture", "when": "week"}),
        ),
        (_("Free this weekend"), "?" + urlencode({"cost": "free", "when": "weekend"})),
        (_("For older people"), "?" + urlencode({"group": "older_people"})),
        (_("For children and families"), "?group=children&group=families"),
    ]


# -- an opportunity -------------------------------------------------------------------


def _visible_opportunity(request: HttpRequest, city: City, slug: str) -> Opportunity:
    opportunity = get_in_city(
        Opportunity.objects.select_related("provider", "site", "site__district", "city"),
        city,
        slug=slug,
    )
    if not opportunity.is_published and not can_manage_provider(request.user, opportunity.provider):
        raise PageNotFound(_("This page does not exist in this city."))
    return opportunity


@require_safe
def opportunity_detail(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city = get_city(city_slug)
    opportunity = _visible_opportunity(request, city, slug)
    sessions = list(
        for_city(Session.objects.with_seat_counts(), city)
        .filter(opportunity=opportunity)
        .select_related("site")
    )
    joined = joined_enrolments(request, sessions)
    now = timezone.now()
    zone = city.tzinfo
    upcoming_sessions = []
    recordings = []
    for session in sessions:
        session.opportunity = opportunity  # its main place is the session's fallback
        session.joined = joined.get(session.pk)  # type: ignore[attr-defined]
        dates = schedule.occurrences(
            session, zone, start=now, end=now + schedule.HORIZON, limit=UPCOMING_DATES_SHOWN
        )
        if dates and not session.is_cancelled:
            upcoming_sessions.append((session, dates))
        elif session.recording_url and not session.is_cancelled:
            recordings.append(session)
    upcoming_sessions.sort(key=lambda pair: pair[1][0].starts_at)
    page_url = request.build_absolute_uri(request.path)
    return render(
        request,
        "catalogue/opportunity.html",
        {
            "city": city,
            "opportunity": opportunity,
            "upcoming": upcoming_sessions,
            "recordings": recordings,
            "cancelled": [session for session in sessions if session.is_cancelled],
            "topics": TOPICS.labels(opportunity.topics),
            "groups": TARGET_GROUPS.labels(opportunity.target_groups),
            "access": ACCESSIBILITY.labels(
                opportunity.accessibility
                | (opportunity.site.accessibility if opportunity.site else 0)
            ),
            "languages": [language_name(code) for code in opportunity.languages],
            "page_url": page_url,
            "calendar_url": reverse(
                "catalogue:opportunity_calendar",
                kwargs={"city_slug": city.slug, "slug": opportunity.slug},
            ),
            "map_points": _detail_map(opportunity),
            "question_form": QuestionForm(auto_id="ask-%s"),
        },
    )


JOINED_IN_THIS_BROWSER = "catalogue.joined"


def joined_enrolments(request: HttpRequest, sessions: list[Session]) -> dict[int, Enrolment]:
    """The visitor's live places in these sessions, by session: a signed-in
    resident's own, or those joined in this browser without an account (their ids
    are kept in the visitor's session, see ``views_enrol.enrol``)."""
    live = Enrolment.objects.filter(
        session__in=sessions, status__in=[EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITLISTED]
    )
    if request.user.is_authenticated:
        live = live.filter(user=request.user)
    else:
        remembered = request.session.get(JOINED_IN_THIS_BROWSER, []) if sessions else []
        if not remembered:
            return {}
        live = live.filter(public_id__in=remembered[-50:], user__isnull=True)
    return {enrolment.session_id: enrolment for enrolment in live}


def _detail_map(opportunity: Opportunity) -> list[dict[str, Any]]:
    site = opportunity.site
    if site is None or site.latitude is None or site.longitude is None:
        return []
    return [{"name": site.name, "lat": site.latitude, "lng": site.longitude}]


@require_safe
def opportunity_calendar(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city = get_city(city_slug)
    opportunity = _visible_opportunity(request, city, slug)
    sessions = list(
        for_city(Session, city)
        .filter(opportunity=opportunity)
        .select_related("site", "opportunity__site")
    )
    return calendar_response(calendars.sessions_calendar(opportunity, sessions), opportunity.slug)


def calendar_response(body: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response


# -- "find learning for me" -----------------------------------------------------------

GUIDED_STEPS = ("what", "when", "where", "help", "language")
# The URL parameters each question asks for.
STEP_FIELDS = {
    "what": ("topic", "q"),
    "when": ("day", "time"),
    "where": ("near", "km", "how"),
    "help": ("access", "free", "age"),
    "language": ("language",),
}
# Filters of the guided path and the parameter that sets them, to drop one.
GUIDED_PARAMETERS = {"cost": "free", "format": "how", DISTANCE: "km"}


def _step_labels() -> list[tuple[str, str]]:
    labels = [_("What"), _("When"), _("Where"), _("Help"), _("Language")]
    return list(zip(GUIDED_STEPS, labels, strict=True))


@require_safe
def guided(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    index = search.city_index(city)
    answers = forms_finder.parse_guided(request.GET, index.schema, city)
    step = request.GET.get("step", GUIDED_STEPS[0])
    context: dict[str, Any] = {"city": city, "answers": answers, "steps": _step_labels()}
    if step in GUIDED_STEPS:
        position = GUIDED_STEPS.index(step)
        last = position + 1 == len(GUIDED_STEPS)
        context |= {
            "step": step,
            "kept": _kept_answers(request.GET, skip=STEP_FIELDS[step]),
            "number": position + 1,
            "next": "results" if last else GUIDED_STEPS[position + 1],
            "back": _step_url(request.GET, GUIDED_STEPS[position - 1]) if position else "",
            "choices": _guided_choices(city),
        }
        return render(request, "catalogue/guided_step.html", context)
    places = _districts(city)
    origin, origin_label = _origin(city, answers.request, index, places)
    query = forms_finder.guided_query(answers, city=city, origin=origin, language=get_language())
    outcome = search.search_listed(city, query, index)
    districts = {district.slug: district.name for district in places}
    rows = _result_rows(outcome, city)
    for row in rows:
        row["reasons"] = _reasons(row, answers, origin_label, districts)
    context |= {
        "rows": rows,
        "total": outcome.result.total,
        "origin_label": origin_label,
        "relaxations": (
            _relaxations(outcome, request.GET, districts, parameters=GUIDED_PARAMETERS)
            if not rows
            else []
        ),
        "change_url": _step_url(request.GET, GUIDED_STEPS[0]),
        "finder_url": reverse("catalogue:finder", kwargs={"city_slug": city.slug})
        + "?"
        + forms_finder.guided_as_finder(request.GET),
    }
    return render(request, "catalogue/guided_results.html", context)


def _kept_answers(params: QueryDict, *, skip: tuple[str, ...]) -> list[tuple[str, str]]:
    """Earlier answers, carried along as hidden fields (not the current question's)."""
    return [
        (name, value)
        for name, values in params.lists()
        if name != "step" and name not in skip
        for value in values
    ]


def _step_url(params: QueryDict, step: str) -> str:
    kept = params.copy()
    kept["step"] = step
    return f"?{kept.urlencode()}"


def _guided_choices(city: City) -> dict[str, Any]:
    return {
        "topic": Topic.choices,
        "day": Weekday.choices,
        "time": TimeOfDay.choices,
        "access": Accessibility.choices,
        "language": [(code, language_name(code)) for code in search.facet_languages(city)[:8]],
        "km": forms_finder.GUIDED_KM_CHOICES,
        "how": forms_finder.HOW_CHOICES,
        "districts": for_city(District, city).values_list("name", flat=True),
    }


def _reasons(
    row: dict[str, Any],
    answers: forms_finder.GuidedAnswers,
    origin_label: str,
    districts: dict[str, str],
) -> list[str]:
    """Plain sentences saying why this opportunity was suggested."""
    opportunity: search.Listed = row["opportunity"]
    matched: dict[str, tuple[str, ...]] = row["matched"]
    reasons = []
    if "topic" in matched:
        topics = ", ".join(label_of("topic", value, districts) for value in matched["topic"])
        reasons.append(_("It is about what you want to learn: %(topics)s.") % {"topics": topics})
    elif answers.request.text:
        reasons.append(_("It matches your words “%(words)s”.") % {"words": answers.request.text})
    free_time = [label_of("day", value, districts) for value in matched.get("day", ())]
    free_time += [label_of("time", value, districts).lower() for value in matched.get("time", ())]
    if free_time:
        reasons.append(
            _("It happens when you are free: %(when)s.") % {"when": ", ".join(free_time)}
        )
    elif answers.wishes.get("day") or answers.wishes.get("time"):
        reasons.append(_("Check the dates: it is not always at the times you chose."))
    if row["distance"] and origin_label:
        reasons.append(
            _("It is %(distance)s from %(place)s.")
            % {"distance": row["distance"], "place": origin_label}
        )
    if opportunity.format == Format.ONLINE:
        reasons.append(_("It is online: you can join from home."))
    if opportunity.cost == Cost.FREE:
        reasons.append(_("It is free."))
    needs = answers.request.filters.get("access", frozenset())
    if needs:
        labels = ", ".join(label_of("access", value, districts) for value in sorted(needs))
        reasons.append(_("It offers what you need: %(needs)s.") % {"needs": labels})
    if answers.request.filters.get("language"):
        reasons.append(_("It is taught in: %(languages)s.") % {"languages": row["languages"]})
    return reasons

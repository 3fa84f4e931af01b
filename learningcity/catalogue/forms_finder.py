"""Reading the finder's and the guided path's questions from a URL.

The finder is a GET form whose address can be shared and bookmarked, so anything may
arrive in it: very long text, a latitude of "abc", a topic that does not exist. None
of that is an error page: what can be used is used, the rest is ignored and the
visitor is told what was ignored and why (``notices``).
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learningcity.core.models import City
from learningcity.engines.search import Point, Preferences, Query, Schema, Sort

from . import search

MAX_QUERY_CHARS = 200
MAX_VALUES_PER_FACET = 64
NEAR_MAX_CHARS = 120

WHEN_CHOICES = [
    ("", gettext_lazy("Any time")),
    ("today", gettext_lazy("Today")),
    ("tomorrow", gettext_lazy("Tomorrow")),
    ("weekend", gettext_lazy("This weekend")),
    ("week", gettext_lazy("This week (next 7 days)")),
    ("month", gettext_lazy("Next 30 days")),
]
SORT_CHOICES = [
    ("", gettext_lazy("Best first")),
    ("soonest", gettext_lazy("Soonest first")),
    ("nearest", gettext_lazy("Nearest first")),
]
KM_CHOICES = [
    ("", gettext_lazy("Any distance")),
    ("1", gettext_lazy("Within 1 km")),
    ("2", gettext_lazy("Within 2 km")),
    ("5", gettext_lazy("Within 5 km")),
    ("10", gettext_lazy("Within 10 km")),
    ("25", gettext_lazy("Within 25 km")),
]
PAGE_SIZE = 20
MAX_PAGE = 500

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class FinderForm(forms.Form):
    """The finder's single-valued questions (facets are read by ``parse_finder``)."""

    q = forms.CharField(label=gettext_lazy("What do you want to learn?"), required=False)
    near = forms.CharField(
        label=gettext_lazy("Near"),
        required=False,
        help_text=gettext_lazy("A district, a place or an address"),
    )
    lat = forms.FloatField(
        label=gettext_lazy("Latitude"), required=False, min_value=-90, max_value=90
    )
    lng = forms.FloatField(
        label=gettext_lazy("Longitude"), required=False, min_value=-180, max_value=180
    )
    km = forms.ChoiceField(label=gettext_lazy("Distance"), choices=KM_CHOICES, required=False)
    when = forms.ChoiceField(label=gettext_lazy("When"), choices=WHEN_CHOICES, required=False)
    sort = forms.ChoiceField(label=gettext_lazy("Order"), choices=SORT_CHOICES, required=False)
    age = forms.IntegerField(
        label=gettext_lazy("Age of the learner"), required=False, min_value=0, max_value=120
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)


@dataclass
class FinderRequest:
    text: str = ""
    filters: dict[str, frozenset[str]] = field(default_factory=dict)
    near: str = ""
    point: Point | None = None
    km: float | None = None
    when: str = ""
    sort: str = ""
    age: int | None = None
    page: int = 1
    notices: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.text or self.filters or self.near or self.point or self.when or self.age)


def clean_text(value: str, limit: int) -> tuple[str, bool]:
    """Printable text on one line, at most ``limit`` characters (and whether it was cut)."""
    value = unicodedata.normalize("NFC", _CONTROL.sub(" ", value))
    value = " ".join(value.split())
    return value[:limit], len(value) > limit


def parse_finder(params: QueryDict, schema: Schema) -> FinderRequest:
    request = FinderRequest()
    text, cut = clean_text(params.get("q", ""), MAX_QUERY_CHARS)
    if cut:
        request.notices.append(
            _("Your search words were very long: we used the first %(count)s characters.")
            % {"count": MAX_QUERY_CHARS}
        )
    request.text = text
    request.near, _cut = clean_text(params.get("near", ""), NEAR_MAX_CHARS)
    form = FinderForm(
        {key: params.get(key, "") for key in ("lat", "lng", "km", "when", "sort", "age", "page")}
    )
    form.is_valid()
    for name, errors in form.errors.items():
        label = form.fields[name].label or name
        request.notices.append(
            _("We ignored “%(label)s”: %(reason)s") % {"label": label, "reason": errors[0]}
        )
    data: dict[str, Any] = form.cleaned_data
    latitude, longitude = data.get("lat"), data.get("lng")
    if (latitude is None) != (longitude is None) and not form.errors:
        request.notices.append(_("A map point needs both a latitude and a longitude."))
    elif latitude is not None and longitude is not None:
        request.point = Point(latitude, longitude)
    request.km = float(data["km"]) if data.get("km") else None
    request.when = data.get("when") or ""
    request.sort = data.get("sort") or ""
    request.age = data.get("age")
    request.page = data.get("page") or 1
    request.filters = parse_facets(params, schema, request.notices)
    return request


def parse_facets(
    params: QueryDict, schema: Schema, notices: list[str]
) -> dict[str, frozenset[str]]:
    filters: dict[str, frozenset[str]] = {}
    for facet in schema.facets:
        values = params.getlist(facet.name)[:MAX_VALUES_PER_FACET]
        known = frozenset(value for value in values if value in facet.values)
        unknown = [value for value in values if value not in facet.values and value != ""]
        if unknown:
            notices.append(
                _("We ignored a choice we do not know for “%(filter)s”: %(value)s")
                % {
                    "filter": search.FACET_LABELS.get(facet.name, facet.name),
                    "value": clean_text(unknown[0], 40)[0],
                }
            )
        if known:
            filters[facet.name] = known
    return filters


def date_window(when: str, city: City, now: datetime) -> tuple[datetime, datetime] | None:
    """The [start, end) of a "when" choice in the city's time zone."""
    if not when:
        return None
    local = now.astimezone(city.tzinfo)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if when == "today":
        return now, midnight + timedelta(days=1)
    if when == "tomorrow":
        return midnight + timedelta(days=1), midnight + timedelta(days=2)
    if when == "weekend":
        saturday = midnight + timedelta(days=(5 - local.weekday()) % 7)
        if local.weekday() == 6:  # Sunday: the weekend is today
            saturday = midnight - timedelta(days=1)
        return max(now, saturday), saturday + timedelta(days=2)
    if when == "week":
        return now, now + timedelta(days=7)
    return now, now + timedelta(days=30)


def to_query(
    request: FinderRequest,
    *,
    city: City,
    origin: Point | None,
    language: str | None,
    now: datetime,
    preferences: Preferences | None = None,
    page_size: int = PAGE_SIZE,
    places_only: bool = False,
) -> Query:
    """The engine's query for a request. With ``places_only`` a distance limit keeps
    to places within reach (the finder counts online learning apart); without it,
    online learning passes any distance (the guided path, which weighs it itself)."""
    window = date_window(request.when, city, now)
    if request.sort:
        sort = Sort(request.sort)
    elif request.text:
        sort = Sort.BEST
    elif origin is not None:
        sort = Sort.NEAREST
    else:
        sort = Sort.SOONEST
    return Query(
        text=request.text,
        languages=search.query_languages(city, language),
        filters=request.filters,
        age=request.age,
        origin=origin,
        max_km=request.km if origin is not None else None,
        distance_keeps_remote=not places_only,
        starts_from=window[0].timestamp() if window else None,
        starts_before=window[1].timestamp() if window else None,
        now=now.timestamp(),
        sort=sort,
        offset=(request.page - 1) * page_size,
        limit=page_size,
        preferences=preferences,
    )


# -- the guided path ------------------------------------------------------------------

GUIDED_KM_CHOICES = [
    ("1", gettext_lazy("Up to 1 km (a short walk)")),
    ("3", gettext_lazy("Up to 3 km")),
    ("10", gettext_lazy("Up to 10 km (a bus or metro ride)")),
    ("", gettext_lazy("Distance does not matter")),
]
HOW_CHOICES = [
    ("any", gettext_lazy("In person or online")),
    ("in_person", gettext_lazy("In person only")),
    ("online", gettext_lazy("Online only")),
]
GUIDED_WISHES = ("topic", "day", "time")
GUIDED_NEEDS = ("access", "language")
IN_PERSON_FORMATS = frozenset({"in_person", "hybrid", "mobile"})


@dataclass
class GuidedAnswers:
    """A person's answers: ``request`` holds what must be true (needs, language,
    place, age, free only); ``wishes`` what makes a suggestion better."""

    request: FinderRequest
    wishes: dict[str, frozenset[str]]
    how: str = "any"
    free_only: bool = False


def parse_guided(params: QueryDict, schema: Schema, city: City) -> GuidedAnswers:
    notices: list[str] = []
    wished = parse_facets(_only(params, GUIDED_WISHES), schema, notices)
    needed = parse_facets(_only(params, GUIDED_NEEDS), schema, notices)
    text, _cut = clean_text(params.get("q", ""), MAX_QUERY_CHARS)
    near, _cut = clean_text(params.get("near", ""), NEAR_MAX_CHARS)
    km_value = params.get("km", "")
    km = float(km_value) if km_value in {"1", "3", "10"} else None
    how = params.get("how", "any")
    if how not in dict(HOW_CHOICES):
        how = "any"
    free_only = params.get("free") == "1"
    if free_only:
        needed["cost"] = frozenset({"free"})
    if how == "in_person":
        needed["format"] = IN_PERSON_FORMATS
    elif how == "online":
        needed["format"] = frozenset({"online", "hybrid"})
    form = FinderForm({"age": params.get("age", "")})
    form.is_valid()
    if form.errors:
        notices.append(_("We ignored the age: please give a whole number from 0 to 120."))
    request = FinderRequest(
        text=text,
        filters=needed,
        near=near,
        km=km,
        age=form.cleaned_data.get("age"),
        notices=notices,
    )
    return GuidedAnswers(request=request, wishes=wished, how=how, free_only=free_only)


def _only(params: QueryDict, names: tuple[str, ...]) -> QueryDict:
    kept = QueryDict(mutable=True)
    for name in names:
        kept.setlist(name, params.getlist(name))
    return kept


def guided_query(
    answers: GuidedAnswers, *, city: City, origin: Point | None, language: str | None
) -> Query:
    preferences = search.personal_preferences(answers.wishes, near_km=answers.request.km or 3.0)
    return to_query(
        answers.request,
        city=city,
        origin=origin,
        language=language,
        now=datetime.now().astimezone(),
        preferences=preferences,
    )


def guided_as_finder(params: QueryDict) -> str:
    """The same question as finder filters (wishes become filters there)."""
    finder = QueryDict(mutable=True)
    for name in ("q", "near", "km", "age", *GUIDED_WISHES, *GUIDED_NEEDS):
        values = [value for value in params.getlist(name) if value]
        if values:
            finder.setlist(name, values)
    if params.get("free") == "1":
        finder["cost"] = "free"
    if params.get("how") == "online":
        finder.setlist("format", ["online", "hybrid"])
    elif params.get("how") == "in_person":
        finder.setlist("format", sorted(IN_PERSON_FORMATS))
    return finder.urlencode()

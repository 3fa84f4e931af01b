"""Peer matching for a city, read-only: gathers the facts (member profiles, cluster
memberships, and the stored index results through monitoring's query helpers) and
asks the engine (``engines.peers``) for "cities like mine" and "cities that can help
me"; each suggestion comes back with its reasons in the reader's language.

The candidates are the network's members; "cities that can help" compares the area
scores (the level just below the index) of the newest finished run of the network's
default framework, in its last year."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from learningcity.core.models import City, UnescoRegion
from learningcity.engines.peers import (
    CityFacts,
    Reason,
    cities_like,
    cities_that_can_help,
    weakest_areas,
)
from learningcity.monitoring import queries

from .models import CityProfile, Cluster, ClusterMembership
from .vocabulary import SIZE_BAND_CODES, SIZE_BANDS, MembershipStatus, size_band

SUGGESTIONS = 5
WEAKEST_AREAS = 2


@dataclass
class Match:
    city: City
    score: float
    reasons: list[str]


@dataclass
class WeakArea:
    code: str
    label: str
    score: float


@dataclass
class PeerMatches:
    like: list[Match] = field(default_factory=list)
    helpers: list[Match] = field(default_factory=list)
    weakest: list[WeakArea] = field(default_factory=list)
    index_title: str = ""
    index_year: int | None = None
    # Why there are no "cities that can help" (empty when there are some to show).
    no_helpers_because: str = ""


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _schooling(profile: CityProfile | None) -> float | None:
    if profile is None:
        return None
    figures = [
        float(value)
        for value in (profile.schooling_men, profile.schooling_women)
        if value is not None
    ]
    return sum(figures) / len(figures) if figures else None


def _facts(city: City, profile: CityProfile | None, clusters: frozenset[str]) -> CityFacts:
    return CityFacts(
        key=city.pk,
        region=city.region,
        size_band=SIZE_BAND_CODES.index(size_band(city.population)),
        gdp_per_capita=_float(profile.gdp_city_usd) if profile else None,
        schooling_years=_schooling(profile),
        clusters=clusters,
    )


def _number(value: float | None, places: int = 0) -> str:
    return number_format(value or 0, decimal_pos=places, use_l10n=True, force_grouping=True)


def _band_label(city: City) -> str:
    code = size_band(city.population)
    return next(str(label) for band, _lowest, label in SIZE_BANDS if band == code)


def _reason_text(
    reason: Reason, own: City, other: City, cluster_labels: dict[str, str], areas: dict[str, str]
) -> str:
    if reason.kind == "region":
        return _("Same UNESCO region: %(region)s") % {
            "region": dict(UnescoRegion.choices).get(other.region, other.region)
        }
    if reason.kind == "size":
        return _("Similar population: %(theirs)s (yours: %(own)s)") % {
            "theirs": _band_label(other),
            "own": _band_label(own),
        }
    if reason.kind == "gdp":
        return _("Similar GDP per capita: US$ %(theirs)s (yours: US$ %(own)s)") % {
            "theirs": _number(reason.theirs),
            "own": _number(reason.own),
        }
    if reason.kind == "schooling":
        return _("Similar average years of schooling: %(theirs)s (yours: %(own)s)") % {
            "theirs": _number(reason.theirs, 1),
            "own": _number(reason.own, 1),
        }
    if reason.kind == "clusters":
        return _("Also in the cluster: %(clusters)s") % {
            "clusters": ", ".join(cluster_labels.get(slug, slug) for slug in reason.items)
        }
    area = reason.items[0] if reason.items else ""
    return _("Stronger in “%(area)s”: %(theirs)s against your %(own)s") % {
        "area": areas.get(area, area),
        "theirs": _number(reason.theirs, 1),
        "own": _number(reason.own, 1),
    }


def peer_matches(city: City) -> PeerMatches:
    profiles = {
        profile.city_id: profile
        for profile in CityProfile.objects.filter(status=MembershipStatus.MEMBER).select_related(
            "city"
        )
    }
    own_profile = profiles.get(city.pk) or CityProfile.objects.filter(city=city).first()
    cities = {city_id: profile.city for city_id, profile in profiles.items()}
    cities[city.pk] = city
    cluster_slugs: dict[int, set[str]] = {}
    for city_id, slug in ClusterMembership.objects.values_list("city_id", "cluster__slug"):
        cluster_slugs.setdefault(city_id, set()).add(slug)
    cluster_labels = {cluster.slug: cluster.label for cluster in Cluster.objects.all()}

    target = _facts(city, own_profile, frozenset(cluster_slugs.get(city.pk, ())))
    candidates = [
        _facts(profile.city, profile, frozenset(cluster_slugs.get(city_id, ())))
        for city_id, profile in profiles.items()
        if city_id != city.pk
    ]
    found = PeerMatches()
    found.like = [
        Match(
            cities[suggestion.key],
            suggestion.score,
            [
                _reason_text(reason, city, cities[suggestion.key], cluster_labels, {})
                for reason in suggestion.reasons
            ],
        )
        for suggestion in cities_like(target, candidates, SUGGESTIONS)
    ]
    _helpers(city, cities, found)
    return found


def _helpers(city: City, cities: dict[int, City], found: PeerMatches) -> None:
    run = queries.latest_run()
    year = run.last_year if run is not None else None
    if run is None or year is None:
        found.no_helpers_because = _(
            "The network has no index results yet, so we cannot tell where any city is "
            "strong or weak."
        )
        return
    found.index_title, found.index_year = str(run), year
    # Plain tuples: a run holds a row per city and aggregate, and only four columns
    # of them are needed here.
    results = list(
        queries.run_results(run, year=year)
        .filter(score__isnull=False)
        .values_list("city_id", "code", "level", "score")
    )
    if not results:
        found.no_helpers_because = _("The newest index has no scores for its last year.")
        return
    area_level = max(level for _city, _code, level, _score in results) - 1
    nodes = queries.node_names(run.framework)
    scores: dict[int, dict[str, float]] = {}
    for city_id, code, level, score in results:
        if level == area_level and score is not None:
            scores.setdefault(city_id, {})[code] = score
    areas = {
        code: (gettext(nodes[code].name) if code in nodes and nodes[code].name else code)
        for area_scores in scores.values()
        for code in area_scores
    }
    own = scores.pop(city.pk, {})
    if not own:
        found.no_helpers_because = _(
            "%(city)s has no results in the newest index (%(run)s, %(year)s), so we cannot "
            "tell where it is weakest. Once its indicator values are entered and validated "
            "in monitoring, the next index run will include it."
        ) % {"city": city.name, "run": str(run), "year": year}
        return
    found.weakest = [
        WeakArea(code, areas.get(code, code), own[code])
        for code in weakest_areas(own, WEAKEST_AREAS)
    ]
    others = {city_id: area_scores for city_id, area_scores in scores.items() if city_id in cities}
    found.helpers = [
        Match(
            cities[suggestion.key],
            suggestion.score,
            [
                _reason_text(reason, city, cities[suggestion.key], {}, areas)
                for reason in suggestion.reasons
            ],
        )
        for suggestion in cities_that_can_help(own, others, weakest=WEAKEST_AREAS, k=SUGGESTIONS)
    ]
    if not found.helpers:
        found.no_helpers_because = _(
            "No member city is ahead of %(city)s in its weakest areas in the newest index."
        ) % {"city": city.name}

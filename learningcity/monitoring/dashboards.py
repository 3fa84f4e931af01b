"""What the dashboards show, computed from a finished run's stored results.

Each builder reads a fixed number of queries whatever the number of cities, and
returns plain values plus ready-made charts (inline SVG, see ``charts``)."""

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from learningcity.core.http import PageNotFound
from learningcity.core.models import City

from . import charts, queries
from .derived import DERIVED, Derived, derived_values
from .models import (
    GLOBAL_NORMALISATION,
    NO_NORMALISATION,
    PER_YEAR_NORMALISATION,
    Framework,
    FrameworkNode,
    IndexResult,
    IndexRun,
    IndicatorValue,
    NodeType,
)
from .numbers import plain_number

PEERS = 4
# Cities per page on the network page (the printable report lists all of them).
PAGE_SIZE = 50
STRENGTHS = 3


@dataclass
class Score:
    code: str
    name: str
    score: float | None
    rank: int | None
    median: float | None = None
    parent: str = ""

    @property
    def difference(self) -> float | None:
        if self.score is None or self.median is None:
            return None
        return self.score - self.median


@dataclass
class Peer:
    city: City
    score: float | None
    rank: int | None


@dataclass
class CityDashboard:
    run: IndexRun
    year: int
    units: int
    index: IndexResult | None
    index_name: str
    areas: list[Score]
    focus: list[Score]
    trend: list[IndexResult]
    nearest: list[Peer]
    region: list[Peer]
    strengths: list[Score]
    gaps: list[Score]
    level_names: dict[str, str]
    charts: dict[str, SafeString] = field(default_factory=dict)


def _levels(nodes: dict[str, FrameworkNode]) -> tuple[int, dict[int, list[FrameworkNode]]]:
    by_level: dict[int, list[FrameworkNode]] = defaultdict(list)
    for node in nodes.values():
        if node.type == "Aggregate" and node.level:
            by_level[node.level].append(node)
    return (max(by_level) if by_level else 1), by_level


def _median(values: Sequence[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def city_dashboard(city: City, run: IndexRun) -> CityDashboard | None:
    """A city's scores in ``run``, or None when the run left the city out."""
    year = run.last_year
    mine = list(queries.run_results(run, city=city))
    if year is None or not any(result.year == year for result in mine):
        return None
    nodes = queries.node_names(run.framework)
    top, by_level = _levels(nodes)
    network = list(
        IndexResult.objects.filter(run=run, year=year)
        .values_list("city_id", "code", "score", "rank")
        .order_by()
    )
    medians = _medians(network)
    current = {result.code: result for result in mine if result.year == year}

    def scores_at(level: int) -> list[Score]:
        return [
            Score(
                node.code,
                node.label,
                getattr(current.get(node.code), "score", None),
                getattr(current.get(node.code), "rank", None),
                medians.get(node.code),
                node.parent.label if node.parent_id and node.parent else "",
            )
            for node in by_level.get(level, [])
        ]

    top_code = by_level[top][0].code if by_level.get(top) else ""
    features = [score for score in scores_at(2) if score.difference is not None]
    features.sort(key=lambda score: score.difference or 0.0, reverse=True)
    dashboard = CityDashboard(
        run=run,
        year=year,
        units=sum(1 for _city, code, _score, _rank in network if code == top_code),
        index=current.get(top_code),
        index_name=nodes[top_code].label if top_code else "",
        areas=scores_at(top - 1),
        focus=scores_at(top - 2) if top - 2 >= 2 else [],
        trend=sorted((r for r in mine if r.code == top_code), key=lambda r: r.year),
        nearest=[],
        region=[],
        strengths=[score for score in features[:STRENGTHS] if (score.difference or 0) > 0],
        gaps=[score for score in features[::-1][:STRENGTHS] if (score.difference or 0) < 0],
        level_names={
            "area": run.framework.level_name(top - 1),
            "focus": run.framework.level_name(top - 2),
            "feature": run.framework.level_name(2),
        },
    )
    _add_peers(dashboard, city, run, top_code)
    _add_city_charts(dashboard, city)
    return dashboard


def _medians(network: Sequence[tuple[int, str, float | None, int | None]]) -> dict[str, float]:
    by_code: dict[str, list[float | None]] = defaultdict(list)
    for _city, code, score, _rank in network:
        by_code[code].append(score)
    return {
        code: median for code, scores in by_code.items() if (median := _median(scores)) is not None
    }


def _add_peers(dashboard: CityDashboard, city: City, run: IndexRun, top_code: str) -> None:
    others = [
        Peer(result.city, result.score, result.rank)
        for result in queries.run_results(run, codes=[top_code], year=dashboard.year)
        if result.city_id != city.pk
    ]
    own = dashboard.index.score if dashboard.index else None
    if own is not None:
        scored = [peer for peer in others if peer.score is not None]
        scored.sort(key=lambda peer: abs((peer.score or 0.0) - own))
        dashboard.nearest = sorted(scored[:PEERS], key=lambda peer: peer.rank or 0)
    dashboard.region = sorted(
        (peer for peer in others if peer.city.region == city.region),
        key=lambda peer: (peer.rank is None, peer.rank or 0),
    )


def _add_city_charts(dashboard: CityDashboard, city: City) -> None:
    year = dashboard.year
    dashboard.charts["areas"] = charts.bar_chart(
        [charts.Bar(score.name, score.score, score.median) for score in dashboard.areas],
        chart_id="chart-areas",
        title=_("%(city)s: scores by %(level)s, %(year)s")
        % {"city": city.name, "level": dashboard.level_names["area"].lower(), "year": year},
        description=_(
            "Bars show the city's score from 0 to 100; the dark tick on each bar "
            "is the network median. The table below gives the numbers."
        ),
    )
    if dashboard.focus:
        dashboard.charts["focus"] = charts.bar_chart(
            [charts.Bar(score.name, score.score, score.median) for score in dashboard.focus],
            chart_id="chart-focus",
            title=_("%(city)s: scores by %(level)s, %(year)s")
            % {"city": city.name, "level": dashboard.level_names["focus"].lower(), "year": year},
            description=_(
                "Bars show the city's score from 0 to 100; the dark tick is the "
                "network median. The table below gives the numbers."
            ),
        )
    dashboard.charts["trend"] = charts.line_chart(
        [(str(result.year), result.score) for result in dashboard.trend],
        chart_id="chart-trend",
        title=_("%(city)s: index score over the years") % {"city": city.name},
        description=str(TREND_DESCRIPTIONS[dashboard.run.years_normalisation]),
    )


# What the trend line means depends on whether the run normalised its years together.
TREND_DESCRIPTIONS = {
    GLOBAL_NORMALISATION: gettext_lazy(
        "The index score from 0 to 100 in each year of the run. All years were "
        "normalised together, so the scores are comparable across years: a rising "
        "line means the city's own results improved. The table below also gives the rank."
    ),
    PER_YEAR_NORMALISATION: gettext_lazy(
        "The index score from 0 to 100 in each year of the run. Each year was "
        "normalised on its own, so a score shows the city's place among that year's "
        "cities rather than its progress. The table below also gives the rank."
    ),
    NO_NORMALISATION: gettext_lazy(
        "The index score in each year of the run; the table below also gives the rank."
    ),
}


@dataclass
class NetworkRow:
    city: City
    result: IndexResult
    areas: list[float | None]
    ranks_by_year: list[int | None]

    @property
    def outside_interval(self) -> bool:
        """The run's own rank lies outside the 5–95 % interval of the alternatives."""
        rank, low, high = self.result.rank, self.result.rank_low, self.result.rank_high
        return None not in (rank, low, high) and not low <= rank <= high  # type: ignore[operator]


@dataclass
class NetworkDashboard:
    run: IndexRun
    year: int
    index_name: str
    area_nodes: list[FrameworkNode]
    rows: list[NetworkRow]
    chart: SafeString
    map_points: list[dict[str, object]]
    units: int
    page_obj: Page | None

    @property
    def any_outside_interval(self) -> bool:
        return any(row.outside_interval for row in self.rows)


def network_dashboard(
    run: IndexRun, *, page: str | int | None = None, per_page: int | None = PAGE_SIZE
) -> NetworkDashboard | None:
    """The cities of ``run`` with their ranks (and intervals) in the run's last year, a
    page of ``per_page`` at a time (all of them when ``per_page`` is None)."""
    year = run.last_year
    if year is None:
        return None
    nodes = queries.node_names(run.framework)
    top, by_level = _levels(nodes)
    top_code = by_level[top][0].code
    area_nodes = by_level.get(top - 1, []) if top > 1 else []
    ranked = queries.run_results(run, codes=[top_code], year=year).order_by("rank", "city__name")
    page_obj = Paginator(ranked, per_page).get_page(page) if per_page else None
    results = list(page_obj.object_list if page_obj else ranked)
    units = page_obj.paginator.count if page_obj else len(results)
    city_ids = [result.city_id for result in results]
    areas: dict[int, dict[str, float | None]] = defaultdict(dict)
    for city_id, code, score in IndexResult.objects.filter(
        run=run, year=year, code__in=[node.code for node in area_nodes], city_id__in=city_ids
    ).values_list("city_id", "code", "score"):
        areas[city_id][code] = score
    ranks: dict[int, dict[int, int | None]] = defaultdict(dict)
    for city_id, result_year, rank in IndexResult.objects.filter(
        run=run, code=top_code, city_id__in=city_ids
    ).values_list("city_id", "year", "rank"):
        ranks[city_id][result_year] = rank
    rows = [
        NetworkRow(
            result.city,
            result,
            [areas[result.city_id].get(node.code) for node in area_nodes],
            [ranks[result.city_id].get(each) for each in run.years],
        )
        for result in results
    ]
    chart = charts.interval_chart(
        [
            charts.Interval(
                row.city.name, row.result.rank, row.result.rank_low, row.result.rank_high
            )
            for row in rows
        ],
        chart_id="chart-ranks",
        title=_("Rank of each city, %(year)s") % {"year": year},
        description=_(
            # xgettext:no-python-format
            "Each dot is a city's rank (1 is the highest score); a grey line, "
            "where shown, is the 5–95 % interval of its rank under the uncertainty "
            "analysis. The table below gives the numbers."
        ),
        units=units,
    )
    points: list[dict[str, object]] = [
        {
            "name": f"{row.city.name} · {_('rank')} {row.result.rank or '—'}",
            "lat": row.city.latitude,
            "lng": row.city.longitude,
            "url": reverse("monitoring:city", args=[row.city.slug]),
        }
        for row in rows
    ]
    return NetworkDashboard(
        run, year, nodes[top_code].label, area_nodes, rows, chart, points, units, page_obj
    )


@dataclass
class IndicatorPage:
    framework: Framework
    node: FrameworkNode
    lineage: list[tuple[str, FrameworkNode]]
    values: list[IndicatorValue]
    values_visible: bool
    derived: Derived | None
    computed: list[tuple[int, float | None]]
    chart: SafeString | None


def _find_indicator(city: City, code: str) -> tuple[Framework, list[FrameworkNode], FrameworkNode]:
    for framework in queries.frameworks_for_city(city):
        nodes = queries.effective_nodes(framework)
        for node in nodes:
            if node.code == code and node.type != NodeType.AGGREGATE:
                return framework, nodes, node
    raise PageNotFound(_("There is no indicator with this code in this city's frameworks."))


def indicator_page(
    city: City, code: str, *, years: Sequence[int], values_visible: bool, include_drafts: bool
) -> IndicatorPage:
    """An indicator's definition, its place in the framework, and the city's values
    with their provenance (or, for a computed indicator, its formula and values)."""
    framework, nodes, node = _find_indicator(city, code)
    by_pk = {each.pk: each for each in nodes}
    lineage = []
    parent = by_pk.get(node.parent_id or 0)
    while parent is not None:
        lineage.append((framework.level_name(parent.level), parent))
        parent = by_pk.get(parent.parent_id or 0)
    values = (
        list(queries.values_for_city(city, include_drafts=include_drafts).filter(indicator=node))
        if values_visible
        else []
    )
    computed: list[tuple[int, float | None]] = []
    if node.derived:
        found = derived_values(city, [node.derived], years)
        computed = [(year, found[(node.derived, year)]) for year in years]
    series = computed or [(value.year, value.value) for value in values]
    return IndicatorPage(
        framework,
        node,
        lineage,
        values,
        values_visible,
        DERIVED.get(node.derived),
        computed,
        _indicator_chart(city, node, series) if series else None,
    )


def _indicator_chart(
    city: City, node: FrameworkNode, series: Sequence[tuple[int, float | None]]
) -> SafeString:
    present = [value for _year, value in series if value is not None]
    low = min([0.0, *present]) if node.min_value is None else node.min_value
    high = node.max_value if node.max_value is not None else max([*present, low + 1.0]) * 1.1
    return charts.line_chart(
        [(str(year), value) for year, value in series],
        chart_id="chart-indicator",
        title=_("%(indicator)s in %(city)s, by year")
        % {"indicator": node.label, "city": city.name},
        description=_(
            "Values on a scale from %(low)s to %(high)s; the table below gives each value."
        )
        % {"low": plain_number(low), "high": plain_number(high)},
        min_value=low,
        max_value=high,
    )

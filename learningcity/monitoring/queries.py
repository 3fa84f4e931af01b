"""Read-only helpers shared by views, services and exports (no writes here)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from learningcity.core.models import City
from learningcity.core.tenancy import for_city

from .frameworks import NodeRow, row_from_node
from .models import (
    Framework,
    FrameworkNode,
    IndexResult,
    IndexRun,
    IndicatorValue,
    NodeType,
    RunStatus,
    ValueStatus,
)


@dataclass
class TreeNode:
    node: FrameworkNode
    children: list["TreeNode"] = field(default_factory=list)
    is_local: bool = False


def default_framework() -> Framework | None:
    return Framework.objects.filter(is_default=True).first()


def network_frameworks() -> "QuerySet[Framework]":
    return Framework.objects.filter(city__isnull=True)


def city_frameworks(city: City) -> "QuerySet[Framework]":
    return for_city(Framework, city).select_related("base")


def extension_of(city: City, base: Framework) -> Framework | None:
    return city_frameworks(city).filter(base=base).first()


def frameworks_for_city(city: City) -> list[Framework]:
    """The frameworks a city enters values for: each network framework (through the
    city's extension of it, when it has one) and the city's own stand-alone ones."""
    own = list(city_frameworks(city))
    extended = {framework.base_id: framework for framework in own if framework.base_id}
    chosen = [extended.get(network.pk, network) for network in network_frameworks()]
    return chosen + [framework for framework in own if not framework.base_id]


def effective_nodes(framework: Framework) -> list[FrameworkNode]:
    """The framework's rows, with a city extension's local rows after its base's."""
    frameworks = [framework.base_id, framework.pk] if framework.base_id else [framework.pk]
    nodes = FrameworkNode.objects.filter(framework_id__in=frameworks).select_related(
        "parent", "framework"
    )
    base_first = {pk: order for order, pk in enumerate(frameworks)}
    return sorted(nodes, key=lambda node: (base_first[node.framework_id], node.position, node.pk))


def feature_nodes(framework: Framework) -> list[FrameworkNode]:
    """The rows an indicator can be added under: aggregates just above the indicators."""
    return [
        node
        for node in effective_nodes(framework)
        if node.type == NodeType.AGGREGATE and node.level == 2
    ]


def effective_rows(framework: Framework) -> list[NodeRow]:
    return [row_from_node(node) for node in effective_nodes(framework)]


def build_tree(
    nodes: Sequence[FrameworkNode], local_framework_id: int | None = None
) -> list[TreeNode]:
    """Nested rows for display: roots first, children in framework order."""
    wrapped = {
        node.pk: TreeNode(node, is_local=node.framework_id == local_framework_id) for node in nodes
    }
    roots: list[TreeNode] = []
    for node in nodes:
        if node.type == NodeType.DENOMINATOR:
            continue
        parent = wrapped.get(node.parent_id) if node.parent_id else None
        (parent.children if parent else roots).append(wrapped[node.pk])
    return roots


def entry_indicators(city: City) -> list[FrameworkNode]:
    """Indicators (and denominators) whose values a city's coordinators enter by hand."""
    nodes: list[FrameworkNode] = []
    for framework in frameworks_for_city(city):
        nodes += [
            node
            for node in effective_nodes(framework)
            if node.type in (NodeType.INDICATOR, NodeType.DENOMINATOR) and not node.derived
        ]
    return nodes


@dataclass
class EntrySection:
    """A part of the data-entry table: the indicators under one area (or one
    framework's denominators), so that the page stays small."""

    key: str
    title: str
    indicators: list[FrameworkNode]


def entry_sections(city: City) -> list[EntrySection]:
    """The indicators a city enters, grouped under the top-level area they count in
    (the level just below the index), framework by framework; denominators and
    indicators outside any area form a section of their own per framework."""
    sections: dict[str, EntrySection] = {}
    for framework in frameworks_for_city(city):
        nodes = effective_nodes(framework)
        by_pk = {node.pk: node for node in nodes}
        for node in nodes:
            if node.type not in (NodeType.INDICATOR, NodeType.DENOMINATOR) or node.derived:
                continue
            area = _area_of(node, by_pk)
            key = f"{framework.pk}-{area.code}" if area else f"{framework.pk}-other"
            if key not in sections:
                title = area.label if area else framework.label
                sections[key] = EntrySection(key, title, [])
            sections[key].indicators.append(node)
    return list(sections.values())


def _area_of(node: FrameworkNode, by_pk: dict[int, FrameworkNode]) -> FrameworkNode | None:
    """The ancestor just below the root (None for a row outside the tree)."""
    chain = [node]
    while chain[-1].parent_id and chain[-1].parent_id in by_pk and len(chain) < 20:
        chain.append(by_pk[chain[-1].parent_id])
    return chain[-2] if len(chain) >= 3 else None


def values_for_city(city: City, *, include_drafts: bool) -> "QuerySet[IndicatorValue]":
    values = for_city(IndicatorValue, city).select_related(
        "indicator", "indicator__framework", "entered_by", "validated_by"
    )
    return values if include_drafts else values.filter(status=ValueStatus.VALIDATED)


def latest_run(framework: Framework | None = None) -> IndexRun | None:
    """The newest finished run of ``framework`` (default: the network default)."""
    framework = framework or default_framework()
    runs = IndexRun.objects.filter(status__in=[RunStatus.DONE]).select_related("framework")
    if framework is not None:
        runs = runs.filter(framework=framework)
    return runs.first()


def run_results(
    run: IndexRun,
    *,
    codes: Iterable[str] | None = None,
    year: int | None = None,
    city: City | None = None,
) -> "QuerySet[IndexResult]":
    results = IndexResult.objects.filter(run=run).select_related("city")
    if codes is not None:
        results = results.filter(code__in=list(codes))
    if year is not None:
        results = results.filter(year=year)
    if city is not None:
        results = for_city(results, city)
    return results


def node_names(framework: Framework) -> dict[str, FrameworkNode]:
    return {node.code: node for node in effective_nodes(framework)}


def value_counts_by_city_year(years: Sequence[int]) -> dict[tuple[int, int], int]:
    """Validated values per (city id, year): the data coverage of the network."""
    rows = (
        IndicatorValue.objects.filter(status=ValueStatus.VALIDATED, year__in=list(years))
        .values("city_id", "year")
        .annotate(count=Count("id"))
        .order_by()
    )
    return {(row["city_id"], row["year"]): row["count"] for row in rows}


def validated_years() -> list[int]:
    """Years with at least one validated value anywhere in the network."""
    years = (
        IndicatorValue.objects.filter(status=ValueStatus.VALIDATED)
        .values_list("year", flat=True)
        .order_by()
        .distinct()
    )
    return sorted(set(years))

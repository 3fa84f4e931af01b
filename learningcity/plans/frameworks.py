"""The parts of the monitoring framework a plan uses: KFLC areas of focus (for
goals) and the indicators under each (for targets), read through monitoring's
queries so that a city's own local indicators count too."""

from dataclasses import dataclass

from learningcity.core.models import City
from learningcity.monitoring import queries
from learningcity.monitoring.models import FrameworkNode, NodeType

# KFLC levels, from the indicators (1) up: feature 2, area of focus 3, area 4.
AREA_OF_FOCUS_LEVEL = 3


@dataclass
class AreaChoices:
    areas: list[FrameworkNode]
    # Indicators (entered by hand, so they have validated values) under each area.
    indicators: dict[int, list[FrameworkNode]]


def areas_of_focus() -> list[FrameworkNode]:
    framework = queries.default_framework()
    if framework is None:
        return []
    return [
        node
        for node in queries.effective_nodes(framework)
        if node.type == NodeType.AGGREGATE and node.level == AREA_OF_FOCUS_LEVEL
    ]


def is_area_of_focus(node: FrameworkNode) -> bool:
    framework = node.framework
    return (
        node.type == NodeType.AGGREGATE
        and node.level == AREA_OF_FOCUS_LEVEL
        and framework.city_id is None
        and framework.is_default
    )


def city_choices(city: City) -> AreaChoices:
    """The default framework's areas of focus and, under each, the indicators the
    city reports (the network's and the city's own local ones)."""
    framework = queries.default_framework()
    if framework is None:
        return AreaChoices([], {})
    effective = queries.extension_of(city, framework) or framework
    nodes = queries.effective_nodes(effective)
    by_pk = {node.pk: node for node in nodes}
    areas = [
        node
        for node in nodes
        if node.type == NodeType.AGGREGATE and node.level == AREA_OF_FOCUS_LEVEL
    ]
    indicators: dict[int, list[FrameworkNode]] = {area.pk: [] for area in areas}
    for node in nodes:
        if node.type != NodeType.INDICATOR or node.derived:
            continue
        area = _ancestor_at_level(node, by_pk, AREA_OF_FOCUS_LEVEL)
        if area is not None and area.pk in indicators:
            indicators[area.pk].append(node)
    return AreaChoices(areas, indicators)


def _ancestor_at_level(
    node: FrameworkNode, by_pk: dict[int, FrameworkNode], level: int
) -> FrameworkNode | None:
    current: FrameworkNode | None = node
    for _step in range(10):
        if current is None or current.parent_id is None:
            return None
        current = by_pk.get(current.parent_id)
        if current is not None and current.level == level:
            return current
    return None

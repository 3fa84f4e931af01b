"""Small monitoring test data: a tiny network framework and validated values."""

from learningcity.core.models import City, User
from learningcity.monitoring import frameworks
from learningcity.monitoring.frameworks import NodeRow
from learningcity.monitoring.models import (
    Framework,
    FrameworkNode,
    IndicatorValue,
    ValueStatus,
)

# index TINY ← areas AR1 (features FA, FB) and AR2 (feature FC); one indicator each,
# plus a second indicator under FC that is "lower is better".
TINY_ROWS = [
    NodeRow("TINY", "Tiny index", "Aggregate", 4, None),
    NodeRow("AR1", "Learning", "Aggregate", 3, "TINY"),
    NodeRow("AR2", "Conditions", "Aggregate", 3, "TINY"),
    NodeRow("FA", "Libraries", "Aggregate", 2, "AR1"),
    NodeRow("FB", "Courses", "Aggregate", 2, "AR1"),
    NodeRow("FC", "Plans", "Aggregate", 2, "AR2"),
    NodeRow("IA", "Library visits", "Indicator", 1, "FA", unit="per resident", min_value=0),
    NodeRow("IB", "Course places", "Indicator", 1, "FB", unit="per 1,000", min_value=0),
    NodeRow("IC", "Budget share", "Indicator", 1, "FC", unit="%", min_value=0, max_value=100),
    NodeRow(
        "ID", "Dropouts", "Indicator", 1, "FC", direction=-1, unit="%", min_value=0, max_value=100
    ),
]


def make_tiny_framework(slug: str = "tiny") -> Framework:
    framework = Framework.objects.create(
        slug=slug,
        name="Tiny framework",
        level_names=["Indicator", "Feature", "Area", "Index"],
    )
    frameworks.create_nodes(framework, TINY_ROWS, FrameworkNode)
    return framework


def node(framework: Framework, code: str) -> FrameworkNode:
    return FrameworkNode.objects.get(framework=framework, code=code)


def add_value(
    city: City,
    indicator: FrameworkNode,
    year: int,
    value: float,
    *,
    status: str = ValueStatus.VALIDATED,
    by: User | None = None,
    source: str = "City statistics office",
) -> IndicatorValue:
    return IndicatorValue.objects.create(
        city=city,
        indicator=indicator,
        year=year,
        value=value,
        status=status,
        entered_by=by,
        source=source,
    )


def fill_values(framework: Framework, table: dict[City, dict[str, float]], year: int) -> None:
    """Validated values: ``{city: {code: value}}``."""
    for city, values in table.items():
        for code, value in values.items():
            add_value(city, node(framework, code), year, value)

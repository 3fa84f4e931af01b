"""What a biennial report pulls from monitoring: the city's validated indicator values
(the newest year of each indicator) and its results in the newest finished index run
of the network's default framework. Read-only, through monitoring's query helpers;
the report keeps a copy when it is submitted, so it shows what the city reported even
after later values and runs."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from learningcity.core.models import City
from learningcity.monitoring import queries
from learningcity.monitoring.models import NodeType


def indicator_values(city: City) -> list[dict[str, Any]]:
    """The newest validated value of each indicator, in the framework's order."""
    rows: dict[int, dict[str, Any]] = {}
    values = (
        queries.values_for_city(city, include_drafts=False)
        .filter(indicator__type=NodeType.INDICATOR)
        .order_by("indicator__framework_id", "indicator__position", "indicator_id", "-year")
    )
    for value in values:
        if value.indicator_id in rows:
            continue  # an older year of an indicator already listed
        rows[value.indicator_id] = {
            "code": value.indicator.code,
            "name": value.indicator.name,
            "unit": value.indicator.unit,
            "year": value.year,
            "value": value.value,
        }
    return list(rows.values())


def index_results(city: City) -> dict[str, Any] | None:
    """The city's index and area scores in the newest finished run (None without)."""
    run = queries.latest_run()
    year = run.last_year if run is not None else None
    if run is None or year is None:
        return None
    results = list(queries.run_results(run, city=city, year=year))
    if not results:
        return None
    nodes = queries.node_names(run.framework)
    top = max(result.level for result in results)
    shown = sorted(
        (result for result in results if result.level >= top - 1),
        key=lambda result: (-result.level, getattr(nodes.get(result.code), "position", 0)),
    )
    top_code = shown[0].code
    return {
        "run": str(run.public_id),
        "title": str(run),
        "year": year,
        "units": queries.run_results(run, codes=[top_code], year=year).count(),
        "results": [
            {
                "code": result.code,
                "name": nodes[result.code].name if result.code in nodes else result.code,
                "level": result.level,
                "score": result.score,
                "rank": result.rank,
            }
            for result in shown
        ],
    }


def pull_monitoring(city: City) -> dict[str, Any]:
    return {
        "pulled_at": timezone.now().isoformat(),
        "values": indicator_values(city),
        "index": index_results(city),
    }


def readable(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with names and units in the reader's language (shipped wording is
    translated as monitoring translates it; wording a coordinator wrote stays)."""
    values = [
        {**row, "label": gettext(row["name"]) if row.get("name") else row.get("code", "")}
        | {"unit_label": gettext(row["unit"]) if row.get("unit") else ""}
        for row in data.get("values") or []
    ]
    index = data.get("index")
    if index:
        index = {
            **index,
            "results": [
                {**row, "label": gettext(row["name"]) if row.get("name") else row["code"]}
                for row in index.get("results") or []
            ],
        }
    return {"values": values, "index": index, "pulled_at": data.get("pulled_at")}

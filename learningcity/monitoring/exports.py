"""Rows for CSV and XLSX downloads (the views pick the format)."""

from collections import defaultdict
from collections.abc import Sequence

from django.utils.translation import gettext as _

from learningcity.core.models import City
from learningcity.core.tenancy import for_city

from . import queries
from .models import IndexResult, IndexRun, IndicatorValue

Row = list[object]


def idata_rows(city: City, values: Sequence[IndicatorValue]) -> list[Row]:
    """A city's values in COINr's iData layout: one row per year, one column per
    indicator (the file can be imported again as it is)."""
    codes = list(dict.fromkeys(value.indicator.code for value in values))
    by_year: dict[int, dict[str, float]] = defaultdict(dict)
    for value in values:
        by_year[value.year][value.indicator.code] = value.value
    header: Row = ["uCode", "uName", "Time", *codes]
    return [header] + [
        [city.slug, city.name, year, *(by_year[year].get(code) for code in codes)]
        for year in sorted(by_year)
    ]


def provenance_rows(values: Sequence[IndicatorValue]) -> list[Row]:
    """Every value with where it came from, who entered it and whether it is validated."""
    header: Row = [
        _("framework"),
        _("code"),
        _("indicator"),
        _("year"),
        _("value"),
        _("unit"),
        _("status"),
        _("source"),
        _("note"),
        _("entered by"),
        _("entered"),
        _("validated by"),
        _("validated"),
    ]
    return [header] + [
        [
            value.indicator.framework.name,
            value.indicator.code,
            value.indicator.name,
            value.year,
            value.value,
            value.indicator.unit,
            value.get_status_display(),
            value.source,
            value.note,
            str(value.entered_by or ""),
            value.entered_at.isoformat(),
            str(value.validated_by or ""),
            value.validated_at.isoformat() if value.validated_at else "",
        ]
        for value in values
    ]


def run_rows(run: IndexRun, city: City | None = None) -> list[Row]:
    """Every stored result of a run (of ``city`` only, when given), one row per city,
    year and aggregate."""
    names = {code: node.name for code, node in queries.node_names(run.framework).items()}
    header: Row = [
        "Time",
        "uCode",
        "uName",
        "iCode",
        "iName",
        "Level",
        "Score",
        "Rank",
        "MedianRank",
        "RankQ5",
        "RankQ95",
    ]
    results = (
        (for_city(IndexResult.objects.filter(run=run), city) if city else run.results.all())
        .select_related("city")
        .order_by("year", "-level", "code", "rank", "city__name")
    )
    return [header] + [
        [
            result.year,
            result.city.slug,
            result.city.name,
            result.code,
            names.get(result.code, result.code),
            result.level,
            None if result.score is None else round(result.score, 4),
            result.rank,
            result.median_rank,
            result.rank_low,
            result.rank_high,
        ]
        for result in results
    ]

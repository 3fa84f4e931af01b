"""The thin layer between database rows and the index engine.

Turns a framework (as :class:`~learningcity.monitoring.frameworks.NodeRow`) and the
cities' values for one year into COINr ``iMeta``/``iData`` tables, runs the engine,
and hands back plain scores and ranks. No database access here: the service reads the
rows and writes the results.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from learningcity.engines.index import parse_data, parse_meta, parse_spec, run_pipeline
from learningcity.engines.index.errors import IndexInputError, Problem
from learningcity.engines.index.numeric import rank_desc
from learningcity.engines.index.sensitivity import run_sensitivity

from .frameworks import PLATFORM_DENOMINATORS, PLATFORM_GROUP, NodeRow, imeta_frame

MISSING = "NA"


@dataclass(frozen=True)
class Unit:
    """One city as an engine unit."""

    code: str
    name: str
    region: str
    population: int
    values: Mapping[str, float]


@dataclass(frozen=True)
class YearResult:
    year: int
    ucodes: tuple[str, ...]
    levels: Mapping[str, int]
    scores: Mapping[str, np.ndarray]
    ranks: Mapping[str, np.ndarray]


@dataclass(frozen=True)
class RankInterval:
    median: float
    low: float
    high: float


def meta_table(rows: Sequence[NodeRow]) -> pd.DataFrame:
    """iMeta for the engine: the framework plus the region group and the population
    denominator the platform fills in for every city."""
    table = imeta_frame(rows)
    codes = {row.code for row in rows}
    extra = [["NA", PLATFORM_GROUP, "UNESCO region", "NA", "NA", "NA", "NA", "NA", "NA", "Group"]]
    extra += [
        ["NA", code, code, "NA", "NA", "residents", "NA", "NA", "NA", "Denominator"]
        for code in PLATFORM_DENOMINATORS
        if code not in codes
    ]
    return pd.concat([table, pd.DataFrame(extra, columns=table.columns)], ignore_index=True)


def data_table(rows: Sequence[NodeRow], units: Sequence[Unit], year: int) -> pd.DataFrame:
    """iData for one year: one row per city, one column per indicator and denominator."""
    columns = [row.code for row in rows if row.type in ("Indicator", "Denominator")]
    codes = set(columns)
    platform = [code for code in PLATFORM_DENOMINATORS if code not in codes]
    records = []
    for unit in units:
        record = {"uCode": unit.code, "uName": unit.name, "Time": str(year)}
        record[PLATFORM_GROUP] = unit.region
        for code in platform:
            record[code] = str(unit.population)
        for code in columns:
            value = unit.values.get(code)
            record[code] = MISSING if value is None else repr(float(value))
        records.append(record)
    order = ["uCode", "uName", "Time", PLATFORM_GROUP, *platform, *columns]
    return pd.DataFrame(records, columns=order)


@contextmanager
def engine_errors() -> Iterator[None]:
    """Input the engine's own checks let through (a parameter of the wrong type deep in
    a step, say) still comes back as a listed problem rather than a crash."""
    try:
        yield
    except IndexInputError:
        raise
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise IndexInputError(
            [
                Problem(
                    _("pipeline"),
                    _("the engine could not use this input (%(error)s)") % {"error": error},
                )
            ]
        ) from error


def build_year(
    rows: Sequence[NodeRow], units: Sequence[Unit], year: int, spec: Mapping[str, Any]
) -> YearResult:
    """Run the pipeline for one year; raises ``IndexInputError`` listing problems."""
    meta = parse_meta(meta_table(rows))
    data = parse_data(data_table(rows, units, year), meta)
    with engine_errors():
        result = run_pipeline(meta, data, parse_spec(dict(spec)))
    aggregated = result.aggregated
    if aggregated is None:
        raise IndexInputError(
            [Problem(_("pipeline"), _("the pipeline must end with an “aggregate” step"))]
        )
    levels = {
        row.code: int(row.level)
        for row in meta.structural_rows
        if row.type == "Aggregate" and row.level is not None
    }
    scores = {code: aggregated.column(code).copy() for code in levels}
    ranks = {code: rank_desc(values) for code, values in scores.items()}
    return YearResult(year, aggregated.ucodes, levels, scores, ranks)


def rank_intervals(
    rows: Sequence[NodeRow],
    units: Sequence[Unit],
    year: int,
    spec: Mapping[str, Any],
    *,
    samples: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, RankInterval]:
    """Median rank and 5–95 % interval of every city under the engine's uncertainty
    analysis (weights, normalisation, aggregation, imputation, winsorisation)."""
    meta = parse_meta(meta_table(rows))
    data = parse_data(data_table(rows, units, year), meta)
    with engine_errors():
        outcome = run_sensitivity(
            meta, data, parse_spec(dict(spec)), n=samples, seed=seed, progress=progress
        )
    return {
        str(record["uCode"]): RankInterval(
            float(record["Median"]), float(record["Q5"]), float(record["Q95"])
        )
        for record in outcome.ranks.to_dict(orient="records")
    }

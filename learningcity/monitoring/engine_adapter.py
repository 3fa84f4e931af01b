"""The thin layer between database rows and the index engine.

Turns a framework (as :class:`~learningcity.monitoring.frameworks.NodeRow`) and the
cities' values for every year of a run into one panel: a COINr ``iMeta`` and one
``iData`` with a ``Time`` column. The pipeline gets ``"split_to": "all"``, so the
engine builds every year in one go (a COINr purse) and, with ``"global": true`` on
its normalise step, normalises all years together so that scores compare across
years. These three inputs are exactly what ``learningcity index build`` needs to
re-run a stored run. No database access here: the service reads the rows and writes
the results.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from compindex import PanelResult, parse_data, parse_meta, parse_spec
from compindex.data import UnitData
from compindex.errors import IndexInputError, Problem
from compindex.io import run_index
from compindex.meta import IndexMeta
from compindex.numeric import rank_desc
from compindex.pipeline import PipelineResult
from compindex.sensitivity import run_sensitivity
from django.utils.translation import gettext as _

from .frameworks import PLATFORM_DENOMINATORS, PLATFORM_GROUP, NodeRow, imeta_frame

MISSING = "NA"
# Keys of a pipeline that choose time points: a run's years choose them instead.
TIME_KEYS = ("Time", "split_to")


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
    """Every city's score and rank (within the year) of each aggregate, in one year."""

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


def data_table(rows: Sequence[NodeRow], units: Mapping[int, Sequence[Unit]]) -> pd.DataFrame:
    """Panel iData: one row per year and city (``Time`` = the year), one column per
    indicator and denominator; years in ascending order."""
    columns = [row.code for row in rows if row.type in ("Indicator", "Denominator")]
    codes = set(columns)
    platform = [code for code in PLATFORM_DENOMINATORS if code not in codes]
    records = []
    for year in sorted(units):
        for unit in units[year]:
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


def panel_spec(spec: Any, *, normalise_globally: bool) -> dict[str, Any]:
    """The pipeline of a run over several years: ``spec`` with ``"split_to": "all"``
    and, on each normalise step that does not say, ``"global"`` as chosen.

    A pipeline's own ``"global"`` is kept (it is the pipeline's author's choice); its
    own ``"Time"`` or ``"split_to"`` is refused, because the run's years choose the
    time points. Raises ``IndexInputError`` listing every problem of the pipeline."""
    raw = {"steps": spec} if isinstance(spec, list) else spec
    prepared = raw  # not a pipeline at all: the engine's parser below says why
    problems = []
    if isinstance(raw, Mapping) and isinstance(raw.get("steps"), list):
        problems = [
            Problem(
                _("pipeline"),
                _("Remove “%(key)s”: the years chosen for the run are the time points built.")
                % {"key": key},
            )
            for key in TIME_KEYS
            if key in raw
        ]
        steps = [
            {**step, "global": step.get("global", normalise_globally)}
            if isinstance(step, Mapping) and step.get("step") == "normalise"
            else step
            for step in raw["steps"]
        ]
        kept = {key: value for key, value in raw.items() if key not in TIME_KEYS}
        prepared = {**kept, "steps": steps, "split_to": "all"}
    try:
        parse_spec(prepared)
    except IndexInputError as error:
        problems += error.problems
    if problems:
        raise IndexInputError(problems)
    return dict(prepared)


def _engine_inputs(
    rows: Sequence[NodeRow], units: Mapping[int, Sequence[Unit]]
) -> tuple[IndexMeta, UnitData]:
    meta = parse_meta(meta_table(rows))
    return meta, parse_data(data_table(rows, units), meta)


def build_panel(
    rows: Sequence[NodeRow], units: Mapping[int, Sequence[Unit]], spec: Mapping[str, Any]
) -> list[YearResult]:
    """Run the pipeline over every year at once (the same engine call as
    ``learningcity index build`` on the run's downloads); raises ``IndexInputError``
    listing problems."""
    meta, data = _engine_inputs(rows, units)
    result = run_index(meta, data, parse_spec(dict(spec)))
    # With a single year there is nothing to split: the engine builds it on its own.
    coins = result.coins if isinstance(result, PanelResult) else {float(min(units)): result}
    levels = {
        row.code: int(row.level)
        for row in meta.structural_rows
        if row.type == "Aggregate" and row.level is not None
    }
    return [_year_result(int(time), coin, levels) for time, coin in coins.items()]


def _year_result(year: int, coin: PipelineResult, levels: Mapping[str, int]) -> YearResult:
    aggregated = coin.aggregated
    if aggregated is None:
        raise IndexInputError(
            [Problem(_("pipeline"), _("the pipeline must end with an “aggregate” step"))]
        )
    scores = {code: aggregated.column(code).copy() for code in levels}
    ranks = {code: rank_desc(values) for code, values in scores.items()}
    return YearResult(year, aggregated.ucodes, levels, scores, ranks)


def rank_intervals(
    rows: Sequence[NodeRow],
    units: Mapping[int, Sequence[Unit]],
    spec: Mapping[str, Any],
    *,
    samples: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, RankInterval]:
    """Median rank and 5–95 % interval of every city in the run's last year under the
    engine's uncertainty analysis (weights, normalisation, aggregation, imputation,
    winsorisation); every alternative is built over all years, as the run was."""
    meta, data = _engine_inputs(rows, units)
    outcome = run_sensitivity(
        meta, data, parse_spec(dict(spec)), n=samples, seed=seed, progress=progress
    )
    return {
        str(record["uCode"]): RankInterval(
            float(record["Median"]), float(record["Q5"]), float(record["Q95"])
        )
        for record in outcome.ranks.to_dict(orient="records")
    }

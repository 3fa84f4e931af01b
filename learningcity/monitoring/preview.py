"""A city coordinator's preview of the index: where the city would stand with the
values it has entered so far, drafts included.

Decided (issue 8): a preview is built on request and never stored or published. It
uses the network's default framework (the one the network's runs use; local
indicators stay off the scores, as in a network run) and the standard pipeline, over
the years chosen: this city with every value it has, drafts included, beside the
other cities with their validated values only, exactly as a network run would see
them. Nothing about another city is shown beyond what a finished network run
publishes (the network median and the number of cities); the city's own values,
drafts included, are already the coordinator's to see. Indicators no city can be
compared on are left out (and listed), as ``drop_unusable`` does for a network run.
"""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from compindex.errors import IndexInputError
from django.utils.translation import gettext as _

from learningcity.core.models import City
from learningcity.core.tenancy import for_city

from . import engine_adapter, queries, services
from .models import Framework, IndicatorValue
from .problems import InvalidInput, Problem
from .run_notes import RunNote

PREVIEW_SPEC = services.SPEC_PRESETS["standard"]


@dataclass(frozen=True)
class AreaScore:
    code: str
    name: str
    score: float | None
    median: float | None


@dataclass(frozen=True)
class YearPreview:
    year: int
    score: float | None
    rank: int | None
    units: int


@dataclass
class CityPreview:
    city: City
    framework: Framework
    years: list[int]
    index_name: str
    by_year: list[YearPreview]
    areas: list[AreaScore]
    area_level: str
    notes: list[RunNote] = field(default_factory=list)

    @property
    def latest(self) -> YearPreview:
        return self.by_year[-1]


def preview_city_index(city: City, years: Sequence[int]) -> CityPreview:
    """Build the preview (see the module docstring); raises ``InvalidInput`` listing
    why it cannot be built (no framework, fewer than two cities in a year, …)."""
    framework = queries.default_framework()
    if framework is None:
        raise InvalidInput([Problem(_("framework"), _("The network has no framework yet."))])
    years = sorted(set(years))
    if not years:
        raise InvalidInput([Problem(_("years"), _("Choose at least one year."))])
    prepared = engine_adapter.panel_spec(PREVIEW_SPEC, normalise_globally=True)
    inputs = services.gather_inputs(framework, years, drop_unusable=False, pooled=True)
    _with_own_drafts(inputs, city, framework, years)
    inputs.rows = services._usable_rows(inputs.rows, inputs.units, True, inputs.notes)
    problems = services._data_problems(inputs, pooled=True)
    if not any(unit.code == city.slug for units in inputs.units.values() for unit in units):
        problems.insert(0, Problem(_("values"), _("This city has no values in these years.")))
    if problems:
        raise InvalidInput(problems)
    try:
        built = engine_adapter.build_panel(inputs.rows, inputs.units, prepared)
    except IndexInputError as error:
        raise InvalidInput.from_engine(error) from error
    return _summarise(city, framework, years, built, inputs.notes)


def _with_own_drafts(
    inputs: services.RunInputs, city: City, framework: Framework, years: Sequence[int]
) -> None:
    """Replace the city's units by ones holding every value it has (drafts too)."""
    codes = {row.code for row in inputs.rows}
    own: dict[int, dict[str, float]] = {year: {} for year in years}
    for code, year, value in (
        for_city(IndicatorValue, city)
        .filter(indicator__framework=framework, year__in=list(years), indicator__code__in=codes)
        .values_list("indicator__code", "year", "value")
    ):
        own[year][code] = value
    for year in years:
        others = [unit for unit in inputs.units.get(year, []) if unit.code != city.slug]
        derived = next(
            (unit.values for unit in inputs.units.get(year, []) if unit.code == city.slug), {}
        )
        values = {**derived, **own[year]}
        if values:
            mine = engine_adapter.Unit(city.slug, city.name, city.region, city.population, {})
            others.append(replace(mine, values=values))
        inputs.units[year] = sorted(others, key=lambda unit: unit.code)
    inputs.notes = [
        note
        for note in inputs.notes
        if not (isinstance(note, dict) and note.get("note") == "no_values")
    ]


def _summarise(
    city: City,
    framework: Framework,
    years: list[int],
    built: Sequence[engine_adapter.YearResult],
    notes: list[RunNote],
) -> CityPreview:
    names = queries.node_names(framework)
    top_level = max(level for result in built for level in result.levels.values())
    top = next(code for code, level in built[0].levels.items() if level == top_level)
    by_year = []
    for result in built:
        if city.slug not in result.ucodes:
            continue
        position = result.ucodes.index(city.slug)
        score, rank = float(result.scores[top][position]), float(result.ranks[top][position])
        by_year.append(
            YearPreview(
                result.year,
                None if score != score else score,
                None if rank != rank else int(rank),
                len(result.ucodes),
            )
        )
    latest = next(result for result in built if result.year == by_year[-1].year)
    position = latest.ucodes.index(city.slug)
    areas = []
    for code, level in latest.levels.items():
        if level != top_level - 1:
            continue
        scores = [float(value) for value in latest.scores[code] if value == value]
        own = float(latest.scores[code][position])
        areas.append(
            AreaScore(
                code,
                names[code].label if code in names else code,
                None if own != own else own,
                statistics.median(scores) if scores else None,
            )
        )
    return CityPreview(
        city,
        framework,
        years,
        names[top].label if top in names else top,
        by_year,
        areas,
        framework.level_name(top_level - 1),
        notes,
    )

"""Every write in monitoring goes through one of these functions (``verb_noun``).

Each one validates, writes inside a transaction and records an audit event. Bad input
raises :class:`~learningcity.monitoring.problems.InvalidInput` listing every problem
found, and then nothing has been saved.
"""

import math
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from compindex.errors import IndexInputError
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcity.core.audit import record_event
from learningcity.core.models import City, User
from learningcity.core.tenancy import for_city

from . import engine_adapter, frameworks, queries
from .derived import DERIVED, derived_values
from .engine_adapter import Unit
from .frameworks import PLATFORM_DENOMINATORS, PLATFORM_GROUP, NodeRow
from .models import (
    FIRST_YEAR,
    GLOBAL_NORMALISATION,
    LAST_YEAR,
    Framework,
    FrameworkNode,
    IndexResult,
    IndexRun,
    IndicatorValue,
    NodeType,
    RunStatus,
    ValueStatus,
    years_normalisation,
)
from .problems import InvalidInput, Problem
from .run_notes import RunNote, left_out_note, no_values_note
from .tables import Cell, column_letter, read_table

# Pipelines offered in the run form; any COINr-style spec may be given instead.
SPEC_PRESETS: dict[str, dict[str, Any]] = {
    "standard": {
        "steps": [
            {"step": "normalise", "f_n": "n_minmax", "f_n_para": [0, 100]},
            {"step": "aggregate", "f_ag": "a_amean"},
        ]
    },
    "treated": {
        "steps": [
            {"step": "screen", "dat_thresh": 0.5, "unit_screen": "byNA"},
            {"step": "impute", "f_i": "i_mean"},
            {"step": "treat", "winmax": 5},
            {"step": "normalise", "f_n": "n_minmax", "f_n_para": [0, 100]},
            {"step": "aggregate", "f_ag": "a_amean"},
        ]
    },
    "geometric": {
        "steps": [
            {"step": "normalise", "f_n": "n_minmax", "f_n_para": [1, 100]},
            {"step": "aggregate", "f_ag": "a_gmean"},
        ]
    },
}
UNCERTAINTY_SEED = 2026
MAX_SAMPLES = 4096
MAX_PROBLEMS = 200
IGNORED_DATA_COLUMNS = ("uName", PLATFORM_GROUP, *PLATFORM_DENOMINATORS)


# ---- frameworks ------------------------------------------------------------------


@transaction.atomic
def ensure_default_framework() -> Framework:
    """The network's default framework, created from the shipped KFLC if missing."""
    existing = queries.default_framework()
    if existing is not None:
        return existing
    framework = frameworks.create_kflc(Framework, FrameworkNode)
    record_event(None, "monitoring.framework_created", target=framework.slug, source="kflc")
    return framework


@transaction.atomic
def import_framework(
    *, actor: User, content: bytes, name: str, slug: str, city: City | None
) -> Framework:
    """A new framework from a COINr iMeta CSV (network-wide when ``city`` is None)."""
    rows = frameworks.parse_imeta(content)
    taken = (for_city(Framework, city) if city else queries.network_frameworks()).filter(slug=slug)
    if taken.exists():
        raise InvalidInput(
            [Problem(_("address name"), _("A framework with this address name already exists."))]
        )
    framework = Framework.objects.create(
        slug=slug, name=name, city=city, level_names=frameworks.generic_level_names(rows)
    )
    frameworks.create_nodes(framework, rows, FrameworkNode)
    record_event(actor, "monitoring.framework_imported", city=city, target=slug, rows=len(rows))
    return framework


@transaction.atomic
def extend_framework(*, actor: User, city: City, base: Framework) -> Framework:
    """The city's own extension of a network framework (created on first use)."""
    existing = queries.extension_of(city, base)
    if existing is not None:
        return existing
    extension = Framework.objects.create(
        slug=f"{base.slug}-local"[:60],
        name=_("%(framework)s, with %(city)s's local indicators")
        % {"framework": base.name, "city": city.name},
        city=city,
        base=base,
        level_names=base.level_names,
    )
    record_event(actor, "monitoring.framework_extended", city=city, target=base.slug)
    return extension


@transaction.atomic
def add_indicator(
    *, actor: User, framework: Framework, parent: FrameworkNode, fields: Mapping[str, Any]
) -> FrameworkNode:
    """A new indicator under ``parent`` (a feature or other lowest aggregate)."""
    nodes = queries.effective_nodes(framework)
    problems = []
    if (
        parent.pk not in {node.pk for node in nodes}
        or parent.type != NodeType.AGGREGATE
        or (parent.level != 2)
    ):
        problems.append(Problem(_("parent"), _("Choose a feature of this framework.")))
    code = str(fields["code"])
    if code in _codes_in_use(framework, nodes):
        problems.append(Problem(_("code"), _("This code is already used in the framework.")))
    if fields.get("derived") and fields["derived"] not in DERIVED:
        problems.append(
            Problem(_("computed from"), _("Choose a computed indicator from the list."))
        )
    if problems:
        raise InvalidInput(problems)
    position = max((node.position for node in nodes), default=0) + 1
    node = FrameworkNode(
        framework=framework,
        parent=parent,
        type=NodeType.INDICATOR,
        level=1,
        position=position,
        **fields,
    )
    node.full_clean()
    node.save()
    record_event(
        actor,
        "monitoring.indicator_added",
        city=framework.city,
        target=code,
        framework=framework.slug,
    )
    return node


def _codes_in_use(framework: Framework, nodes: Sequence[FrameworkNode]) -> set[str]:
    codes = {node.code for node in nodes}
    if framework.is_network:
        # A network code must not clash with a local code of any city's extension.
        codes |= set(
            FrameworkNode.objects.filter(framework__base=framework).values_list("code", flat=True)
        )
    return codes


EDITABLE_NODE_FIELDS = (
    "name",
    "description",
    "unit",
    "direction",
    "weight",
    "target",
    "min_value",
    "max_value",
)


@transaction.atomic
def update_node(*, actor: User, node: FrameworkNode, changes: Mapping[str, Any]) -> FrameworkNode:
    """Change the wording, unit, direction, weight, target or range of one row."""
    unknown = set(changes) - set(EDITABLE_NODE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for field_name, value in changes.items():
        setattr(node, field_name, value)
    node.full_clean()
    node.save(update_fields=list(changes))
    record_event(
        actor,
        "monitoring.node_updated",
        city=node.framework.city,
        target=node.code,
        framework=node.framework.slug,
        fields=sorted(changes),
    )
    return node


# ---- indicator values ------------------------------------------------------------


def _value_problems(indicator: FrameworkNode, value: float, where: str) -> list[Problem]:
    if not math.isfinite(value):
        return [Problem(where, _("Enter a number."))]
    if not indicator.allows(value):
        return [Problem(where, range_message(indicator))]
    return []


def range_message(indicator: FrameworkNode) -> str:
    low, high = indicator.min_value, indicator.max_value
    if low is not None and high is not None:
        return _("The value must be between %(low)g and %(high)g.") % {"low": low, "high": high}
    if low is not None:
        return _("The value must be at least %(low)g.") % {"low": low}
    return _("The value must be at most %(high)g.") % {"high": high}


def _check_entry_indicator(city: City, indicator: FrameworkNode) -> None:
    belongs = indicator.framework.city_id in (None, city.pk)
    if not belongs or indicator.type == NodeType.AGGREGATE:
        raise InvalidInput([Problem(_("indicator"), _("Choose an indicator of this city."))])
    if indicator.derived:
        raise InvalidInput(
            [Problem(_("indicator"), _("This indicator is computed from the platform's data."))]
        )


@transaction.atomic
def save_value(
    *,
    actor: User,
    city: City,
    indicator: FrameworkNode,
    year: int,
    value: float,
    source: str = "",
    note: str = "",
    status: str = ValueStatus.DRAFT,
) -> IndicatorValue:
    """Enter or correct one value (a second submit of the same form changes nothing)."""
    _check_entry_indicator(city, indicator)
    problems = _value_problems(indicator, value, _("value"))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        problems.append(
            Problem(
                _("year"),
                _("Enter a year between %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR},
            )
        )
    if problems:
        raise InvalidInput(problems)
    now = timezone.now()
    existing = (
        for_city(IndicatorValue, city)
        .select_for_update()
        .filter(indicator=indicator, year=year)
        .first()
    )
    entry = existing or IndicatorValue(city=city, indicator=indicator, year=year)
    entry.value, entry.source, entry.note, entry.status = value, source, note, status
    entry.entered_by, entry.entered_at = actor, now
    entry.validated_by, entry.validated_at = (
        (actor, now) if status == ValueStatus.VALIDATED else (None, None)
    )
    entry.full_clean(validate_unique=False)
    entry.save()
    record_event(
        actor,
        "monitoring.value_saved",
        city=city,
        target=f"{indicator.code} {year}",
        status=status,
    )
    return entry


@transaction.atomic
def validate_values(*, actor: User, city: City, value_ids: Sequence[int]) -> int:
    """Mark drafts of ``city`` as validated; another city's ids are ignored."""
    drafts = for_city(IndicatorValue, city).filter(pk__in=value_ids, status=ValueStatus.DRAFT)
    count = drafts.update(
        status=ValueStatus.VALIDATED, validated_by=actor, validated_at=timezone.now()
    )
    record_event(actor, "monitoring.values_validated", city=city, count=count)
    return count


@dataclass(frozen=True)
class Entry:
    indicator: FrameworkNode
    year: int
    value: float


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int


@transaction.atomic
def import_values(
    *,
    actor: User,
    city: City,
    framework: Framework,
    content: bytes,
    filename: str,
    status: str = ValueStatus.DRAFT,
    source: str = "",
    default_year: int | None = None,
) -> ImportSummary:
    """Values from a COINr ``iData`` sheet (CSV or XLSX): one row per unit and year,
    one column per indicator. Every problem is listed with its row and column, and
    the file is taken whole or not at all."""
    rows = read_table(content, filename)
    nodes = {node.code: node for node in queries.effective_nodes(framework)}
    entries = parse_idata(rows, city, nodes, default_year)
    existing = {
        (value.indicator_id, value.year): value
        for value in for_city(IndicatorValue, city)
        .select_for_update()
        .filter(indicator__in=[entry.indicator for entry in entries])
    }
    now = timezone.now()
    note = _("Imported from %(file)s") % {"file": filename[:200]}
    validated = status == ValueStatus.VALIDATED
    to_create, to_update = [], []
    for entry in entries:
        value = existing.get((entry.indicator.pk, entry.year))
        if value is None:
            value = IndicatorValue(city=city, indicator=entry.indicator, year=entry.year)
            to_create.append(value)
        else:
            to_update.append(value)
        value.value, value.status, value.source, value.note = entry.value, status, source, note
        value.entered_by, value.entered_at = actor, now
        value.validated_by, value.validated_at = (actor, now) if validated else (None, None)
    IndicatorValue.objects.bulk_create(to_create)
    IndicatorValue.objects.bulk_update(
        to_update,
        [
            "value",
            "status",
            "source",
            "note",
            "entered_by",
            "entered_at",
            "validated_by",
            "validated_at",
        ],
    )
    record_event(
        actor,
        "monitoring.values_imported",
        city=city,
        target=filename[:200],
        created=len(to_create),
        updated=len(to_update),
        status=status,
    )
    return ImportSummary(len(to_create), len(to_update))


def parse_idata(
    rows: Sequence[Sequence[Cell]],
    city: City,
    nodes: Mapping[str, FrameworkNode],
    default_year: int | None,
) -> list[Entry]:
    """Entries of an iData sheet for ``city``; raises with every problem found."""
    header = [_cell_text(cell) for cell in rows[0]]
    problems: list[Problem] = []
    columns = _data_columns(header, nodes, default_year, problems)
    entries: list[Entry] = []
    seen: dict[tuple[str, int], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = list(row) + [None] * (len(header) - len(row))
        year = _row_unit_and_year(number, cells, header, city, default_year, seen, problems)
        for index, node in columns.items():
            entry = _entry(number, index, header[index], cells[index], node, year, problems)
            if entry is not None:
                entries.append(entry)
        if len(problems) > MAX_PROBLEMS:
            break
    if problems:
        raise InvalidInput(_capped(problems))
    return entries


def _data_columns(
    header: list[str],
    nodes: Mapping[str, FrameworkNode],
    default_year: int | None,
    problems: list[Problem],
) -> dict[int, FrameworkNode]:
    columns: dict[int, FrameworkNode] = {}
    seen: set[str] = set()
    for index, name in enumerate(header):
        where = _("column %(letter)s") % {"letter": column_letter(index)} + (
            f" ({name})" if name else ""
        )
        if name in seen:
            problems.append(Problem(where, _("This column appears twice.")))
            continue
        seen.add(name)
        if name in ("uCode", "Time", *IGNORED_DATA_COLUMNS):
            continue
        node = nodes.get(name)
        if not name:
            problems.append(Problem(where, _("This column has no code in the first row.")))
        elif node is None:
            problems.append(
                Problem(where, _("Unknown code: it is not an indicator of this framework."))
            )
        elif node.type == NodeType.AGGREGATE:
            problems.append(
                Problem(where, _("This is an aggregate: its score is computed, not entered."))
            )
        elif node.derived:
            problems.append(
                Problem(
                    where,
                    _("This indicator is computed from the platform's data; remove the column."),
                )
            )
        else:
            columns[index] = node
    if "uCode" not in header:
        problems.append(Problem(_("first row"), _("The uCode column is missing.")))
    if "Time" not in header and default_year is None:
        problems.append(
            Problem(_("first row"), _("The Time column is missing: add it, or choose a year."))
        )
    return columns


def _row_unit_and_year(
    number: int,
    cells: list[Cell],
    header: list[str],
    city: City,
    default_year: int | None,
    seen: dict[tuple[str, int], int],
    problems: list[Problem],
) -> int:
    where = _("row %(row)s") % {"row": number}
    unit = _cell_text(cells[header.index("uCode")]) if "uCode" in header else ""
    if "uCode" in header and not unit:
        problems.append(Problem(where, _("The unit (uCode) is missing.")))
    elif unit and unit.lower() != city.slug:
        problems.append(
            Problem(
                where,
                _("The unit “%(unit)s” is not this city; use “%(slug)s”.")
                % {"unit": unit[:60], "slug": city.slug},
            )
        )
    year = default_year or 0
    if "Time" in header:
        text = _cell_text(cells[header.index("Time")])
        parsed = _parse_number(text)
        if text or default_year is None:
            if parsed is None or not parsed.is_integer() or not FIRST_YEAR <= parsed <= LAST_YEAR:
                problems.append(
                    Problem(
                        where,
                        _("Time “%(value)s” is not a year between %(first)s and %(last)s.")
                        % {"value": text[:20], "first": FIRST_YEAR, "last": LAST_YEAR},
                    )
                )
            else:
                year = int(parsed)
    key = (unit.lower(), year)
    if year and key in seen:
        problems.append(
            Problem(
                where,
                _("Duplicate: row %(row)s already has this unit and year.") % {"row": seen[key]},
            )
        )
    seen.setdefault(key, number)
    return year


def _entry(
    number: int,
    index: int,
    code: str,
    cell: Cell,
    node: FrameworkNode,
    year: int,
    problems: list[Problem],
) -> Entry | None:
    text = _cell_text(cell)
    if text.upper() in ("", "NA", "N/A", "NAN"):
        return None
    where = _("row %(row)s, column %(letter)s (%(code)s)") % {
        "row": number,
        "letter": column_letter(index),
        "code": code,
    }
    number_value = _cell_number(cell, text)
    if number_value is None or math.isnan(number_value):
        problems.append(Problem(where, _("“%(value)s” is not a number.") % {"value": text[:40]}))
        return None
    if math.isinf(number_value):
        problems.append(Problem(where, _("This number is too large.")))
        return None
    found = _value_problems(node, number_value, where)
    problems += found
    if found or not year:
        return None
    return Entry(node, year, number_value)


def _cell_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


# A decimal number as people and spreadsheets write it. Python's float() also takes
# "inf", "nan", "1_000" and the like, which no spreadsheet means as a number.
_DECIMAL_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DIGIT_GROUP_SPACES = str.maketrans("", "", " \u00a0\u202f")


def _parse_number(text: str) -> float | None:
    """The number a cell's text writes, or None. A number too large for a float (more
    than about 1.8e308) comes back infinite, so callers can say it is too large."""
    compact = text.translate(_DIGIT_GROUP_SPACES)
    if not _DECIMAL_NUMBER.fullmatch(compact):
        return None
    return float(compact)


def _cell_number(cell: Cell, text: str) -> float | None:
    """A cell as a float: XLSX cells come as numbers (an integer of hundreds of digits
    too), CSV cells as text."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        try:
            return float(cell)
        except OverflowError:
            return math.inf
    if isinstance(cell, float):
        return cell
    return _parse_number(text)


def _capped(problems: list[Problem]) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = Problem(_("file"), _("… and more problems; fix these first."))
    return [*problems[:MAX_PROBLEMS], more]


# ---- index runs ------------------------------------------------------------------


@dataclass
class RunInputs:
    """What a run is built from: one framework for all years, the cities of each year."""

    rows: list[NodeRow]
    units: dict[int, list[Unit]]
    notes: list[RunNote]


def run_index(
    *,
    actor: User | None,
    framework: Framework,
    years: Sequence[int],
    spec: Any,
    samples: int = 0,
    drop_unusable: bool = False,
    normalise_globally: bool = True,
    title: str = "",
    run_uncertainty_now: bool = False,
) -> IndexRun:
    """Build the index for the network's cities from validated values (plus derived
    ones), all years at once, and store the run with every city's scores and ranks.

    The years form one panel: with ``normalise_globally`` (the default) the pipeline's
    normalise step pools them (COINr's global normalisation), so a city's scores
    compare across years; otherwise each year is normalised on its own. Ranks are
    within each year. With ``samples``, an uncertainty analysis of the last year
    follows: queued for the background worker (``process_index_run``) unless
    ``run_uncertainty_now``. Refused input raises ``InvalidInput`` listing every
    problem; then no run is stored."""
    problems = _run_request_problems(framework, years, samples)
    if problems:
        raise InvalidInput(problems)
    years = sorted(set(years))
    try:
        prepared = engine_adapter.panel_spec(spec, normalise_globally=normalise_globally)
        pooled = years_normalisation(prepared) == GLOBAL_NORMALISATION
    except IndexInputError as error:
        problems += InvalidInput.from_engine(error).problems
        prepared, pooled = {}, normalise_globally  # still check the data as it was asked
    inputs = gather_inputs(framework, years, drop_unusable, pooled=pooled)
    problems += _data_problems(inputs, pooled=pooled)
    if problems:
        raise InvalidInput(_unique(problems))
    try:
        built = engine_adapter.build_panel(inputs.rows, inputs.units, prepared)
    except IndexInputError as error:
        raise InvalidInput.from_engine(error) from error
    with transaction.atomic():
        run = IndexRun.objects.create(
            framework=framework,
            title=title,
            years=years,
            spec=prepared,
            uncertainty={"samples": samples, "seed": UNCERTAINTY_SEED} if samples else {},
            status=RunStatus.QUEUED if samples else RunStatus.DONE,
            progress=0 if samples else 100,
            notes=inputs.notes,
            inputs=_snapshot(inputs),
            started_by=actor,
            finished_at=None if samples else timezone.now(),
        )
        _store_results(run, built)
        record_event(
            actor,
            "monitoring.index_run",
            target=str(run.public_id),
            framework=framework.slug,
            years=years,
            samples=samples,
            normalisation=run.years_normalisation,
        )
        if samples and not run_uncertainty_now:
            queue_index_run(run)
    if samples and run_uncertainty_now:
        process_index_run(run)
        run.refresh_from_db()
    return run


def _run_request_problems(
    framework: Framework, years: Sequence[int], samples: int
) -> list[Problem]:
    problems = []
    if not framework.is_network:
        problems.append(
            Problem(
                _("framework"),
                _("Index runs compare the network's cities: choose a network framework."),
            )
        )
    if not years or any(not FIRST_YEAR <= year <= LAST_YEAR for year in years):
        problems.append(Problem(_("years"), _("Choose at least one year.")))
    if samples and not 2 <= samples <= MAX_SAMPLES:
        problems.append(
            Problem(_("samples"), _("Use between 2 and %(max)s samples.") % {"max": MAX_SAMPLES})
        )
    return problems


def gather_inputs(
    framework: Framework, years: Sequence[int], drop_unusable: bool, *, pooled: bool
) -> RunInputs:
    """Engine input: the framework's rows and, per year, every city with validated values.

    ``pooled``: the years are normalised together (see :func:`unusable_indicators`)."""
    nodes = queries.effective_nodes(framework)
    rows = [frameworks.row_from_node(node) for node in nodes]
    entered = [node for node in nodes if node.type != NodeType.AGGREGATE and not node.derived]
    derived_keys = {node.code: node.derived for node in nodes if node.derived}
    values: dict[tuple[int, int], dict[str, float]] = defaultdict(dict)
    validated = IndicatorValue.objects.filter(
        indicator__in=entered, year__in=list(years), status=ValueStatus.VALIDATED
    ).values_list("city_id", "indicator__code", "year", "value")
    for city_id, code, year, value in validated:
        values[(city_id, year)][code] = value
    cities = list(City.objects.order_by("slug"))
    if derived_keys:
        for city in cities:
            computed = derived_values(city, set(derived_keys.values()), years)
            for code, key in derived_keys.items():
                for year in years:
                    if computed[(key, year)] is not None and (city.pk, year) in values:
                        values[(city.pk, year)][code] = computed[(key, year)]  # type: ignore[assignment]
    inputs = RunInputs(rows, {}, [])
    for year in years:
        inputs.units[year] = [
            Unit(city.slug, city.name, city.region, city.population, values[(city.pk, year)])
            for city in cities
            if values.get((city.pk, year))
        ]
        left_out = [city.name for city in cities if not values.get((city.pk, year))]
        if left_out:
            inputs.notes.append(no_values_note(year, left_out))
    if drop_unusable:
        inputs.rows = _usable_rows(rows, inputs.units, pooled, inputs.notes)
    return inputs


def _usable_rows(
    rows: list[NodeRow], units: Mapping[int, Sequence[Unit]], pooled: bool, notes: list[RunNote]
) -> list[NodeRow]:
    """The rows without indicators that are unusable in any year (one framework serves
    every year, so that the years compare), and without aggregates left empty."""
    unusable = {found.code for found in unusable_indicators(rows, units, pooled=pooled)}
    if not unusable:
        return rows
    notes.append(left_out_note(sorted(unusable)))
    kept = [row for row in rows if row.code not in unusable]
    while True:
        parents = {row.parent for row in kept if row.parent}
        childless = {
            row.code
            for row in kept
            if row.type == "Aggregate" and row.level != 1 and row.code not in parents
        }
        if not childless:
            return kept
        kept = [row for row in kept if row.code not in childless]


@dataclass(frozen=True)
class Unusable:
    """An indicator that cannot tell cities apart: in ``year``, or (None) in the run."""

    code: str
    reason: str
    year: int | None


def unusable_indicators(
    rows: Sequence[NodeRow], units: Mapping[int, Sequence[Unit]], *, pooled: bool
) -> list[Unusable]:
    """Indicators that no city reported in a year, and indicators with the same value
    for every city: over all years when they are normalised together (``pooled``:
    a value that is the same for all cities in one year still shows the change
    between years), in each year otherwise. Years with fewer than two cities are
    refused on their own (see :func:`_data_problems`) and not looked at here."""
    years = {year: year_units for year, year_units in units.items() if len(year_units) >= 2}
    same = _("every city has the same value, so it cannot tell cities apart")
    same_every_year = _(
        "every city has the same value in every year, so it cannot tell cities apart"
    )
    found = []
    for row in rows:
        if row.type != "Indicator":
            continue
        present = {
            year: {unit.values[row.code] for unit in year_units if row.code in unit.values}
            for year, year_units in years.items()
        }
        found += [
            Unusable(row.code, _("no city has a validated value"), year)
            for year, values in present.items()
            if not values
        ]
        if not (pooled and len(present) > 1):
            found += [Unusable(row.code, same, year) for year, v in present.items() if len(v) == 1]
        elif len(set().union(*present.values())) == 1:
            found.append(Unusable(row.code, same_every_year, None))
    return found


def _data_problems(inputs: RunInputs, *, pooled: bool) -> list[Problem]:
    """What the engine would refuse less clearly: years with fewer than two cities,
    indicators that cannot tell cities apart."""
    problems = [
        Problem(str(year), _("At least two cities need validated values."))
        for year, units in inputs.units.items()
        if len(units) < 2
    ]
    names = {row.code: row.name for row in inputs.rows}
    for found in unusable_indicators(inputs.rows, inputs.units, pooled=pooled):
        label = f"{found.code} ({names[found.code]})"
        where = label if found.year is None else f"{found.year}: {label}"
        problems.append(Problem(where, found.reason))
    return problems


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _store_results(run: IndexRun, built: Sequence[engine_adapter.YearResult]) -> None:
    city_ids = dict(City.objects.values_list("slug", "pk"))
    results = []
    for year_result in built:
        for code, level in year_result.levels.items():
            scores, ranks = year_result.scores[code], year_result.ranks[code]
            for position, slug in enumerate(year_result.ucodes):
                score = float(scores[position])
                results.append(
                    IndexResult(
                        run=run,
                        city_id=city_ids[slug],
                        year=year_result.year,
                        code=code,
                        level=level,
                        score=None if math.isnan(score) else score,
                        rank=None if math.isnan(ranks[position]) else int(ranks[position]),
                    )
                )
    IndexResult.objects.bulk_create(results, batch_size=1000)


def _snapshot(inputs: RunInputs) -> dict[str, Any]:
    return {
        "rows": [asdict(row) for row in inputs.rows],
        "units": {
            str(year): [asdict(unit) | {"values": dict(unit.values)} for unit in units]
            for year, units in inputs.units.items()
        },
    }


def snapshot_inputs(run: IndexRun) -> RunInputs | None:
    """The exact rows and units a run was built with; None for a run stored before
    the years of a run were built together (its rows were kept year by year)."""
    if not run.has_panel_inputs:
        return None
    units = {
        int(year): [Unit(**unit) for unit in year_units]
        for year, year_units in run.inputs["units"].items()
    }
    return RunInputs([NodeRow(**row) for row in run.inputs["rows"]], units, list(run.notes))


def queue_index_run(run: IndexRun) -> None:
    """Have the background worker take the run up once the current transaction commits."""
    from .tasks import process_index_run as process_task  # the tasks module imports us

    run.lease_expires_at = _lease_end()  # the reaper queues it again if the task is lost
    IndexRun.objects.filter(pk=run.pk).update(lease_expires_at=run.lease_expires_at)
    transaction.on_commit(partial(process_task, run.pk))


def process_index_run(run: IndexRun) -> IndexRun:
    """The uncertainty analysis of a queued run, reporting progress as it goes.

    Runs in the background worker (``tasks.process_index_run``); each progress update
    is its own small write, so the run's page shows it meanwhile, and renews this
    worker's lease on the run (see :func:`reap_stalled_runs`). The intervals and the
    run's "done" commit together, and only if this attempt still holds the run."""
    claimed = IndexRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING,
        progress=0,
        attempts=F("attempts") + 1,
        lease_expires_at=_lease_end(),
    )
    if not claimed:  # another worker took it, or it is not waiting
        return run
    run.refresh_from_db()
    inputs = snapshot_inputs(run)
    if inputs is None:
        problem = Problem(_("inputs"), _("This run was stored before years were built together."))
        _finish(run, RunStatus.FAILED, [asdict(problem)])
        return run
    try:
        intervals = engine_adapter.rank_intervals(
            inputs.rows,
            inputs.units,
            run.spec,
            samples=int(run.uncertainty["samples"]),
            seed=int(run.uncertainty.get("seed", UNCERTAINTY_SEED)),
            progress=_progress_reporter(run),
        )
    except IndexInputError as error:
        _finish(run, RunStatus.FAILED, [asdict(problem) for problem in error.problems])
        return run
    with transaction.atomic():
        if _finish(run, RunStatus.DONE, []):
            _store_intervals(run, max(run.years), intervals)
    return run


def _progress_reporter(run: IndexRun) -> Callable[[int, int], None]:
    last = {"percent": -1}

    def report(done: int, total: int) -> None:
        percent = min(99, int(done * 100 / total)) if total else 99
        if percent != last["percent"]:
            last["percent"] = percent
            _held(run).update(progress=percent, lease_expires_at=_lease_end())

    return report


@transaction.atomic
def _store_intervals(
    run: IndexRun, year: int, intervals: Mapping[str, engine_adapter.RankInterval]
) -> None:
    levels = run.results.filter(year=year).values_list("level", flat=True)
    results = list(run.results.filter(year=year, level=max(levels)).select_related("city"))
    for result in results:
        interval = intervals.get(result.city.slug)
        if interval is not None and not math.isnan(interval.median):
            result.median_rank, result.rank_low, result.rank_high = (
                interval.median,
                interval.low,
                interval.high,
            )
    IndexResult.objects.bulk_update(results, ["median_rank", "rank_low", "rank_high"])


def _finish(run: IndexRun, status: str, problems: list[dict[str, str]]) -> bool:
    """End the run, if this attempt still holds it; False when another attempt has
    taken it over (this worker outlived its lease), and then nothing is written."""
    finished = _held(run).update(
        status=status,
        progress=100,
        problems=problems,
        finished_at=timezone.now(),
        lease_expires_at=None,
    )
    if finished:
        record_event(
            None, "monitoring.index_run_finished", target=str(run.public_id), status=status
        )
    return bool(finished)


def _held(run: IndexRun) -> Any:
    """The run, as long as the attempt that ``run`` was claimed with still holds it."""
    return IndexRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, attempts=run.attempts)


def reap_stalled_runs(*, now: datetime | None = None) -> int:
    """Runs whose worker died: a running run whose lease ran out is queued again, or
    failed with a reason after ``JOB_ATTEMPTS`` attempts; a queued run whose task was
    lost is queued again. Returns how many runs were touched (``periodic.py`` runs
    this every minute)."""
    now = now or timezone.now()
    expired = Q(lease_expires_at__lt=now) | Q(lease_expires_at__isnull=True)
    touched = 0
    with transaction.atomic():
        stalled = IndexRun.objects.filter(
            expired, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
        ).select_for_update(skip_locked=True)
        for run in stalled:
            touched += 1
            if run.status == RunStatus.RUNNING and run.attempts >= _max_attempts():
                problem = Problem(
                    _("uncertainty analysis"),
                    _(
                        "The analysis stopped %(count)s times before it could finish (the "
                        "server was restarted or ran out of memory). Start a new run, "
                        "perhaps with fewer samples."
                    )
                    % {"count": run.attempts},
                )
                _finish(run, RunStatus.FAILED, [asdict(problem)])
                continue
            IndexRun.objects.filter(pk=run.pk, status=run.status).update(status=RunStatus.QUEUED)
            queue_index_run(run)
    return touched


def _lease_end() -> datetime:
    return timezone.now() + timedelta(seconds=int(getattr(settings, "JOB_LEASE_SECONDS", 300)))


def _max_attempts() -> int:
    return int(getattr(settings, "JOB_ATTEMPTS", 3))

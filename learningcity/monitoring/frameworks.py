"""Frameworks as data: the KFLC default, and COINr ``iMeta`` files in and out.

A framework is a list of :class:`NodeRow` (one per iMeta row). The KFLC is shipped as
``data/kflc.json`` and laid out in five levels: indicator (1) → feature (2) → area of
focus (3) → area (4) → index (5). Features stay distinct from indicators so that a
city can add local indicators under a feature without changing the feature's weight
in its area of focus: a feature's score is the mean of its indicators, however many.

The structure is checked by the index engine's own ``parse_meta`` (duplicates,
orphan parents, cycles, gaps in levels, childless aggregates), so that a framework
accepted here is one the engine will accept.
"""

import io
import json
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from compindex.errors import IndexInputError
from compindex.io import format_cell
from compindex.meta import is_missing, parse_meta
from django.utils.translation import gettext as _

from .problems import InvalidInput, Problem
from .tables import safe_cell, unescape_cell

KFLC_PATH = Path(__file__).resolve().parent / "data" / "kflc.json"
IMETA_COLUMNS = (
    "Level",
    "iCode",
    "iName",
    "Direction",
    "Weight",
    "Unit",
    "Target",
    "Denominator",
    "Parent",
    "Type",
)
# Columns COINr passes through untouched; they keep our ranges and derived keys in a
# round trip.
EXTRA_COLUMNS = ("Min", "Max", "Derived")
SUPPORTED_TYPES = ("Indicator", "Aggregate", "Denominator")
# Denominators and groups the platform fills in itself from each city's record.
PLATFORM_DENOMINATORS = ("Population",)
PLATFORM_GROUP = "Region"
MAX_IMETA_BYTES = 1_000_000
MAX_NAME = 300
MAX_UNIT = 80


@dataclass(frozen=True)
class NodeRow:
    code: str
    name: str
    type: str
    level: int | None
    parent: str | None
    direction: int = 1
    weight: float = 1.0
    unit: str = ""
    target: float | None = None
    denominator: str = ""
    min_value: float | None = None
    max_value: float | None = None
    derived: str = ""
    description: str = ""


def kflc_definition() -> dict[str, Any]:
    return dict(json.loads(KFLC_PATH.read_text(encoding="utf-8")))


def kflc_rows() -> list[NodeRow]:
    """The KFLC as rows in tree order (index, area, its areas of focus, ...)."""
    data = kflc_definition()
    top = data["index"]["code"]
    rows = [NodeRow(top, data["index"]["name"], "Aggregate", 5, None, unit="Score")]
    for area in data["areas"]:
        rows.append(NodeRow(area["code"], area["name"], "Aggregate", 4, top, unit="Score"))
        for focus in area["focus"]:
            rows.append(
                NodeRow(focus["code"], focus["name"], "Aggregate", 3, area["code"], unit="Score")
            )
            for feature in focus["features"]:
                rows.append(
                    NodeRow(
                        feature["code"],
                        feature["name"],
                        "Aggregate",
                        2,
                        focus["code"],
                        unit="Score",
                    )
                )
                rows.append(_kflc_indicator(feature["indicator"], feature["code"]))
    return rows


def _kflc_indicator(item: dict[str, Any], parent: str) -> NodeRow:
    return NodeRow(
        code=item["code"],
        name=item["name"],
        type="Indicator",
        level=1,
        parent=parent,
        direction=int(item.get("direction", 1)),
        unit=item.get("unit", ""),
        target=item.get("target"),
        min_value=item.get("min"),
        max_value=item.get("max"),
        derived=item.get("derived", ""),
    )


def create_nodes(framework: Any, rows: Sequence[NodeRow], node_model: Any) -> list[Any]:
    """Create ``rows`` as nodes of ``framework``. Takes the model class as an argument
    so that the data migration can pass its historical model."""
    created: dict[str, Any] = {}
    nodes = []
    for position, row in enumerate(rows):
        node = node_model(
            framework=framework,
            code=row.code,
            name=row.name,
            description=row.description,
            type=row.type,
            level=row.level,
            position=position,
            direction=row.direction,
            weight=row.weight,
            unit=row.unit,
            target=row.target,
            denominator=row.denominator,
            min_value=row.min_value,
            max_value=row.max_value,
            derived=row.derived,
        )
        nodes.append(node)
        created[row.code] = node
    node_model.objects.bulk_create(nodes)
    parents = []
    for node, row in zip(nodes, rows, strict=True):
        if row.parent:
            node.parent = created[row.parent]
            parents.append(node)
    node_model.objects.bulk_update(parents, ["parent"])
    return nodes


def row_from_node(node: Any) -> NodeRow:
    return NodeRow(
        code=node.code,
        name=node.name,
        type=node.type,
        level=node.level,
        parent=node.parent.code if node.parent_id else None,
        direction=node.direction,
        weight=node.weight,
        unit=node.unit,
        target=node.target,
        denominator=node.denominator,
        min_value=node.min_value,
        max_value=node.max_value,
        derived=node.derived,
        description=node.description,
    )


# ---- iMeta out -------------------------------------------------------------------


def imeta_order(rows: Iterable[NodeRow]) -> list[NodeRow]:
    """COINr's usual layout: indicators first, level by level up to the index, then
    denominators. Within a level the framework's own order is kept."""
    indexed = list(enumerate(rows))
    indexed.sort(key=lambda pair: (pair[1].level is None, pair[1].level or 0, pair[0]))
    return [row for _position, row in indexed]


def imeta_records(rows: Iterable[NodeRow], *, extras: bool = True) -> list[list[object]]:
    """Header and rows of an iMeta table (missing values as ``None``)."""
    header: list[object] = [*IMETA_COLUMNS, *(EXTRA_COLUMNS if extras else ())]
    records: list[list[object]] = [header]
    for row in imeta_order(rows):
        structural = row.type in ("Indicator", "Aggregate")
        record: list[object] = [
            row.level,
            row.code,
            row.name,
            row.direction if structural else None,
            row.weight if structural else None,
            row.unit or None,
            row.target,
            row.denominator or None,
            row.parent,
            row.type,
        ]
        if extras:
            record += [row.min_value, row.max_value, row.derived or None]
        records.append(record)
    return records


def imeta_csv(rows: Iterable[NodeRow], *, extras: bool = True) -> str:
    """An iMeta CSV in the layout of COINr's reference files (R ``write.csv``), with
    text a spreadsheet would run as a formula neutralised (and restored on import)."""
    lines = [
        ",".join(format_cell(safe_cell(cell)) for cell in record)
        for record in imeta_records(rows, extras=extras)
    ]
    return "\n".join(lines) + "\n"


def imeta_frame(rows: Iterable[NodeRow]) -> pd.DataFrame:
    """As text cells, the way the engine reads an iMeta CSV."""
    header, *records = imeta_records(rows, extras=False)
    text = [[_cell_text(cell) for cell in record] for record in records]
    return pd.DataFrame(text, columns=[str(column) for column in header])


def _cell_text(cell: object) -> str:
    if cell is None:
        return "NA"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


# ---- iMeta in --------------------------------------------------------------------


def parse_imeta(content: bytes) -> list[NodeRow]:
    """Read an uploaded iMeta CSV; every problem is listed, and nothing is returned
    unless the whole file is right."""
    if len(content) > MAX_IMETA_BYTES:
        raise InvalidInput([Problem(_("file"), _("The file is larger than 1 MB."))])
    try:
        table = pd.read_csv(
            io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError):
        raise InvalidInput(
            [Problem(_("file"), _("This is not a CSV file in UTF-8 that we can read."))]
        ) from None
    problems: list[Problem] = []
    rows = [
        row
        for index, record in enumerate(table.to_dict(orient="records"))
        if (row := _parse_record(index + 2, record, problems)) is not None
    ]
    if not problems:
        problems += check_structure(rows)
    if problems:
        raise InvalidInput(problems)
    return rows


def _parse_record(
    line: int, record: Mapping[Hashable, Any], problems: list[Problem]
) -> NodeRow | None:
    code = _text(record.get("iCode"))
    where = _("row %(line)s") % {"line": line} + (f" ({code})" if code else "")
    type_name = _text(record.get("Type"))
    if type_name == "Group" and code == PLATFORM_GROUP:
        return None  # the platform adds the region group itself
    if type_name == "Denominator" and code in PLATFORM_DENOMINATORS:
        return None  # filled in from the city's record
    if type_name not in SUPPORTED_TYPES:
        problems.append(
            Problem(
                where,
                _("Type “%(type)s” is not supported here; use Indicator, Aggregate or Denominator.")
                % {"type": type_name},
            )
        )
        return None
    name = _text(record.get("iName")) or code
    unit = _text(record.get("Unit"))
    for label, text, limit in (("iName", name, MAX_NAME), ("Unit", unit, MAX_UNIT)):
        if len(text) > limit:
            problems.append(
                Problem(
                    where,
                    _("%(column)s is longer than %(limit)s characters.")
                    % {"column": label, "limit": limit},
                )
            )
    numbers = {
        column: _number(record.get(column), column, where, problems)
        for column in ("Level", "Direction", "Weight", "Target", "Min", "Max")
    }
    if numbers["Weight"] is not None and numbers["Weight"] < 0:
        problems.append(Problem(where, _("Weight must not be negative.")))
    low, high = numbers["Min"], numbers["Max"]
    if low is not None and high is not None and low > high:
        problems.append(Problem(where, _("Min is greater than Max.")))
    derived = _text(record.get("Derived"))
    _check_derived(derived, type_name, where, problems)
    level = numbers["Level"]
    return NodeRow(
        code=code,
        name=name[:MAX_NAME],
        type=type_name,
        level=None if level is None or type_name == "Denominator" else int(level),
        parent=_text(record.get("Parent")) or None,
        direction=-1 if numbers["Direction"] == -1 else 1,
        weight=1.0 if numbers["Weight"] is None else numbers["Weight"],
        unit=unit[:MAX_UNIT],
        target=numbers["Target"],
        denominator=_text(record.get("Denominator")),
        min_value=low,
        max_value=high,
        derived=derived,
    )


def _check_derived(derived: str, type_name: str, where: str, problems: list[Problem]) -> None:
    if not derived:
        return
    from .derived import DERIVED  # late: derived reads the catalogue's models

    if derived not in DERIVED:
        problems.append(
            Problem(
                where,
                _("“%(key)s” is not an indicator the platform can compute.") % {"key": derived},
            )
        )
    elif type_name != "Indicator":
        problems.append(Problem(where, _("Only indicators can be computed.")))


def _text(value: object) -> str:
    return "" if is_missing(value) else unescape_cell(str(value).strip())


def _number(value: object, column: str, where: str, problems: list[Problem]) -> float | None:
    text = _text(value)
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        problems.append(
            Problem(
                where,
                _("%(column)s “%(value)s” is not a number.")
                % {"column": column, "value": text[:40]},
            )
        )
        return None
    return number


def check_structure(rows: Sequence[NodeRow]) -> list[Problem]:
    """Structural problems, found by the engine's own iMeta check, plus our rules for
    codes, denominators and levels."""
    problems: list[Problem] = []
    from .models import validate_code

    codes = {row.code for row in rows}
    for row in rows:
        try:
            validate_code(row.code)
        except Exception:
            problems.append(
                Problem(
                    row.code or "?",
                    _(
                        "The code must start with a letter and use only "
                        "letters, digits or underscores (at most 40)."
                    ),
                ),
            )
        if row.denominator and row.denominator not in codes | set(PLATFORM_DENOMINATORS):
            problems.append(
                Problem(
                    row.code,
                    _(
                        "Denominator “%(code)s” is neither a Denominator row nor "
                        "one the platform provides (Population)."
                    )
                    % {"code": row.denominator},
                )
            )
    try:
        parse_meta(imeta_frame(rows))
    except IndexInputError as error:
        problems += error.problems
    return problems


def create_kflc(framework_model: Any, node_model: Any, *, is_default: bool = True) -> Any:
    """Store the KFLC as a network framework (also used by the data migration)."""
    data = kflc_definition()
    framework = framework_model.objects.create(
        slug=data["slug"],
        name=data["name"],
        description=data["description"],
        level_names=data["level_names"],
        is_default=is_default,
    )
    create_nodes(framework, kflc_rows(), node_model)
    return framework


def generic_level_names(rows: Sequence[NodeRow]) -> list[str]:
    """Names for an imported framework's levels: indicators, numbered levels, index."""
    top = max((row.level or 0 for row in rows), default=1)
    middle = [f"Level {level}" for level in range(2, top)]
    return ["Indicator", *middle, "Index"] if top > 1 else ["Indicator"]

"""The spreadsheet layout for opportunities, in CSV and XLSX: reading, checking, export.

One row per session. The opportunity columns come first; rows that share a ``slug``
add sessions to the same opportunity (their other opportunity columns must be empty or
the same). A row without session columns is an opportunity with no sessions yet.

Checking is separate from saving: ``check_table`` reads every row and lists every
problem (row and column) before anything is written, so a bad file is refused whole.
The export writes exactly this layout, so an export can be imported again.

Importing creates or updates, by key (``plan_changes``):

- an opportunity is found by its ``slug`` among the provider's own opportunities:
  a new slug creates one, a known slug updates it, a slug another provider of the
  city uses is refused;
- a session is found by ``session_id`` (which the export writes), or else by its start
  among the sessions of that opportunity; otherwise it is new.
- Nothing is ever deleted: opportunities and sessions missing from the file are left
  as they are (people may be enrolled in them). Cancel or unpublish in the workspace.
"""

import csv
import hashlib
import io
import json
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcity.core import spreadsheets
from learningcity.core.flags import FlagSet
from learningcity.core.models import City

from .models import (
    ACCESSIBILITY,
    TARGET_GROUPS,
    TOPICS,
    Cost,
    Format,
    LearningSite,
    Level,
    Opportunity,
    OpportunityKind,
    Outcome,
    Session,
    normalise_recurrence,
    recurrence_problem,
)

MAX_TEXT = 20_000
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
_DATETIME_INPUTS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")
_LIST_SEPARATOR = re.compile(r"[;,]")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
# Spreadsheet programs run a cell starting with these as a formula; exports prefix
# such cells with an apostrophe and imports take it off again.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# (name, required, belongs to the session half of the row), in file order.
_LAYOUT = [
    ("slug", True, False),
    ("title", True, False),
    ("kind", False, False),
    ("description", False, False),
    ("level", True, False),
    ("format", True, False),
    ("topics", False, False),
    ("languages", False, False),
    ("cost", False, False),
    ("fee", False, False),
    ("target_groups", False, False),
    ("min_age", False, False),
    ("max_age", False, False),
    ("accessibility", False, False),
    ("outcome", False, False),
    ("capacity", False, False),
    ("site", False, False),
    ("published", False, False),
    ("session_starts", False, True),
    ("session_ends", False, True),
    ("session_repeats", False, True),
    ("session_places", False, True),
    ("session_site", False, True),
    ("session_live_url", False, True),
    ("session_id", False, True),
]
COLUMN_NAMES = [name for name, _required, _session in _LAYOUT]
# Where a planned session keeps the session id of its row (not a Session field).
SESSION_KEY = "key"
OPPORTUNITY_COLUMNS = [name for name, _required, is_session in _LAYOUT if not is_session]
SESSION_COLUMNS = [name for name, _required, is_session in _LAYOUT if is_session]
REQUIRED_COLUMNS = [name for name, required, _session in _LAYOUT if required]


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: str


def layout() -> list[Column]:
    """The columns with what to write in them, in the current language."""
    any_of = _("Any of, separated by semicolons: %s")
    helps = {
        "slug": _(
            "Your reference for the opportunity: letters, digits and hyphens. A reference "
            "you used before updates that opportunity; a new one adds an opportunity."
        ),
        "title": _("Up to 200 characters."),
        "kind": _("One of: %s (empty means course)") % ", ".join(OpportunityKind.values),
        "description": _("Plain text."),
        "level": _("One of: %s") % ", ".join(Level.values),
        "format": _("One of: %s") % ", ".join(Format.values),
        "topics": any_of % ", ".join(TOPICS.bit),
        "languages": _("Language codes separated by semicolons, for example en;fr."),
        "cost": _("One of: %s (empty means free)") % ", ".join(Cost.values),
        "fee": _("An amount such as 12.50."),
        "target_groups": any_of % ", ".join(TARGET_GROUPS.bit),
        "min_age": _("A whole number."),
        "max_age": _("A whole number."),
        "accessibility": any_of % ", ".join(ACCESSIBILITY.bit),
        "outcome": _("One of: %s (empty means none)") % ", ".join(Outcome.values),
        "capacity": _("Places in each session (empty means no limit)."),
        "site": _("The slug of a place already listed in the city."),
        "published": _("yes or no (empty means yes)."),
        "session_starts": _("YYYY-MM-DD HH:MM in the city's time."),
        "session_ends": _("YYYY-MM-DD HH:MM in the city's time."),
        "session_repeats": _("A repeat rule, for example FREQ=WEEKLY;BYDAY=SA;COUNT=10."),
        "session_places": _("Places in this session, if different."),
        "session_site": _("The slug of a place; empty means the main place (column site)."),
        "session_live_url": _("A link, for online sessions."),
        "session_id": _(
            "Written by the export: keeps the row tied to its session, so that the session "
            "is updated. Leave empty for a new session."
        ),
    }
    return [Column(name, required, helps[name]) for name, required, _session in _LAYOUT]


# What read_table raises for a file it cannot read at all (with a plain ``message``).
UnreadableFile = spreadsheets.UnreadableFile


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet shows it: the header is row 1; 0 = the whole file
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, cells)


@dataclass
class PlannedOpportunity:
    row: int
    fields: dict[str, Any]
    sessions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ImportPlan:
    opportunities: list[PlannedOpportunity] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Reading files


def file_format_for(file_name: str) -> str | None:
    lowered = file_name.lower()
    if lowered.endswith(".csv"):
        return "csv"
    if lowered.endswith(".xlsx"):
        return "xlsx"
    return None


def read_table(data: bytes, file_format: str | None) -> Table:
    """The file's rows with content, numbered as a spreadsheet numbers them, read by
    the shared reader within this import's limits (settings ``CATALOGUE_IMPORT_MAX_ROWS``
    and ``CATALOGUE_IMPORT_MAX_BYTES``). Raises ``UnreadableFile`` for a file it cannot
    read, whatever is wrong with it."""
    limits = spreadsheets.limits_for(
        max_rows=settings.CATALOGUE_IMPORT_MAX_ROWS,
        max_bytes=settings.CATALOGUE_IMPORT_MAX_BYTES,
    )
    (_number, header), *rows = [
        (number, [_cell_text(value) for value in cells])
        for number, cells in spreadsheets.read_rows(data, file_format, limits)
    ]
    return Table(header=header, rows=rows)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _unescape(str(value).strip())


def _unescape(cell: str) -> str:
    if cell.startswith("'") and cell[1:2] and cell[1] in _FORMULA_STARTS:
        return cell[1:]
    return cell


def safe_cells(values: Iterable[object]) -> list[str]:
    """Cells as text that no spreadsheet program will run as a formula."""
    cells = []
    for value in values:
        text = "" if value is None else str(value)
        cells.append("'" + text if text.startswith(_FORMULA_STARTS) else text)
    return cells


# ---------------------------------------------------------------------------
# Checking


def check_table(
    table: Table,
    *,
    city: City,
    sites: dict[str, LearningSite],
    taken_slugs: set[str],
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 250,
) -> ImportPlan:
    """Read every row into model values, listing every problem by row and column.

    ``taken_slugs`` are the slugs other providers of the city use (a file cannot
    change their opportunities); the importing provider's own slugs are updates, which
    ``plan_changes`` works out."""
    plan = ImportPlan()
    header = [_column_name(name) for name in table.header]
    plan.errors.extend(_header_errors(header))
    if plan.errors:
        return plan
    first_rows: dict[str, tuple[int, dict[str, str]]] = {}
    planned_by_slug: dict[str, PlannedOpportunity] = {}
    for checked, (number, cells) in enumerate(table.rows, start=1):
        row = _RowChecker(number, header, cells, city, sites)
        slug = row.values.get("slug", "")
        if slug and slug in first_rows:
            _check_repeated_row(row, *first_rows[slug], planned_by_slug.get(slug))
        else:
            if slug:
                first_rows[slug] = (number, row.values)
            opportunity_fields = row.opportunity_fields(taken_slugs)
            session_fields = row.session_fields()
            if not row.errors:
                planned = PlannedOpportunity(number, opportunity_fields)
                if session_fields:
                    planned.sessions.append(session_fields)
                planned_by_slug[slug] = planned
                plan.opportunities.append(planned)
        plan.errors.extend(row.errors)
        if on_progress is not None and checked % progress_every == 0:
            on_progress(checked)
    if on_progress is not None:
        on_progress(len(table.rows))
    if plan.errors:
        plan.opportunities = []
    return plan


def _column_name(text: str) -> str:
    return re.sub(r"[\s-]+", "_", text.strip().lower())


def _header_errors(header: list[str]) -> list[RowError]:
    errors = []
    seen: set[str] = set()
    for name in header:
        if not name:
            errors.append(RowError(1, "", _("A column has no name.")))
        elif name not in COLUMN_NAMES:
            known = ", ".join(COLUMN_NAMES)
            errors.append(RowError(1, name, _("Unknown column. The columns are: %s") % known))
        elif name in seen:
            errors.append(RowError(1, name, _("This column appears twice.")))
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            errors.append(RowError(1, name, _("This column is missing.")))
    return errors


def _check_repeated_row(
    row: "_RowChecker",
    first_number: int,
    first_values: dict[str, str],
    planned: PlannedOpportunity | None,
) -> None:
    """A repeated slug adds a session to the opportunity of its first row."""
    for name in OPPORTUNITY_COLUMNS:
        value = row.values.get(name, "")
        if value and value != first_values.get(name, ""):
            row.error(
                "slug",
                _(
                    "Duplicate slug: row %(row)s already uses it with a different “%(column)s”. "
                    "Rows that share a slug add sessions to one opportunity; leave the other "
                    "columns empty or the same."
                )
                % {"row": first_number, "column": name},
            )
            return
    if not row.has_session():
        row.error(
            "slug",
            _("Duplicate slug: row %(row)s already uses it, and this row adds no session.")
            % {"row": first_number},
        )
        return
    session_fields = row.session_fields()
    if planned is None or row.errors:
        return
    if session_fields in planned.sessions:
        row.error("session_starts", _("This session repeats an earlier row exactly."))
        return
    planned.sessions.append(session_fields)


class _RowChecker:
    """Reads one row's cells into model values, collecting every problem."""

    def __init__(
        self,
        number: int,
        header: list[str],
        cells: Sequence[str],
        city: City,
        sites: dict[str, LearningSite],
    ) -> None:
        self.number = number
        self.city = city
        self.sites = sites
        self.errors: list[RowError] = []
        padded = [*cells, *[""] * (len(header) - len(cells))]
        self.values = dict(zip(header, padded, strict=False))
        if any(cells[len(header) :]):
            self.error("", _("This row has more cells than there are columns."))
        for name, value in self.values.items():
            if "\x00" in value:  # databases refuse it; it is never meant
                self.error(name, _("This cell contains an invisible NUL character."))
                self.values[name] = value.replace("\x00", "")

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def has_session(self) -> bool:
        return any(self.values.get(name) for name in SESSION_COLUMNS)

    # -- the two halves of a row

    def opportunity_fields(self, taken_slugs: set[str]) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "slug": self.slug("slug", taken_slugs),
            "title": self.text("title", required=True, max_length=200),
            "kind": self.choice("kind", OpportunityKind) or OpportunityKind.COURSE,
            "description": self.text("description", max_length=MAX_TEXT),
            "level": self.choice("level", Level, required=True),
            "format": self.choice("format", Format, required=True),
            "topics": self.flags("topics", TOPICS),
            "languages": self.languages("languages"),
            "cost": self.choice("cost", Cost) or Cost.FREE,
            "fee": self.decimal("fee"),
            "target_groups": self.flags("target_groups", TARGET_GROUPS),
            "min_age": self.integer("min_age", highest=130),
            "max_age": self.integer("max_age", highest=130),
            "accessibility": self.flags("accessibility", ACCESSIBILITY),
            "outcome": self.choice("outcome", Outcome) or Outcome.NONE,
            "capacity": self.integer("capacity", highest=100_000),
            "site": self.site("site"),
            "is_published": self.boolean("published", default=True),
        }
        lowest, highest = fields["min_age"], fields["max_age"]
        if lowest is not None and highest is not None and lowest > highest:
            self.error("max_age", _("The maximum age is below the minimum age."))
        if fields["cost"] == Cost.FREE and fields["fee"]:
            self.error(
                "fee", _("A free opportunity has no fee: leave it empty or change the cost.")
            )
        return fields

    def session_fields(self) -> dict[str, Any]:
        if not self.has_session():
            return {}
        starts = self.moment("session_starts", required=True)
        ends = self.moment("session_ends", required=True)
        if starts and ends and ends <= starts:
            self.error("session_ends", _("The end must be after the start."))
        recurrence = normalise_recurrence(self.values.get("session_repeats", ""))
        if len(recurrence) > 200:
            self.error("session_repeats", _("Too long: a repeat rule has at most 200 characters."))
        elif recurrence and starts:
            problem = recurrence_problem(recurrence, starts)
            if problem:
                self.error("session_repeats", problem)
        return {
            "starts_at": starts,
            "ends_at": ends,
            "recurrence": recurrence,
            "capacity": self.integer("session_places", highest=100_000),
            "site": self.site("session_site"),
            "live_url": self.url("session_live_url"),
            SESSION_KEY: self.session_key("session_id"),
        }

    # -- one reader per kind of cell

    def text(self, name: str, *, required: bool = False, max_length: int) -> str:
        value = self.values.get(name, "")
        if required and not value:
            self.error(name, _("This is required."))
        elif len(value) > max_length:
            self.error(
                name,
                _("Too long: %(length)s characters, the most is %(max)s.")
                % {"length": len(value), "max": max_length},
            )
        return value

    def slug(self, name: str, taken: set[str]) -> str:
        value = self.text(name, required=True, max_length=120)
        if not value:
            return value
        try:
            validate_slug(value)
        except ValidationError:
            self.error(name, _("Use only letters, digits, hyphens and underscores."))
        if value in taken:
            self.error(
                name,
                _(
                    "Another provider in this city already uses this slug. Choose another "
                    "reference for this opportunity."
                ),
            )
        return value

    def session_key(self, name: str) -> uuid.UUID | None:
        value = self.values.get(name, "")
        if not value:
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            self.error(
                name,
                _(
                    "“%(value)s” is not a session id from an export. "
                    "Leave it empty for a new session."
                )
                % {"value": value[:60]},
            )
            return None

    def choice(
        self, name: str, choices: type[models.TextChoices], *, required: bool = False
    ) -> str:
        value = self.values.get(name, "").lower()
        if not value:
            if required:
                self.error(name, _("This is required."))
            return ""
        if value not in choices.values:
            self.error(
                name,
                _("Unknown choice “%(value)s”. Use one of: %(choices)s")
                % {"value": value, "choices": ", ".join(choices.values)},
            )
        return value

    def flags(self, name: str, flag_set: FlagSet) -> int:
        values = self.list(name)
        unknown = [value for value in values if value not in flag_set.bit]
        if unknown:
            self.error(
                name,
                _("Unknown choice “%(value)s”. Use any of: %(choices)s")
                % {"value": ", ".join(unknown), "choices": ", ".join(flag_set.bit)},
            )
            return 0
        return flag_set.to_mask(values)

    def languages(self, name: str) -> list[str]:
        values = self.list(name)
        wrong = [value for value in values if not LANGUAGE_CODE.match(value)]
        if wrong:
            self.error(
                name,
                _("“%(value)s” is not a language code such as en, fr or zh-hans.")
                % {"value": ", ".join(wrong)},
            )
        return values

    def list(self, name: str) -> list[str]:
        parts = _LIST_SEPARATOR.split(self.values.get(name, "").lower())
        return list(dict.fromkeys(part.strip() for part in parts if part.strip()))

    def integer(self, name: str, *, highest: int) -> int | None:
        value = self.values.get(name, "")
        if not value:
            return None
        if not value.isdigit() or int(value) > highest:
            self.error(
                name,
                _("“%(value)s” is not a whole number from 0 to %(max)s.")
                % {"value": value, "max": highest},
            )
            return None
        return int(value)

    def decimal(self, name: str) -> Decimal | None:
        value = self.values.get(name, "").replace(",", ".")
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        exponent = number.as_tuple().exponent
        too_precise = isinstance(exponent, int) and exponent < -2
        if not number.is_finite() or number < 0 or number >= 1_000_000 or too_precise:
            self.error(name, _("“%(value)s” is not an amount such as 12.50.") % {"value": value})
            return None
        return number

    def boolean(self, name: str, *, default: bool) -> bool:
        value = self.values.get(name, "").lower()
        if not value:
            return default
        if value in _YES:
            return True
        if value not in _NO:
            self.error(name, _("Write yes or no, not “%(value)s”.") % {"value": value})
        return False

    def moment(self, name: str, *, required: bool) -> datetime | None:
        value = self.values.get(name, "")
        if not value:
            if required:
                self.error(name, _("This is required when the row has a session."))
            return None
        for pattern in _DATETIME_INPUTS:
            try:
                naive = datetime.strptime(value, pattern)
            except ValueError:
                continue
            return timezone.make_aware(naive, self.city.tzinfo)
        self.error(
            name,
            _("“%(value)s” is not a date and time such as 2026-09-14 18:30.") % {"value": value},
        )
        return None

    def site(self, name: str) -> LearningSite | None:
        value = self.values.get(name, "")
        if not value:
            return None
        site = self.sites.get(value)
        if site is None:
            self.error(
                name,
                _("No place with the slug “%(value)s” in this city. Add the place first.")
                % {"value": value},
            )
        return site

    def url(self, name: str) -> str:
        value = self.text(name, max_length=200)
        if value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                self.error(name, _("“%(value)s” is not a web address.") % {"value": value})
        return value


# ---------------------------------------------------------------------------
# Planning: what the checked rows would create, change and leave alone

Action = Literal["create", "change", "same"]
# The preview lists at most this many opportunities per kind of change (all are counted).
LISTED_PER_ACTION = 200


@dataclass
class SessionChange:
    session: Session
    changes: dict[str, Any]


@dataclass
class OpportunityChange:
    row: int
    action: Action
    fields: dict[str, Any]
    existing: Opportunity | None = None
    changed_fields: list[str] = field(default_factory=list)
    new_sessions: list[dict[str, Any]] = field(default_factory=list)
    changed_sessions: list[SessionChange] = field(default_factory=list)
    same_sessions: int = 0

    @property
    def changes(self) -> dict[str, Any]:
        return {name: self.fields[name] for name in self.changed_fields}


@dataclass
class ChangePlan:
    opportunities: list[OpportunityChange] = field(default_factory=list)
    # The provider's opportunities that the file does not mention: left as they are.
    not_in_file: int = 0

    def of(self, action: Action) -> list[OpportunityChange]:
        return [change for change in self.opportunities if change.action == action]

    def summary(self) -> dict[str, Any]:
        """Counts and (capped) lists for the preview page; plain JSON, kept on the job."""

        def listed(action: Action) -> list[dict[str, Any]]:
            return [
                {
                    "row": change.row,
                    "slug": change.fields["slug"],
                    "title": change.fields["title"],
                    "fields": change.changed_fields,
                    "new_sessions": len(change.new_sessions),
                    "changed_sessions": len(change.changed_sessions),
                }
                for change in self.of(action)[:LISTED_PER_ACTION]
            ]

        changes = self.opportunities
        return {
            "opportunities": {
                "create": len(self.of("create")),
                "change": len(self.of("change")),
                "same": len(self.of("same")),
                "not_in_file": self.not_in_file,
            },
            "sessions": {
                "create": sum(len(change.new_sessions) for change in changes),
                "change": sum(len(change.changed_sessions) for change in changes),
                "same": sum(change.same_sessions for change in changes),
            },
            "lists": {action: listed(action) for action in ("create", "change", "same")},
        }

    def fingerprint(self) -> str:
        """Tells whether two plans would write the same: the confirmed preview must be
        the plan that is applied."""
        described = [
            (
                change.action,
                change.fields["slug"],
                change.changed_fields,
                [_describe(fields) for fields in change.new_sessions],
                [
                    (str(item.session.public_id), _describe(item.changes))
                    for item in change.changed_sessions
                ],
            )
            for change in self.opportunities
        ]
        text = json.dumps([described, self.not_in_file], default=str, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


def plan_changes(plan: ImportPlan, existing: Iterable[Opportunity]) -> ChangePlan:
    """Compare the checked rows with the provider's opportunities (``existing``, with
    their sessions prefetched): what is new, what changes, what stays the same."""
    by_slug = {opportunity.slug: opportunity for opportunity in existing}
    changes = ChangePlan()
    for planned in plan.opportunities:
        current = by_slug.pop(planned.fields["slug"], None)
        if current is None:
            sessions = [_without_key(fields) for fields in planned.sessions]
            changes.opportunities.append(
                OpportunityChange(planned.row, "create", planned.fields, new_sessions=sessions)
            )
            continue
        change = OpportunityChange(
            planned.row,
            "same",
            planned.fields,
            existing=current,
            changed_fields=[
                name for name, value in planned.fields.items() if not _same(current, name, value)
            ],
        )
        _plan_sessions(change, planned.sessions, list(current.sessions.all()))
        if change.changed_fields or change.new_sessions or change.changed_sessions:
            change.action = "change"
        changes.opportunities.append(change)
    changes.not_in_file = len(by_slug)
    return changes


def _plan_sessions(
    change: OpportunityChange, planned: list[dict[str, Any]], current: list[Session]
) -> None:
    # A cancelled session stays cancelled (the export leaves it out): a row at its time
    # is a new session.
    current = [session for session in current if not session.is_cancelled]
    by_key = {session.public_id: session for session in current}
    unmatched = list(current)
    for fields in planned:
        key = fields.get(SESSION_KEY)
        found = by_key.get(key) if key is not None else None
        if found is None:
            # No id (or one this opportunity does not have): the same start is the
            # same session, so an older file without ids does not double the sessions.
            found = next((s for s in unmatched if s.starts_at == fields["starts_at"]), None)
        if found is None or found not in unmatched:
            change.new_sessions.append(_without_key(fields))
            continue
        unmatched.remove(found)
        differences = {
            name: value
            for name, value in _without_key(fields).items()
            if not _same(found, name, value)
        }
        if differences:
            change.changed_sessions.append(SessionChange(found, differences))
        else:
            change.same_sessions += 1


def _without_key(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name != SESSION_KEY}


def _same(instance: models.Model, name: str, planned: Any) -> bool:
    model_field = instance._meta.get_field(name)
    if isinstance(model_field, models.ForeignKey):  # by id, without loading the row
        return bool(getattr(instance, model_field.attname) == getattr(planned, "pk", None))
    return bool(getattr(instance, name) == planned)


def _describe(fields: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value.pk if isinstance(value, models.Model) else value
        for name, value in fields.items()
    }


# ---------------------------------------------------------------------------
# Export


def export_table(opportunities: Iterable[Opportunity], city: City) -> Table:
    """The same layout as the import: one row per session (cancelled sessions are left
    out); an opportunity without sessions is one row with empty session columns."""
    rows = []
    for opportunity in opportunities:
        base = _opportunity_cells(opportunity)
        sessions = [s for s in opportunity.sessions.all() if not s.is_cancelled]
        if not sessions:
            rows.append(base + [""] * len(SESSION_COLUMNS))
        for session in sessions:
            rows.append([*base, *_session_cells(session, city)])
    return Table(header=list(COLUMN_NAMES), rows=list(enumerate(rows, start=2)))


def _session_cells(session: Session, city: City) -> list[str]:
    return [
        _local(session.starts_at, city),
        _local(session.ends_at, city),
        session.recurrence,
        _number(session.capacity),
        session.site.slug if session.site else "",
        session.live_url,
        str(session.public_id),
    ]


def _opportunity_cells(opportunity: Opportunity) -> list[str]:
    return [
        opportunity.slug,
        opportunity.title,
        opportunity.kind,
        opportunity.description,
        opportunity.level,
        opportunity.format,
        ";".join(TOPICS.to_values(opportunity.topics)),
        ";".join(opportunity.languages),
        opportunity.cost,
        "" if opportunity.fee is None else str(opportunity.fee),
        ";".join(TARGET_GROUPS.to_values(opportunity.target_groups)),
        _number(opportunity.min_age),
        _number(opportunity.max_age),
        ";".join(ACCESSIBILITY.to_values(opportunity.accessibility)),
        opportunity.outcome,
        _number(opportunity.capacity),
        opportunity.site.slug if opportunity.site else "",
        "yes" if opportunity.is_published else "no",
    ]


def _local(moment: datetime, city: City) -> str:
    return timezone.localtime(moment, city.tzinfo).strftime(DATETIME_FORMAT)


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def write_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.header)
    writer.writerows(safe_cells(cells) for _row, cells in table.rows)
    # The byte-order mark makes Excel read the file as UTF-8.
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "opportunities"
    sheet.append(table.header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row_index, (_row, cells) in enumerate(table.rows, start=2):
        for column_index, value in enumerate(cells, start=1):
            cell = sheet.cell(row=row_index, column=column_index, value=value)
            # Always text, never a formula: a title starting with "=" stays a title.
            cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

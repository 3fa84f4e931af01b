"""Qualifications as CSV: one row per unit, the qualification's columns repeated.
Import is all or nothing: every row is checked first, and any error (with its row and
column) leaves the database as it was."""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from learningcity.catalogue.models import Opportunity
from learningcity.core.audit import record_event
from learningcity.core.models import City, User
from learningcity.core.spreadsheets import CellValue, UnreadableFile, limits_for, read_rows
from learningcity.engines.pathways import CEFR

from .models import Qualification, Unit

COLUMNS = [
    "qualification_code",
    "qualification_title",
    "awarding_body",
    "isced_level",
    "isced_field",
    "eqf_level",
    "nqf_level",
    "assessment_languages",
    "occupation",
    "unit_code",
    "unit_title",
    "unit_kind",
    "unit_credit",
    "unit_outcomes",
    "unit_language",
    "unit_cefr_level",
    "opportunities",
]
REQUIRED = {
    "qualification_code",
    "qualification_title",
    "awarding_body",
    "isced_level",
    "isced_field",
    "unit_code",
    "unit_title",
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


class ImportRefused(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


def export_rows(city: City) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    units = (
        Unit.objects.filter(qualification__city=city)
        .select_related("qualification")
        .prefetch_related("opportunities")
        .order_by("qualification__code", "position", "code")
    )
    for unit in units:
        q = unit.qualification
        writer.writerow(
            [
                q.code,
                q.title,
                q.awarding_body,
                q.isced_level,
                q.isced_field,
                q.eqf_level or "",
                q.nqf_level,
                " ".join(q.assessment_languages),
                q.occupation,
                unit.code,
                unit.title,
                unit.kind,
                unit.credit,
                " | ".join(unit.outcome_list),
                unit.language,
                unit.cefr_level,
                " ".join(sorted(o.slug for o in unit.opportunities.all())),
            ]
        )
    return out.getvalue()


def _text(value: CellValue) -> str:
    return "" if value is None else str(value).strip()


def import_rows(*, actor: User, city: City, data: bytes, file_format: str = "csv") -> int:
    """Creates or updates the qualifications and units in the file; returns the number
    of units written. Raises ``ImportRefused`` (every error) or ``UnreadableFile``."""
    rows = read_rows(data, file_format, limits_for(max_rows=5_000, max_bytes=2_000_000))
    if not rows:
        raise UnreadableFile(_("The file is empty."))
    header = [_text(cell).lower() for cell in rows[0][1]]
    errors: list[RowError] = []
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ImportRefused(
            [
                RowError(rows[0][0], column, _("This column is missing."))
                for column in sorted(missing)
            ]
        )
    slugs = dict(Opportunity.objects.filter(city=city).values_list("slug", "pk"))
    parsed = []
    for number, cells in rows[1:]:
        record = {
            column: _text(cells[i]) if i < len(cells) else "" for i, column in enumerate(header)
        }
        problems = _check(record, slugs)
        errors.extend(RowError(number, column, message) for column, message in problems)
        parsed.append(record)
    if errors:
        raise ImportRefused(errors)
    with transaction.atomic():
        for position, record in enumerate(parsed):
            qualification, _created = Qualification.objects.update_or_create(
                city=city,
                code=record["qualification_code"],
                defaults={
                    "title": record["qualification_title"],
                    "awarding_body": record["awarding_body"],
                    "isced_level": int(record["isced_level"]),
                    "isced_field": record["isced_field"],
                    "eqf_level": int(record["eqf_level"]) if record.get("eqf_level") else None,
                    "nqf_level": record.get("nqf_level", ""),
                    "assessment_languages": record.get("assessment_languages", "").split(),
                    "occupation": record.get("occupation", ""),
                },
            )
            unit, _created = Unit.objects.update_or_create(
                qualification=qualification,
                code=record["unit_code"],
                defaults={
                    "title": record["unit_title"],
                    "kind": record.get("unit_kind") or Unit.Kind.UNIT,
                    "credit": Decimal(record.get("unit_credit") or "0"),
                    "outcomes": "\n".join(
                        part.strip()
                        for part in record.get("unit_outcomes", "").split("|")
                        if part.strip()
                    ),
                    "language": record.get("unit_language", ""),
                    "cefr_level": record.get("unit_cefr_level", "").upper(),
                    "position": position,
                },
            )
            unit.opportunities.set(
                [slugs[slug] for slug in record.get("opportunities", "").split()]
            )
        record_event(actor, "credentials.qualifications_imported", city=city, units=len(parsed))
    return len(parsed)


def _check(record: dict[str, str], slugs: dict[str, int]) -> list[tuple[str, str]]:
    problems = []
    for column in sorted(REQUIRED):
        if not record.get(column):
            problems.append((column, _("This is required.")))
    level = record.get("isced_level", "")
    if level and (not level.isdigit() or int(level) > 8):
        problems.append(("isced_level", _("An ISCED 2011 level is a number from 0 to 8.")))
    field = record.get("isced_field", "")
    if field and not (field.isdigit() and 2 <= len(field) <= 4):
        problems.append(
            ("isced_field", _("An ISCED-F field is a code of 2 to 4 digits, e.g. 0922."))
        )
    eqf = record.get("eqf_level", "")
    if eqf and (not eqf.isdigit() or not 1 <= int(eqf) <= 8):
        problems.append(("eqf_level", _("An EQF level is a number from 1 to 8.")))
    kind = record.get("unit_kind", "")
    if kind and kind not in Unit.Kind.values:
        problems.append(("unit_kind", _("Use unit, language or assessment.")))
    credit = record.get("unit_credit", "")
    if credit:
        try:
            if Decimal(credit) < 0 or Decimal(credit) > 9999:
                raise InvalidOperation
        except InvalidOperation:
            problems.append(("unit_credit", _("Credit is a number from 0 to 9999.")))
    cefr = record.get("unit_cefr_level", "").upper()
    if cefr and cefr not in CEFR:
        problems.append(("unit_cefr_level", _("A CEFR level is one of A1, A2, B1, B2, C1, C2.")))
    if kind == "language" and not (record.get("unit_language") and cefr):
        problems.append(
            ("unit_language", _("A language bridge needs its language and CEFR level."))
        )
    unknown = [slug for slug in record.get("opportunities", "").split() if slug not in slugs]
    if unknown:
        problems.append(
            (
                "opportunities",
                _("No opportunity of this city has the address name %(slug)s.")
                % {"slug": unknown[0]},
            )
        )
    for column, limit in (
        ("qualification_code", 40),
        ("unit_code", 40),
        ("qualification_title", 200),
        ("unit_title", 200),
        ("awarding_body", 200),
    ):
        if len(record.get(column, "")) > limit:
            problems.append((column, _("At most %(limit)s characters.") % {"limit": limit}))
    return problems

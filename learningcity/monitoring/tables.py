"""Spreadsheets in and out: CSV and XLSX as plain lists of cells."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from learningcity.core import spreadsheets

from .problems import InvalidInput, Problem

MAX_UPLOAD_BYTES = settings.MONITORING_IMPORT_MAX_BYTES
Cell = str | int | float | None


def read_table(content: bytes, filename: str) -> list[list[Cell]]:
    """The first sheet of an XLSX file, or a CSV file, as rows of cells (header first),
    read by the shared reader within this import's limits (settings
    ``MONITORING_IMPORT_MAX_ROWS`` and ``MONITORING_IMPORT_MAX_BYTES``)."""
    is_xlsx = filename.lower().endswith(".xlsx") or content[:2] == b"PK"
    limits = spreadsheets.limits_for(
        max_rows=settings.MONITORING_IMPORT_MAX_ROWS,
        max_bytes=settings.MONITORING_IMPORT_MAX_BYTES,
    )
    try:
        rows = spreadsheets.read_rows(content, "xlsx" if is_xlsx else "csv", limits)
    except spreadsheets.UnreadableFile as error:
        message = error.message
        if error.reason == "encoding":  # the format was guessed from the content
            message = _("The file is not CSV text in UTF-8 nor an XLSX workbook.")
        raise InvalidInput([Problem(_("file"), message)]) from None
    return [[_cell(value) for value in cells] for _number, cells in rows]


def _cell(value: object) -> Cell:
    if value is None or (isinstance(value, int | float | str) and not isinstance(value, bool)):
        return value
    return str(value)


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index."""
    return get_column_letter(index + 1)


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(["NA" if cell is None else safe_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(sheets: Sequence[tuple[str, Iterable[Sequence[object]]]]) -> bytes:
    """A workbook with one sheet per (title, rows); the first row of each is bold."""
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        for row in rows:
            sheet.append([safe_cell(cell) for cell in row])
        for cell in sheet[1] if sheet.max_row else []:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(cell: object) -> object:
    """Text that a spreadsheet would run as a formula is written as plain text
    (numbers written as text, like "-1", stay as they are). Every monitoring
    download (CSV, XLSX, iMeta) goes through this one function."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not _is_number(cell):
        return "'" + cell
    return cell


def unescape_cell(text: str) -> str:
    """Undo :func:`safe_cell` when a downloaded file comes back in."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True

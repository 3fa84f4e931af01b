"""Spreadsheets in and out: CSV and XLSX as plain lists of cells."""

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from .problems import InvalidInput, Problem

MAX_UPLOAD_BYTES = 5_000_000
MAX_ROWS = 20_000
Cell = str | int | float | None


def read_table(content: bytes, filename: str) -> list[list[Cell]]:
    """The first sheet of an XLSX file, or a CSV file, as rows of cells (header first)."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise InvalidInput([Problem(_("file"), _("The file is larger than 5 MB."))])
    if not content.strip():
        raise InvalidInput([Problem(_("file"), _("The file is empty."))])
    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        rows = _read_xlsx(content)
    else:
        rows = _read_csv(content)
    rows = [row for row in rows if any(cell not in (None, "") for cell in row)]
    if len(rows) > MAX_ROWS:
        raise InvalidInput(
            [Problem(_("file"), _("The file has more than %(limit)s rows.") % {"limit": MAX_ROWS})]
        )
    if not rows:
        raise InvalidInput([Problem(_("file"), _("The file is empty."))])
    return rows


def _read_csv(content: bytes) -> list[list[Cell]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            [Problem(_("file"), _("The file is not CSV text in UTF-8 nor an XLSX workbook."))]
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _read_xlsx(content: bytes) -> list[list[Cell]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InvalidInput(
            [Problem(_("file"), _("This XLSX workbook could not be opened."))]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return [[_xlsx_cell(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _xlsx_cell(value: object) -> Cell:
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def column_letter(index: int) -> str:
    """Spreadsheet letter of a 0-based column index."""
    return get_column_letter(index + 1)


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(["NA" if cell is None else _safe_text(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(sheets: Sequence[tuple[str, Iterable[Sequence[object]]]]) -> bytes:
    """A workbook with one sheet per (title, rows); the first row of each is bold."""
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        for row in rows:
            sheet.append([_safe_text(cell) for cell in row])
        for cell in sheet[1] if sheet.max_row else []:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _safe_text(cell: object) -> object:
    """Text that a spreadsheet would run as a formula is written as plain text
    (numbers written as text, like "-1", stay as they are)."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@") and not _is_number(cell):
        return "'" + cell
    return cell


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True

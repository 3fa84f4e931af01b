"""Reading uploaded spreadsheets safely: a CSV file or the first sheet of an XLSX workbook.

Both importers (the catalogue's opportunities, monitoring's indicator values) read
through ``read_rows``. It streams: rows are read one at a time and reading stops as
soon as a limit is passed, so a file that is too large is refused without being read
whole. Everything that can go wrong with a malformed or hostile file ends as one
``UnreadableFile`` with a message a person can act on; no exception from the parsers
escapes (openpyxl raises many kinds, some only while rows are read).

Limits (``Limits``; each importer builds its own from settings with ``limits_for``):

- the size of the uploaded file;
- the number of rows after the header, and as many blank rows again;
- the number of columns;
- for XLSX, which is a zip archive: the uncompressed size its entries declare, and
  the compression ratio of each large entry, both checked before the workbook is
  opened (a zip bomb is refused without decompressing anything); and the bytes
  actually decompressed, counted while reading, because declared sizes can lie.

No Django models here; the messages are translated.
"""

import codecs
import csv
import io
import logging
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CellValue = str | int | float | bool | datetime | date | time | timedelta | None
Row = tuple[int, list[CellValue]]  # (row number as a spreadsheet shows it, cells)

# Entries smaller than this may compress as well as they like (styles, themes).
_RATIO_FLOOR_BYTES = 1_000_000
_MAX_ENTRIES = 10_000


class UnreadableFile(Exception):
    """The file as a whole cannot be read; ``message`` says why, in plain words."""

    def __init__(self, message: str, *, reason: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason  # "encoding" for text that is not UTF-8; else empty


@dataclass(frozen=True)
class Limits:
    max_rows: int  # rows with content after the header
    max_bytes: int  # the uploaded file
    max_uncompressed_bytes: int  # an XLSX archive's content
    max_compression_ratio: float  # of each entry larger than _RATIO_FLOOR_BYTES
    max_columns: int = 1_000


def limits_for(*, max_rows: int, max_bytes: int) -> Limits:
    """An importer's limits: its own rows and file size, the shared XLSX caps."""
    return Limits(
        max_rows=max_rows,
        max_bytes=max_bytes,
        max_uncompressed_bytes=settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES,
        max_compression_ratio=settings.SPREADSHEET_MAX_COMPRESSION_RATIO,
    )


def read_rows(data: bytes, file_format: str | None, limits: Limits) -> list[Row]:
    """The rows with content, numbered as a spreadsheet numbers them; the first is the
    header. Raises ``UnreadableFile`` and nothing else for a file it cannot read."""
    if len(data) > limits.max_bytes:
        raise UnreadableFile(
            _("The file is larger than %(size)s. Split it into smaller files.")
            % {"size": filesizeformat(limits.max_bytes)}
        )
    if file_format == "csv":
        return _collect(_csv_rows(data), limits, is_csv=True)
    if file_format == "xlsx":
        with _FirstSheet(data, limits) as rows:
            return _collect(rows, limits, is_csv=False)
    raise UnreadableFile(_("Upload a .csv or .xlsx file."))


def _collect(rows: Iterator[Sequence[CellValue]], limits: Limits, *, is_csv: bool) -> list[Row]:
    kept: list[Row] = []
    blank = 0
    try:
        for number, cells in enumerate(rows, start=1):
            row = list(cells) if is_csv else _without_trailing_blanks(cells)
            if len(row) > limits.max_columns:
                raise UnreadableFile(
                    _("Row %(row)s has more than %(max)s columns.")
                    % {"row": _count(number), "max": _count(limits.max_columns)}
                )
            if not any(map(_has_content, row)):
                blank += 1
                if blank > limits.max_rows:
                    raise UnreadableFile(_too_many_blank_rows(limits))
                continue
            if len(kept) > limits.max_rows:  # the header plus max_rows rows are kept
                raise UnreadableFile(_too_many_rows(limits))
            kept.append((number, row))
    except UnreadableFile:
        raise
    except UnicodeDecodeError:
        raise UnreadableFile(_not_utf8(), reason="encoding") from None
    except csv.Error as error:
        raise UnreadableFile(_("The CSV file could not be read (%s).") % error) from None
    except _TooMuchData:
        raise UnreadableFile(_too_large(limits)) from None
    except Exception:
        # openpyxl raises whatever its parsers meet in a damaged sheet (XML syntax
        # errors, missing shared strings, bad numbers, truncated zip data …).
        logger.info("unreadable spreadsheet", exc_info=True)
        if is_csv:
            raise UnreadableFile(_("The CSV file could not be read.")) from None
        raise UnreadableFile(_damaged_workbook()) from None
    if not kept:
        raise UnreadableFile(_("The file is empty."))
    return kept


def _has_content(cell: CellValue) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


def _without_trailing_blanks(cells: Sequence[CellValue]) -> list[CellValue]:
    end = len(cells)
    while end and cells[end - 1] is None:
        end -= 1
    return list(cells[:end])


# ---------------------------------------------------------------------------
# CSV


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(data):
        raise UnreadableFile(_not_utf8(), reason="encoding")
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    delimiter = _delimiter(text.readline(64_000))
    text.seek(0)
    yield from csv.reader(text, delimiter=delimiter)


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a byte-order mark is valid UTF-8 full of NUL bytes."""
    start = data[:1000]
    return len(start) >= 4 and start.count(0) * 4 >= len(start)


def _delimiter(first_line: str) -> str:
    # Spreadsheets set to many European languages write semicolons instead of commas.
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > counts[","] else ","


# ---------------------------------------------------------------------------
# XLSX


class _TooMuchData(Exception):
    """More bytes decompressed than the limit allows (not a ValueError, which openpyxl
    would wrap)."""


class _Meter:
    def __init__(self, budget: int) -> None:
        self.left = budget

    def count(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise _TooMuchData


class _MeteredStream(io.RawIOBase):
    """A zip entry being read, counting what it hands out."""

    def __init__(self, stream: IO[bytes], meter: _Meter) -> None:
        self._stream = stream
        self._meter = meter

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._stream.read(len(buffer))
        self._meter.count(len(chunk))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def read(self, size: int | None = -1) -> bytes:
        chunk = self._stream.read(-1 if size is None else size)
        self._meter.count(len(chunk))
        return chunk

    def close(self) -> None:
        self._stream.close()
        super().close()


# What openpyxl is shown of each worksheet while it loads the workbook (see below).
_STAND_IN_SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<dimension ref="A1"/><sheetData/></worksheet>'
)


class _MeteredZipFile(zipfile.ZipFile):
    """A zip archive whose entries count every byte they decompress."""

    meter: _Meter
    stand_ins: frozenset[str] = frozenset()

    def open(self, name: Any, mode: Any = "r", pwd: Any = None, **kwargs: Any) -> Any:
        if mode == "r" and name in self.stand_ins:
            return io.BytesIO(_STAND_IN_SHEET)
        stream = super().open(name, mode, pwd, **kwargs)
        return _MeteredStream(stream, self.meter) if mode == "r" else stream


def _open_archive(data: bytes, limits: Limits) -> _MeteredZipFile:
    """The workbook's zip archive, checked from its directory before anything is
    decompressed."""
    try:
        archive = _MeteredZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UnreadableFile(_damaged_workbook()) from None
    entries = archive.infolist()
    declared = sum(entry.file_size for entry in entries)
    too_compressed = any(
        entry.file_size > _RATIO_FLOOR_BYTES
        and entry.file_size > limits.max_compression_ratio * max(entry.compress_size, 1)
        for entry in entries
    )
    if too_compressed:
        archive.close()
        raise UnreadableFile(
            _(
                "The workbook is compressed far more tightly than spreadsheet programs do, "
                "so it was not opened. Save it again from your spreadsheet program."
            )
        )
    if len(entries) > _MAX_ENTRIES or declared > limits.max_uncompressed_bytes:
        archive.close()
        raise UnreadableFile(_too_large(limits))
    archive.meter = _Meter(limits.max_uncompressed_bytes)
    return archive


class _FirstSheet:
    """The rows of the first worksheet, as values, read lazily."""

    def __init__(self, data: bytes, limits: Limits) -> None:
        self._archive = _open_archive(data, limits)
        self._workbook: Any = None
        self._limits = limits

    def __enter__(self) -> Iterator[Sequence[CellValue]]:
        try:
            self._workbook = _open_workbook(self._archive)
            sheet = self._workbook.worksheets[0]
            _refuse_far_too_many_rows(self._archive, sheet._worksheet_path, self._limits)
            # The <dimension> a file declares may be stale or false: read what is there.
            sheet.reset_dimensions()
            rows: Iterator[Sequence[CellValue]] = sheet.iter_rows(values_only=True)
        except UnreadableFile:
            self._close()
            raise
        except _TooMuchData:
            self._close()
            raise UnreadableFile(_too_large(self._limits)) from None
        except Exception:
            self._close()
            logger.info("unreadable workbook", exc_info=True)
            raise UnreadableFile(_damaged_workbook()) from None
        return rows

    def __exit__(self, *exc_info: object) -> None:
        self._close()

    def _close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
        self._archive.close()


def _open_workbook(archive: _MeteredZipFile) -> Any:
    """openpyxl's workbook over our (metered) archive, read-only: rows are parsed as
    they are asked for."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.xml.constants import WORKSHEET_TYPE

    # ExcelReader opens its own ZipFile over the bytes; give it ours instead so that
    # every entry it reads is counted.
    reader = ExcelReader(archive.fp, read_only=True, data_only=True, keep_links=False)
    reader.archive.close()  # leaves the shared bytes open
    reader.archive = archive
    reader.valid_files = archive.namelist()
    # While loading, openpyxl parses every worksheet for its <dimension> — the whole
    # sheet when it has none, past any row limit. We ignore dimensions anyway (see
    # reset_dimensions), so it is shown an empty stand-in; the rows are read later,
    # lazily, from the real sheet.
    reader.read_manifest()
    sheets = frozenset(part.PartName[1:] for part in reader.package.findall(WORKSHEET_TYPE))
    archive.stand_ins = sheets
    try:
        reader.read()
    finally:
        archive.stand_ins = frozenset()
    return reader.wb


# The start tags that matter when counting rows: a row, and a cell's value (<v>, or <is>
# for an inline string), with the namespace prefix some programs write (openpyxl reads
# <x:row> as a row when x is the spreadsheet namespace). Not </row>, <rowBreaks>, <vt:…>.
_COUNTED_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|v|is)[\s/>]")
_LONGEST_TAG = 64  # a longer (prefixed) tag goes uncounted: safe, streaming still checks


@dataclass
class _RowCount:
    rows: int = 0  # row elements
    without_values: int = 0  # row elements with no cell value: blank for certain


def _refuse_far_too_many_rows(archive: _MeteredZipFile, sheet_path: str, limits: Limits) -> None:
    """Refuses a sheet with more row elements than the rows and blank rows the limits
    allow together, before openpyxl parses any row: parsing up to the limit takes
    seconds, counting tags a fraction of that. openpyxl yields a row for each row
    element (and a blank one for each row number skipped), so such a sheet would be
    refused while streaming anyway; a shorter one is left to the streaming check,
    which alone knows which rows are blank."""
    # A meter of its own: this reading must not use up the budget of the real one.
    raw = zipfile.ZipFile.open(archive, sheet_path)
    with _MeteredStream(raw, _Meter(limits.max_uncompressed_bytes)) as stream:
        count = _count_rows(stream)
    # A row element holding a value (<v> or an inline <is>) is a row with content for
    # all but a file that stores empty strings as values, which no spreadsheet program
    # writes; beyond the header and max_rows of those, the file is too long.
    if count.rows - count.without_values > 1 + limits.max_rows:
        raise UnreadableFile(_too_many_rows(limits))
    if count.rows <= 1 + 2 * limits.max_rows:  # the header, max_rows rows, as many blank
        return
    if count.without_values > limits.max_rows:  # blank for certain: name them
        raise UnreadableFile(_too_many_blank_rows(limits))
    raise UnreadableFile(_too_many_rows(limits))


def _count_rows(stream: io.RawIOBase | IO[bytes], *, chunk_size: int = 1 << 20) -> _RowCount:
    count = _RowCount()
    row_has_value = True  # nothing to count before the first row

    def tally(text: bytes, end: int) -> None:
        nonlocal row_has_value
        for tag in _COUNTED_TAG.finditer(text, 0, end):
            if tag[1] != b"row":
                row_has_value = True
                continue
            count.without_values += not row_has_value
            count.rows += 1
            row_has_value = False

    carried = b""
    while chunk := stream.read(chunk_size):
        text = carried + chunk
        # A tag has one "<", at its start: count up to the last "<" and carry the rest
        # on, unless the rest is already longer than a tag.
        cut = text.rfind(b"<")
        if cut < 0 or len(text) - cut > _LONGEST_TAG:
            cut = len(text)
        tally(text, cut)
        carried = text[cut:]
    tally(carried, len(carried))
    count.without_values += not row_has_value
    return count


# ---------------------------------------------------------------------------
# Messages


def _count(number: int) -> str:
    return number_format(number, force_grouping=True)


def _too_many_rows(limits: Limits) -> str:
    return _(
        "The file has more than %(max)s rows. Split it into files of at most %(max)s rows."
    ) % {"max": _count(limits.max_rows)}


def _too_many_blank_rows(limits: Limits) -> str:
    return _("The file has more than %(max)s empty rows. Delete them and try again.") % {
        "max": _count(limits.max_rows)
    }


def _not_utf8() -> str:
    return _("The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”.")


def _damaged_workbook() -> str:
    return _(
        "The file is not a readable .xlsx workbook: it could not be opened. It may be "
        "damaged or in another format; open it in your spreadsheet and save it again as .xlsx."
    )


def _too_large(limits: Limits) -> str:
    return _(
        "The workbook is too large once unpacked (more than %(size)s). Split it into smaller files."
    ) % {"size": filesizeformat(limits.max_uncompressed_bytes)}

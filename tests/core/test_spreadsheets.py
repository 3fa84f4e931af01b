"""The shared spreadsheet reader: limits met while streaming, zip bombs refused before
the workbook is opened, and every damaged file refused with one plain message."""

import io
import re
import zipfile
from unittest import mock

import pytest

from learningcity.core import spreadsheets
from learningcity.core.spreadsheets import Limits, UnreadableFile, read_rows

from . import spreadsheet_files as files

LIMITS = Limits(
    max_rows=10, max_bytes=1_000_000, max_uncompressed_bytes=2_000_000, max_compression_ratio=100
)
HEADER = ["name", "count"]


def rows_of(count: int) -> list[list[object]]:
    return [HEADER, *([f"name {n}", n] for n in range(count))]


def refusal(data: bytes, file_format: str, limits: Limits = LIMITS) -> str:
    with pytest.raises(UnreadableFile) as refused:
        read_rows(data, file_format, limits)
    return refused.value.message


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_rows_come_numbered_as_a_spreadsheet_shows_them_without_blank_rows(file_format):
    rows = [HEADER, ["a", 1], [], ["b", 2]]
    data = files.csv_text(rows) if file_format == "csv" else files.xlsx(rows)
    read = read_rows(data, file_format, LIMITS)
    assert [number for number, _cells in read] == [1, 2, 4]
    assert read[0][1] == HEADER


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_row_limit_allows_exactly_its_rows_and_refuses_one_more(file_format):
    def make(count: int) -> bytes:
        rows = rows_of(count)
        return files.csv_text(rows) if file_format == "csv" else files.xlsx(rows)

    assert len(read_rows(make(10), file_format, LIMITS)) == 11
    assert "more than 10 rows" in refusal(make(11), file_format)


def test_a_long_workbook_is_refused_after_reading_one_row_past_the_limit(monkeypatch):
    read = []
    original = spreadsheets._without_trailing_blanks
    monkeypatch.setattr(
        spreadsheets, "_without_trailing_blanks", lambda cells: read.append(1) or original(cells)
    )
    # Without the count of row elements (which refuses this file before any row is
    # parsed), streaming stops one row past the limit.
    monkeypatch.setattr(spreadsheets, "_refuse_far_too_many_rows", lambda *arguments: None)
    data = files.xlsx(rows_of(20))
    assert "more than 10 rows" in refusal(data, "xlsx")
    assert len(read) == 12  # the header, ten rows, and the one too many


def test_a_workbook_with_more_rows_of_values_than_the_limit_is_refused_before_any_row_is_parsed(
    monkeypatch,
):
    read = []
    original = spreadsheets._without_trailing_blanks
    monkeypatch.setattr(
        spreadsheets, "_without_trailing_blanks", lambda cells: read.append(1) or original(cells)
    )
    assert "more than 10 rows" in refusal(files.xlsx(rows_of(11)), "xlsx")
    assert read == []
    assert len(read_rows(files.xlsx(rows_of(10)), "xlsx", LIMITS)) == 11


def count_rows_read(monkeypatch) -> list[int]:
    read: list[int] = []
    original = spreadsheets._without_trailing_blanks
    monkeypatch.setattr(
        spreadsheets, "_without_trailing_blanks", lambda cells: read.append(1) or original(cells)
    )
    return read


def with_namespace_prefix(xml: bytes) -> bytes:
    """The sheet written with a prefix on every element, as some programs write it."""
    xml = xml.replace(b"<worksheet xmlns=", b"<x:worksheet xmlns:x=")
    return re.sub(rb"<(/?)(?!\?|x:)([A-Za-z])", rb"<\1x:\2", xml)


@pytest.mark.parametrize("prefixed", [False, True], ids=["plain", "prefixed"])
def test_a_workbook_with_more_rows_than_rows_and_blanks_allowed_is_refused_unread(
    monkeypatch, prefixed
):
    read = count_rows_read(monkeypatch)
    data = files.xlsx(rows_of(10 + 11))  # the header, then more than 10 rows + 10 blank
    if prefixed:
        data = files.with_entry(data, files.SHEET, with_namespace_prefix)
    assert "more than 10 rows" in refusal(data, "xlsx")
    assert read == []


def test_a_workbook_with_as_many_row_elements_as_rows_and_blanks_allowed_is_read():
    empty_rows = b"<row/>" * 10  # rows with only formatting are written as row elements
    data = files.with_entry(
        files.xlsx(rows_of(10)),
        files.SHEET,
        lambda xml: xml.replace(b"</sheetData>", empty_rows + b"</sheetData>"),
    )
    assert len(read_rows(data, "xlsx", LIMITS)) == 11


def test_a_workbook_with_more_blank_rows_than_allowed_is_refused_unread_for_them(monkeypatch):
    read = count_rows_read(monkeypatch)
    data = files.xlsx([HEADER, *([None, None] for _ in range(25)), ["last", 1]])
    assert "more than 10 empty rows" in refusal(data, "xlsx")
    assert read == []


def test_rows_are_counted_whichever_chunk_boundary_splits_a_tag():
    xml = (
        b'<worksheet><sheetData><row r="1"><c><v>1</v></c></row><x:row\nr="2"><x:c>'
        b'<x:v>2</x:v></x:c></x:row><row/><row>x</row><row><c t="inlineStr"><is><t>a</t>'
        b"</is></c></row><row></row><rowBreaks><brk/></rowBreaks><rows/></sheetData>"
        b"</worksheet>"
    )
    expected = spreadsheets._RowCount(rows=6, without_values=3)
    for chunk_size in range(1, len(xml) + 1):
        assert spreadsheets._count_rows(io.BytesIO(xml), chunk_size=chunk_size) == expected


def test_a_sheet_without_a_dimension_is_not_read_whole_when_the_workbook_opens(monkeypatch):
    counted = []
    meter = spreadsheets._Meter

    class Spy(meter):
        def count(self, size: int) -> None:
            counted.append(size)
            super().count(size)

    monkeypatch.setattr(spreadsheets, "_Meter", Spy)
    # Only the opening is measured here, not the count of rows before reading them.
    monkeypatch.setattr(spreadsheets, "_refuse_far_too_many_rows", lambda *arguments: None)
    data = files.long_workbook(HEADER, ["x", "1"], 200_000)  # written without <dimension>
    roomy = Limits(
        max_rows=10,
        max_bytes=1_000_000,
        max_uncompressed_bytes=50_000_000,
        max_compression_ratio=1000,
    )
    assert "more than 10 rows" in refusal(data, "xlsx", roomy)
    sheet_size = zipfile.ZipFile(io.BytesIO(data)).getinfo(files.SHEET).file_size
    assert sum(counted) < sheet_size / 10


def test_a_sheet_of_empty_rows_is_refused_too():
    rows = [HEADER, *([None, None] for _ in range(50)), ["last", 1]]
    data = files.xlsx(rows)
    assert "more than 10 empty rows" in refusal(data, "xlsx")


SMALL_UNPACKED = Limits(
    max_rows=10, max_bytes=1_000_000, max_uncompressed_bytes=200_000, max_compression_ratio=100
)


@pytest.mark.parametrize(
    ("make", "limits", "message"),
    [
        (
            lambda: files.long_workbook(HEADER, ["x", "1"], 1_000_000),  # ~290:1
            LIMITS,
            "compressed far more tightly than spreadsheet programs do",
        ),
        (lambda: files.xlsx(rows_of(3_000)), SMALL_UNPACKED, "too large once unpacked"),
    ],
    ids=["compression-ratio", "unpacked-size"],
)
def test_a_zip_bomb_is_refused_before_the_workbook_is_opened(make, limits, message):
    data = make()
    assert len(data) < limits.max_bytes
    with mock.patch.object(spreadsheets, "_open_workbook") as open_workbook:
        assert message in refusal(data, "xlsx", limits)
    open_workbook.assert_not_called()


def test_the_bytes_unpacked_are_counted_while_reading():
    data = files.xlsx(rows_of(3))
    archive = spreadsheets._open_archive(data, LIMITS)
    archive.meter = spreadsheets._Meter(100)  # as if the entries had declared 100 bytes
    with pytest.raises(spreadsheets._TooMuchData):
        archive.read(files.SHEET)


def test_a_sheet_read_past_its_budget_is_refused_plainly(monkeypatch):
    meter = spreadsheets._Meter
    monkeypatch.setattr(spreadsheets, "_Meter", lambda budget: meter(2_000))
    assert "too large once unpacked" in refusal(files.xlsx(rows_of(10)), "xlsx")


def test_a_workbook_whose_directory_understates_a_size_unpacks_no_more_than_declared(
    monkeypatch,
):
    data = bytearray(files.long_workbook(HEADER, ["x", "1"], 20_000))
    entry = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(files.SHEET)
    name = files.SHEET.encode()
    directory = data.index(b"PK\x01\x02")  # the sheet's entry in the central directory
    while data[directory + 46 : directory + 46 + len(name)] != name:
        directory = data.index(b"PK\x01\x02", directory + 4)
    data[directory + 24 : directory + 28] = (5_000).to_bytes(4, "little")  # its size
    counted = []
    meter = spreadsheets._Meter

    class Spy(meter):
        def count(self, size: int) -> None:
            counted.append(size)
            super().count(size)

    monkeypatch.setattr(spreadsheets, "_Meter", Spy)
    assert entry.file_size > 500_000
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(files.SHEET).file_size == 5_000
    assert NOT_A_WORKBOOK in refusal(bytes(data), "xlsx")
    assert sum(counted) < 50_000


def test_a_file_larger_than_the_upload_limit_is_refused_unread():
    data = files.csv_text(rows_of(5)) + b" " * LIMITS.max_bytes
    assert "larger than" in refusal(data, "csv")


def test_too_many_columns_are_refused():
    data = files.xlsx([["x"] * 1_001])
    assert "more than 1,000 columns" in refusal(data, "xlsx")


def test_trailing_empty_cells_of_a_workbook_do_not_count_as_columns():
    data = files.replace_cell(files.xlsx([HEADER, ["a", 1]]), "B2", b"1")
    data = files.with_entry(
        data,
        files.SHEET,
        lambda xml: xml.replace(b"</row></sheetData>", b'<c r="XFD2"/></row></sheetData>'),
    )
    assert read_rows(data, "xlsx", LIMITS)[1][1] == ["a", 1]


NOT_A_WORKBOOK = "not a readable .xlsx workbook"


def zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


def zip_with_bad_crc() -> bytes:
    data = bytearray(files.xlsx(rows_of(3)))
    entry = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(files.SHEET)
    start = entry.header_offset + 30 + len(entry.filename) + len(entry.extra)
    data[start + 5] ^= 0xFF  # a byte of the compressed sheet
    return bytes(data)


@pytest.mark.parametrize(
    "make",
    [
        lambda: files.truncated_sheet(files.xlsx(rows_of(5))),
        lambda: files.shared_string_out_of_range(files.xlsx(rows_of(5))),
        lambda: b"PK\x03\x04 not really a zip",
        lambda: b"this is not a workbook",
        zip_without_workbook,
        zip_with_bad_crc,
        lambda: files.xlsx(rows_of(5))[:-100],
        lambda: files.with_entry(
            files.xlsx(rows_of(3)), files.SHEET, lambda xml: xml.replace(b"name 1", b"na\x00me")
        ),
    ],
    ids=[
        "truncated-xml",
        "shared-string",
        "bad-zip",
        "not-zip",
        "no-workbook",
        "bad-crc",
        "cut-short",
        "nul-in-xml",
    ],
)
def test_a_damaged_workbook_is_refused_with_one_plain_message(make):
    assert NOT_A_WORKBOOK in refusal(make(), "xlsx")


@pytest.mark.parametrize(
    "data",
    [
        "name,count\nété,1\n".encode("latin-1"),
        "name,count\n".encode("utf-16"),
        "name,count\nx,1\n".encode("utf-16-le"),
    ],
    ids=["latin-1", "utf-16-with-mark", "utf-16-without-mark"],
)
def test_text_that_is_not_utf8_is_refused_with_the_way_to_save_it(data):
    with pytest.raises(UnreadableFile) as refused:
        read_rows(data, "csv", LIMITS)
    assert "CSV UTF-8" in refused.value.message and refused.value.reason == "encoding"


def test_a_csv_with_semicolons_or_tabs_is_split_on_them():
    assert read_rows(b"a;b\n1;2\n", "csv", LIMITS)[1][1] == ["1", "2"]
    assert read_rows(b"a\tb\n1\t2\n", "csv", LIMITS)[1][1] == ["1", "2"]
    assert read_rows(b"a,b;c\n1,2;3\n", "csv", LIMITS)[1][1] == ["1", "2;3"]


def test_a_nul_byte_inside_a_csv_cell_is_left_for_the_importer_to_name():
    assert read_rows(b"a,b\nx\x00y,2\n", "csv", LIMITS)[1][1] == ["x\x00y", "2"]


def test_an_unknown_format_and_an_empty_file_are_refused():
    assert "Upload a .csv or .xlsx file" in refusal(b"a,b\n", "ods")
    assert "empty" in refusal(b"\n\n", "csv")
    assert "empty" in refusal(files.xlsx([[None]]), "xlsx")

"""Bad spreadsheets, built in the tests: damaged workbooks, zip bombs, long files."""

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"


def xlsx(rows: Iterable[Sequence[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_text(rows: Iterable[Sequence[object]]) -> bytes:
    return "".join(",".join(str(cell) for cell in row) + "\n" for row in rows).encode()


def with_entry(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """The same workbook with one zip entry rewritten."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            target.writestr(entry.filename, change(content) if entry.filename == name else content)
    return buffer.getvalue()


def truncated_sheet(data: bytes) -> bytes:
    """The sheet's XML cut off after its second row (as a broken download would)."""

    def cut(xml: bytes) -> bytes:
        return xml[: xml.index(b'<row r="3"') + 20]

    return with_entry(data, SHEET, cut)


def shared_string_out_of_range(data: bytes) -> bytes:
    """Cell A2 points at shared string 99 of a workbook that has none."""

    def point_away(xml: bytes) -> bytes:
        return re.sub(
            rb'<c r="A2" t="inlineStr"><is><t>[^<]*</t></is></c>',
            b'<c r="A2" t="s"><v>99</v></c>',
            xml,
        )

    return with_entry(data, SHEET, point_away)


def replace_cell(data: bytes, reference: str, value_xml: bytes) -> bytes:
    """Cell ``reference`` written as a raw number, e.g. a 400-digit integer."""

    def swap(xml: bytes) -> bytes:
        pattern = rb'<c r="' + reference.encode() + rb'"[^>]*?(/>|>.*?</c>)'
        replacement = b'<c r="' + reference.encode() + b'" t="n"><v>' + value_xml + b"</v></c>"
        changed, count = re.subn(pattern, replacement, xml, count=1)
        assert count == 1, reference
        return changed

    return with_entry(data, SHEET, swap)


def long_workbook(header: Sequence[str], row: Sequence[str], count: int) -> bytes:
    """A workbook of ``count`` identical rows, written straight into the zip as it is
    generated (so a long file costs little memory to make). Without cell references, as
    some programs write them, the rows compress very well."""
    template = _minimal_workbook()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, content in template.items():
            target.writestr(name, content)
        with target.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                b'2006/main"><sheetData>'
            )
            sheet.write(_row_xml(header))
            line = _row_xml(row)
            chunk = line * 1000
            for _ in range(count // 1000):
                sheet.write(chunk)
            sheet.write(line * (count % 1000))
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def _row_xml(cells: Sequence[str]) -> bytes:
    inner = "".join(f'<c t="inlineStr"><is><t>{cell}</t></is></c>' for cell in cells)
    return f"<row>{inner}</row>".encode()


def _minimal_workbook() -> dict[str, bytes]:
    """Every entry of a one-sheet workbook except the sheet itself."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([["x"]])))
    return {name: source.read(name) for name in source.namelist() if name != SHEET}


def declared_sizes(data: bytes) -> int:
    return sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(data)).infolist())

"""Damaged, hostile and oversized files, and numbers no float can hold, in the indicator
value import: each is refused with a plain message (by cell where it is a cell), never a
server error, and nothing is saved."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from learningcity.core import spreadsheets
from learningcity.monitoring.models import IndicatorValue
from learningcity.monitoring.queries import default_framework
from tests.conftest import client_for
from tests.core import spreadsheet_files as files

pytestmark = pytest.mark.django_db
URL = "/alpha/monitoring/data/import/"
HEADER = ["uCode", "Time", "I1_1_1", "I1_2_2"]
ROWS = [["alpha", year, 50, 7] for year in (2020, 2021, 2022, 2023, 2024)]


def post(user, data: bytes, name: str = "iData.xlsx") -> str:
    response = client_for(user).post(
        URL,
        {
            "framework": str(default_framework().pk),
            "file": SimpleUploadedFile(name, data),
            "status": "draft",
            "source": "",
        },
    )
    assert response.status_code == 200
    assert not IndicatorValue.objects.exists()
    return response.content.decode()


@pytest.mark.parametrize(
    "damage",
    [files.truncated_sheet, files.shared_string_out_of_range],
    ids=["truncated-sheet-xml", "shared-string-out-of-range"],
)
def test_a_damaged_workbook_is_refused_plainly(coordinator_a, damage):
    page = post(coordinator_a, damage(files.xlsx([HEADER, *ROWS])))
    assert "not a readable .xlsx workbook" in page


@override_settings(MONITORING_IMPORT_MAX_ROWS=4)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_one_row_over_the_limit_is_refused(coordinator_a, file_format):
    rows = [HEADER, *ROWS]
    data = files.csv_text(rows) if file_format == "csv" else files.xlsx(rows)
    assert "more than 4 rows" in post(coordinator_a, data, name=f"iData.{file_format}")


def test_a_compressed_workbook_of_a_million_rows_is_refused_before_it_is_opened(coordinator_a):
    data = files.long_workbook(HEADER, ["alpha", "2024", "50", "7"], 1_000_000)
    with mock.patch.object(spreadsheets, "_open_workbook") as open_workbook:
        page = post(coordinator_a, data)
    assert "compressed far more tightly" in page
    open_workbook.assert_not_called()


def numbers_workbook(value_xml: bytes, cell: str = "C2") -> bytes:
    return files.replace_cell(files.xlsx([HEADER, ["alpha", 2024, 50, 7]]), cell, value_xml)


@pytest.mark.parametrize(
    "data",
    [
        numbers_workbook(b"9" * 400),
        numbers_workbook(b"-" + b"9" * 400),
        numbers_workbook(b"1E+400"),
        files.csv_text([HEADER, ["alpha", 2024, "9" * 400, 7]]),
        files.csv_text([HEADER, ["alpha", 2024, "1e400", 7]]),
    ],
    ids=["xlsx-400-digits", "xlsx-negative", "xlsx-exponent", "csv-400-digits", "csv-exponent"],
)
def test_a_number_too_large_for_any_indicator_is_a_cell_error(coordinator_a, data):
    name = "iData.csv" if data[:2] != b"PK" else "iData.xlsx"
    page = post(coordinator_a, data, name=name)
    assert "row 2, column C (I1_1_1): This number is too large." in page


@pytest.mark.parametrize("text", ["inf", "-Infinity", "1_000", "0x10", "50%", "5e", "--5"])
def test_text_that_python_would_read_oddly_is_not_a_number(coordinator_a, text):
    page = post(coordinator_a, files.csv_text([HEADER, ["alpha", 2024, text, 7]]), "iData.csv")
    assert "row 2, column C (I1_1_1):" in page and "is not a number" in page


def test_a_huge_year_is_not_a_year(coordinator_a):
    page = post(coordinator_a, numbers_workbook(b"9" * 400, cell="B2"))
    assert "row 2: Time" in page and "is not a year" in page

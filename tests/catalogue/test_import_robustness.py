"""Damaged, hostile and oversized files in the opportunity import, through the upload
page: each is refused with a plain message, never a server error, and nothing is saved."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from learningcity.catalogue.models import ImportJob, ImportJobStatus, Opportunity
from learningcity.core import spreadsheets
from tests.catalogue.factories import make_provider, make_staff
from tests.conftest import client_for, make_user
from tests.core import spreadsheet_files as files

pytestmark = pytest.mark.django_db

UPLOAD = "/alpha/learn/workspace/providers/alpha-library/import/"
HEADER = ["slug", "title", "level", "format", "capacity"]
ROWS = [[f"course-{n}", f"Course {n}", "informal", "online", "12"] for n in range(5)]


@pytest.fixture
def staff(city_a):
    provider = make_provider(city_a, slug="alpha-library", name="Alpha Library")
    user = make_user("staff@example.org")
    make_staff(provider, user)
    return user


def upload(user, data: bytes, name: str = "opportunities.xlsx"):
    response = client_for(user).post(UPLOAD, {"file": SimpleUploadedFile(name, data)}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def assert_refused(page: str, message: str) -> None:
    assert message in page
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.REFUSED
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    "damage",
    [files.truncated_sheet, files.shared_string_out_of_range],
    ids=["truncated-sheet-xml", "shared-string-out-of-range"],
)
def test_a_damaged_workbook_is_refused_plainly(staff, damage):
    data = damage(files.xlsx([HEADER, *ROWS]))
    assert_refused(upload(staff, data), "not a readable .xlsx workbook")


@override_settings(CATALOGUE_IMPORT_MAX_ROWS=4)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_one_row_over_the_limit_is_refused(staff, file_format):
    rows = [HEADER, *ROWS]
    data = files.csv_text(rows) if file_format == "csv" else files.xlsx(rows)
    page = upload(staff, data, name=f"opportunities.{file_format}")
    assert_refused(page, "more than 4 rows")


def test_a_compressed_workbook_of_a_million_rows_is_refused_before_it_is_opened(staff):
    data = files.long_workbook(HEADER, ["course", "Course", "informal", "online", "1"], 1_000_000)
    with mock.patch.object(spreadsheets, "_open_workbook") as open_workbook:
        page = upload(staff, data)
    assert_refused(page, "compressed far more tightly")
    open_workbook.assert_not_called()


@override_settings(SPREADSHEET_MAX_UNCOMPRESSED_BYTES=100_000)
def test_a_workbook_that_unpacks_past_the_cap_is_refused_before_it_is_opened(staff):
    data = files.xlsx([HEADER, *ROWS * 300])
    with mock.patch.object(spreadsheets, "_open_workbook") as open_workbook:
        page = upload(staff, data)
    assert_refused(page, "too large once unpacked")
    open_workbook.assert_not_called()


@override_settings(CATALOGUE_IMPORT_MAX_BYTES=1_000)
def test_a_file_over_the_size_limit_is_refused(staff):
    data = files.csv_text([HEADER, *ROWS * 20])
    assert_refused(upload(staff, data, name="opportunities.csv"), "The file is larger than")


def test_a_400_digit_number_in_a_workbook_is_a_cell_error(staff):
    data = files.replace_cell(files.xlsx([HEADER, *ROWS[:1]]), "E2", b"9" * 400)
    page = upload(staff, data)
    job = ImportJob.objects.get()
    assert [(error["row"], error["column"]) for error in job.errors] == [(2, "capacity")]
    assert "capacity" in page
    assert not Opportunity.objects.exists()

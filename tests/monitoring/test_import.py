"""Bulk import of indicator values in COINr's iData layout: all or nothing, and every
problem named with its row and column."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from learningcity.monitoring.models import FrameworkNode, IndicatorValue, ValueStatus
from learningcity.monitoring.queries import default_framework
from tests.conftest import client_for

from .factories import add_value

pytestmark = pytest.mark.django_db
URL = "/alpha/monitoring/data/import/"


def csv_file(text: str, name: str = "iData.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def xlsx_file(rows: list[list[object]]) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("iData.xlsx", buffer.getvalue())


def post(client, upload, **fields):
    data = {
        "framework": str(default_framework().pk),
        "file": upload,
        "status": "draft",
        "source": "Statistics office",
        **fields,
    }
    return client.post(URL, data)


def test_a_csv_in_idata_layout_is_imported_as_drafts(city_a, coordinator_a):
    upload = csv_file(
        "uCode,uName,Time,I1_1_1,I1_2_2\nalpha,Alpha,2023,91.5,7.2\nalpha,Alpha,2024,92,NA\n"
    )
    response = post(client_for(coordinator_a), upload)
    assert response.status_code == 302
    values = {(v.indicator.code, v.year): v for v in IndicatorValue.objects.filter(city=city_a)}
    assert set(values) == {("I1_1_1", 2023), ("I1_2_2", 2023), ("I1_1_1", 2024)}
    stored = values[("I1_1_1", 2023)]
    assert stored.value == 91.5 and stored.status == ValueStatus.DRAFT
    assert stored.source == "Statistics office" and stored.entered_by == coordinator_a
    assert "iData.csv" in stored.note


def test_an_xlsx_workbook_is_imported_and_replaces_older_values(city_a, coordinator_a):
    literacy = FrameworkNode.objects.get(framework=default_framework(), code="I1_1_1")
    add_value(city_a, literacy, 2024, 80.0)
    upload = xlsx_file([["uCode", "Time", "I1_1_1"], ["alpha", 2024, 93.25]])
    response = post(client_for(coordinator_a), upload, status="validated")
    assert response.status_code == 302
    value = IndicatorValue.objects.get(city=city_a, indicator=literacy, year=2024)
    assert value.value == 93.25 and value.status == ValueStatus.VALIDATED
    assert IndicatorValue.objects.count() == 1


def test_a_file_without_time_uses_the_year_chosen_in_the_form(city_a, coordinator_a):
    response = post(client_for(coordinator_a), csv_file("uCode,I1_1_1\nalpha,90\n"), year="2022")
    assert response.status_code == 302
    assert IndicatorValue.objects.get(city=city_a).year == 2022


def test_a_bad_file_lists_every_problem_with_row_and_column_and_saves_nothing(
    city_a, coordinator_a
):
    upload = csv_file(
        "uCode,Time,I1_1_1,NOPE,I1_2_2,LCI\n"
        "alpha,2023,91,1,lots,5\n"  # unknown column, not a number, aggregate column
        "alpha,2023,92,1,7,5\n"  # duplicate unit and year
        ",2024,93,1,7,5\n"  # missing unit
        "alpha,2025,140,1,7,5\n"  # outside 0–100
        "beta,2025,50,1,7,5\n"  # another city
        "alpha,20x5,50,1,7,5\n"  # not a year
    )
    response = post(client_for(coordinator_a), upload)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    expected = [
        "column D (NOPE): Unknown code",
        "column F (LCI): This is an aggregate",
        "row 2, column E (I1_2_2): “lots” is not a number",
        "row 3: Duplicate: row 2 already has this unit and year",
        "row 4: The unit (uCode) is missing",
        "row 5, column C (I1_1_1): The value must be between 0 and 100",
        "row 6: The unit “beta” is not this city",
        "row 7: Time “20x5” is not a year",
    ]
    for message in expected:
        assert message in page, message
    assert not IndicatorValue.objects.exists()


def test_computed_indicators_cannot_be_imported(city_a, coordinator_a):
    from learningcity.monitoring import services

    feature = FrameworkNode.objects.get(framework=default_framework(), code="F2_2_1")
    extension = services.extend_framework(
        actor=coordinator_a, city=city_a, base=default_framework()
    )
    services.add_indicator(
        actor=coordinator_a,
        framework=extension,
        parent=feature,
        fields={"code": "L_FREE", "name": "Free share", "derived": "share_free"},
    )
    upload = csv_file("uCode,Time,L_FREE\nalpha,2024,50\n")
    response = post(client_for(coordinator_a), upload, framework=str(extension.pk))
    assert "computed from the platform" in response.content.decode()
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty"),
        (b"\xff\xfe\x00\x01binary", "not CSV text in UTF-8"),
        (b"PK\x03\x04broken zip", "could not be opened"),
        (b"Time,I1_1_1\n2024,90\n", "The uCode column is missing"),
        (b"uCode,I1_1_1\nalpha,90\n", "The Time column is missing"),
        (b"uCode,Time,I1_1_1,I1_1_1\nalpha,2024,90,91\n", "This column appears twice"),
    ],
    ids=["empty", "binary", "broken-xlsx", "no-ucode", "no-time", "twice"],
)
def test_unreadable_or_incomplete_files_are_refused_plainly(
    city_a, coordinator_a, content, message
):
    upload = SimpleUploadedFile("values.csv", content)
    response = post(client_for(coordinator_a), upload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_the_csv_export_can_be_imported_again_unchanged(city_a, coordinator_a):
    client = client_for(coordinator_a)
    post(client, csv_file("uCode,Time,I1_1_1,I1_2_2\nalpha,2023,91.5,7.2\nalpha,2024,92,6.9\n"))
    exported = client.get("/alpha/monitoring/data/values.csv")
    assert exported.status_code == 200
    assert exported.content.decode().splitlines() == [
        "uCode,uName,Time,I1_1_1,I1_2_2",
        "alpha,Alpha,2023,91.5,7.2",
        "alpha,Alpha,2024,92.0,6.9",
    ]
    IndicatorValue.objects.all().delete()
    response = post(client, SimpleUploadedFile("values.csv", exported.content))
    assert response.status_code == 302
    assert IndicatorValue.objects.filter(city=city_a).count() == 4

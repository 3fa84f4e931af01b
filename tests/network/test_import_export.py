"""Directory import and export: all-or-nothing, problems by row and column."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from learningcity.core.models import City
from learningcity.network import importer, services
from learningcity.network.models import ClusterMembership, MembershipChange
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

HEADER = [
    "slug",
    "name",
    "country_code",
    "region",
    "latitude",
    "longitude",
    "population",
    "area_km2",
    "status",
    "clusters",
    "mayor_name",
    "gdp_city_usd",
    "gdp_city_year",
]
GOOD = [
    "kisumu",
    "Kisumu",
    "KE",
    "africa",
    "-0.09",
    "34.77",
    "610000",
    "417",
    "member",
    "literacy, health",
    "Ann Mayor",
    "2100.50",
    "2022",
]


def as_csv(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def upload(client, data, name="cities.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/network/cities/import/", {"file": SimpleUploadedFile(name, data)})


def test_import_creates_a_city_with_profile_history_and_clusters(network_coordinator):
    response = upload(client_for(network_coordinator), as_csv([HEADER, GOOD]))
    assert response.status_code == 302
    city = City.objects.get(slug="kisumu")
    assert city.country == "Kenya" and city.population == 610000
    assert city.network_profile.status == "member"
    assert city.network_profile.mayor_name == "Ann Mayor"
    assert str(city.network_profile.gdp_city_usd) == "2100.50"
    assert MembershipChange.objects.filter(city=city, status_to="member").exists()
    assert set(
        ClusterMembership.objects.filter(city=city).values_list("cluster__slug", flat=True)
    ) == {"literacy", "health"}


def test_every_problem_by_row_and_column_and_nothing_saved(network_coordinator):
    bad = [
        HEADER,
        GOOD,
        [
            "admin",
            "",
            "XX",
            "mars",
            "91",
            "abc",
            "-1",
            "",
            "emperor",
            "knitting",
            "",
            "1e5",
            "1800",
        ],
        ["kisumu", "Kisumu again", "KE", "africa", "0", "0", "10", "1", "member", "", "", "", ""],
    ]
    response = upload(client_for(network_coordinator), as_csv(bad))
    assert response.status_code == 400
    plan = importer.check_rows(HEADER, [(n, r) for n, r in enumerate(bad[1:], start=2)])
    where = {(error.row, error.column) for error in plan.errors}
    for column in [
        "slug",
        "name",
        "country_code",
        "region",
        "latitude",
        "longitude",
        "population",
        "area_km2",
        "status",
        "clusters",
        "gdp_city_usd",
        "gdp_city_year",
    ]:
        assert (3, column) in where, column
    assert (4, "slug") in where  # the same city twice
    assert (2, "slug") not in where
    page = response.content.decode()
    assert "nothing was saved" in page and "<td>country_code</td>" in page
    assert not City.objects.filter(slug="kisumu").exists()


def test_header_problems(network_coordinator):
    plan = importer.check_rows(["slug", "name", "colour", "name"], [])
    messages = {(error.column, error.message.split(".")[0]) for error in plan.errors}
    assert ("colour", "Unknown column") in messages
    assert ("name", "This column appears twice") in messages
    assert ("region", "This column is missing") in messages


def test_unreadable_file_and_permissions(network_coordinator, coordinator_a, client):
    response = upload(client_for(network_coordinator), b"PK\x03\x04not a zip", "cities.xlsx")
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert upload(client_for(coordinator_a), as_csv([HEADER, GOOD])).status_code == 403
    assert client.get("/network/cities/export.csv").status_code == 302  # sign in first
    assert client_for(coordinator_a).get("/network/cities/export.csv").status_code == 403


def test_export_round_trips_through_import_in_csv_and_xlsx(network_coordinator, city_a):
    services.ensure_profile(city_a)
    services.change_membership_status(actor=None, city=city_a, status="member")
    services.update_city_profile(actor=None, city=city_a, changes={"mayor_name": "=SUM(A1)"})
    client = client_for(network_coordinator)
    exported = client.get("/network/cities/export.csv").content
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    assert rows[0] == importer.COLUMNS
    assert "'=SUM(A1)" in rows[1]  # a formula is written as text
    assert upload(client, exported).status_code == 302
    city_a.network_profile.refresh_from_db()
    assert city_a.network_profile.mayor_name == "=SUM(A1)"

    workbook = load_workbook(io.BytesIO(client.get("/network/cities/export.xlsx").content))
    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    values[1][importer.COLUMNS.index("population")] = "4242"
    out = Workbook()
    for row in values:
        out.active.append(row)
    data = io.BytesIO()
    out.save(data)
    assert upload(client, data.getvalue(), "cities.xlsx").status_code == 302
    city_a.refresh_from_db()
    assert city_a.population == 4242

"""The city, network, indicator and report pages: charts with a table beside each,
exports, and a bounded number of queries however many cities there are."""

import io
import re

import pytest
from openpyxl import load_workbook

from learningcity.monitoring import charts, services
from learningcity.monitoring.models import ValueStatus
from tests.conftest import client_for, make_city

from .factories import add_value, fill_values, make_tiny_framework, node

pytestmark = pytest.mark.django_db
YEARS = (2023, 2024)


def build_network(
    cities: int, *, samples: int = 0, prefix: str = "town", normalise_globally: bool = True
):
    """``cities`` cities with tiny-framework values for two years, and a finished run."""
    framework = make_tiny_framework(f"tiny-{prefix}")
    framework.is_default = True
    from learningcity.monitoring.models import Framework

    Framework.objects.filter(is_default=True).update(is_default=False)
    framework.save()
    made = [
        make_city(f"{prefix}-{number}", name=f"{prefix.title()} {number}")
        for number in range(cities)
    ]
    for year in YEARS:
        fill_values(
            framework,
            {
                city: {
                    "IA": number + 1,
                    "IB": 10 + 3 * number + year % 5,
                    "IC": 50 - number,
                    "ID": 5 + number % 3,
                }
                for number, city in enumerate(made)
            },
            year,
        )
    run = services.run_index(
        actor=None,
        framework=framework,
        years=list(YEARS),
        spec=services.SPEC_PRESETS["standard"],
        samples=samples,
        normalise_globally=normalise_globally,
        run_uncertainty_now=bool(samples),
    )
    return framework, made, run


def charts_have_tables(page: str) -> None:
    """Every chart is an accessible SVG followed by a data table."""
    svgs = [match.end() for match in re.finditer(r"</svg>", page)]
    assert svgs, "no chart on the page"
    for end in svgs:
        following = page[end:]
        assert following.find("<table") != -1
        assert following.find("<table") < (following.find("<svg") % len(following) or 10**9)
    for svg in re.findall(r"<svg[^>]*>", page):
        assert 'role="img"' in svg and "aria-labelledby" in svg
    assert page.count("<title id=") == page.count("<desc id=") == len(svgs)


def test_the_city_page_shows_areas_trend_peers_strengths_and_gaps(client):
    _framework, towns, _run = build_network(4)
    response = client.get(f"/{towns[0].slug}/monitoring/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "Scores by area" in page and "Over the years" in page
    assert "Strengths and gaps" in page and "Peers" in page
    assert "Cities with the nearest index scores" in page and "Town 1" in page
    assert "so scores are comparable across years" in page
    assert "a rising line means the city&#x27;s own results improved" in page  # chart text
    charts_have_tables(page)
    assert len(page.encode()) < 60_000


def test_the_city_page_of_a_run_normalised_year_by_year_warns_against_comparing_scores(client):
    _framework, towns, _run = build_network(3, normalise_globally=False)
    page = client.get(f"/{towns[0].slug}/monitoring/").content.decode()
    assert "compare ranks rather than scores across years" in page
    assert "comparable across years" not in page


def test_a_city_left_out_of_the_run_is_told_so(client):
    build_network(3)
    outsider = make_city("outsider")
    page = client.get("/outsider/monitoring/").content.decode()
    assert "does not include it" in page and outsider.name in page


def test_the_city_page_before_any_run_says_so(client, city_a):
    assert "has not built its index yet" in client.get("/alpha/monitoring/").content.decode()


def test_the_network_page_lists_every_city_with_rank_interval_and_map(client):
    _framework, towns, _run = build_network(5, samples=8)
    response = client.get("/network/monitoring/")
    assert response.status_code == 200
    page = response.content.decode()
    for town in towns:
        assert town.name in page
    assert "Rank interval (5–95 %)" in page
    assert 'id="monitoring-map-points"' in page and "data-map-block" in page
    charts_have_tables(page)
    assert len(page.encode()) < 60_000


def test_the_network_page_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    build_network(3)
    with django_assert_max_num_queries(7):
        small = client.get("/network/monitoring/")
    assert small.status_code == 200
    build_network(12, prefix="big")  # a second, larger run becomes the latest
    with django_assert_max_num_queries(7):
        large = client.get("/network/monitoring/")
    assert large.content.decode().count('/monitoring/">Big') == 12


def test_a_large_network_is_listed_fifty_cities_a_page(client):
    build_network(55)
    first = client.get("/network/monitoring/").content.decode()
    assert first.count('/monitoring/">Town') == 50 and "Page 1 of 2" in first
    second = client.get("/network/monitoring/?page=2").content.decode()
    assert second.count('/monitoring/">Town') == 5
    assert len(first.encode()) < 60_000
    report = client.get("/network/monitoring/report/").content.decode()
    assert report.count('<th scope="row">Town') >= 55  # the report lists every city


def test_the_city_page_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    _framework, towns, _run = build_network(8)
    with django_assert_max_num_queries(7):
        assert client.get(f"/{towns[3].slug}/monitoring/").status_code == 200


def test_the_indicator_page_shows_provenance_to_the_citys_coordinator(coordinator_a, city_a):
    framework = make_tiny_framework()
    framework.is_default = False
    add_value(city_a, node(framework, "IA"), 2023, 4.5, source="Library survey", by=coordinator_a)
    add_value(city_a, node(framework, "IA"), 2024, 5.0, status=ValueStatus.DRAFT, by=coordinator_a)
    page = client_for(coordinator_a).get("/alpha/monitoring/indicators/IA/").content.decode()
    assert "Library survey" in page and "coord-a@example.org" in page
    assert "Validated" in page and "Draft" in page
    assert "Libraries" in page  # its feature, from the lineage
    charts_have_tables(page)


def test_the_indicator_page_of_a_computed_indicator_shows_its_formula(
    city_a, coordinator_a, client
):
    from learningcity.monitoring.models import FrameworkNode
    from learningcity.monitoring.queries import default_framework

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
    page = client.get("/alpha/monitoring/indicators/L_FREE/").content.decode()
    assert "free opportunities ÷ opportunities offered in the year × 100" in page


def test_an_unknown_indicator_is_a_404(client, city_a):
    assert client.get("/alpha/monitoring/indicators/NOPE/").status_code == 404


def test_the_report_is_printable(client):
    build_network(3)
    response = client.get("/network/monitoring/report/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "monitoring/print.css" in page
    assert "Data coverage" in page and "Ranks over the years" in page
    assert "all years at once" in page and "scores are comparable across years" in page
    charts_have_tables(page)


def test_run_results_export_as_csv_and_xlsx(client):
    _framework, _towns, run = build_network(3)
    csv = client.get(f"/network/monitoring/runs/{run.public_id}/results.csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("Time,uCode,uName,iCode,iName,Level,Score,Rank")
    assert len(lines) == 1 + 3 * 6 * len(YEARS)
    xlsx = client.get(f"/network/monitoring/runs/{run.public_id}/results.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == len(lines)
    assert [cell.value for cell in sheet[1]][:4] == ["Time", "uCode", "uName", "iCode"]


def test_a_coordinators_value_export_has_an_idata_sheet_and_a_provenance_sheet(
    city_a, coordinator_a
):
    framework = make_tiny_framework()
    add_value(city_a, node(framework, "IA"), 2024, 4.5, source="=cmd|'/c calc'!A1")
    response = client_for(coordinator_a).get("/alpha/monitoring/data/values.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["iData", "Provenance"]
    assert [c.value for c in workbook["iData"][2]] == ["alpha", "Alpha", 2024, 4.5]
    source = workbook["Provenance"]["H2"].value
    assert source.startswith("'=")  # a formula in a source is written as text


def test_charts_escape_their_labels():
    svg = charts.bar_chart(
        [charts.Bar("<script>x</script>", 50)], chart_id="c", title="T & co", description="D"
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "T &amp; co" in svg

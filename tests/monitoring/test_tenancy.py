"""A coordinator of city A can neither read nor change city B's private monitoring data;
network coordinators see validated values only; the public sees scores only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from learningcity.monitoring.models import FrameworkNode, IndicatorValue, ValueStatus
from learningcity.monitoring.queries import default_framework
from tests.conftest import client_for

from .factories import add_value

pytestmark = pytest.mark.django_db

PRIVATE_PAGES = [
    "/beta/monitoring/data/",
    "/beta/monitoring/data/enter/",
    "/beta/monitoring/data/validate/",
    "/beta/monitoring/data/import/",
    "/beta/monitoring/framework/add/",
    "/beta/monitoring/framework/import/",
]


@pytest.fixture
def betas_values(city_b, coordinator_b):
    literacy = FrameworkNode.objects.get(framework=default_framework(), code="I1_1_1")
    validated = add_value(city_b, literacy, 2023, 77.7, by=coordinator_b, source="Beta census")
    draft = add_value(
        city_b,
        literacy,
        2024,
        66.6,
        status=ValueStatus.DRAFT,
        by=coordinator_b,
        source="Beta draft survey",
    )
    return literacy, validated, draft


@pytest.mark.parametrize("url", PRIVATE_PAGES)
def test_a_coordinator_of_a_cannot_open_bs_data_pages(city_a, city_b, coordinator_a, url):
    assert client_for(coordinator_a).get(url).status_code == 403


@pytest.mark.parametrize("url", PRIVATE_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(city_b, client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_coordinator_of_a_cannot_enter_or_validate_bs_values(city_a, coordinator_a, betas_values):
    literacy, _validated, draft = betas_values
    client = client_for(coordinator_a)
    response = client.post(
        "/beta/monitoring/data/enter/",
        {
            "indicator": literacy.pk,
            "year": "2024",
            "value": "1",
            "status": "validated",
        },
    )
    assert response.status_code == 403
    assert client.post("/beta/monitoring/data/validate/", {"values": [draft.pk]}).status_code == 403
    upload = SimpleUploadedFile("x.csv", b"uCode,Time,I1_1_1\nbeta,2024,1\n")
    response = client.post(
        "/beta/monitoring/data/import/",
        {
            "framework": str(default_framework().pk),
            "file": upload,
            "status": "validated",
        },
    )
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.value == 66.6 and draft.status == ValueStatus.DRAFT


def test_validating_through_as_own_page_cannot_touch_bs_drafts(city_a, coordinator_a, betas_values):
    _literacy, _validated, draft = betas_values
    client_for(coordinator_a).post("/alpha/monitoring/data/validate/", {"values": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == ValueStatus.DRAFT


def test_a_coordinator_of_a_sees_none_of_bs_values(city_a, coordinator_a, betas_values):
    client = client_for(coordinator_a)
    page = client.get("/beta/monitoring/indicators/I1_1_1/").content.decode()
    assert "77.7" not in page and "66.6" not in page and "Beta draft survey" not in page
    assert client.get("/beta/monitoring/data/values.csv").status_code == 403
    assert client.get("/beta/monitoring/data/values.xlsx").status_code == 403


def test_bs_own_coordinator_sees_drafts_and_validated_values(coordinator_b, betas_values):
    page = client_for(coordinator_b).get("/beta/monitoring/indicators/I1_1_1/").content.decode()
    assert "77.7" in page and "66.6" in page and "Beta draft survey" in page


def test_network_coordinators_see_validated_values_but_never_drafts(
    network_coordinator, betas_values
):
    client = client_for(network_coordinator)
    page = client.get("/beta/monitoring/indicators/I1_1_1/").content.decode()
    assert "77.7" in page and "66.6" not in page and "Beta draft survey" not in page
    exported = client.get("/beta/monitoring/data/values.csv").content.decode()
    assert "77.7" in exported and "66.6" not in exported
    assert client.get("/beta/monitoring/data/").status_code == 403  # no data entry


def test_the_public_sees_no_values(client, betas_values):
    page = client.get("/beta/monitoring/indicators/I1_1_1/").content.decode()
    assert "77.7" not in page and "66.6" not in page
    assert "shared with the city's coordinators" in page
    assert client.get("/beta/monitoring/data/values.csv").status_code == 302


def test_the_data_page_reads_a_fixed_number_of_queries(
    city_a, coordinator_a, django_assert_max_num_queries
):
    literacy = FrameworkNode.objects.get(framework=default_framework(), code="I1_1_1")
    for year in (2022, 2023, 2024, 2025):
        add_value(city_a, literacy, year, 90.0)
    client = client_for(coordinator_a)
    with django_assert_max_num_queries(12):
        response = client.get("/alpha/monitoring/data/")
    assert response.status_code == 200
    assert IndicatorValue.objects.count() == 4

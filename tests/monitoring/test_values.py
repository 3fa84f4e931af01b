"""Entering, correcting and validating indicator values through the form."""

import pytest

from learningcity.core.models import AuditEvent
from learningcity.monitoring.models import FrameworkNode, IndicatorValue, ValueStatus
from learningcity.monitoring.queries import default_framework
from tests.conftest import client_for

from .factories import add_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def literacy(db) -> FrameworkNode:
    return FrameworkNode.objects.get(framework=default_framework(), code="I1_1_1")


def entry(indicator, **changes):
    data = {
        "indicator": indicator.pk,
        "year": "2024",
        "value": "93.5",
        "source": "Census 2024",
        "note": "Adults 15+",
        "status": "draft",
    }
    return {**data, **changes}


def test_a_coordinator_enters_a_draft_value_with_its_provenance(city_a, coordinator_a, literacy):
    response = client_for(coordinator_a).post("/alpha/monitoring/data/enter/", entry(literacy))
    assert response.status_code == 302
    value = IndicatorValue.objects.get(city=city_a, indicator=literacy, year=2024)
    assert value.value == 93.5 and value.status == ValueStatus.DRAFT
    assert value.source == "Census 2024" and value.note == "Adults 15+"
    assert value.entered_by == coordinator_a and value.validated_by is None
    assert AuditEvent.objects.filter(action="monitoring.value_saved", city=city_a).exists()


def test_submitting_the_same_value_twice_keeps_one_row(city_a, coordinator_a, literacy):
    client = client_for(coordinator_a)
    client.post("/alpha/monitoring/data/enter/", entry(literacy))
    client.post("/alpha/monitoring/data/enter/", entry(literacy, value="94", status="validated"))
    value = IndicatorValue.objects.get(city=city_a, indicator=literacy, year=2024)
    assert value.value == 94 and value.status == ValueStatus.VALIDATED
    assert value.validated_by == coordinator_a and value.validated_at is not None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value": "lots"}, "Enter a number"),
        ({"value": "nan"}, "Enter a number"),
        ({"value": "1e400"}, "Enter a number"),
        ({"value": "120"}, "between 0 and 100"),
        ({"year": "1066"}, "greater than or equal to 1990"),
        ({"status": "approved"}, "Select a valid choice"),
        ({"source": "x" * 301}, "at most 300 characters"),
    ],
)
def test_a_bad_value_is_refused_with_an_error_summary_and_nothing_saved(
    city_a, coordinator_a, literacy, changes, message
):
    response = client_for(coordinator_a).post(
        "/alpha/monitoring/data/enter/", entry(literacy, **changes)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error-summary"' in page and "There is a problem" in page
    assert message in page
    assert not IndicatorValue.objects.exists()


def test_an_aggregate_cannot_be_chosen_as_an_indicator(city_a, coordinator_a):
    area = FrameworkNode.objects.get(framework=default_framework(), code="A1")
    response = client_for(coordinator_a).post("/alpha/monitoring/data/enter/", entry(area))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_the_entry_form_is_prefilled_for_correcting_a_stored_value(city_a, coordinator_a, literacy):
    add_value(city_a, literacy, 2023, 88.0, source="Survey")
    response = client_for(coordinator_a).get(
        f"/alpha/monitoring/data/enter/?indicator={literacy.pk}&year=2023"
    )
    page = response.content.decode()
    assert 'value="88.0"' in page and 'value="Survey"' in page


def test_the_data_page_shows_values_and_drafts_waiting(city_a, coordinator_a, literacy):
    add_value(city_a, literacy, 2024, 91.0, status=ValueStatus.DRAFT)
    page = client_for(coordinator_a).get("/alpha/monitoring/data/").content.decode()
    assert "I1_1_1" in page and "91" in page
    assert "Validate drafts (1 waiting)" in page


def test_a_coordinator_validates_chosen_drafts(city_a, coordinator_a, literacy):
    first = add_value(city_a, literacy, 2023, 90.0, status=ValueStatus.DRAFT)
    second = add_value(city_a, literacy, 2024, 91.0, status=ValueStatus.DRAFT)
    response = client_for(coordinator_a).post(
        "/alpha/monitoring/data/validate/", {"values": [str(first.pk)]}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ValueStatus.VALIDATED and first.validated_by == coordinator_a
    assert second.status == ValueStatus.DRAFT


def test_validating_nothing_says_what_to_do(city_a, coordinator_a, literacy):
    add_value(city_a, literacy, 2023, 90.0, status=ValueStatus.DRAFT)
    response = client_for(coordinator_a).post("/alpha/monitoring/data/validate/", {})
    assert "Choose at least one value to validate" in response.content.decode()

"""A coordinator of city A can neither read nor change city B's private pages."""

import pytest

from learningcity.core.models import AuditEvent, District
from learningcity.core.tenancy import for_city, get_in_city
from tests.conftest import client_for, make_district

pytestmark = pytest.mark.django_db


def test_for_city_returns_only_that_citys_rows(city_a, city_b):
    mine = make_district(city_a, "mine")
    make_district(city_b, "theirs")
    assert list(for_city(District, city_a)) == [mine]


def test_get_in_city_refuses_another_citys_row(city_a, city_b):
    from django.http import Http404

    make_district(city_b, "theirs")
    with pytest.raises(Http404):
        get_in_city(District, city_a, slug="theirs")


def test_coordinator_sees_their_own_desk(city_a, coordinator_a):
    response = client_for(coordinator_a).get("/alpha/manage/")
    assert response.status_code == 200


def test_coordinator_of_a_cannot_read_bs_desk(city_b, coordinator_a):
    response = client_for(coordinator_a).get("/beta/manage/")
    assert response.status_code == 403


def test_coordinator_of_a_cannot_change_bs_district(city_b, coordinator_a):
    district = make_district(city_b, "harbour", name="Harbour", population_0_14=10)
    client = client_for(coordinator_a)
    assert client.get("/beta/manage/districts/harbour/").status_code == 403
    response = client.post("/beta/manage/districts/harbour/", {"name": "Hacked"})
    assert response.status_code == 403
    district.refresh_from_db()
    assert district.name == "Harbour"


def test_a_district_of_b_is_not_reachable_through_as_address(city_a, city_b, coordinator_a):
    make_district(city_b, "harbour")
    response = client_for(coordinator_a).get("/alpha/manage/districts/harbour/")
    assert response.status_code == 404


def test_residents_and_network_coordinators_cannot_open_a_citys_desk(
    city_a, resident, network_coordinator
):
    assert client_for(resident).get("/alpha/manage/").status_code == 403
    assert client_for(network_coordinator).get("/alpha/manage/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(city_a, client):
    response = client.get("/alpha/manage/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_coordinator_edits_a_district_and_it_is_audited(city_a, coordinator_a):
    district = make_district(city_a, "centre", name="Centre")
    data = {
        "name": "Centre",
        "population_0_14": 1,
        "population_15_24": 2,
        "population_25_64": 3,
        "population_65_plus": 4,
        "people_with_disabilities": 2,
        "latitude": 51.9,
        "longitude": -8.47,
    }
    response = client_for(coordinator_a).post("/alpha/manage/districts/centre/", data)
    assert response.status_code == 302
    district.refresh_from_db()
    assert district.population == 10
    event = AuditEvent.objects.get(action="district.updated")
    assert event.city == city_a and event.actor == coordinator_a


def test_invalid_district_form_shows_an_error_summary_and_saves_nothing(city_a, coordinator_a):
    district = make_district(city_a, "centre", name="Centre")
    data = {
        "name": "",
        "population_0_14": "many",
        "population_15_24": 2,
        "population_25_64": 3,
        "population_65_plus": 4,
        "people_with_disabilities": 2,
        "latitude": 951.9,
        "longitude": -8.47,
    }
    response = client_for(coordinator_a).post("/alpha/manage/districts/centre/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert 'href="#id_name"' in body and 'href="#id_latitude"' in body
    district.refresh_from_db()
    assert district.name == "Centre"
    assert not AuditEvent.objects.filter(action="district.updated").exists()


def test_more_people_with_disabilities_than_people_is_refused(city_a, coordinator_a):
    make_district(city_a, "centre", name="Centre")
    data = {
        "name": "Centre",
        "population_0_14": 1,
        "population_15_24": 1,
        "population_25_64": 1,
        "population_65_plus": 1,
        "people_with_disabilities": 50,
        "latitude": 51.9,
        "longitude": -8.47,
    }
    response = client_for(coordinator_a).post("/alpha/manage/districts/centre/", data)
    assert response.status_code == 200
    assert "cannot outnumber" in response.content.decode()


def test_a_city_cannot_take_an_address_the_platform_uses(db):
    from django.core.exceptions import ValidationError

    from tests.conftest import make_city

    city = make_city("somewhere")
    city.slug = "network"
    with pytest.raises(ValidationError):
        city.full_clean()

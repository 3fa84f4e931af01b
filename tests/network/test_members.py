"""Member profiles, status history, the directory and its permissions, over HTTP."""

import pytest
from django.core.exceptions import ValidationError

from learningcity.network import services
from learningcity.network.models import Cluster, ClusterMembership, MembershipChange
from tests.conftest import client_for, make_city

pytestmark = pytest.mark.django_db


def member(city, status="member"):
    services.ensure_profile(city)
    services.change_membership_status(actor=None, city=city, status=status)
    return city


def test_status_changes_are_kept_in_order_with_dates(city_a):
    from datetime import date

    services.change_membership_status(
        actor=None, city=city_a, status="applicant", effective_on=date(2023, 4, 1)
    )
    services.change_membership_status(
        actor=None, city=city_a, status="member", effective_on=date(2023, 9, 1)
    )
    services.change_membership_status(
        actor=None, city=city_a, status="lapsed", effective_on=date(2025, 9, 1)
    )
    history = list(MembershipChange.objects.filter(city=city_a))
    assert [(c.status_from, c.status_to) for c in history] == [
        ("member", "lapsed"),
        ("applicant", "member"),
        ("", "applicant"),
    ]
    city_a.network_profile.refresh_from_db()
    assert city_a.network_profile.joined_on == date(2023, 9, 1)
    assert city_a.network_profile.status_since == date(2025, 9, 1)
    with pytest.raises(ValidationError):
        services.change_membership_status(actor=None, city=city_a, status="lapsed")
    with pytest.raises(ValidationError):
        services.change_membership_status(actor=None, city=city_a, status="emperor")


def test_directory_filters_and_counts(client, db):
    nairobi = member(
        make_city(
            "nairobi", name="Nairobi", region="africa", country_code="KE", population=4_000_000
        )
    )
    member(make_city("dakar", name="Dakar", region="africa", country_code="SN", population=90_000))
    member(make_city("cork-x", name="Corkish", population=200_000))
    member(make_city("secret", name="Secretville", region="africa"), status="applicant")
    ClusterMembership.objects.create(cluster=Cluster.objects.get(slug="literacy"), city=nairobi)

    page = client.get("/network/cities/?region=africa").content.decode()
    assert "Nairobi" in page and "Dakar" in page and "Corkish" not in page
    assert "Secretville" not in page  # applicants are not public
    assert 'Africa <span class="count">(2)</span>' in page
    # The region facet keeps its other values' counts (alternatives).
    assert 'Europe and North America <span class="count">(1)</span>' in page

    page = client.get("/network/cities/?cluster=literacy").content.decode()
    assert "Nairobi" in page and "Dakar" not in page
    page = client.get("/network/cities/?size=megacity&size=small").content.decode()
    assert "Dakar" in page and "Nairobi" not in page
    page = client.get("/network/cities/?country=SN").content.decode()
    assert "Dakar" in page and "Nairobi" not in page


def test_directory_bad_input_is_not_an_error(client, db):
    member(make_city("nairobi", name="Nairobi"))
    for query in ["?region=mars", "?page=9999", "?q=%00", "?size=" + "x" * 5000, "?cluster=<b>"]:
        response = client.get("/network/cities/" + query)
        assert response.status_code == 200, query
    assert "Nairobi" in client.get("/network/cities/?page=9999").content.decode()


def test_directory_page_stays_small(client, db):
    for number in range(120):
        member(make_city(f"city-n{number}", name=f"City {number}"))
    response = client.get("/network/cities/")
    assert len(response.content) <= 60_000
    assert 'rel="next"' in response.content.decode()


def test_applicant_profile_is_hidden_from_the_public(client, city_a):
    member(city_a, status="applicant")
    assert client.get("/network/cities/alpha/").status_code == 404


def test_contact_person_only_for_coordinators(client, city_a, coordinator_a, coordinator_b):
    member(city_a)
    services.update_city_profile(
        actor=None,
        city=city_a,
        changes={"contact_name": "Ada Contact", "contact_email": "ada@example.org"},
    )
    assert "ada@example.org" not in client.get("/network/cities/alpha/").content.decode()
    assert (
        "ada@example.org"
        not in client_for(coordinator_b).get("/network/cities/alpha/").content.decode()
    )
    assert (
        "ada@example.org"
        in client_for(coordinator_a).get("/network/cities/alpha/").content.decode()
    )


def test_city_coordinator_edits_only_own_profile(city_a, city_b, coordinator_a):
    member(city_a)
    member(city_b)
    client = client_for(coordinator_a)
    form = {
        "communication_language": "fr",
        "population": "123456",
        "area_km2": "77",
        "population_year": "2022",
        "mayor_name": "Mayor Alpha",
    }
    response = client.post("/network/cities/alpha/edit/", form)
    assert response.status_code == 302
    city_a.refresh_from_db()
    assert city_a.population == 123456
    assert city_a.network_profile.mayor_name == "Mayor Alpha"
    assert client.post("/network/cities/beta/edit/", form).status_code == 403
    city_b.refresh_from_db()
    assert city_b.population != 123456
    # Status is the network's: a city coordinator cannot change it.
    assert (
        client.post(
            "/network/cities/alpha/status/", {"status": "member", "effective_on": "2024-01-01"}
        ).status_code
        == 403
    )


def test_network_coordinator_edits_any_profile_and_status(city_b, network_coordinator):
    member(city_b)
    client = client_for(network_coordinator)
    response = client.post(
        "/network/cities/beta/status/",
        {"status": "withdrawn", "effective_on": "2025-02-03", "note": "asked to leave"},
    )
    assert response.status_code == 302
    city_b.network_profile.refresh_from_db()
    assert city_b.network_profile.status == "withdrawn"
    assert MembershipChange.objects.filter(city=city_b, status_to="withdrawn").count() == 1


def test_profile_form_refuses_bad_input_and_saves_nothing(city_a, coordinator_a):
    member(city_a)
    client = client_for(coordinator_a)
    response = client.post(
        "/network/cities/alpha/edit/",
        {
            "communication_language": "xx",
            "population": "-5",
            "area_km2": "abc",
            "schooling_men": "99",
            "mayor_name": "Bad\x00Name",
            "population_year": "1200",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "error-summary" in page
    for field in [
        "id_population",
        "id_area_km2",
        "id_schooling_men",
        "id_population_year",
        "id_communication_language",
        "id_mayor_name",
    ]:
        assert f'href="#{field}"' in page, field
    city_a.network_profile.refresh_from_db()
    assert city_a.network_profile.mayor_name == ""


def test_city_coordinator_joins_a_cluster_for_own_city_only(city_a, city_b, coordinator_a):
    member(city_a)
    member(city_b)
    client = client_for(coordinator_a)
    assert (
        client.post("/network/clusters/health/", {"city": "alpha", "member": "yes"}).status_code
        == 302
    )
    assert ClusterMembership.objects.filter(city=city_a, cluster__slug="health").exists()
    assert (
        client.post("/network/clusters/health/", {"city": "beta", "member": "yes"}).status_code
        == 403
    )
    assert not ClusterMembership.objects.filter(city=city_b).exists()


def test_seven_clusters_exist(client, db):
    assert Cluster.objects.count() == 7
    page = client.get("/network/clusters/").content.decode()
    assert "Education for sustainable development" in page and "Literacy" in page
    assert client.get("/network/clusters/nope/").status_code == 404

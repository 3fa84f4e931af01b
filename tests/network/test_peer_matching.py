"""Peer matching over HTTP: "cities like mine" from the member profiles and
"cities that can help me" from the stored index results, each with its reasons;
a city without results is told so plainly."""

from decimal import Decimal

import pytest

from tests.conftest import client_for, make_city
from tests.network.peer_factories import member, store_area_scores

pytestmark = pytest.mark.django_db
URL = "/network/cities/alpha/peers/"


@pytest.fixture
def network(city_a, city_b):
    member(
        city_a,
        "literacy",
        gdp_city_usd=Decimal("20000"),
        schooling_men=Decimal("11.0"),
        schooling_women=Decimal("12.0"),
    )
    member(
        city_b,
        "literacy",
        "esd",
        gdp_city_usd=Decimal("22000"),
        schooling_men=Decimal("11.5"),
        schooling_women=Decimal("12.5"),
    )
    far = make_city("delta", name="Delta", region="africa", country_code="KE", population=6_000_000)
    member(far, gdp_city_usd=Decimal("2000"))
    return city_a, city_b, far


def test_cities_like_mine_with_their_reasons(network, coordinator_a):
    page = client_for(coordinator_a).get(URL).content.decode()
    like = page.split('id="like"')[1].split('id="help"')[0]
    assert "Beta" in like and "Delta" not in like
    assert "Same UNESCO region: Europe and North America" in like
    assert "Similar population: 100,000 to 499,999 people" in like
    assert "Similar GDP per capita: US$ 22,000 (yours: US$ 20,000)" in like
    assert "Similar average years of schooling: 12.0 (yours: 11.5)" in like
    assert "Also in the cluster: Literacy" in like


def test_cities_that_can_help_from_the_stored_index_results(network, coordinator_a):
    alpha, beta, delta = network
    _run, areas = store_area_scores(
        {alpha: [20.0, 80.0, 40.0], beta: [70.0, 60.0, 45.0], delta: [25.0, 90.0, 10.0]}
    )
    page = client_for(coordinator_a).get(URL).content.decode()
    helping = page.split('id="help"')[1].split('id="exchanges"')[0]
    assert "Run 2025, 2025" in helping or "Run 2025" in helping
    weakest, second = areas[0].name, areas[2].name
    assert weakest in helping and second in helping
    # Beta leads by 50 + 5, Delta by 5 only (and is behind in the second area).
    assert helping.index("Beta") < helping.index("Delta")
    assert f"Stronger in “{weakest}”: 70.0 against your 20.0" in helping
    assert f"Stronger in “{second}”: 45.0 against your 40.0" in helping
    assert f"Stronger in “{weakest}”: 25.0 against your 20.0" in helping


def test_a_city_without_index_results_is_told_plainly(network, coordinator_a):
    _alpha, beta, _delta = network
    page = client_for(coordinator_a).get(URL).content.decode()
    assert "The network has no index results yet" in page
    store_area_scores({beta: [1.0, 2.0, 3.0]})
    page = client_for(coordinator_a).get(URL).content.decode()
    assert "Alpha has no results in the newest index (Run 2025, 2025)" in page


def test_who_sees_a_citys_peers(network, coordinator_a, coordinator_b, network_coordinator, client):
    assert client.get(URL).status_code == 302
    assert client_for(coordinator_b).get(URL).status_code == 403
    assert client_for(network_coordinator).get(URL).status_code == 200
    assert client_for(coordinator_a).get("/network/cities/nowhere/peers/").status_code == 404


def test_the_desk_links_to_peer_learning(network, coordinator_a):
    from learningcity.core.navigation import links_for

    city_a = network[0]
    urls = [link.url for link in links_for("desk", coordinator_a, city_a)]
    assert URL in urls


def test_matching_reads_a_bounded_number_of_queries(
    network, coordinator_a, django_assert_max_num_queries
):
    for number in range(20):
        member(make_city(f"extra-{number}"), "literacy", gdp_city_usd=Decimal("19000"))
    client = client_for(coordinator_a)
    with django_assert_max_num_queries(40):
        assert client.get(URL).status_code == 200

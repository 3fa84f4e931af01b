"""Monitoring dashboards in a real browser, in English and Arabic: axe-clean, one h1,
and every chart followed by a data table."""

import pytest

from learningcity.core.demo import DEMO_PASSWORD, seed_core
from learningcity.monitoring import demo as monitoring_demo
from tests.browser.conftest import assert_accessible, set_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    ("/medellin/monitoring/", "monitoring-city"),
    ("/medellin/monitoring/indicators/I1_1_1/", "monitoring-indicator"),
    ("/network/monitoring/", "monitoring-network"),
    ("/network/monitoring/report/", "monitoring-report"),
]
COORDINATOR_PAGES = [
    ("/medellin/monitoring/data/", "monitoring-data"),
    ("/medellin/monitoring/data/enter/", "monitoring-data-entry"),
]


@pytest.fixture
def network_with_results(db):
    context = seed_core("small", 7, log=lambda message: None)
    monitoring_demo.seed_demo(context)
    return context


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_dashboards_are_accessible_and_every_chart_has_a_table(
    page, live_server, network_with_results, language
):
    set_language(page, live_server.url, language)
    for path, name in PUBLIC_PAGES:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1
        charts = page.locator("svg[role=img]").count()
        assert page.locator("table").count() >= charts, path
        assert_accessible(page, f"{name}-{language}")

    sign_in(page, live_server.url, network_with_results.accounts["coordinator"].email)
    for path, name in COORDINATOR_PAGES:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert_accessible(page, f"{name}-{language}")

"""The Content-Security-Policy holds in a real browser: the map (Leaflet sets element
styles through the CSSOM, which the policy allows) and htmx work without
'unsafe-inline', and the walks' violation check really catches one."""

import pytest

from tests.browser.conftest import CSP_VIOLATIONS, assert_accessible
from tests.conftest import make_city, make_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city_with_districts(db):
    city = make_city("alpha", name="Alpha")
    for name in ["North", "South"]:
        make_district(city, name.lower(), name=name)
    return city


def test_the_map_opens_without_violating_the_policy(page, live_server, city_with_districts):
    page.goto(live_server.url + "/alpha/")
    page.locator("[data-show-map]").click()
    page.locator(".map .leaflet-container, .map.leaflet-container").first.wait_for()
    page.wait_for_timeout(300)  # let Leaflet finish placing markers
    assert_accessible(page, "csp-map")


def test_a_violation_fails_the_walk(page, live_server, city_with_districts):
    page.goto(live_server.url + "/alpha/")
    # A style attribute set from markup-like code is what the policy blocks.
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    page.wait_for_timeout(200)
    violations = CSP_VIOLATIONS[id(page.context)]
    assert any("style-src" in text for text in violations), violations
    violations.clear()  # expected here: do not fail this test's teardown

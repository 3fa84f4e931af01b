"""The API's interactive docs page (django-ninja's Swagger UI, served from our own
static files) works under the Content-Security-Policy: it loads, lists every
operation, and runs one request, with no violation and nothing fetched elsewhere."""

import pytest

from tests.browser.conftest import assert_no_csp_violations
from tests.conftest import make_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_page_runs_a_request_without_violating_the_policy(page, live_server):
    make_city("alpha", name="Alpha")
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            elsewhere.append(request.url)
            if not request.url.startswith((live_server.url, "data:"))
            else None
        ),
    )
    page.goto(live_server.url + "/api/v1/docs")
    page.locator("#operations-default-listSites").wait_for()
    assert page.locator(".opblock").count() == 7
    page.locator("#operations-default-listSites .opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.locator("#operations-default-listSites input[placeholder='city_slug']").fill("alpha")
    page.get_by_role("button", name="Execute").click()
    page.get_by_text('"count": 0').first.wait_for()
    assert_no_csp_violations(page, "api-docs")
    assert not elsewhere, elsewhere

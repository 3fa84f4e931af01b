"""A city coordinator's walk in a real browser, in English and Arabic: enter a value
(the form names the unit), preview the index with the city's values as they stand,
then open the city's printable report and its export. Axe-clean on every page."""

import pytest

from learningcity.core.demo import seed_core
from learningcity.monitoring import demo as monitoring_demo
from learningcity.monitoring.models import IndexRun, IndicatorValue
from tests.browser.conftest import assert_accessible, set_language
from tests.browser.test_monitoring_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def network_with_results(db):
    context = seed_core("small", 7, log=lambda message: None)
    monitoring_demo.seed_demo(context)
    return context


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_coordinator_enters_a_value_previews_the_index_and_prints_the_report(
    page, live_server, network_with_results, language
):
    base = live_server.url
    set_language(page, base, language)
    sign_in(page, base, network_with_results.accounts["coordinator"].email)

    # Data entry: one area at a time, each indicator with its unit.
    page.goto(f"{base}/medellin/monitoring/data/")
    assert page.locator("nav.subnav a[href^='?part=']").count() == 3
    assert_accessible(page, f"coordinator-data-{language}")
    page.goto(f"{base}/medellin/monitoring/data/enter/")
    options = page.locator("select[name=indicator] option")
    assert options.count() > 40
    literacy = page.locator("select[name=indicator] option", has_text="I1_1_1")
    assert "(" in literacy.inner_text()  # the unit is named
    page.select_option("select[name=indicator]", value=literacy.get_attribute("value"))
    page.fill("input[name=year]", "2025")
    page.fill("input[name=value]", "97.5")
    page.fill("input[name=source]", "Census")
    assert_accessible(page, f"coordinator-entry-{language}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert IndicatorValue.objects.filter(
        city__slug="medellin", indicator__code="I1_1_1", year=2025, value=97.5
    ).exists()

    # Preview: built on request, never stored.
    runs = IndexRun.objects.count()
    page.goto(f"{base}/medellin/monitoring/preview/")
    assert_accessible(page, f"coordinator-preview-form-{language}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#table-preview-areas").count() == 1
    assert page.locator("svg[role=img]").count() == 1
    assert_accessible(page, f"coordinator-preview-{language}")
    assert IndexRun.objects.count() == runs

    # The city's printable report and its export.
    page.goto(f"{base}/medellin/monitoring/")
    page.locator("a[href='/medellin/monitoring/report/']").click()
    page.wait_for_load_state()
    assert page.locator("h1").count() == 1
    assert page.locator("svg[role=img]").count() >= 2
    assert_accessible(page, f"coordinator-report-{language}")
    with page.expect_download() as download:
        page.locator("a[href='/medellin/monitoring/results.csv']").click()
    assert download.value.suggested_filename.startswith("medellin-index-")

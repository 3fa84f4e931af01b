"""A city coordinator builds the learning-city plan in a real browser, in English and
Arabic: the vision, a goal under an area of focus, an action with its provider, and
a target on a KFLC indicator whose progress is computed from the city's validated
values; then publishes it. The public plan page, the printable report and its PDF
(asked for, made by the task queue, downloaded) are axe-clean, with no
Content-Security-Policy violation."""

import pytest

from learningcity.catalogue.models import Provider
from learningcity.core.demo import seed_core
from learningcity.monitoring import services as monitoring_services
from learningcity.monitoring.models import FrameworkNode, IndicatorValue, ValueStatus
from learningcity.plans.models import Action, PlanVersion, ReportPrint, Target
from tests.browser.conftest import assert_accessible, set_language
from tests.browser.test_monitoring_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city_with_values(db):
    context = seed_core("small", 7, log=lambda message: None)
    city = context.demo_city
    # A transactional test empties the tables, the KFLC's too: load it again.
    framework = monitoring_services.ensure_default_framework()
    literacy = FrameworkNode.objects.get(framework=framework, code="I1_1_1")
    for year, value in ((2022, 80.0), (2023, 83.0), (2024, 86.0)):
        IndicatorValue.objects.create(
            city=city, indicator=literacy, year=year, value=value, status=ValueStatus.VALIDATED
        )
    # A draft value must not count.
    IndicatorValue.objects.create(city=city, indicator=literacy, year=2025, value=20.0)
    Provider.objects.create(city=city, slug="libraries", name="City libraries", sector="library")
    return context


def submit(page) -> None:
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_coordinator_builds_a_plan_and_sees_progress_from_real_values(
    page, live_server, city_with_values, language, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    set_language(page, base, language)
    sign_in(page, base, city_with_values.accounts["coordinator"].email)

    page.goto(f"{base}/medellin/plan/desk/")
    assert_accessible(page, f"plan-desk-empty-{language}")
    page.goto(f"{base}/medellin/plan/desk/plan/")
    page.fill("#id_title", "Medellín learns")
    page.fill("#id_vision", "Everyone learns, **everywhere**.")
    page.fill("#id_end_year", "2030")
    page.fill("#id_currency", "COP")
    assert_accessible(page, f"plan-vision-form-{language}")
    submit(page)

    area = FrameworkNode.objects.get(framework__is_default=True, code="A1_1")
    page.goto(f"{base}/medellin/plan/desk/goals/add/")
    page.select_option("#id_area", value=str(area.pk))
    page.fill("#id_title", "Every adult can read")
    submit(page)

    # A target with its year in the past is refused with a message on the field.
    page.goto(f"{base}/medellin/plan/desk/")
    page.locator("a[href$='/targets/add/']").first.click()
    page.wait_for_load_state()
    literacy = page.locator("#id_indicator option", has_text="I1_1_1")
    page.select_option("#id_indicator", value=literacy.get_attribute("value"))
    page.fill("#id_baseline_year", "2022")
    page.fill("#id_baseline_value", "80")
    page.fill("#id_target_year", "2020")
    page.fill("#id_target_value", "96")
    submit(page)
    assert page.locator(".error-summary").count() == 1
    assert page.locator("#id_target_year_error").count() == 1
    assert_accessible(page, f"plan-target-error-{language}")
    assert not Target.objects.exists()
    page.fill("#id_target_year", "2030")
    submit(page)
    assert Target.objects.count() == 1

    page.goto(f"{base}/medellin/plan/desk/actions/add/")
    page.select_option("#id_goal", index=1)
    page.fill("#id_title", "Reading circles in every comuna")
    page.select_option("#id_provider", label="City libraries")
    page.fill("#id_budget", "1500000")
    page.fill("#id_start_date", "2025-01-15")
    page.fill("#id_end_date", "2027-12-15")
    assert_accessible(page, f"plan-action-form-{language}")
    submit(page)
    assert Action.objects.get().provider.name == "City libraries"

    # Progress from the validated values: 86 in 2024 against a path of 84 → on track.
    page.goto(f"{base}/medellin/plan/desk/")
    assert page.locator(".plan-status-on_track").count() == 1
    assert "86 (2024)" in page.locator("main table").first.inner_text()
    assert_accessible(page, f"plan-desk-{language}")

    page.goto(f"{base}/medellin/plan/desk/publish/")
    assert_accessible(page, f"plan-publish-{language}")
    submit(page)
    assert PlanVersion.objects.count() == 1

    # The public page, as anyone sees it.
    page.context.clear_cookies()
    set_language(page, base, language)
    page.goto(f"{base}/medellin/plan/")
    assert page.locator("h1").count() == 1
    assert page.locator("#rule").count() == 1
    assert page.locator(".plan-status-on_track").count() >= 1
    assert "Reading circles in every comuna" in page.content()
    assert_accessible(page, f"plan-public-{language}")
    page.select_option("#filter-status", value="planned")
    page.locator("form.plan-filter button[type=submit]").click()
    page.wait_for_load_state()
    assert "status=planned" in page.url
    assert_accessible(page, f"plan-public-filtered-{language}")
    page.goto(f"{base}/medellin/plan/report/")
    assert page.locator("h1").count() == 1
    assert_accessible(page, f"plan-report-{language}")

    # The PDF: asked for on its page, made by the task queue, then downloaded.
    page.goto(f"{base}/medellin/plan/report/pdf/")
    assert_accessible(page, f"plan-report-pdf-{language}")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()
    job = ReportPrint.objects.get()
    assert job.status == "done" and job.language == language
    link = page.locator(f"a[href='/medellin/plan/report/pdf/{job.pk}/']")
    assert link.count() == 1
    assert_accessible(page, f"plan-report-pdf-ready-{language}")
    response = page.request.get(base + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")

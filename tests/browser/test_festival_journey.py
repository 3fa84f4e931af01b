"""A learning festival assembled from providers' events and its programme printed,
in a real browser, in English and Arabic: a provider's staff submits an opportunity
with its festival session, the city's coordinator accepts it, the public programme
shows it (list beside the map), the print version, and the PDF booklet prepared by
the task queue and downloaded. Axe-clean on every page."""

import pytest

from learningcity.festivals.models import Entry, EntryStatus, FestivalEvent, ProgrammePrint
from tests.browser.conftest import assert_accessible, set_language
from tests.browser.test_provider_journey import sign_in
from tests.catalogue.factories import make_site
from tests.conftest import make_city, make_district, make_user
from tests.festivals.factories import setup_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def festival_city(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    city = make_city("alpha", name="Alpha", languages=["en", "ar"], is_demo=True)
    setup = setup_city(city)
    north = make_district(city, "north", name="North")
    hall = make_site(city, slug="hall", name="Harbour Hall", address="3 Quay Road", district=north)
    setup.opportunity.site = hall
    setup.opportunity.save()
    coordinator = make_user("coordinator@example.org")
    from learningcity.core.models import Role, RoleGrant

    RoleGrant.objects.create(user=coordinator, role=Role.CITY_COORDINATOR, city=city)
    return setup, coordinator


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_festival_is_assembled_and_its_programme_printed(
    page, browser, live_server, festival_city, language
):
    setup, coordinator = festival_city
    base = live_server.url
    festival_url = f"{base}/alpha/festivals/{setup.festival.slug}/"

    # The provider's staff submits their opportunity with its festival session.
    set_language(page, base, language)
    sign_in(page, base, setup.staff.email)
    page.goto(f"{base}/alpha/festivals/")
    assert_accessible(page, f"festival-list-{language}")
    page.locator(f"a[href='/alpha/festivals/{setup.festival.slug}/submit/']").click()
    page.wait_for_load_state()
    assert_accessible(page, f"festival-submit-{language}")
    page.select_option("select[name=opportunity]", value=setup.opportunity.slug)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.locator("input[name=sessions]").first.is_checked()  # the festival's date
    assert_accessible(page, f"festival-submit-sessions-{language}")
    page.locator("textarea[name=note]").fill("Meet at the harbour gate.")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()
    entry = Entry.objects.get()
    assert entry.status == EntryStatus.PENDING and entry.note == "Meet at the harbour gate."

    # The coordinator accepts it.
    desk = browser.new_context(viewport={"width": 1024, "height": 800})
    coordinator_page = desk.new_page()
    set_language(coordinator_page, base, language)
    sign_in(coordinator_page, base, coordinator.email)
    coordinator_page.goto(f"{festival_url}manage/")
    assert_accessible(coordinator_page, f"festival-entries-{language}")
    coordinator_page.locator(
        f"form[action$='/{entry.public_id}/decide/'] input[value=accept]"
    ).locator("xpath=..").locator("button").click()
    coordinator_page.wait_for_load_state()
    assert Entry.objects.get().status == EntryStatus.ACCEPTED
    assert FestivalEvent.objects.count() == 1
    desk.close()

    # The public programme: the event by day, with its place; the map beside the list.
    page.goto(festival_url)
    assert "Poetry walk" in page.locator("main").inner_text()
    assert "Harbour Hall" in page.locator("main").inner_text()
    assert_accessible(page, f"festival-programme-{language}")
    page.locator("[data-show-map]").click()
    page.locator(".map .leaflet-marker-icon").first.wait_for()
    assert_accessible(page, f"festival-programme-map-{language}")
    page.select_option("select[name=district]", value="north")
    page.locator("form.festival-filters button[type=submit]").click()
    page.wait_for_load_state()
    assert "district=north" in page.url and "Poetry walk" in page.locator("main").inner_text()

    # Printing: the print page, then the PDF booklet made by the task queue.
    page.goto(f"{festival_url}print/")
    assert_accessible(page, f"festival-print-{language}")
    page.goto(f"{festival_url}booklet/")
    assert_accessible(page, f"festival-booklet-{language}")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()
    job = ProgrammePrint.objects.get()
    assert job.status == "done" and job.language == language
    link = page.locator(f"a[href='/alpha/festivals/{setup.festival.slug}/booklet.pdf']")
    assert link.count() == 1
    assert_accessible(page, f"festival-booklet-ready-{language}")
    # Chromium shows a PDF in its viewer: fetch the file with the page's cookies.
    response = page.request.get(base + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")

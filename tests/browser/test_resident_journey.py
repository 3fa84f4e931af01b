"""The resident's new walk (issue 8): home → find the city → search with the results
first on a phone → join → "You have joined" → add to calendar → save the search.
Every page axe-clean, in English and Arabic; and the same walk without JavaScript."""

from datetime import timedelta

import pytest
from django.utils import timezone

from learningcity.catalogue import search, views_finder
from learningcity.catalogue.models import Enrolment, SavedSearch
from learningcity.catalogue.schedule import refresh_schedule
from tests.browser.conftest import assert_accessible, set_language
from tests.catalogue.factories import make_opportunity, make_provider, make_session, make_site
from tests.conftest import make_city, make_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def city_with_learning(db):
    search.forget_indexes()
    views_finder.forget_examples()
    city = make_city("alpha", name="Alpha", languages=["en"], latitude=51.9, longitude=-8.47)
    make_city("beta", name="Beta", latitude=40.0, longitude=-3.7)
    district = make_district(city, "riverside", name="Riverside")
    provider = make_provider(city, name="Alpha Libraries", email="library@example.org")
    site = make_site(city, name="Riverside Library", address="2 Quay Street", district=district)
    start = timezone.now() + timedelta(days=3)
    for number, title in enumerate(["Yoga for everyone", "Gentle yoga", "Yoga by the river"]):
        opportunity = make_opportunity(
            provider,
            slug=f"yoga-{number}",
            title=title,
            description="Stretch and breathe with neighbours.",
            site=site,
            capacity=10,
        )
        # The session is at the opportunity's main place: it names no place itself.
        make_session(opportunity, starts_at=start, ends_at=start + timedelta(hours=1))
        refresh_schedule(opportunity)
    yield city
    search.forget_indexes()


def marker_image_loaded(page) -> bool:
    """Wait (up to ten seconds) for the first marker's image to arrive; the page's
    Content-Security-Policy forbids wait_for_function's eval, so poll instead."""
    for _attempt in range(100):
        if page.evaluate("document.querySelector('.leaflet-marker-icon').naturalWidth") > 0:
            return True
        page.wait_for_timeout(100)
    return False


def join_as_guest(page, name: str, email: str) -> None:
    panel = page.locator(".enrol-panel").first
    panel.locator("input[name=name]").fill(name)
    panel.locator("input[name=email]").fill(email)
    panel.locator("button[type=submit]").click()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_home_find_join_calendar_and_save(browser, live_server, city_with_learning, language):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    set_language(page, live_server.url, language)

    page.goto(f"{live_server.url}/")
    assert_accessible(page, f"resident-home-{language}")
    page.locator("#city-name").fill("alph")
    page.locator("form.find-city button[type=submit]").click()
    assert_accessible(page, f"resident-home-found-{language}")
    page.locator("main section a[href='/alpha/']").click()
    assert page.url.endswith("/alpha/")

    page.goto(f"{live_server.url}/alpha/learn/?q=yoga")
    first = page.locator(".result h3 a").first
    assert first.is_visible()
    page.screenshot(path=f"artefacts/screenshots/resident-finder-phone-top-{language}.png")
    # Results first: on a phone the first result is on the first screen, and the
    # filters wait behind one button.
    assert first.bounding_box()["y"] + 20 < PHONE["height"]
    assert not page.locator(".refine .filters").is_visible()
    assert_accessible(page, f"resident-finder-phone-{language}")
    page.locator(".refine > summary").click()
    assert page.locator(".refine .filters").is_visible()

    # The map's markers load their images (no ".../vendorleafletmarker-icon.png" 404)
    # and a click on the map chooses where the search starts from.
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.locator("[data-show-map]").click()
    marker = page.locator(".leaflet-marker-icon").first
    marker.wait_for()
    assert marker.get_attribute("src").endswith("/leaflet/images/marker-icon.png")
    assert marker_image_loaded(page)
    assert not missing
    box = page.locator(".map").bounding_box()
    page.mouse.click(box["x"] + 20, box["y"] + box["height"] - 20)
    assert page.locator("form.finder input[name=lat]").input_value()
    assert page.locator("form.finder input[name=lng]").input_value()

    first.click()
    join_as_guest(page, "Ana", "ana@example.org")
    enrolment = Enrolment.objects.get(guest_email="ana@example.org")
    assert "2 Quay Street" in page.locator("main").inner_text()
    assert_accessible(page, f"resident-joined-{language}")
    calendar = page.locator(f"main a[href$='{enrolment.public_id}/calendar.ics']")
    assert calendar.is_visible()
    ics = page.request.get(live_server.url + calendar.get_attribute("href")).text()
    assert "LOCATION:Riverside Library\\, 2 Quay Street" in ics

    page.locator("main a[href*='/opportunities/']").first.click()
    panel = page.locator(".enrol-panel").first
    assert panel.locator(".message-success").is_visible()
    assert panel.locator("a[href$='/cancel/']").is_visible()
    assert panel.locator("a[href$='calendar.ics']").is_visible()
    assert_accessible(page, f"resident-opportunity-joined-{language}")

    page.goto(f"{live_server.url}/alpha/learn/?q=yoga")
    page.locator("#save-email").fill("ana@example.org")
    page.locator(".save-search button[type=submit]").click()
    saved = SavedSearch.objects.get(guest_email="ana@example.org")
    assert saved.query == "q=yoga"
    assert_accessible(page, f"resident-search-saved-{language}")
    context.close()


def assert_accessible_without_page_scripts(browser, url: str, name: str) -> None:
    """axe is itself JavaScript, so it cannot run where JavaScript is off: the same
    page is checked in a context where every script of the site is refused (no
    inline script exists, the Content-Security-Policy forbids it), which is what a
    visitor without JavaScript gets."""
    context = browser.new_context(viewport=PHONE)
    context.route("**/*.js", lambda route: route.abort())
    page = context.new_page()
    page.goto(url)
    assert not page.locator("[data-locate]").is_visible()
    assert_accessible(page, name)
    context.close()


def test_the_resident_walk_works_without_javascript(browser, live_server, city_with_learning):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    assert not page.locator("[data-locate]").is_visible()
    page.locator("#city-name").fill("Alpha")
    page.locator("form.find-city button[type=submit]").click()
    assert page.locator("main section a[href='/alpha/']").is_visible()

    page.goto(f"{live_server.url}/alpha/learn/")
    # Controls that need JavaScript stay hidden: no dead buttons.
    assert not page.locator("[data-locate]").is_visible()
    page.locator("#q").fill("yoga")
    page.locator("form.finder .finder-bar button[type=submit]").first.click()
    assert page.locator(".result h3 a").first.bounding_box()["y"] < PHONE["height"]
    page.locator(".refine > summary").click()  # <details> opens without JavaScript
    assert page.locator(".refine .filters").is_visible()
    assert_accessible_without_page_scripts(browser, page.url, "resident-finder-no-js")

    page.locator(".result h3 a").first.click()
    assert not page.locator("[data-copy-link]").is_visible()
    join_as_guest(page, "Chen", "chen@example.org")
    assert Enrolment.objects.filter(guest_email="chen@example.org").exists()
    page.locator("main a[href*='/opportunities/']").first.click()
    assert page.locator(".enrol-panel .message-success").first.is_visible()
    assert_accessible_without_page_scripts(browser, f"{live_server.url}/", "resident-home-no-js")
    context.close()

"""The foundation's pages in a real browser, in English and Arabic, axe-clean."""

import pytest

from learningcity.core.models import Role, RoleGrant
from tests.browser.conftest import assert_accessible, set_language
from tests.conftest import PASSWORD, make_city, make_district, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_city(db):
    city = make_city("alpha", name="Alpha", is_demo=True, description="A learning city.")
    make_city("beta", name="Beta")
    for name in ["North", "South", "Old Town"]:
        make_district(city, name.lower().replace(" ", "-"), name=name)
    return city


@pytest.mark.parametrize("language", ["en", "ar"])
def test_public_pages_are_accessible(page, live_server, demo_city, language):
    set_language(page, live_server.url, language)
    for path, name in [
        ("/", "home"),
        ("/network/", "network"),
        ("/alpha/", "city"),
        ("/accounts/login/", "login"),
        ("/accounts/signup/", "signup"),
        ("/no-such-city/", "not-found"),
    ]:
        page.goto(live_server.url + path)
        assert page.locator("h1").count() == 1
        expected_dir = "rtl" if language == "ar" else "ltr"
        assert page.locator("html").get_attribute("dir") == expected_dir
        assert_accessible(page, f"{name}-{language}")


def test_keyboard_user_can_skip_to_content_and_switch_language(page, live_server, demo_city):
    page.goto(live_server.url + "/alpha/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Français").click()
    assert page.url.endswith("/alpha/")
    assert page.locator("html").get_attribute("lang") == "fr"


def test_invalid_sign_in_shows_an_error_summary(page, live_server, demo_city):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_label("Password").fill("wrong password")
    page.locator("main form button[type=submit]").click()
    assert page.locator(".error-summary").is_visible()
    assert_accessible(page, "login-error-en")


def test_coordinator_edits_a_district_at_phone_width(page, live_server, demo_city):
    user = make_user("coord@example.org")
    RoleGrant.objects.create(user=user, role=Role.CITY_COORDINATOR, city=demo_city)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(live_server.url + "/accounts/login/?next=/alpha/manage/")
    page.get_by_label("Email address").fill("coord@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/alpha/manage/")
    # Reflow: nothing wider than the 320 px viewport forces sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page, "manage-320-en")
    page.get_by_role("link", name="Edit North").click()
    page.get_by_label("Older people (65+)").fill("1234")
    page.get_by_role("button", name="Save").click()
    assert "District saved." in page.content()

"""A good practice in a real browser, in English and Arabic: a city coordinator
writes and submits it, a network coordinator reviews and publishes it, a visitor
finds it in the library and reads it with its similar practices. axe-clean and no
Content-Security-Policy violation on every page."""

import pytest

from learningcity.network import search
from learningcity.network.similarity import recompute_similar_practices
from tests.browser.conftest import assert_accessible, set_language
from tests.conftest import PASSWORD, make_city, make_user
from tests.network.factories import published_practice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def sign_out(page) -> None:
    page.locator("header nav form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.fixture
def network(db):
    from learningcity.core.models import Role, RoleGrant
    from learningcity.network import services

    search.forget_library_index()
    alpha = make_city("alpha", name="Alpha")
    beta = make_city("beta", name="Beta", region="africa", country_code="KE")
    for city in (alpha, beta):
        services.ensure_profile(city)
        services.change_membership_status(actor=None, city=city, status="member")
    writer = make_user("writer@example.org", display_name="Writer")
    RoleGrant.objects.create(user=writer, role=Role.CITY_COORDINATOR, city=alpha)
    reviewer = make_user("reviewer@example.org", display_name="Reviewer")
    RoleGrant.objects.create(user=reviewer, role=Role.NETWORK_COORDINATOR)
    published_practice(beta, reviewer, title="Reading circles for adults in libraries")
    yield {"writer": writer, "reviewer": reviewer}
    search.forget_library_index()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_practice_is_submitted_reviewed_published_found_and_shown_with_similar(
    page, live_server, network, language
):
    base = live_server.url
    set_language(page, base, language)

    sign_in(page, base, "writer@example.org")
    page.goto(f"{base}/network/practices/new/")
    assert_accessible(page, f"network-practice-new-{language}")
    page.locator("#id_title").fill("Evening literacy circles in public libraries")
    page.locator("#id_summary").fill("Volunteers run literacy circles for adults every week.")
    page.locator("#id_problem").fill("Many adults cannot read letters from the city.")
    page.locator("#id_actions").fill("Libraries opened evening literacy circles with volunteers.")
    page.locator("#id_results").fill("Four hundred adults joined the circles.")
    page.locator("input[name=themes][value=eq-vulnerable]").check()
    page.locator("input[name=sdgs][value='4']").check()
    page.locator("#id_language").select_option("en")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Evening literacy circles in public libraries"
    assert_accessible(page, f"network-practice-draft-{language}")
    page.locator("form[action$='/submit/'] button").click()
    page.wait_for_load_state()
    practice_url = page.url
    sign_out(page)

    sign_in(page, base, "reviewer@example.org")
    page.goto(f"{base}/network/practices/review/")
    assert_accessible(page, f"network-review-queue-{language}")
    page.locator("main li a").first.click()
    page.wait_for_load_state()
    assert_accessible(page, f"network-review-{language}")
    page.locator("input[name=decision][value=publish]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    sign_out(page)

    recompute_similar_practices()  # the background task's work, run here
    page.goto(f"{base}/network/practices/?q=literacy+circles")
    assert_accessible(page, f"network-library-{language}")
    link = page.locator("main a", has_text="Evening literacy circles in public libraries")
    assert link.count() == 1
    link.click()
    page.wait_for_load_state()
    assert page.url.split("?")[0] == practice_url.split("?")[0]
    similar = page.locator("#similar-title + ul li")
    assert similar.count() >= 1
    assert "Reading circles for adults in libraries" in similar.first.inner_text()
    assert page.locator("script[type='application/ld+json']").count() == 1
    assert_accessible(page, f"network-practice-{language}")

    page.goto(f"{base}/network/cities/")
    assert page.locator("main h3 a", has_text="Alpha").count() == 1
    assert_accessible(page, f"network-directory-{language}")

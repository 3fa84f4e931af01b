"""A provider's walk: sign in → new opportunity (kind, a place found by searching) →
a weekly session from the repeat picker → the public page → a copy → unpublish →
a message to the people enrolled. Every page axe-clean, in English and in Arabic."""

import re

import pytest
from django.core import mail

from learningcity.catalogue.models import Opportunity, Session
from learningcity.catalogue.services import enrol_person
from tests.browser.conftest import assert_accessible, set_language
from tests.catalogue.factories import make_provider, make_site, make_staff
from tests.conftest import PASSWORD, make_city, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVE = "main form button[type=submit]:not([name=search])"


@pytest.fixture
def provider_staff(db):
    city = make_city("alpha", name="Alpha", languages=["en", "es"], is_demo=True)
    provider = make_provider(city, slug="alpha-library", name="Alpha Library", sector="library")
    for number in range(30):
        make_site(city, slug=f"branch-{number}", name=f"Branch {number}")
    make_site(city, slug="harbour", name="Harbour Hall", address="3 Quay Road")
    user = make_user("staff@example.org")
    make_staff(provider, user)
    return user


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_create_view_copy_unpublish_and_message(page, live_server, provider_staff, language):
    base = live_server.url
    set_language(page, base, language)
    sign_in(page, base, provider_staff.email)

    page.goto(f"{base}/alpha/learn/workspace/providers/alpha-library/")
    assert_accessible(page, f"workspace-provider-{language}")
    page.locator("a[href$='/opportunities/new/']").click()
    assert page.locator("input[name=slug]").count() == 0
    page.locator("input[name=title]").fill("Sea shanties")
    page.locator("select[name=kind]").select_option("lecture")
    page.locator("select[name=level]").select_option("informal")
    page.locator("select[name=format]").select_option("in_person")
    page.locator("input[name=site_query]").fill("quay")
    page.locator("button[name=search][value=site_query]").click()
    page.wait_for_load_state()
    assert page.locator("input[name=title]").input_value() == "Sea shanties"  # kept
    assert_accessible(page, f"workspace-opportunity-form-{language}")
    page.get_by_label(re.compile("Harbour Hall")).check()
    page.locator(SAVE).click()
    page.wait_for_load_state()
    opportunity = Opportunity.objects.get(title="Sea shanties")
    assert opportunity.kind == "lecture" and opportunity.site.slug == "harbour"

    page.locator("a[href$='/sessions/new/']").click()
    page.locator("input[name=starts_at]").fill("2030-03-02T18:00")
    page.locator("input[name=ends_at]").fill("2030-03-02T20:00")
    page.locator("input[name=repeat][value=weekly]").check()
    page.locator("input[name=repeat_days][value=SA]").check()
    page.locator("input[name=repeat_until]").fill("2030-04-27")
    assert_accessible(page, f"workspace-session-form-{language}")
    page.locator(SAVE).click()
    page.wait_for_load_state()
    session = Session.objects.get(opportunity=opportunity)
    assert session.recurrence.startswith("FREQ=WEEKLY;BYDAY=SA;UNTIL=20300427T")
    assert "3 Quay Road" in page.locator("main table").inner_text()  # the main place
    assert_accessible(page, f"workspace-opportunity-{language}")
    enrol_person(session=session, name="Ana", email="ana@example.org")

    page.locator(f"main a[href='/alpha/learn/opportunities/{opportunity.slug}/']").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Sea shanties"
    page.go_back()

    page.locator("form[action$='/duplicate/'] button").click()
    page.wait_for_load_state()
    copy = Opportunity.objects.get(slug=f"{opportunity.slug}-copy")
    assert not copy.is_published and page.url.endswith(f"/{copy.slug}/")

    page.goto(f"{base}/alpha/learn/workspace/opportunities/{opportunity.slug}/")
    page.locator("form[action$='/publish/'] button").click()
    page.wait_for_load_state()
    opportunity.refresh_from_db()
    assert not opportunity.is_published

    page.goto(f"{base}/alpha/learn/workspace/opportunities/{opportunity.slug}/message/")
    assert_accessible(page, f"workspace-message-{language}")
    page.locator("input[name=subject]").fill("Room change")
    page.locator("textarea[name=message]").fill("We meet in the upstairs room.")
    page.locator(SAVE).click()
    page.wait_for_load_state()
    messages = [message for message in mail.outbox if "Room change" in message.subject]
    assert [message.to for message in messages] == [["ana@example.org"]]
    assert page.url.endswith(f"/workspace/opportunities/{opportunity.slug}/")

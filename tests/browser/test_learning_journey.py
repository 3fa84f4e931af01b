"""A resident's walk: search → detail → enrol → (a second person waits) → cancel →
the first in line is promoted. Every page axe-clean, in English and in Arabic."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from learningcity.catalogue.models import Enrolment, EnrolmentStatus
from learningcity.catalogue.schedule import refresh_schedule
from tests.browser.conftest import assert_accessible, set_language
from tests.catalogue.factories import make_opportunity, make_provider, make_session, make_site
from tests.conftest import make_city, make_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def one_seat_course(db):
    city = make_city("alpha", name="Alpha", languages=["en", "es"], is_demo=True)
    district = make_district(city, "riverside", name="Riverside")
    provider = make_provider(city, name="Alpha Libraries", sector="library")
    site = make_site(city, name="Riverside Library", district=district, accessibility=1)
    opportunity = make_opportunity(
        provider,
        slug="spanish-for-beginners",
        title="Spanish for beginners",
        description="Learn everyday Spanish with neighbours. Free, friendly, step-free site.",
        site=site,
        topics=2,
        capacity=1,
    )
    start = timezone.now() + timedelta(days=3)
    session = make_session(
        opportunity, site=site, starts_at=start, ends_at=start + timedelta(hours=2)
    )
    refresh_schedule(opportunity)
    make_opportunity(provider, title="Pottery for families")
    return session


def enrol_as_guest(page, name: str, email: str) -> None:
    page.locator(".enrol-panel input[name=name]").fill(name)
    page.locator(".enrol-panel input[name=email]").fill(email)
    page.locator(".enrol-panel button[type=submit]").click()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_search_enrol_cancel_and_waitlist_promotion(
    browser, live_server, one_seat_course, language
):
    session = one_seat_course
    first = browser.new_context()
    page = first.new_page()
    set_language(page, live_server.url, language)

    page.goto(f"{live_server.url}/alpha/learn/")
    assert_accessible(page, f"finder-{language}")
    page.locator("input[name=q]").fill("spansh")  # a typo still finds the course
    page.locator("input[name=q]").press("Enter")
    result = page.locator("main a", has_text="Spanish for beginners").first
    assert result.is_visible()
    assert_accessible(page, f"finder-results-{language}")

    result.click()
    assert page.locator("h1").inner_text() == "Spanish for beginners"
    assert page.locator('script[type="application/ld+json"]').count() >= 1
    assert_accessible(page, f"opportunity-{language}")

    enrol_as_guest(page, "Ana", "ana@example.org")
    assert_accessible(page, f"enrolment-confirmed-{language}")
    ana = Enrolment.objects.get(guest_email="ana@example.org")
    assert ana.status == EnrolmentStatus.CONFIRMED
    ana_page = page.url

    # A second person finds the course full and joins the waiting list.
    second = browser.new_context()
    other = second.new_page()
    set_language(other, live_server.url, language)
    other.goto(f"{live_server.url}/alpha/learn/opportunities/spanish-for-beginners/")
    enrol_as_guest(other, "Bilal", "bilal@example.org")
    bilal = Enrolment.objects.get(guest_email="bilal@example.org")
    assert bilal.status == EnrolmentStatus.WAITLISTED
    assert_accessible(other, f"enrolment-waitlisted-{language}")

    # Ana cancels from her private page (one question: "Yes, cancel my place");
    # Bilal, first in line, gets the place.
    page.goto(ana_page)
    mail.outbox.clear()
    page.locator("main a[href$='/cancel/']").click()
    page.locator("main form button[type=submit]").click()
    bilal.refresh_from_db()
    ana.refresh_from_db()
    assert ana.status == EnrolmentStatus.CANCELLED
    assert bilal.status == EnrolmentStatus.CONFIRMED
    assert any("bilal@example.org" in message.to for message in mail.outbox)
    assert_accessible(page, f"enrolment-cancelled-{language}")
    assert session.enrolments.filter(status=EnrolmentStatus.CONFIRMED).count() == 1
    first.close()
    second.close()


def test_finder_works_without_javascript(browser, live_server, one_seat_course):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/alpha/learn/?q=spanish")
    assert page.locator("main a", has_text="Spanish for beginners").first.is_visible()
    page.locator("main a", has_text="Spanish for beginners").first.click()
    enrol_as_guest(page, "Chen", "chen@example.org")
    assert Enrolment.objects.filter(guest_email="chen@example.org").exists()
    context.close()

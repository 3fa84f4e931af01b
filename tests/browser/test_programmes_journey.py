"""The three inclusion programmes end to end in a real browser, in English and Arabic,
every page axe-clean with no Content-Security-Policy violation:

- befriending: a resident asks for a volunteer (a bad time first), a volunteer
  registers, the coordinator records the checks, matches and accepts; the volunteer
  plans an activity, books both of them and logs a visit; the desk shows the hours;
- career guidance and mentoring: the coordinator adds a counsellor, who publishes a
  time; the resident books it and later reads the counsellor's note; the resident asks
  for a mentor, the coordinator adds one, matches and accepts; the mentee adds a goal;
- intergenerational learning: the coordinator adds two groups, matches them, accepts
  (sessions appear in the catalogue) and logs attendance."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from learningcity.catalogue.models import TOPICS, Enrolment, Session
from learningcity.core.demo import seed_core
from learningcity.core.models import District
from learningcity.programmes.models import (
    AppointmentSlot,
    GroupAttendance,
    GroupPair,
    Mentorship,
    Pair,
    PairStatus,
    Visit,
)
from tests.browser.conftest import assert_accessible, set_language
from tests.browser.test_monitoring_pages import sign_in
from tests.catalogue.factories import make_opportunity, make_provider, make_session, make_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city():
    context = seed_core("small", 11, log=lambda message: None)
    city = context.demo_city
    provider = make_provider(city)
    opportunity = make_opportunity(
        provider,
        title="Museum walk",
        topics=TOPICS.to_mask(["arts"]),
        languages=["es"],
        next_start=timezone.now() + timedelta(days=3),
    )
    make_session(opportunity, starts_at=timezone.now() + timedelta(days=3))
    return context


def submit(page, form: str = "main form[method=post]") -> None:
    page.locator(f"{form} button[type=submit]").last.click()
    page.wait_for_load_state()


def fill_time(page, row: int, day: str, start: str, end: str) -> None:
    page.select_option(f"#id_slot_{row}_day", day)
    page.fill(f"#id_slot_{row}_start", start)
    page.fill(f"#id_slot_{row}_end", end)


def new_page(browser, base: str, language: str, email: str):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    set_language(page, base, language)
    sign_in(page, base, email)
    return page


@pytest.mark.parametrize("language", ["en", "ar"])
def test_befriending_from_referral_to_a_logged_visit(page, browser, live_server, city, language):
    base, slug = live_server.url, city.demo_city.slug
    district = District.objects.filter(city=city.demo_city).order_by("pk").first()
    set_language(page, base, language)
    sign_in(page, base, city.accounts["resident"].email)
    page.goto(f"{base}/{slug}/programmes/")
    assert_accessible(page, f"programmes-overview-{language}")

    # A referral with a time that ends before it starts: refused, nothing kept.
    page.goto(f"{base}/{slug}/programmes/befriending/refer/")
    page.select_option("#id_referred_by", "self")
    page.fill("#id_first_name", "Ana")
    page.check("#id_consent")
    page.fill("#id_consent_how", "on this form")
    page.fill("#id_languages", "Spanish")
    page.check("#id_interests_5")  # arts and culture
    page.select_option("#id_district", str(district.pk))
    fill_time(page, 1, "tue", "12:00", "10:00")
    submit(page)
    assert page.locator("#error-summary").count() == 1
    assert_accessible(page, f"programmes-refer-error-{language}")
    fill_time(page, 1, "tue", "10:00", "12:00")
    submit(page)

    # A volunteer registers.
    volunteer = new_page(browser, base, language, city.account("vol", name="Lucía").email)
    volunteer.goto(f"{base}/{slug}/programmes/befriending/volunteer/")
    assert_accessible(volunteer, f"programmes-volunteer-form-{language}")
    volunteer.fill("#id_languages", "español, English")
    volunteer.check("#id_interests_5")
    volunteer.select_option("#id_district", str(district.pk))
    volunteer.fill("#id_travel_km", "10")
    fill_time(volunteer, 1, "tue", "09:00", "13:00")
    submit(volunteer)
    assert_accessible(volunteer, f"programmes-volunteer-home-{language}")

    # The coordinator records both checks, matches and accepts.
    desk = new_page(browser, base, language, city.accounts["coordinator"].email)
    desk.goto(f"{base}/{slug}/programmes/desk/")
    desk.locator("main a[href*='/desk/volunteers/']").first.click()
    desk.wait_for_load_state()
    today = timezone.localdate()
    for kind in ("training", "safeguarding"):
        desk.select_option("#id_kind", kind)
        desk.fill("#id_checked_on", (today - timedelta(days=5)).isoformat())
        desk.fill("#id_expires_on", (today + timedelta(days=365)).isoformat())
        submit(desk)
    assert_accessible(desk, f"programmes-volunteer-checks-{language}")
    desk.goto(f"{base}/{slug}/programmes/desk/")
    submit(desk, "form[action$='/desk/match/']")
    assert_accessible(desk, f"programmes-desk-proposal-{language}")
    submit(desk, "form[action$='/accept/']")
    pair = Pair.objects.get(status=PairStatus.ACTIVE)
    desk.goto(f"{base}/{slug}/programmes/desk/residents/{pair.resident.public_id}/")
    assert_accessible(desk, f"programmes-resident-record-{language}")

    # The volunteer plans the museum walk, books both of them and logs a visit.
    volunteer.goto(f"{base}/{slug}/programmes/befriending/pairs/{pair.public_id}/")
    volunteer.select_option("#id_plan-opportunity", label="Museum walk")
    submit(volunteer, "form[action$='/plan/']")
    volunteer.select_option("#id_join-session", index=1)
    submit(volunteer, "form[action$='/join/']")
    assert Enrolment.objects.filter(session__opportunity__title="Museum walk").count() == 2
    volunteer.fill("#id_visit-hours", "2.5")
    submit(volunteer, "form[action$='/visits/']")
    assert Visit.objects.get().hours == 2.5
    assert_accessible(volunteer, f"programmes-pair-{language}")

    desk.goto(f"{base}/{slug}/programmes/desk/")
    assert re.search(r"2[.,٫]5", desk.locator("dl.figures").inner_text())
    assert_accessible(desk, f"programmes-desk-{language}")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_career_guidance_and_mentoring(page, browser, live_server, city, language):
    base, slug = live_server.url, city.demo_city.slug
    counsellor_user = city.account("counsellor", name="Marta")
    mentor_user = city.account("mentor", name="Beatriz")
    desk = new_page(browser, base, language, city.accounts["coordinator"].email)
    desk.goto(f"{base}/{slug}/programmes/guidance/counsellors/add/")
    desk.fill("#id_email", counsellor_user.email)
    desk.fill("#id_languages", "Spanish")
    submit(desk)

    counsellor = new_page(browser, base, language, counsellor_user.email)
    counsellor.goto(f"{base}/{slug}/programmes/guidance/mine/")
    tomorrow = timezone.localdate() + timedelta(days=1)
    counsellor.fill("#id_day", tomorrow.isoformat())
    counsellor.fill("#id_start", "10:00")
    counsellor.fill("#id_end", "10:45")
    counsellor.select_option("#id_mode", "online")
    counsellor.fill("#id_place", "https://meet.example.org/marta")
    submit(counsellor)
    assert_accessible(counsellor, f"programmes-counsellor-{language}")

    set_language(page, base, language)
    sign_in(page, base, city.accounts["resident"].email)
    page.goto(f"{base}/{slug}/programmes/guidance/")
    assert_accessible(page, f"programmes-guidance-{language}")
    submit(page, "form[action$='/book/']")
    assert AppointmentSlot.objects.get().booked_by == city.accounts["resident"]

    counsellor.goto(f"{base}/{slug}/programmes/guidance/mine/")
    counsellor.locator("a[href$='/note/']").click()
    counsellor.wait_for_load_state()
    counsellor.fill("#id_text_private", "Look at the ICT support course.")
    submit(counsellor)
    page.goto(f"{base}/{slug}/programmes/guidance/")
    assert "ICT support course" in page.locator("main").inner_text()

    # Mentoring: the resident asks, the coordinator adds a mentor, matches, accepts.
    page.goto(f"{base}/{slug}/programmes/mentoring/apply/")
    page.check("input[name=aim][value=qualification]")
    page.fill("#id_languages", "Spanish")
    submit(page)
    desk.goto(f"{base}/{slug}/programmes/mentoring/desk/")
    desk.fill("#id_email", mentor_user.email)
    desk.fill("#id_languages", "Spanish")
    desk.check("input[name=aims][value=qualification]")
    submit(desk, "main form:not([action])")
    submit(desk, "form[action$='/match/']")
    submit(desk, "form[action$='/accept/']")
    assert_accessible(desk, f"programmes-mentoring-desk-{language}")
    ship = Mentorship.objects.get(status=PairStatus.ACTIVE)
    page.goto(f"{base}/{slug}/programmes/mentoring/{ship.public_id}/")
    page.fill("#id_title", "Enrol in the evening degree")
    page.locator("form:has(input[value=goal]) button[type=submit]").click()
    page.wait_for_load_state()
    assert ship.goals.count() == 1
    assert_accessible(page, f"programmes-mentorship-{language}")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_intergenerational_groups_meet_in_catalogue_sessions(page, live_server, city, language):
    base, slug = live_server.url, city.demo_city.slug
    school = make_site(city.demo_city, name="Escuela La Esperanza")
    make_site(city.demo_city, name="Centro de mayores")
    set_language(page, base, language)
    sign_in(page, base, city.accounts["coordinator"].email)
    for kind, name in (("children", "Class 4B"), ("older", "Storytellers")):
        page.goto(f"{base}/{slug}/programmes/together/")
        page.select_option("#id_kind", kind)
        page.fill("#id_name", name)
        page.select_option("#id_site", label="Escuela La Esperanza")
        page.fill("#id_size", "12")
        page.fill("#id_languages", "Spanish")
        fill_time(page, 1, "wed", "10:00", "12:00")
        submit(page, "main form:not([action])")
    assert_accessible(page, f"programmes-together-{language}")
    submit(page, "form[action$='/match/']")
    submit(page, "form[action$='/accept/']")
    pair = GroupPair.objects.get(status=PairStatus.ACTIVE)
    sessions = Session.objects.filter(opportunity=pair.opportunity).order_by("starts_at")
    assert sessions.count() == 8 and pair.opportunity.site == school
    first = sessions.first()
    Session.objects.filter(pk=first.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    page.goto(f"{base}/{slug}/programmes/together/{pair.public_id}/")
    page.select_option("#id_session", str(first.pk))
    page.fill("#id_children_present", "11")
    page.fill("#id_older_present", "9")
    submit(page)
    assert GroupAttendance.objects.get().older_present == 9
    assert_accessible(page, f"programmes-together-pair-{language}")

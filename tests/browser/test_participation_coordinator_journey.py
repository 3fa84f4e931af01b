"""The participation pages added with issue 12, in a real browser, in English and Arabic:
a coordinator builds a process with two phases (a phase ending before it starts is
refused, named in the error summary, then fixed) and a budget with projects; a
resident publishes a proposal with a picture and a place, seen on its page and on the
map of proposals (and the place picker fills the inputs with JavaScript); a visitor
votes once by e-mail and a second use of the link is refused; a coordinator schedules
an assembly meeting (listed in the catalogue) and writes its minutes. Every page
axe-clean, with no Content-Security-Policy violation."""

import io
import re

import pytest
from django.core import mail
from PIL import Image

from learningcity.core.demo import seed_core
from learningcity.participation import demo
from learningcity.participation.models import (
    AssemblyMeeting,
    Ballot,
    Budget,
    EmailVoter,
    Process,
    Proposal,
    WhoMayVote,
)
from tests.browser.conftest import ARTEFACTS, assert_no_csp_violations, set_language
from tests.browser.test_monitoring_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["en", "ar"]


@pytest.fixture
def demo_city(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    context = seed_core("small", 7, log=lambda message: None)
    demo.seed_demo(context)
    return context


def submit(page, form: str = "main form[method=post]") -> None:
    page.locator(f"{form} button[type=submit]").last.click()
    page.wait_for_load_state()


def in_language(page, base_url: str, language: str) -> None:
    set_language(page, base_url, language)


def assert_direction(page, language: str) -> None:
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")


def summary_links_reach_their_fields(page) -> list[str]:
    """Every link of the error summary points at an element of the page."""
    hrefs = page.locator("#error-summary a").evaluate_all("links => links.map(a => a.hash)")
    for href in hrefs:
        assert page.locator(href).count() == 1, f"the error summary links to a missing {href}"
    return hrefs


def assert_accessible(page, name: str) -> None:
    """Stricter than conftest's: no axe violation of any impact on these new pages (and
    no Content-Security-Policy violation); a screenshot for people to look at."""
    from axe_playwright_python.sync_playwright import Axe

    assert_no_csp_violations(page, name)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)
    violations = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(str(node["target"][0]) for node in violation["nodes"][:3])
        for violation in Axe().run(page).response["violations"]
    ]
    assert not violations, f"axe on {name}: " + "\n".join(violations)


def png(colour: str = "teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), colour).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_coordinator_builds_a_process_with_phases_and_a_budget(page, live_server, demo_city):
    context = demo_city
    city = context.demo_city.slug
    base = f"{live_server.url}/{city}/participate/manage"
    sign_in(page, live_server.url, context.accounts["coordinator"].email)

    for language in LANGUAGES:
        in_language(page, live_server.url, language)
        page.goto(f"{base}/")
        assert_direction(page, language)
        assert page.locator("main table tbody tr").count() >= 2  # the demo's processes
        assert_accessible(page, f"participation-manage-workspace-{language}")
        page.goto(f"{base}/proposals/")
        assert_accessible(page, f"participation-manage-queue-{language}")

        # The process form, typed with the keyboard: Tab goes from the title to the slug.
        page.goto(f"{base}/")
        page.locator(f"main a[href$='/{city}/participate/manage/processes/new/']").click()
        page.wait_for_load_state()
        assert_accessible(page, f"participation-manage-process-new-{language}")
        slug = f"night-school-{language}"
        page.locator("#id_title").focus()
        page.keyboard.type(f"Night school ({language})")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "id_slug"
        page.keyboard.type(slug)
        page.fill("#id_phases-0-name", "Ideas")
        page.fill("#id_phases-0-starts_on", "2027-01-10")
        page.fill("#id_phases-0-ends_on", "2027-02-10")
        page.check("#id_phases-0-proposals_open")
        page.fill("#id_phases-1-name", "Vote")
        page.fill("#id_phases-1-starts_on", "2027-03-20")
        page.fill("#id_phases-1-ends_on", "2027-03-01")  # before it starts
        page.check("#id_phases-1-voting_open")
        processes = Process.objects.count()
        submit(page)
        assert Process.objects.count() == processes
        summary = page.locator("#error-summary")
        assert summary.count() == 1
        hrefs = summary_links_reach_their_fields(page)
        assert hrefs == ["#id_phases-1-ends_on"]  # the one field to change, named
        assert page.get_attribute("#id_phases-1-ends_on", "aria-invalid") == "true"
        assert page.get_attribute("#id_phases-0-ends_on", "aria-invalid") is None
        # What was typed is kept.
        assert page.input_value("#id_phases-0-name") == "Ideas"
        assert page.input_value("#id_title") == f"Night school ({language})"
        assert_accessible(page, f"participation-manage-process-errors-{language}")
        page.fill("#id_phases-1-ends_on", "2027-04-20")
        submit(page)
        process = Process.objects.get(city__slug=city, slug=slug)
        assert list(process.phases.order_by("starts_on").values_list("name", flat=True)) == [
            "Ideas",
            "Vote",
        ]
        assert page.url.endswith(f"/manage/processes/{slug}/")
        assert page.locator("main ol li").count() == 2

        # A budget with two projects; it is listed with them.
        page.locator(f"main a[href$='/processes/{slug}/budgets/new/']").click()
        page.wait_for_load_state()
        assert_accessible(page, f"participation-manage-budget-new-{language}")
        page.fill("#id_title", "Evening classes")
        page.fill("#id_slug", "evening-classes")
        page.fill("#id_amount", "10000")
        page.fill("#id_currency", "EUR")
        page.select_option("#id_who_may_vote", WhoMayVote.EMAIL_ONCE)
        for row, (code, title, cost) in enumerate(
            [("1", "Library evenings", "6000"), ("2", "Maths for parents", "3000")]
        ):
            page.fill(f"#id_projects-{row}-code", code)
            page.fill(f"#id_projects-{row}-title", title)
            page.fill(f"#id_projects-{row}-cost", cost)
        submit(page)
        budget = Budget.objects.get(process=process, slug="evening-classes")
        assert budget.projects.count() == 2
        assert budget.who_may_vote == WhoMayVote.EMAIL_ONCE
        row = page.locator("main table tbody tr", has_text="Evening classes")
        assert row.locator("td").nth(1).inner_text().strip() == "2"
        page.locator("main table a", has_text="Evening classes").click()
        page.wait_for_load_state()
        assert page.input_value("#id_projects-1-title") == "Maths for parents"
        assert_accessible(page, f"participation-manage-budget-{language}")


def test_a_resident_proposes_with_a_picture_and_a_place(page, live_server, demo_city):
    context = demo_city
    base = f"{live_server.url}/{context.demo_city.slug}/participate/learning-plan"
    sign_in(page, live_server.url, context.accounts["resident"].email)

    for language in LANGUAGES:
        in_language(page, live_server.url, language)
        title = f"A reading garden by the river ({language})"
        alt = f"Sketch of benches under trees by the river ({language})"
        page.goto(f"{base}/proposals/new/")
        assert_direction(page, language)
        page.fill("#id_title", title)
        page.fill("#id_body", "Benches, shade and a book box where people walk.")
        page.fill("#id_latitude", "51.89712")
        page.fill("#id_longitude", "-8.46541")
        page.set_input_files(
            "#id_image_1", {"name": "garden.png", "mimeType": "image/png", "buffer": png()}
        )
        page.fill("#id_alt_1", alt)
        assert_accessible(page, f"participation-proposal-picture-form-{language}")
        page.locator("main form button[name=publish]").click()
        page.wait_for_load_state()
        proposal = Proposal.objects.get(title=title)
        assert proposal.images.count() == 1
        assert page.url.endswith(f"/proposals/{proposal.pk}/")

        # The picture, with its description, is served; the place is given in words.
        picture = page.locator(f"main img[alt='{alt}']")
        assert picture.count() == 1
        picture.scroll_into_view_if_needed()
        page.wait_for_function(
            "alt => [...document.images].some(i => i.alt === alt && i.naturalWidth > 0)", arg=alt
        )
        place = page.locator("section[aria-labelledby=place-heading]")
        assert "51.89712" in place.inner_text() and "-8.46541" in place.inner_text()
        if language == "ar":  # numbers isolated left to right: the minus stays in front
            assert place.locator("bdi[dir=ltr]", has_text="-8.46541").count() == 1
        assert_accessible(page, f"participation-proposal-with-picture-{language}")

        # The map of proposals lists it, with its place.
        place.locator("a[href$='/proposals/map/']").click()
        page.wait_for_load_state()
        item = page.locator("main li", has=page.locator(f"a[href$='/proposals/{proposal.pk}/']"))
        assert item.count() == 1 and "51.89712" in item.inner_text()
        if language == "ar":
            assert item.locator("bdi[dir=ltr]", has_text="-8.46541").count() == 1
        assert_accessible(page, f"participation-proposal-map-{language}")

    # With JavaScript, the map picker fills the two inputs on a click (no tiles in tests).
    page.goto(f"{base}/proposals/new/")
    assert page.input_value("#id_latitude") == ""
    page.locator("[data-show-picker]").focus()
    page.keyboard.press("Enter")
    page.locator("[data-pick-place] .leaflet-container").wait_for()
    # The hidden button's focus went to the map, not back to the top of the page.
    assert page.evaluate("document.activeElement.matches('[data-pick-place] .map')")
    page.locator("[data-pick-place] .map").click()
    assert re.fullmatch(r"-?\d+\.\d{5}", page.input_value("#id_latitude"))
    assert re.fullmatch(r"-?\d+\.\d{5}", page.input_value("#id_longitude"))
    status = page.locator("[data-pick-status] bdi[dir=ltr]")
    assert status.inner_text() == (
        f"{page.input_value('#id_latitude')}, {page.input_value('#id_longitude')}"
    )
    assert page.get_attribute("#id_longitude", "dir") == "ltr"
    assert_accessible(page, "participation-proposal-place-picker-ar")


def test_a_visitor_votes_once_with_an_emailed_link(page, live_server, demo_city):
    context = demo_city
    city = context.demo_city.slug
    budget = Budget.objects.get(process__city__slug=city, slug="learning-projects")
    budget.who_may_vote = WhoMayVote.EMAIL_ONCE
    budget.save(update_fields=["who_may_vote"])
    budget_url = f"{live_server.url}/{city}/participate/learning-budget/budgets/learning-projects/"

    for language in LANGUAGES:
        in_language(page, live_server.url, language)
        page.goto(budget_url)
        assert_direction(page, language)
        page.locator("main a[href$='/learning-projects/email/']").click()
        page.wait_for_load_state()
        assert_accessible(page, f"participation-email-vote-ask-{language}")

        # A wrong address first: refused, named, no e-mail sent.
        mail.outbox.clear()
        page.fill("#id_email", "not an address")
        submit(page)
        assert not mail.outbox
        assert page.locator(".error-summary, #error-summary").count() == 1
        assert_accessible(page, f"participation-email-vote-ask-error-{language}")

        address = f"visitor-{language}@example.org"
        page.fill("#id_email", address)
        submit(page)
        assert page.url == budget_url
        assert page.locator(".messages").count() == 1
        [message] = mail.outbox
        assert message.to == [address]
        link = re.search(r"https?://\S+/email/\S+/", message.body).group(0)
        link = live_server.url + link[link.index(f"/{city}/") :]

        page.goto(link)
        assert_accessible(page, f"participation-email-vote-ballot-{language}")
        ballots = Ballot.objects.filter(budget=budget).count()
        boxes = page.locator("main input[name=projects]")
        boxes.nth(0).check()
        boxes.nth(1).check()
        submit(page)
        assert Ballot.objects.filter(budget=budget).count() == ballots + 1
        assert EmailVoter.objects.filter(budget=budget).count() == LANGUAGES.index(language) + 1
        assert page.url == budget_url
        assert page.locator(".messages .message-success").count() == 1
        assert_accessible(page, f"participation-email-vote-counted-{language}")

        # The same link again: refused with a clear message, and no ballot form.
        response = page.goto(link)
        assert response.status == 400
        refusal = page.locator("main .error-summary")
        assert refusal.count() == 1
        assert page.locator("main input[name=projects]").count() == 0
        if language == "en":
            assert "already voted" in refusal.inner_text()
        assert page.locator("main a[href$='/learning-projects/email/']").count() == 1
        assert_accessible(page, f"participation-email-vote-used-{language}")
        assert Ballot.objects.filter(budget=budget).count() == ballots + 1


def test_a_coordinator_schedules_an_assembly_meeting_and_writes_minutes(
    page, live_server, demo_city
):
    context = demo_city
    assembly_url = (
        f"{live_server.url}/{context.demo_city.slug}/participate/assemblies/steering-committee/"
    )
    sign_in(page, live_server.url, context.accounts["coordinator"].email)

    for number, language in enumerate(LANGUAGES, start=1):
        in_language(page, live_server.url, language)
        title = f"Spring meeting {number}"
        page.goto(assembly_url)
        assert_direction(page, language)
        page.locator("main a[href$='/steering-committee/meetings/new/']").click()
        page.wait_for_load_state()
        assert_accessible(page, f"participation-assembly-meeting-new-{language}")
        meetings = AssemblyMeeting.objects.count()
        submit(page)  # empty: refused
        assert AssemblyMeeting.objects.count() == meetings
        assert page.locator(".error-summary, #error-summary").count() == 1
        assert_accessible(page, f"participation-assembly-meeting-errors-{language}")
        page.fill("#id_title", title)
        page.fill("#id_starts_at", f"2027-03-1{number}T18:30")
        page.fill("#id_place", "Town hall, room 2")
        submit(page)
        meeting = AssemblyMeeting.objects.get(title=title)
        assert meeting.session is not None
        assert page.url == assembly_url
        section = page.locator(f"main section[aria-labelledby=meeting-{meeting.pk}]")
        assert section.count() == 1
        assert_accessible(page, f"participation-assembly-with-meeting-{language}")

        # The meeting's page in the learning catalogue.
        join = section.locator("a").first
        assert "/participate/" not in join.get_attribute("href")
        join.click()
        page.wait_for_load_state()
        assert title in page.locator("main h1").inner_text()
        assert_accessible(page, f"participation-assembly-meeting-catalogue-{language}")

        # The minutes, then shown on the assembly's page.
        page.goto(assembly_url)
        page.locator(f"main a[href$='/meetings/{meeting.pk}/minutes/']").click()
        page.wait_for_load_state()
        assert_accessible(page, f"participation-assembly-minutes-{language}")
        page.fill("#id_minutes", f"- Agreed the reading garden ({language})\n- Next: May")
        submit(page)
        meeting.refresh_from_db()
        assert "reading garden" in meeting.minutes
        section = page.locator(f"main section[aria-labelledby=meeting-{meeting.pk}]")
        assert section.locator("li", has_text="Agreed the reading garden").count() == 1
        page.goto(f"{assembly_url}members/")
        assert_accessible(page, f"participation-assembly-members-{language}")

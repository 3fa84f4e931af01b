"""A resident follows a process from proposal to accountability in a real browser, in
English and Arabic: reads the process, writes a proposal (a bad one first, refused
with the field named; similar proposals suggested), supports another, comments in a
debate, casts a secret ballot (over budget first, refused), sees the results with
each project's votes and why, and what happened since; the coordinator answers a
proposal and reads the moderation queue. Every page axe-clean with no
Content-Security-Policy violation."""

import pytest

from learningcity.core.demo import seed_core
from learningcity.participation import demo, services
from learningcity.participation.models import Ballot, HasVoted, Proposal, ProposalState
from tests.browser.conftest import assert_accessible, set_language
from tests.browser.test_monitoring_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_city():
    context = seed_core("small", 7, log=lambda message: None)
    demo.seed_demo(context)
    return context


def submit(page, form: str = "main form[method=post]", button: str = "") -> None:
    page.locator(f"{form} button[type=submit]{button}").last.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_resident_goes_from_proposal_to_accountability(
    page, browser, live_server, demo_city, language
):
    context = demo_city
    base = f"{live_server.url}/{context.demo_city.slug}/participate"
    set_language(page, live_server.url, language)
    sign_in(page, live_server.url, context.accounts["resident"].email)

    page.goto(f"{base}/")
    assert_accessible(page, f"participation-processes-{language}")
    page.goto(f"{base}/learning-plan/")
    assert_accessible(page, f"participation-process-{language}")

    # A proposal: empty first (refused, nothing saved), then similar ones, then published.
    page.goto(f"{base}/learning-plan/proposals/new/")
    before = Proposal.objects.count()
    submit(page, button="[name=publish]")
    assert Proposal.objects.count() == before
    assert page.locator(".error-summary, #error-summary").count() >= 1
    assert_accessible(page, f"participation-proposal-errors-{language}")
    page.fill("#id_title", "Evening classes at the library for workers")
    page.fill("#id_body", "Classes after work hours at the library, for adults who work.")
    submit(page, button="[name=check]")
    assert page.locator("#similar-heading").count() == 1
    assert_accessible(page, f"participation-proposal-similar-{language}")
    submit(page, button="[name=publish]")
    mine = Proposal.objects.get(title="Evening classes at the library for workers")
    assert_accessible(page, f"participation-proposal-{language}")

    # Support someone else's proposal from the filtered list.
    page.goto(f"{base}/learning-plan/proposals/?state=published&order=supports")
    assert_accessible(page, f"participation-proposals-{language}")
    other = Proposal.objects.filter(state=ProposalState.PUBLISHED).exclude(pk=mine.pk).first()
    page.goto(f"{base}/learning-plan/proposals/{other.pk}/")
    page.locator("form[action$='/support/'] button").click()
    page.wait_for_load_state()
    assert other.supports.count() == 1

    # A comment in the debate, for.
    debate = other.process.debates.first()
    page.goto(f"{base}/learning-plan/debates/{debate.pk}/?order=newest")
    page.fill("#id_body", "Yes, and with childcare.")
    page.select_option("#id_alignment", "1")
    submit(page, button="[value=comment]")
    assert debate.comments.filter(body="Yes, and with childcare.").exists()
    assert_accessible(page, f"participation-debate-{language}")

    # A secret ballot: over the budget first (refused), then within it.
    budget_url = f"{base}/learning-budget/budgets/learning-projects/"
    page.goto(budget_url)
    assert_accessible(page, f"participation-budget-{language}")
    HasVoted.objects.filter(user=context.accounts["resident"]).delete()
    ballots = Ballot.objects.count()
    boxes = page.locator("input[name=projects]")
    for index in range(boxes.count()):
        boxes.nth(index).check()
    submit(page)
    assert Ballot.objects.count() == ballots
    assert page.locator(".error-summary").count() == 1
    assert_accessible(page, f"participation-budget-over-{language}")
    for index in range(boxes.count()):
        boxes.nth(index).uncheck()
    boxes.nth(0).check()
    boxes.nth(1).check()
    submit(page)
    assert Ballot.objects.count() == ballots + 1
    assert HasVoted.objects.filter(user=context.accounts["resident"]).exists()

    # Results, and what happened since.
    page.goto(f"{budget_url}results/")
    assert page.locator("main table").first.locator("tbody tr").count() == 14
    assert_accessible(page, f"participation-results-{language}")
    page.goto(f"{base}/learning-budget/accountability/")
    assert page.locator("progress").count() >= 1
    assert_accessible(page, f"participation-accountability-{language}")
    page.goto(f"{base}/learning-plan/surveys/learning-habits/")
    assert_accessible(page, f"participation-survey-{language}")
    page.goto(f"{base}/learning-plan/surveys/learning-habits/results/")
    assert_accessible(page, f"participation-survey-results-{language}")
    page.goto(f"{base}/panels/steering-panel/")
    assert_accessible(page, f"participation-panel-{language}")
    page.goto(f"{base}/assemblies/steering-committee/")
    assert_accessible(page, f"participation-assembly-{language}")

    # The city answers the resident's proposal; the resident is told.
    services.answer_proposal(
        actor=context.accounts["coordinator"],
        proposal=mine,
        state="accepted",
        answer="We will run them from March.",
    )
    page.goto(f"{base}/notifications/")
    assert_accessible(page, f"participation-notifications-{language}")
    office = browser.new_context(viewport={"width": 1024, "height": 800})
    page = office.new_page()
    set_language(page, live_server.url, language)
    sign_in(page, live_server.url, context.accounts["coordinator"].email)
    page.goto(f"{base}/learning-plan/proposals/{mine.pk}/")
    assert_accessible(page, f"participation-proposal-coordinator-{language}")
    page.goto(f"{base}/learning-plan/moderation/")
    assert_accessible(page, f"participation-moderation-{language}")
    office.close()

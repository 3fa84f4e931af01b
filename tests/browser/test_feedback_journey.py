"""A learner's feedback walk: attended → invited (e-mail and "My learning") → the
questions (a first try with nothing chosen shows the errors) → thanks; then the
provider sees the answers in their figures beside the city's median, the city sees
them in its tables, approves the comment, and the provider sees it. Every page
axe-clean, in English and in Arabic."""

import pytest
from django.core import mail

from learningcity.catalogue.models import TOPICS
from learningcity.core.models import Role, RoleGrant
from learningcity.quality import invitations
from learningcity.quality.models import CommentStatus, Feedback
from tests.browser.conftest import assert_accessible, set_language
from tests.catalogue.factories import make_opportunity, make_provider, make_site, make_staff
from tests.conftest import PASSWORD, make_city, make_district, make_user
from tests.quality.helpers import answers, attend, past_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def attended_course(db):
    city = make_city("alpha", name="Alpha", languages=["en", "es"], is_demo=True)
    district = make_district(city, "riverside", name="Riverside")
    provider = make_provider(city, slug="alpha-library", name="Alpha Library")
    make_staff(provider, make_user("staff@example.org"))
    coordinator = make_user("coordinator@example.org")
    RoleGrant.objects.create(user=coordinator, role=Role.CITY_COORDINATOR, city=city)
    course = make_opportunity(
        provider,
        slug="bread-baking",
        title="Bread baking",
        site=make_site(city, district=district),
        topics=TOPICS.to_mask(["crafts"]),
    )
    session = past_session(course)
    answers(session, 4, useful=4)  # four others answered already: one short of five
    attend(session, make_user("learner@example.org", display_name="Lina"))
    invitations.send_feedback_invitations()
    return session


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_learner_gives_feedback_and_provider_and_city_see_it(
    browser, live_server, attended_course, language
):
    base = live_server.url
    assert [message.to for message in mail.outbox] == [["learner@example.org"]]

    learner = browser.new_context().new_page()
    set_language(learner, base, language)
    sign_in(learner, base, "learner@example.org")
    learner.goto(f"{base}/alpha/learn/my/")
    assert_accessible(learner, f"feedback-my-learning-{language}")
    learner.locator("main a[href*='/quality/feedback/']").click()
    assert_accessible(learner, f"feedback-form-{language}")

    learner.locator("main form button[type=submit]").click()  # nothing chosen yet
    assert learner.locator("#error-summary").is_visible()
    assert_accessible(learner, f"feedback-form-errors-{language}")
    assert not Feedback.objects.filter(comment="Clear and friendly.").exists()

    learner.locator("#id_useful_4").check()
    learner.locator("#id_accessible_3").check()
    learner.locator("#id_recommend_0").check()
    learner.locator("#id_comment").fill("Clear and friendly.")
    learner.locator("main form button[type=submit]").click()
    learner.wait_for_load_state()
    assert_accessible(learner, f"feedback-thanks-{language}")
    assert Feedback.objects.count() == 5
    learner.goto(f"{base}/alpha/learn/my/")
    assert learner.locator("main a[href*='/quality/feedback/']").count() == 0

    # The fifth answer reaches the minimum: the provider sees the figures.
    provider = browser.new_context().new_page()
    set_language(provider, base, language)
    sign_in(provider, base, "staff@example.org")
    provider.goto(f"{base}/alpha/quality/providers/")
    assert provider.url.endswith("/alpha/quality/providers/alpha-library/")
    rows = provider.locator("main table").nth(1).locator("tbody tr")
    assert rows.count() == 2  # the city's median, then "Bread baking"
    assert rows.nth(1).locator("td").count() == 5  # figures, not "not enough answers"
    assert_accessible(provider, f"feedback-provider-{language}")
    assert "Clear and friendly." not in provider.content()  # not checked by the city yet

    # The city sees it in its tables and checks the comment.
    city = browser.new_context().new_page()
    set_language(city, base, language)
    sign_in(city, base, "coordinator@example.org")
    for by in ("provider", "topic", "district", "group"):
        city.goto(f"{base}/alpha/quality/?by={by}")
        assert city.locator("main table tbody tr").nth(2).locator("td").count() == 6
        assert_accessible(city, f"feedback-city-{by}-{language}")
    city.goto(f"{base}/alpha/quality/moderation/")
    assert_accessible(city, f"feedback-moderation-{language}")
    item = city.locator("section.moderation-item", has_text="Clear and friendly.")
    item.locator("input[value=approve]").check()
    item.locator("button[type=submit]").click()
    city.wait_for_load_state()
    assert_accessible(city, f"feedback-moderation-done-{language}")
    assert Feedback.objects.get(comment="Clear and friendly.").comment_status == (
        CommentStatus.APPROVED
    )

    provider.reload()
    assert "Clear and friendly." in provider.content()
    provider.goto(f"{base}/alpha/learn/opportunities/bread-baking/")
    assert provider.locator("main .quality-rating").is_visible()
    assert_accessible(provider, f"feedback-finder-rating-{language}")
    for page in (learner, provider, city):
        page.context.close()

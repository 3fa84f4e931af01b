"""Peer learning in a real browser, in English and Arabic: a city's coordinator sees
"cities like mine" and "cities that can help me" with the reasons of each
suggestion (from the profiles and the stored index results), asks one of them for a
peer exchange, which that city's coordinator accepts, and the exchange is recorded
with its outcome; the two cities discuss in their cluster's thread, a post is
reported and the cluster's coordinating city hides it with a reason. axe-clean and
no Content-Security-Policy violation on every page."""

from decimal import Decimal

import pytest
from django.core import mail

from learningcity.network.models import Cluster, ClusterPost, PeerExchange
from tests.browser.conftest import assert_accessible, set_language
from tests.browser.test_network_journey import sign_in
from tests.conftest import make_city
from tests.network.peer_factories import coordinator_of, member, store_area_scores

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def peers():
    alpha = member(
        make_city("alpha", name="Alpha"),
        "literacy",
        gdp_city_usd=Decimal("20000"),
        schooling_men=Decimal("11.5"),
    )
    beta = member(
        make_city("beta", name="Beta"),
        "literacy",
        gdp_city_usd=Decimal("21000"),
        schooling_men=Decimal("12.0"),
    )
    gamma = member(
        make_city("gamma", name="Gamma", region="africa", population=3_000_000),
        gdp_city_usd=Decimal("3000"),
    )
    literacy = Cluster.objects.get(slug="literacy")
    literacy.coordinating_city = beta
    literacy.save()
    coordinator_of(alpha, "alpha@example.org")
    coordinator_of(beta, "beta@example.org")
    store_area_scores({alpha: [20.0, 80.0, 40.0], beta: [30.0, 60.0, 45.0], gamma: [90.0]})
    return alpha, beta


def persona(browser, base: str, language: str, email: str):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    set_language(page, base, language)
    sign_in(page, base, email)
    return page


def submit(page) -> None:
    page.locator("main form[method=post][novalidate] button[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_peer_matching_explains_itself_and_an_exchange_is_recorded(
    page, browser, live_server, peers, language
):
    base = live_server.url
    set_language(page, base, language)
    sign_in(page, base, "alpha@example.org")

    # Peer matching, each suggestion with its reasons.
    page.goto(f"{base}/network/cities/alpha/peers/")
    assert_accessible(page, f"peers-{language}")
    like = page.locator("ol[aria-labelledby=like] > li")
    assert like.count() == 1 and "Beta" in like.first.inner_text()
    assert like.first.locator("ul.reasons li").count() == 5
    helping = page.locator("ol[aria-labelledby=help] > li")
    assert [helping.nth(i).locator("a").first.inner_text() for i in range(2)] == [
        "Gamma",
        "Beta",
    ]
    assert helping.first.locator("ul.reasons li").count() == 1
    assert helping.nth(1).locator("ul.reasons li").count() == 2
    if language == "en":
        reasons = helping.nth(1).inner_text()
        assert "against your 20.0" in reasons and "45.0 against your 40.0" in reasons

    # Ask Beta for a peer exchange, from its suggestion.
    like.first.locator("a[href*='/exchanges/new/?to=beta']").click()
    page.wait_for_load_state()
    assert_accessible(page, f"exchange-new-{language}")
    page.locator("#id_topic").fill("Reading circles")
    page.locator("#id_message").fill("")
    submit(page)
    assert page.locator("#error-summary a[href='#id_message']").count() == 1
    assert not PeerExchange.objects.exists()
    page.locator("#id_message").fill("May two librarians visit?")
    submit(page)
    exchange = PeerExchange.objects.get()
    assert exchange.to_city.slug == "beta"
    assert mail.outbox and mail.outbox[-1].to == ["beta@example.org"]
    assert_accessible(page, f"exchange-sent-{language}")

    # Beta's coordinator accepts.
    beta = persona(browser, base, language, "beta@example.org")
    beta.goto(f"{base}/network/exchanges/{exchange.public_id}/")
    assert_accessible(beta, f"exchange-answer-{language}")
    beta.locator("input[name=decision][value=accept]").check()
    beta.locator("#id_note").fill("Welcome in May.")
    submit(beta)
    exchange.refresh_from_db()
    assert exchange.status == "accepted"

    # Alpha records what came of it.
    page.reload()
    page.locator("#id_outcome").fill("Six new reading circles.")
    submit(page)
    exchange.refresh_from_db()
    assert exchange.status == "completed"
    assert "Six new reading circles." in page.locator("main").inner_text()
    assert_accessible(page, f"exchange-done-{language}")

    # The cluster's discussion: Alpha starts a thread, Beta replies.
    page.goto(f"{base}/network/clusters/literacy/threads/")
    assert_accessible(page, f"threads-{language}")
    page.locator("#id_title").fill("Volunteers")
    page.locator("#id_body").fill("How do you **train** them? <script>alert(1)</script>")
    submit(page)
    assert page.locator("main article strong").first.inner_text() == "train"
    assert_accessible(page, f"thread-{language}")
    thread_url = page.url
    beta.goto(thread_url)
    beta.locator("#id_body").fill("Buy cheap watches!")
    submit(beta)
    spam = ClusterPost.objects.get(body="Buy cheap watches!")

    # Alpha reports it; Beta, the coordinating city, hides it with a reason.
    page.goto(thread_url)
    page.locator(f"a[href='/network/posts/{spam.pk}/report/']").click()
    page.wait_for_load_state()
    assert_accessible(page, f"post-report-{language}")
    page.locator("#id_reason").fill("Advertising.")
    submit(page)
    beta.goto(f"{base}/network/posts/{spam.pk}/moderate/")
    assert_accessible(beta, f"post-moderate-{language}")
    beta.locator("#id_reason").fill("No advertising here.")
    submit(beta)
    spam.refresh_from_db()
    assert spam.is_hidden and spam.hidden_reason == "No advertising here."
    page.goto(thread_url)
    assert "Buy cheap watches!" not in page.locator("main").inner_text()
    assert "No advertising here." in page.locator("main").inner_text()
    assert_accessible(page, f"thread-moderated-{language}")
    beta.context.close()

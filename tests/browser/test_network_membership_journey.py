"""A city joins the network and later reports, in a real browser, in English and
Arabic: its coordinator applies (the word count shows as they type; a text over the
limit is refused on submit with its count), the National Commission endorses, the
network's coordinator assigns two jurors, each juror sees only what is assigned to
them and scores it, the city is admitted and told by e-mail in its language, and it
sends its biennial report with its monitoring figures. axe-clean and no
Content-Security-Policy violation on every page."""

import pytest
from django.core import mail

from learningcity.network import services
from learningcity.network.models import MembershipApplication, MembershipReport
from learningcity.network.vocabulary import CHALLENGE_CODES, RUBRIC_CODES
from learningcity.network.wordcount import count_words
from tests.browser.conftest import assert_accessible, set_language
from tests.browser.test_network_journey import sign_in
from tests.conftest import make_city, make_user
from tests.network.membership_factories import (
    make_call,
    make_commission,
    minimal_pdf,
    send_application,
    words,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lifecycle(settings, tmp_path):
    from learningcity.core.models import Role, RoleGrant

    settings.MEDIA_ROOT = tmp_path / "media"
    alpha = make_city("alpha", name="Alpha")
    services.ensure_profile(alpha)
    coordinator = make_user("coordinator@example.org", display_name="Coordinator of Alpha")
    RoleGrant.objects.create(user=coordinator, role=Role.CITY_COORDINATOR, city=alpha)
    network = make_user("network@example.org", display_name="Network coordinator")
    RoleGrant.objects.create(user=network, role=Role.NETWORK_COORDINATOR)
    make_commission("TL", "commission@example.org")
    for number in ("one", "two"):
        make_user(f"juror-{number}@example.org", display_name=f"Juror {number}")
    # What monitoring holds for Alpha, which its report brings along.
    from learningcity.monitoring import services as monitoring_services
    from learningcity.monitoring.models import FrameworkNode, IndicatorValue, NodeType

    framework = monitoring_services.ensure_default_framework()
    indicator = FrameworkNode.objects.filter(
        framework=framework, type=NodeType.INDICATOR, derived=""
    ).first()
    IndicatorValue.objects.create(
        city=alpha, indicator=indicator, year=2025, value=42.5, status="validated"
    )
    call = make_call(title="Membership call 2026")
    # Another city's application, with juror two only: juror one never sees it.
    beta = send_application(call, make_city("beta", name="Beta"))
    services.endorse_application(actor=None, application=beta, decision="endorse")
    services.assign_juror(actor=network, application=beta, email="juror-two@example.org")
    return call


def persona(browser, base: str, language: str, email: str):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    set_language(page, base, language)
    sign_in(page, base, email)
    return page


def submit(page, action: str = "") -> None:
    """Send the page's form (the one posting to ``…/<action>/`` where several are)."""
    form = f"main form[action$='/{action}/']" if action else "main form[method=post]"
    page.locator(f"{form} button[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_city_applies_is_reviewed_by_two_jurors_admitted_and_later_reports(
    page, browser, live_server, lifecycle, language
):
    base = live_server.url
    call = lifecycle

    # The city's coordinator finds the call and applies.
    set_language(page, base, language)
    sign_in(page, base, "coordinator@example.org")
    page.goto(f"{base}/network/membership/")
    assert_accessible(page, f"membership-{language}")
    page.locator(f"main a[href='/network/membership/calls/{call.pk}/']").click()
    page.wait_for_load_state()
    assert_accessible(page, f"membership-call-{language}")
    page.locator("main a[href$='/apply/alpha/']").click()
    page.wait_for_load_state()
    assert_accessible(page, f"membership-apply-{language}")

    # The count shows as one types, Chinese characters counted one by one.
    mixed = "学习型城市 Learning City"
    page.locator("#id_motivation").fill(mixed)
    count = page.locator("#id_motivation_wordcount")
    count.filter(has_text=f"{count_words(mixed)} ").wait_for()
    assert "200" in count.inner_text() and "over" not in (count.get_attribute("class") or "")
    page.locator("#id_motivation").fill(words(201))
    page.locator("#id_motivation_wordcount.over").wait_for()

    page.locator("input[name=language][value=fr]").check()
    page.locator("#id_implementation").fill("Libraries open in the evenings.")
    for code in CHALLENGE_CODES:
        page.locator(f"input[name=challenge_{code}][value='3']").check()
    endorsement = {
        "name": "endorsement.pdf",
        "mimeType": "application/pdf",
        "buffer": minimal_pdf(),
    }
    page.locator("#id_endorsement").set_input_files(endorsement)
    page.locator("#id_pledge").check()
    # Over the limit: refused on submit, with the count, and nothing sent.
    submit(page)
    assert page.locator("#error-summary a[href='#id_motivation']").count() == 1
    assert "201" in page.locator("#error-summary").inner_text()
    assert not MembershipApplication.objects.filter(city__slug="alpha").exists()
    assert_accessible(page, f"membership-apply-refused-{language}")
    page.locator("#id_motivation").fill("Every resident keeps learning, at every age.")
    page.locator("#id_endorsement").set_input_files(endorsement)
    submit(page)
    application = MembershipApplication.objects.get(city__slug="alpha")
    assert application.status == "submitted" and application.language == "fr"
    assert_accessible(page, f"membership-application-{language}")
    url = f"{base}/network/membership/applications/{application.public_id}/"

    # The National Commission endorses it.
    commission = persona(browser, base, language, "commission@example.org")
    commission.goto(f"{base}/network/membership/commission/")
    assert_accessible(commission, f"membership-commission-queue-{language}")
    commission.locator(
        f"main a[href='/network/membership/applications/{application.public_id}/']"
    ).click()
    commission.wait_for_load_state()
    assert_accessible(commission, f"membership-commission-application-{language}")
    commission.locator("input[name=decision][value=endorse]").check()
    submit(commission, "endorse")
    commission.context.close()

    # The network's coordinator assigns two jurors.
    network = persona(browser, base, language, "network@example.org")
    for number in ("one", "two"):
        network.goto(url)
        network.locator("#id_email").fill(f"juror-{number}@example.org")
        submit(network, "jurors")
    assert application.assignments.count() == 2
    assert_accessible(network, f"membership-jurors-{language}")

    # Each juror sees only what is assigned to them, and scores it.
    for number, score in (("one", "4"), ("two", "5")):
        juror = persona(browser, base, language, f"juror-{number}@example.org")
        juror.goto(f"{base}/network/membership/jury/")
        queue = juror.locator("main").inner_text()
        assert "Alpha" in queue and (("Beta" in queue) == (number == "two"))
        assert_accessible(juror, f"membership-jury-{number}-{language}")
        juror.goto(url)
        assert_accessible(juror, f"membership-score-{number}-{language}")
        for code in RUBRIC_CODES:
            juror.locator(f"input[name=score_{code}][value='{score}']").check()
        juror.locator("input[name=recommendation][value=admit]").check()
        juror.locator("#id_comment").fill(f"Scored by juror {number}.")
        submit(juror, "score")
        juror.context.close()

    # The decision: admitted; the city hears in French.
    network.goto(url)
    assert_accessible(network, f"membership-decide-{language}")
    network.locator("input[name=decision][value=admit]").check()
    network.locator("#id_note").fill("Bienvenue dans le réseau.")
    submit(network, "decide")
    application.refresh_from_db()
    assert application.status == "admitted"
    assert_accessible(network, f"membership-admitted-{language}")
    network.context.close()
    [message] = mail.outbox
    assert message.to == ["coordinator@example.org"]
    assert message.extra_headers["Content-Language"] == "fr"

    # Later, the city sends its biennial report.
    report = MembershipReport.objects.get(city__slug="alpha")
    page.goto(f"{base}/network/cities/alpha/membership/")
    assert_accessible(page, f"membership-city-{language}")
    page.locator(f"main a[href='/network/cities/alpha/reports/{report.pk}/']").click()
    page.wait_for_load_state()
    assert "42" in page.locator("main table").inner_text()  # 42.5 (or 42,5)
    assert_accessible(page, f"membership-report-{language}")
    page.locator("#id_achievements").fill("Evening classes in every library.")
    page.locator("#id_next_steps").fill("A learning festival every autumn.")
    submit(page)
    report.refresh_from_db()
    assert report.status == "submitted"
    assert_accessible(page, f"membership-report-received-{language}")

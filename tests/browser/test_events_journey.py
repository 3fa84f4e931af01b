"""The award and the conference in a real browser, in English and Arabic, axe-clean
and without a Content-Security-Policy violation on every page:

- a city sends its dossier, its National Commission nominates it, the network's
  coordinator assigns a juror, the juror scores, the network decides and publishes,
  and anyone reads the winners with their citations;
- a person registers for the conference, builds an agenda, books a site visit and
  proposes an amendment to the manifesto; the drafting committee accepts it and
  adopts the manifesto; a city signs; the organisers check the person in by the
  badge's code and read the report."""

from datetime import timedelta

import pytest
from django.utils import timezone

from learningcity.core.models import Role, RoleGrant, UnescoRegion
from learningcity.events import conference_services, services
from learningcity.events.models import CRITERION_CODES, AwardApplication, Registration
from tests.browser.conftest import assert_accessible, set_language
from tests.browser.test_network_journey import sign_in
from tests.conftest import make_user
from tests.events.factories import (
    make_commission,
    make_conference,
    make_cycle,
    member_city,
    send_dossier,
)
from tests.network.membership_factories import minimal_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def persona(browser, base: str, language: str, email: str):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    set_language(page, base, language)
    sign_in(page, base, email)
    return page


def submit(page, action: str = "") -> None:
    form = f"main form[action$='{action}']" if action else "main form[method=post]"
    page.locator(f"{form} button[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.fixture
def award(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    city = member_city("alpha", name="Alpha", country_code="IE")
    coordinator = make_user("coordinator@example.org")
    RoleGrant.objects.create(user=coordinator, role=Role.CITY_COORDINATOR, city=city)
    network = make_user("network@example.org")
    RoleGrant.objects.create(user=network, role=Role.NETWORK_COORDINATOR)
    commission = make_commission("IE")
    commission.email = "commission@example.org"
    commission.save()
    cycle = make_cycle(title="Learning City Award 2026", jurors_per_dossier=1)
    juror = make_user("juror@example.org")
    services.seat_juror(actor=None, cycle=cycle, email=juror.email, country_code="KE")
    # A second nominated dossier, scored outside the browser.
    other = send_dossier(cycle, member_city("beta", name="Beta", country_code="FR"))
    services.nominate_application(actor=None, application=other, decision="nominate")
    return cycle


@pytest.mark.parametrize("language", ["en", "ar"])
def test_award_from_dossier_to_published_winners(page, browser, live_server, award, language):
    base = live_server.url
    cycle = award
    set_language(page, base, language)
    sign_in(page, base, "coordinator@example.org")
    page.goto(f"{base}/network/events/award/")
    assert_accessible(page, f"award-home-{language}")
    page.goto(f"{base}/network/events/award/{cycle.pk}/")
    assert_accessible(page, f"award-cycle-{language}")
    page.locator("main a[href$='/apply/alpha/']").click()
    page.wait_for_load_state()
    assert_accessible(page, f"award-apply-{language}")
    for code in CRITERION_CODES:
        page.locator(f"#id_text_{code}").fill(f"Alpha's progress on {code} since it joined.")
    upload = {"name": "form.pdf", "mimeType": "application/pdf", "buffer": minimal_pdf()}
    page.locator("#id_mayor_form").set_input_files(
        {"name": "mayor.png", "mimeType": "image/png", "buffer": b"\x89PNG not a pdf"}
    )
    page.locator("#id_consent_form").set_input_files(upload)
    submit(page)
    assert page.locator("#error-summary a[href='#id_mayor_form']").count() == 1
    assert not AwardApplication.objects.filter(city__slug="alpha").exists()
    assert_accessible(page, f"award-apply-refused-{language}")
    page.locator("#id_mayor_form").set_input_files(upload)
    page.locator("#id_consent_form").set_input_files(upload)
    submit(page)
    dossier = AwardApplication.objects.get(city__slug="alpha")
    assert_accessible(page, f"award-dossier-{language}")

    commission = persona(browser, base, language, "commission@example.org")
    commission.goto(f"{base}/network/events/award/commission/")
    assert_accessible(commission, f"award-commission-queue-{language}")
    commission.goto(f"{base}/network/events/award/dossiers/{dossier.public_id}/")
    commission.locator("input[name=decision][value=nominate]").check()
    submit(commission, "/nominate/")
    assert_accessible(commission, f"award-nominated-{language}")
    commission.context.close()
    dossier.refresh_from_db()
    assert dossier.status == "nominated"

    network = persona(browser, base, language, "network@example.org")
    network.goto(f"{base}/network/events/award/{cycle.pk}/jurors/")
    assert_accessible(network, f"award-jury-{language}")
    network.goto(f"{base}/network/events/award/dossiers/{dossier.public_id}/")
    submit(network, "/assign/")
    assert_accessible(network, f"award-assigned-{language}")
    seat = cycle.jurors.get()
    other = cycle.applications.get(city__slug="beta")
    services.assign_juror(actor=None, application=other, seat=seat)
    network.goto(f"{base}/network/events/award/{cycle.pk}/")
    submit(network, "/advance/")
    submit(network, "/advance/")
    assignment = other.assignments.get()
    services.score_dossier(
        actor=None,
        assignment=assignment,
        scores=dict.fromkeys(CRITERION_CODES, 5),
        comments=dict.fromkeys(CRITERION_CODES, "Fair."),
    )

    juror = persona(browser, base, language, "juror@example.org")
    juror.goto(f"{base}/network/events/award/jury/")
    assert_accessible(juror, f"award-juror-queue-{language}")
    juror.goto(f"{base}/network/events/award/dossiers/{dossier.public_id}/")
    for code in CRITERION_CODES:
        juror.locator(f"#id_score_{code}").fill("9")
        juror.locator(f"#id_comment_{code}").fill("Strong evidence.")
    submit(juror, "/score/")
    assert_accessible(juror, f"award-scored-{language}")
    juror.context.close()

    network.goto(f"{base}/network/events/award/{cycle.pk}/ranking/")
    assert_accessible(network, f"award-ranking-{language}")
    network.locator(f"#citation_{dossier.pk}").fill("For Alpha's libraries open to all.")
    network.locator(f"#citation_{other.pk}").fill("For Beta.")
    submit(network)
    assert_accessible(network, f"award-decided-{language}")
    submit(network, "/publish/")
    network.context.close()
    page.goto(f"{base}/network/events/award/winners/")
    assert_accessible(page, f"award-winners-{language}")
    assert "For Alpha's libraries open to all." in page.content()
    # The city sees its outcome, never the juror or the scores.
    page.goto(f"{base}/network/events/award/dossiers/{dossier.public_id}/")
    assert "juror@example.org" not in page.content()
    assert "Strong evidence." not in page.content()


@pytest.fixture
def conference(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    host = member_city(
        "medellin",
        name="Medellín",
        country_code="CO",
        region=UnescoRegion.LATIN_AMERICA_CARIBBEAN,
        time_zone="America/Bogota",
    )
    found = make_conference(host, slug="iclc")
    network = make_user("network@example.org")
    RoleGrant.objects.create(user=network, role=Role.NETWORK_COORDINATOR)
    make_user("participant@example.org")
    mayor = make_user("mayor@example.org")
    RoleGrant.objects.create(user=mayor, role=Role.CITY_COORDINATOR, city=host)
    start = timezone.now() + timedelta(days=30)
    conference_services.add_programme_session(
        actor=network,
        conference=found,
        data={
            "title": "Opening plenary",
            "starts_at": start,
            "ends_at": start + timedelta(hours=1),
            "stream_url": "https://stream.example.org/open",
        },
    )
    conference_services.create_site_visit(
        actor=network,
        conference=found,
        title="Library park",
        description="A visit.",
        starts_at=start + timedelta(days=1),
        ends_at=start + timedelta(days=1, hours=2),
        places=20,
        meeting_point="Main gate",
        accessibility=["step_free"],
        accessibility_note="Step-free.",
        latitude=6.25,
        longitude=-75.56,
    )
    conference_services.start_manifesto(
        actor=network,
        conference=found,
        title="Medellín Manifesto",
        paragraphs=["We learn.", "We share."],
    )
    return found


@pytest.mark.parametrize("language", ["en", "ar"])
def test_conference_from_registration_to_adopted_manifesto_and_report(
    page, browser, live_server, conference, language
):
    base = live_server.url
    url = f"{base}/network/events/{conference.slug}/"
    set_language(page, base, language)
    sign_in(page, base, "participant@example.org")
    page.goto(url)
    assert_accessible(page, f"conference-{language}")
    page.locator("main a[href$='/register/']").click()
    page.wait_for_load_state()
    assert_accessible(page, f"conference-register-{language}")
    page.locator("input[name=category][value=expert]").check()
    page.locator("#id_full_name").fill("Ada Lovelace")
    page.locator("#id_country_code").select_option("GB")
    page.locator("#id_needs_visa").check()
    submit(page)
    assert page.locator("#error-summary a[href='#id_passport_number']").count() == 1
    assert_accessible(page, f"conference-register-refused-{language}")
    page.locator("#id_passport_number").fill("X1234567")
    page.locator("#id_nationality").select_option("GB")
    submit(page)
    registration = Registration.objects.get()
    assert_accessible(page, f"conference-registration-{language}")

    page.goto(url + "programme/")
    assert_accessible(page, f"conference-programme-{language}")
    submit(page, "/agenda/")
    page.goto(url + "visits/")
    assert_accessible(page, f"conference-visits-{language}")
    submit(page, "/book/")
    assert_accessible(page, f"conference-booked-{language}")
    page.goto(url + "manifesto/")
    assert_accessible(page, f"conference-manifesto-{language}")
    paragraph = conference.manifesto.paragraphs.get(position=1)
    page.locator(f"#paragraph-{paragraph.pk} summary").click()
    page.locator(f"input[name='p{paragraph.pk}-kind'][value=amendment]").check()
    page.locator(f"#id_p{paragraph.pk}-proposed_text").fill("Everyone learns, at every age.")
    submit(page, f"/{paragraph.pk}/propose/")
    assert_accessible(page, f"conference-proposed-{language}")

    committee = persona(browser, base, language, "network@example.org")
    committee.goto(url + "manifesto/")
    amendment = paragraph.amendments.get()
    committee.locator(f"input[name='a{amendment.pk}-decision'][value=accept]").check()
    committee.locator(f"#id_a{amendment.pk}-reason").fill("Clearer for everyone.")
    submit(committee, f"/amendments/{amendment.pk}/")
    submit(committee, "/adopt/")
    assert_accessible(committee, f"conference-adopted-{language}")
    committee.goto(url + "manifesto/compare/?from=1&to=2")
    assert_accessible(committee, f"conference-compare-{language}")

    mayor = persona(browser, base, language, "mayor@example.org")
    mayor.goto(url + "manifesto/")
    mayor.locator("#id_on_behalf_of").fill("Mayor of Medellín")
    submit(mayor, "/sign/")
    assert_accessible(mayor, f"conference-signed-{language}")
    mayor.context.close()

    committee.goto(url + "check-in/")
    assert_accessible(committee, f"conference-check-in-{language}")
    committee.locator("#id_code").fill(registration.badge_code)
    submit(committee, "/check-in/")
    assert_accessible(committee, f"conference-checked-in-{language}")
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    committee.goto(url + "report/")
    assert_accessible(committee, f"conference-report-{language}")
    assert "Mayor of Medellín" in committee.content()
    committee.context.close()

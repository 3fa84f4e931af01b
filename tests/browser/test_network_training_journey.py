"""A network training in a real browser, in English and Arabic: a person finds the
network's training, joins it from the catalogue like any other opportunity, is
refused a certificate until attendance is marked, then downloads the certificate of
attendance (a PDF) and anyone checks its code on the public verification page.
axe-clean and no Content-Security-Policy violation on every page."""

from datetime import timedelta

import pytest

from learningcity.catalogue import services as catalogue_services
from learningcity.catalogue.models import Enrolment
from learningcity.core.models import Role, RoleGrant
from learningcity.network import partner_services
from learningcity.network.models import TrainingCertificate
from tests.browser.conftest import assert_accessible, set_language
from tests.browser.test_network_journey import sign_in
from tests.catalogue.factories import make_opportunity, make_session
from tests.conftest import make_city, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def training():
    city = make_city("alpha", name="Alpha")
    provider = partner_services.ensure_network_provider(city=city)
    opportunity = make_opportunity(
        provider, slug="webinar", title="Webinar on learning-city indicators", capacity=50
    )
    make_user("ana@example.org", display_name="Ana Gómez")
    coordinator = make_user("network@example.org")
    RoleGrant.objects.create(user=coordinator, role=Role.NETWORK_COORDINATOR)
    partner = partner_services.create_partner(
        actor=None,
        fields={"name": "Reading Together Foundation", "kind": "ngo", "country": "Ireland"},
    )
    partner_services.create_partnership(
        actor=None,
        partner=partner,
        fields={"role": "Co-organises the webinars", "cities": [city]},
    )
    return make_session(opportunity)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_person_joins_a_training_and_downloads_the_certificate(
    page, browser, live_server, training, language
):
    base = live_server.url
    set_language(page, base, language)
    sign_in(page, base, "ana@example.org")

    # Found among the network's trainings, joined from the catalogue.
    page.goto(f"{base}/network/trainings/")
    assert_accessible(page, f"trainings-{language}")
    page.locator("main a[href='/alpha/learn/opportunities/webinar/']").click()
    page.wait_for_load_state()
    page.locator(".enrol-panel").first.locator("button[type=submit]").click()
    page.wait_for_load_state()
    enrolment = Enrolment.objects.get(user__email="ana@example.org")
    assert enrolment.status == "confirmed"
    assert_accessible(page, f"joined-{language}")

    # No certificate before attendance is marked: a clear refusal.
    page.goto(f"{base}/network/trainings/certificates/{enrolment.public_id}.pdf")
    assert page.locator("main [role=alert]").count() == 1
    assert_accessible(page, f"certificate-refused-{language}")
    assert not TrainingCertificate.objects.exists()

    # The session takes place and the organisers mark who came.
    training.starts_at -= timedelta(days=10)
    training.ends_at = training.starts_at + timedelta(hours=2)
    training.save()
    catalogue_services.mark_attendance(actor=None, session=training, attended={enrolment.public_id})

    page.goto(f"{base}/network/trainings/certificates/")
    assert_accessible(page, f"my-certificates-{language}")
    link = page.locator(f"main a[href='/network/trainings/certificates/{enrolment.public_id}.pdf']")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    certificate = TrainingCertificate.objects.get()
    assert certificate.code in download.suggested_filename

    # Anyone checks the code; only the training, the date and "Ana G." are shown.
    visitor = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    set_language(visitor, base, language)
    visitor.goto(f"{base}/network/certificates/verify/")
    assert_accessible(visitor, f"verify-form-{language}")
    visitor.locator("#id_code").fill(certificate.code.lower())
    visitor.locator("main form button[type=submit]").click()
    visitor.wait_for_load_state()
    text = visitor.locator("main").inner_text()
    assert "Webinar on learning-city indicators" in text and "Ana G." in text
    assert "Gómez" not in text and "ana@example.org" not in text
    assert_accessible(visitor, f"verify-valid-{language}")

    # The partners, and the page of one with its partnership.
    visitor.goto(f"{base}/network/partners/")
    assert_accessible(visitor, f"partners-{language}")
    visitor.locator("main a[href='/network/partners/reading-together-foundation/']").click()
    visitor.wait_for_load_state()
    assert "Co-organises the webinars" in visitor.locator("main").inner_text()
    assert_accessible(visitor, f"partner-{language}")
    visitor.context.close()

    # A network coordinator's trainings page leads to the catalogue workspace.
    coordinator = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    set_language(coordinator, base, language)
    sign_in(coordinator, base, "network@example.org")
    coordinator.goto(f"{base}/network/trainings/")
    assert_accessible(coordinator, f"trainings-coordinator-{language}")
    coordinator.locator("main form[method=post] button[type=submit]").click()
    coordinator.wait_for_load_state()
    assert coordinator.url.endswith("/alpha/learn/workspace/providers/learning-cities-network/")
    coordinator.context.close()

"""The network's trainings over HTTP: they are catalogue opportunities of the
network's provider (one per city, created once), joined like any other; attendance
marked in the catalogue gives the attendee a one-page certificate (PDF) with a code
that anyone can check, seeing only the training, its date and a first name."""

from datetime import timedelta

import pytest
from django.utils import timezone

from learningcity.catalogue import services as catalogue_services
from learningcity.catalogue.models import Enrolment, ProviderMembership
from learningcity.core.models import AuditEvent
from learningcity.network import partner_services
from learningcity.network.models import TrainingCertificate
from tests.catalogue.factories import make_opportunity, make_provider, make_session
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(city_a):
    provider = partner_services.ensure_network_provider(city=city_a)
    opportunity = make_opportunity(
        provider, slug="webinar", title="Webinar on learning-city indicators"
    )
    return make_session(opportunity)


@pytest.fixture
def attendee():
    return make_user("ana@example.org", display_name="Ana María Gómez")


def join(client, session):
    url = f"/{session.opportunity.city.slug}/learn/sessions/{session.public_id}/enrol/"
    return client.post(url)


def attend(session, *enrolments):
    """The session took place and the organisers marked who came."""
    session.starts_at -= timedelta(days=14)
    session.ends_at = session.starts_at + timedelta(hours=1, minutes=30)
    session.save()
    catalogue_services.mark_attendance(
        actor=None, session=session, attended={e.public_id for e in enrolments}
    )
    for enrolment in enrolments:
        enrolment.refresh_from_db()


def certificate_url(enrolment):
    return f"/network/trainings/certificates/{enrolment.public_id}.pdf"


def test_the_network_provider_is_created_once_per_city(city_a, city_b, network_coordinator):
    first = partner_services.ensure_network_provider(city=city_a)
    again = partner_services.ensure_network_provider(city=city_a, actor=network_coordinator)
    other = partner_services.ensure_network_provider(city=city_b)
    assert first == again and other != first and other.slug == first.slug
    assert ProviderMembership.objects.filter(provider=first, user=network_coordinator).exists()
    assert AuditEvent.objects.filter(action="network.provider_created").count() == 2


def test_a_network_coordinator_opens_the_catalogue_workspace_to_add_trainings(
    city_a, network_coordinator, training
):
    coordinator = client_for(network_coordinator)
    page = coordinator.get("/network/trainings/").content.decode()
    assert "Webinar on learning-city indicators" in page and "Offer a training" in page
    response = coordinator.post("/network/trainings/", {"city": city_a.slug})
    assert response.status_code == 302
    assert (
        response["Location"] == f"/{city_a.slug}/learn/workspace/providers/learning-cities-network/"
    )
    assert coordinator.get(response["Location"]).status_code == 200
    assert coordinator.post("/network/trainings/", {"city": "nowhere"}).status_code == 400


def test_others_see_the_published_trainings_but_cannot_open_a_workspace(
    client, resident, coordinator_a, city_a, training
):
    unpublished = make_opportunity(training.opportunity.provider, title="Draft toolkit")
    unpublished.is_published = False
    unpublished.save()
    other = make_opportunity(make_provider(city_a), title="Pottery for beginners")
    page = client.get("/network/trainings/").content.decode()
    assert "Webinar on learning-city indicators" in page
    assert "Draft toolkit" not in page and other.title not in page
    assert "Offer a training" not in page
    for person in (resident, coordinator_a):
        assert (
            client_for(person).post("/network/trainings/", {"city": city_a.slug}).status_code == 403
        )


def test_a_person_joins_attends_and_downloads_a_certificate_anyone_can_check(
    client, attendee, training
):
    ana = client_for(attendee)
    assert join(ana, training).status_code == 302
    enrolment = Enrolment.objects.get(user=attendee)
    assert enrolment.status == "confirmed"

    # Before attendance is marked: a clear refusal, and nothing issued.
    response = ana.get(certificate_url(enrolment))
    assert response.status_code == 403
    assert "once the organisers have marked that you attended" in response.content.decode()
    assert not TrainingCertificate.objects.exists()
    assert "No certificate yet" in ana.get("/network/trainings/certificates/").content.decode()

    attend(training, enrolment)
    assert (
        "Download the certificate" in ana.get("/network/trainings/certificates/").content.decode()
    )
    response = ana.get(certificate_url(enrolment))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    certificate = TrainingCertificate.objects.get()
    assert certificate.code in response["Content-Disposition"]
    # Downloading again gives the same certificate, with the same code.
    ana.get(certificate_url(enrolment))
    assert TrainingCertificate.objects.get().code == certificate.code
    assert AuditEvent.objects.filter(action="training.certificate_issued").count() == 1

    page = client.get(f"/network/certificates/verify/{certificate.code}/").content.decode()
    assert "is valid" in page and "Webinar on learning-city indicators" in page
    assert "Ana G." in page
    assert "Gómez" not in page and "ana@example.org" not in page
    # The code typed by hand, in lower case and with spaces.
    response = client.get("/network/certificates/verify/", {"code": certificate.code.lower()})
    assert response["Location"] == f"/network/certificates/verify/{certificate.code}/"


def test_the_pdf_names_the_person_training_and_hours(attendee, training):
    enrolment = catalogue_services.enrol_person(session=training, user=attendee)
    attend(training, enrolment)
    certificate = partner_services.issue_certificate(actor=None, enrolment=enrolment)
    from learningcity.network import certificates

    html = certificates.certificate_html(certificate, "en")
    assert "Ana María Gómez" in html and "Webinar on learning-city indicators" in html
    assert "1.5 hours of training" in html and certificate.code in html
    arabic = certificates.certificate_html(certificate, "ar")
    assert 'dir="rtl"' in arabic
    import weasyprint

    for text in (html, arabic):  # one page, in either direction
        assert len(weasyprint.HTML(string=text).render().pages) == 1


def test_a_repeating_session_counts_each_date_held(attendee, training):
    enrolment = catalogue_services.enrol_person(session=training, user=attendee)
    attend(training, enrolment)  # 1.5 hours long
    training.starts_at = timezone.now().replace(second=0, microsecond=0) - timedelta(days=15)
    training.ends_at = training.starts_at + timedelta(hours=1, minutes=30)
    training.recurrence = "FREQ=WEEKLY;COUNT=4"
    training.save()
    enrolment.refresh_from_db()
    dates = partner_services.attended_dates(enrolment)
    assert dates.hours == 4.5  # three dates held, the fourth is in six days
    assert dates.first_start == training.starts_at
    assert dates.last_end == training.ends_at + timedelta(days=14)


def test_only_the_attendee_and_network_coordinators_download(
    client, attendee, resident, coordinator_a, network_coordinator, training
):
    enrolment = catalogue_services.enrol_person(session=training, user=attendee)
    attend(training, enrolment)
    url = certificate_url(enrolment)
    assert client.get(url)["Location"].startswith("/accounts/login/")
    for person in (resident, coordinator_a):
        assert client_for(person).get(url).status_code == 404
    assert client_for(network_coordinator).get(url).status_code == 200
    assert (
        client_for(attendee)
        .get("/network/trainings/certificates/00000000-0000-0000-0000-000000000000.pdf")
        .status_code
        == 404
    )


def test_no_certificate_for_a_cancelled_place_or_another_providers_course(
    attendee, city_a, training
):
    cancelled = catalogue_services.enrol_person(session=training, user=attendee)
    catalogue_services.cancel_enrolment(enrolment=cancelled)
    assert client_for(attendee).get(certificate_url(cancelled)).status_code == 403

    course = make_session(make_opportunity(make_provider(city_a), title="Pottery"))
    enrolment = catalogue_services.enrol_person(session=course, user=attendee)
    attend(course, enrolment)
    response = client_for(attendee).get(certificate_url(enrolment))
    assert response.status_code == 403
    assert "trainings only" in response.content.decode()


def test_a_wrong_or_withdrawn_code_is_not_valid(client, attendee, training):
    assert client.get("/network/certificates/verify/NOPE2345/").status_code == 404
    assert client.get("/network/certificates/verify/", {"code": ""}).status_code == 200
    enrolment = catalogue_services.enrol_person(session=training, user=attendee)
    attend(training, enrolment)
    certificate = partner_services.issue_certificate(actor=None, enrolment=enrolment)
    catalogue_services.mark_attendance(actor=None, session=training, attended=set())
    response = client.get(f"/network/certificates/verify/{certificate.code}/")
    assert response.status_code == 404 and "No valid certificate" in response.content.decode()


def test_certificates_are_in_the_export_and_go_with_erasure(attendee, training):
    enrolment = catalogue_services.enrol_person(session=training, user=attendee)
    attend(training, enrolment)
    certificate = partner_services.issue_certificate(actor=None, enrolment=enrolment)
    exported = partner_services.export_partner_data_of(attendee)
    assert exported["training_certificates"][0]["code"] == certificate.code
    partner_services.erase_partner_data_of(attendee)
    assert not TrainingCertificate.objects.exists()


def test_rendering_a_certificate_takes_well_under_a_second(attendee, training):
    import time

    from learningcity.network import certificates

    enrolment = catalogue_services.enrol_person(session=training, user=attendee)
    attend(training, enrolment)
    certificate = partner_services.issue_certificate(actor=None, enrolment=enrolment)
    certificates.render_certificate_pdf(certificate, "en")  # fonts loaded once per process
    started = time.monotonic()
    pdf = certificates.render_certificate_pdf(certificate, "ar")
    assert pdf.startswith(b"%PDF") and time.monotonic() - started < 1.0

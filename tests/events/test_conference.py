"""Conferences: registration (categories, capacity, the conference's own questions,
once per person), letters and badges as PDFs, check-in by code or name, the
programme with agendas and streamed sessions in the catalogue, site visits on the
catalogue's enrolment, the manifesto from draft to signatures, and the report."""

import csv
import io
from datetime import timedelta

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from learningcity.catalogue.models import Opportunity
from learningcity.core.models import UnescoRegion
from learningcity.events import conference_services as services
from learningcity.events import printing
from learningcity.events.models import (
    AmendmentStatus,
    BadgePrint,
    ManifestoStatus,
    ProgrammeSession,
    Registration,
)
from tests.conftest import client_for, make_city, make_user
from tests.events.factories import make_conference, register, registration_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def conference(db):
    return make_conference(make_city("medellin", name="Medellín", time_zone="America/Bogota"))


def test_a_person_registers_once(conference):
    person = make_user()
    registration = register(conference, person)
    assert registration.category.code == "delegation"
    with pytest.raises(ValidationError) as refused:
        register(conference, person)
    assert "already registered" in refused.value.messages[0]
    assert Registration.objects.count() == 1


def test_capacity_of_the_conference_and_of_a_category(conference):
    conference.capacity = 2
    conference.save()
    press = conference.categories.get(code="press")
    press.capacity = 1
    press.save()
    register(conference, category="press")
    with pytest.raises(ValidationError) as refused:
        register(conference, category="press")
    assert "Press" in refused.value.message_dict["category"][0]
    register(conference)
    with pytest.raises(ValidationError) as full:
        register(conference)
    assert "full" in full.value.messages[0]


def test_the_conferences_own_questions_and_bad_input(conference):
    conference.form_fields = [
        {
            "name": "diet",
            "label": "Diet",
            "kind": "choice",
            "choices": ["none", "vegan"],
            "required": True,
        },
        {"name": "photos", "label": "Photos allowed", "kind": "yes_no", "required": True},
    ]
    conference.save()
    with pytest.raises(ValidationError) as refused:
        register(
            conference,
            full_name="",
            country_code="??",
            category="nope",
            needs_visa=True,
            answers={"diet": "meat"},
        )
    errors = refused.value.message_dict
    assert {"full_name", "country_code", "category", "passport_number", "nationality"} <= set(
        errors
    )
    assert "answer_diet" in errors and "answer_photos" in errors
    assert not Registration.objects.exists()
    ok = register(conference, answers={"diet": "vegan", "photos": True})
    assert ok.answers == {"diet": "vegan", "photos": True}


def test_registration_over_http_refuses_a_second_time(conference):
    person = make_user()
    client = client_for(person)
    data = {
        "category": "expert",
        "full_name": "Grace Hopper",
        "country_code": "US",
        "needs_visa": "on",
        "passport_number": "X1234567",
        "nationality": "US",
    }
    assert client.post(f"/network/events/{conference.slug}/register/", data).status_code == 302
    again = client.get(f"/network/events/{conference.slug}/register/")
    assert again.status_code == 302
    assert Registration.objects.count() == 1
    confirmation = client.get(f"/network/events/{conference.slug}/me/confirmation.pdf")
    assert confirmation.status_code == 200
    assert confirmation.content.startswith(b"%PDF")
    invitation = client.get(f"/network/events/{conference.slug}/me/invitation.pdf")
    assert invitation.content.startswith(b"%PDF")
    assert (
        client_for(make_user())
        .get(f"/network/events/{conference.slug}/me/confirmation.pdf")
        .status_code
        == 404
    )


def test_check_in_by_code_and_by_name(conference, network_coordinator):
    registration = register(conference, full_name="Ada Lovelace")
    client = client_for(network_coordinator)
    base = f"/network/events/{conference.slug}/check-in/"
    page = client.post(base, {"code": registration.badge_code.lower()})
    assert page.status_code == 200
    assert "Checked in now" in page.content.decode()
    again = client.post(base, {"code": registration.badge_code})
    assert "Already checked in" in again.content.decode()
    assert client.post(base, {"code": "ZZZZ"}).status_code == 400
    other = register(conference, full_name="Grace Hopper")
    found = client.get(base, {"q": "hopp"}).content.decode()
    assert "Grace Hopper" in found
    client.post(f"{base}person/{other.public_id}/")
    assert services.attendance(conference) == {"registered": 2, "arrived": 2}
    # The badge's QR code leads to a page that asks before checking in.
    qr_page = client.get(f"{base}{registration.badge_code}/")
    assert qr_page.status_code == 200
    assert client_for(make_user()).get(base).status_code == 403


def test_badges_are_made_in_the_background_one_a6_page_each(
    conference, network_coordinator, django_capture_on_commit_callbacks
):
    for index in range(3):
        register(conference, full_name=f"Person {index}")
    client = client_for(network_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/network/events/{conference.slug}/badges/")
    job = BadgePrint.objects.get()
    assert job.status == "done"
    assert job.pages == 3
    download = client.get(f"/network/events/{conference.slug}/badges.pdf")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert printing.check_in_url(Registration.objects.first()).endswith("/")


def test_programme_agenda_ical_and_streamed_sessions_in_the_catalogue(conference):
    start = timezone.now() + timedelta(days=30)
    room = conference.rooms.create(name="Hall A")
    speaker = conference.speakers.create(name="Dr Rivera")
    streamed = services.add_programme_session(
        actor=None,
        conference=conference,
        data={
            "title": "Opening plenary",
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "room": room,
            "stream_url": "https://stream.example.org/opening",
            "speakers": [speaker],
        },
    )
    lecture = Opportunity.objects.get(pk=streamed.catalogue_session.opportunity_id)
    assert lecture.kind == "lecture" and lecture.format == "online"
    person = make_user()
    registration = register(conference, person)
    assert services.toggle_agenda(registration=registration, session=streamed)
    client = client_for(person)
    ics = client.get(f"/network/events/{conference.slug}/me/agenda.ics")
    calendar = icalendar.Calendar.from_ical(ics.content)
    events = [c for c in calendar.walk("VEVENT")]
    assert [str(e["summary"]) for e in events] == ["Opening plenary"]
    page = client.get(f"/network/events/{conference.slug}/programme/").content.decode()
    assert "Dr Rivera" in page and "online lecture" in page
    assert not services.toggle_agenda(registration=registration, session=streamed)
    assert ProgrammeSession.objects.count() == 1


def _visit(conference, places=2):
    start = timezone.now() + timedelta(days=31)
    return services.create_site_visit(
        actor=None,
        conference=conference,
        title="Library parks",
        description="The city's library parks.",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        places=places,
        meeting_point="Main entrance",
        accessibility=["step_free"],
        accessibility_note="Step-free throughout.",
        latitude=6.25,
        longitude=-75.56,
    )


def test_site_visits_fill_then_wait_then_promote(conference):
    visit = _visit(conference)
    people = [make_user() for _ in range(3)]
    statuses = [services.book_visit(visit=visit, user=p).status for p in people]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    with pytest.raises(ValidationError) as again:
        services.book_visit(visit=visit, user=people[0])
    assert "already booked" in again.value.messages[0]
    from learningcity.catalogue.services import cancel_enrolment

    cancel_enrolment(enrolment=visit.session.enrolments.get(user=people[0]))
    assert visit.session.enrolments.get(user=people[2]).status == "confirmed"
    page = client_for(people[1]).get(f"/network/events/{conference.slug}/visits/")
    assert "visit-map-points" in page.content.decode()
    assert "Your place is booked" in page.content.decode()


def test_manifesto_from_draft_to_signatures(conference, network_coordinator):
    manifesto = services.start_manifesto(
        actor=None,
        conference=conference,
        title="Medellín Manifesto",
        paragraphs=["We learn.", "We share."],
    )
    participant = make_user()
    register(conference, participant)
    paragraph = manifesto.paragraphs.get(position=1)
    client = client_for(participant)
    url = f"/network/events/{conference.slug}/manifesto/"
    refused = client.post(f"{url}{paragraph.pk}/propose/", {f"p{paragraph.pk}-kind": "amendment"})
    assert refused.status_code == 400
    ok = client.post(
        f"{url}{paragraph.pk}/propose/",
        {
            f"p{paragraph.pk}-kind": "amendment",
            f"p{paragraph.pk}-comment": "Say everyone.",
            f"p{paragraph.pk}-proposed_text": "Everyone learns, at every age.",
        },
    )
    assert ok.status_code == 302
    outsider = client_for(make_user())
    assert outsider.post(f"{url}{paragraph.pk}/propose/", {}).status_code == 403
    amendment = paragraph.amendments.get()
    assert outsider.post(f"{url}amendments/{amendment.pk}/", {}).status_code == 403
    committee = client_for(network_coordinator)
    assert committee.post(f"{url}adopt/").status_code == 400  # an amendment waits
    no_reason = committee.post(
        f"{url}amendments/{amendment.pk}/", {f"a{amendment.pk}-decision": "accept"}
    )
    assert no_reason.status_code == 400
    committee.post(
        f"{url}amendments/{amendment.pk}/",
        {f"a{amendment.pk}-decision": "accept", f"a{amendment.pk}-reason": "Clearer."},
    )
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.ACCEPTED
    paragraph.refresh_from_db()
    assert paragraph.text == "Everyone learns, at every age."
    compared = client.get(f"{url}compare/?from=1&to=2").content.decode()
    assert (
        "<del>We learn.</del>" in compared
        and "<ins>Everyone learns, at every age.</ins>" in compared
    )
    assert committee.post(f"{url}adopt/").status_code == 302
    manifesto.refresh_from_db()
    assert manifesto.status == ManifestoStatus.ADOPTED
    city = make_city("cork", region=UnescoRegion.EUROPE_NORTH_AMERICA)
    from learningcity.core.models import Role, RoleGrant

    mayor_office = make_user()
    RoleGrant.objects.create(user=mayor_office, role=Role.CITY_COORDINATOR, city=city)
    signed = client_for(mayor_office).post(
        f"{url}sign/", {"city": "cork", "on_behalf_of": "Mayor of Cork"}
    )
    assert signed.status_code == 302
    again = client_for(mayor_office).get(url).content.decode()
    assert "Mayor of Cork" in again
    assert client.get(f"{url}compare/?from=9&to=x").status_code == 404


def test_report_by_region_and_category_as_page_and_csv(conference, network_coordinator):
    africa = make_city("lagos", region=UnescoRegion.AFRICA)
    first = register(conference, city=africa)
    register(conference, category="press")
    services.check_in(actor=None, registration=first)
    client = client_for(network_coordinator)
    page = client.get(f"/network/events/{conference.slug}/report/")
    assert page.status_code == 200 and "Africa" in page.content.decode()
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/network/events/{conference.slug}/report.csv").content.decode()
            )
        )
    )
    assert ["attendance", "all", "2", "1"] in rows
    assert ["region", "africa", "1", "1"] in rows
    assert ["category", "press", "1", "0"] in rows
    assert (
        client_for(make_user()).get(f"/network/events/{conference.slug}/report/").status_code == 403
    )


@pytest.mark.parametrize(
    "path",
    ["", "programme/", "visits/", "manifesto/", "check-in/NOPE/", "me/", "me/other.pdf"],
)
def test_pages_answer_without_a_server_error(conference, path):
    response = client_for(make_user()).get(f"/network/events/{conference.slug}/{path}")
    assert response.status_code in (200, 403, 404)


def test_registration_data_factory_is_complete():
    assert set(registration_data()) >= {"full_name", "country_code", "category"}


def test_the_adopted_manifesto_is_translated_and_shown_in_the_readers_language(
    conference, network_coordinator
):
    manifesto = services.start_manifesto(
        actor=None, conference=conference, title="M", paragraphs=["We learn.", "We share."]
    )
    client = client_for(network_coordinator)
    url = f"/network/events/{conference.slug}/manifesto/translations/fr/"
    services.adopt_manifesto(actor=None, manifesto=manifesto)
    half = client.post(url, {"paragraph_1": "Nous apprenons."})
    assert half.status_code == 400
    manifesto.refresh_from_db()
    assert manifesto.translations == {}
    done = client.post(url, {"paragraph_1": "Nous apprenons.", "paragraph_2": "Nous partageons."})
    assert done.status_code == 302
    page = client_for(make_user()).get(
        f"/network/events/{conference.slug}/manifesto/", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "Nous partageons." in page.content.decode()
    assert (
        client.get(f"/network/events/{conference.slug}/manifesto/translations/de/").status_code
        == 404
    )


def test_organisers_add_sessions_and_visits_in_local_time(conference, network_coordinator):
    client = client_for(network_coordinator)
    room = conference.rooms.create(name="Hall B")
    base = f"/network/events/{conference.slug}/"
    day = (timezone.localdate() + timedelta(days=30)).isoformat()
    bad = client.post(
        base + "programme/new/",
        {"title": "Panel", "starts_at": f"{day}T10:00", "ends_at": f"{day}T09:00"},
    )
    assert bad.status_code == 400 and not ProgrammeSession.objects.exists()
    ok = client.post(
        base + "programme/new/",
        {
            "title": "Panel",
            "starts_at": f"{day}T10:00",
            "ends_at": f"{day}T11:00",
            "room": str(room.pk),
            "stream_url": "https://stream.example.org/panel",
        },
    )
    assert ok.status_code == 302
    session = ProgrammeSession.objects.get()
    assert session.starts_at.astimezone(conference.city.tzinfo).hour == 10
    assert session.catalogue_session is not None
    visit = client.post(
        base + "visits/new/",
        {
            "title": "Library",
            "starts_at": f"{day}T14:00",
            "ends_at": f"{day}T16:00",
            "places": "20",
            "meeting_point": "Gate",
            "accessibility": ["step_free"],
            "latitude": "6.25",
            "longitude": "-75.5",
        },
    )
    assert visit.status_code == 302
    assert conference.visits.get().session.capacity == 20
    assert client_for(make_user()).get(base + "visits/new/").status_code == 403

"""Bad input anywhere gives a refusal that names what to change, never a server
error; personal data is exported and erased; a conference's questions are checked."""

import pytest
from django.core.exceptions import ValidationError

from learningcity.core.services import PERSONAL_DATA_ERASERS, PERSONAL_DATA_EXPORTERS
from learningcity.events import conference_services
from learningcity.events.models import Amendment, Registration
from learningcity.events.personal_data import erase_events_data_of, export_events_data_of
from tests.conftest import client_for, make_city, make_user
from tests.events.factories import make_conference, make_cycle, register

pytestmark = pytest.mark.django_db


def test_registration_is_exported_and_erased():
    assert export_events_data_of in PERSONAL_DATA_EXPORTERS
    assert erase_events_data_of in PERSONAL_DATA_ERASERS
    conference = make_conference(make_city())
    person = make_user()
    registration = register(
        conference, person, needs_visa=True, passport_number="P1", nationality="FR"
    )
    manifesto = conference_services.start_manifesto(
        actor=None, conference=conference, title="M", paragraphs=["One."]
    )
    conference_services.propose(
        registration=registration,
        paragraph=manifesto.paragraphs.get(),
        kind="comment",
        comment="Good.",
    )
    exported = export_events_data_of(person)
    assert exported["conference_registrations"][0]["passport_number"] == "P1"
    erase_events_data_of(person)
    assert not Registration.objects.exists()
    assert Amendment.objects.get().registration is None


def test_a_conferences_questions_are_checked():
    conference = make_conference(make_city())
    conference.form_fields = [{"name": "x y", "kind": "text"}]
    with pytest.raises(ValidationError) as refused:
        conference.full_clean()
    assert "form_fields" in refused.value.message_dict


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"category": "x" * 5000, "full_name": "\x00", "country_code": "ZZZ"},
        {"category": "expert", "full_name": "A", "country_code": "FR", "city": "nowhere"},
        {"category": "expert", "full_name": "A" * 500, "country_code": "FR", "needs_visa": "on"},
    ],
)
def test_typed_registration_input_never_breaks_the_page(data):
    conference = make_conference(make_city())
    response = client_for(make_user()).post(f"/network/events/{conference.slug}/register/", data)
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_typed_cycle_and_score_input_never_breaks_the_page(network_coordinator):
    cycle = make_cycle()
    client = client_for(network_coordinator)
    response = client.post(
        f"/network/events/award/{cycle.pk}/edit/", {"year": "abc", "weight_plan": "\x00"}
    )
    assert response.status_code == 400
    ranking = client.post(
        f"/network/events/award/{cycle.pk}/ranking/", {"winner_1": "on", "citation_1": "x"}
    )
    assert ranking.status_code == 400
    jury = client.post(
        f"/network/events/award/{cycle.pk}/jurors/",
        {"seat": "1", "email": "nobody@example.org", "country_code": "FR"},
    )
    assert jury.status_code == 400 and "No account uses this address" in jury.content.decode()
    assert client.get(f"/network/events/award/{cycle.pk}/apply/nowhere/").status_code == 404

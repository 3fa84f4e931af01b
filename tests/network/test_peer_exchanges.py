"""Peer exchanges over HTTP: a city asks another (topic, message), the other city's
coordinators hear by e-mail and accept or decline, and an accepted exchange is later
recorded with its outcome. Only the two cities (and the network) see it."""

import pytest
from django.core import mail

from learningcity.core.models import AuditEvent
from learningcity.network.models import PeerExchange
from learningcity.network.peer_services import erase_peer_data_of, export_peer_data_of
from tests.conftest import client_for, make_city
from tests.network.peer_factories import coordinator_of, member

pytestmark = pytest.mark.django_db
NEW = "/network/cities/alpha/exchanges/new/"


@pytest.fixture
def cities(city_a, city_b):
    return member(city_a), member(city_b)


def send(client, **changes):
    data = {"to_city": "beta", "topic": "Literacy circles", "message": "May we visit?"}
    return client.post(NEW, {**data, **changes})


def test_a_city_asks_another_which_accepts_and_records_the_outcome(
    cities, coordinator_a, coordinator_b, django_capture_on_commit_callbacks
):
    alpha, beta = client_for(coordinator_a), client_for(coordinator_b)
    assert "Beta" in alpha.get(NEW + "?to=beta").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = send(alpha)
    assert response.status_code == 302
    exchange = PeerExchange.objects.get()
    assert response["Location"] == f"/network/exchanges/{exchange.public_id}/"
    assert exchange.from_city.slug == "alpha" and exchange.status == "requested"
    (message,) = mail.outbox
    assert message.to == ["coord-b@example.org"]
    assert "Alpha asks for a peer exchange: Literacy circles" in message.subject
    assert "May we visit?" in message.body and str(exchange.public_id) in message.body

    url = f"/network/exchanges/{exchange.public_id}/"
    # The asking city cannot answer its own request, nor record an outcome yet.
    assert "Answer the request" not in alpha.get(url).content.decode()
    assert alpha.post(url, {"decision": "accept"}).status_code == 403
    assert beta.post(url, {"decision": "maybe"}).status_code == 400
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = beta.post(url, {"decision": "accept", "note": "Come in May."})
    assert response.status_code == 302
    exchange.refresh_from_db()
    assert exchange.status == "accepted" and exchange.answered_by == coordinator_b
    (answer,) = mail.outbox
    assert answer.to == ["coord-a@example.org"] and "Beta accepted" in answer.subject
    assert beta.post(url, {"decision": "decline"}).status_code == 403  # answered already

    assert alpha.post(url, {"outcome": ""}).status_code == 400
    response = alpha.post(url, {"outcome": "Two librarians visited; we started six circles."})
    assert response.status_code == 302
    exchange.refresh_from_db()
    assert exchange.status == "completed" and "six circles" in exchange.outcome
    assert "six circles" in beta.get(url).content.decode()
    actions = set(
        AuditEvent.objects.filter(action__startswith="peer.").values_list("action", flat=True)
    )
    assert actions == {
        "peer.exchange_requested",
        "peer.exchange_accepted",
        "peer.exchange_completed",
    }
    # Both cities list it on their peer-learning page.
    assert "Literacy circles" in alpha.get("/network/cities/alpha/peers/").content.decode()
    assert "Literacy circles" in beta.get("/network/cities/beta/peers/").content.decode()


def test_a_declined_request_has_no_outcome(cities, coordinator_a, coordinator_b):
    send(client_for(coordinator_a))
    exchange = PeerExchange.objects.get()
    url = f"/network/exchanges/{exchange.public_id}/"
    beta = client_for(coordinator_b)
    assert beta.post(url, {"decision": "decline", "note": "Not this year."}).status_code == 302
    exchange.refresh_from_db()
    assert exchange.status == "declined"
    assert beta.post(url, {"outcome": "Nothing."}).status_code == 403
    assert client_for(coordinator_a).post(url, {"outcome": "Nothing."}).status_code == 403


def test_refusals_name_the_field_and_save_nothing(cities, coordinator_a):
    alpha = client_for(coordinator_a)
    response = send(alpha, topic="", message="")
    assert response.status_code == 400 and not PeerExchange.objects.exists()
    response = send(alpha, to_city="alpha")  # not in the list: never one's own city
    assert response.status_code == 400 and not PeerExchange.objects.exists()
    applicant = make_city("omega", name="Omega")  # not a member: not offered
    response = send(alpha, to_city=applicant.slug)
    assert response.status_code == 400 and not PeerExchange.objects.exists()
    assert send(alpha).status_code == 302
    response = send(alpha)
    assert response.status_code == 400
    assert "still waiting for an answer" in response.content.decode()
    assert PeerExchange.objects.count() == 1


def test_only_the_two_cities_and_the_network_see_an_exchange(
    cities, coordinator_a, coordinator_b, network_coordinator, resident, client
):
    send(client_for(coordinator_a))
    url = f"/network/exchanges/{PeerExchange.objects.get().public_id}/"
    gamma = coordinator_of(member(make_city("gamma", name="Gamma")))
    assert client.get(url).status_code == 302
    assert client_for(resident).get(url).status_code == 403
    assert client_for(gamma).get(url).status_code == 403
    assert client_for(network_coordinator).get(url).status_code == 200
    assert client_for(network_coordinator).post(url, {"decision": "accept"}).status_code == 403
    assert client_for(coordinator_b).get(NEW).status_code == 403  # not Beta's to send
    assert (
        client_for(coordinator_a)
        .get("/network/exchanges/00000000-0000-0000-0000-000000000000/")
        .status_code
        == 404
    )


def test_exchange_requests_are_in_the_personal_data(cities, coordinator_a):
    send(client_for(coordinator_a))
    assert export_peer_data_of(coordinator_a)["network_peer_exchanges_requested"][0]["to"] == "beta"
    erase_peer_data_of(coordinator_a)
    assert PeerExchange.objects.get().requested_by is None

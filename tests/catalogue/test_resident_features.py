"""Issue 8, what residents expected: a home page that finds a city, "You have joined"
with a calendar file, one confirmation to cancel, saved searches with e-mail
alerts, and a question to the provider."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from learningcity.catalogue import alerts, schedule, search, views_finder
from learningcity.catalogue.models import EnrolmentStatus, SavedSearch
from learningcity.catalogue.services import enrol_person
from tests.catalogue.factories import make_opportunity, make_provider, make_session, make_site
from tests.conftest import client_for, make_city

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_indexes():
    search.forget_indexes()
    views_finder.forget_examples()
    yield
    search.forget_indexes()


@pytest.fixture
def provider(city_a):
    return make_provider(city_a, name="City Library", email="library@example.org")


def offer(provider, title, **fields):
    site = make_site(provider.city, name="Central Library", address="1 Grand Parade")
    opportunity = make_opportunity(provider, title=title, site=site, **fields)
    local = (timezone.now() + timedelta(days=5)).astimezone(provider.city.tzinfo)
    starts = local.replace(hour=10, minute=0, second=0, microsecond=0)
    session = make_session(opportunity, starts_at=starts, ends_at=starts + timedelta(hours=2))
    schedule.refresh_schedule(opportunity)
    return opportunity, session


@pytest.fixture
def yoga(provider):
    return offer(provider, "Yoga for everyone")


def page(response):
    return response.content.decode()


# -- the home page


@pytest.fixture
def cities(city_a, city_b):
    make_city("medellin", name="Medellín", country="Colombia", latitude=6.24, longitude=-75.58)
    make_city("cork", name="Cork", country="Ireland", latitude=51.90, longitude=-8.47)


def test_the_home_page_says_what_a_learning_city_is(client, cities):
    html = page(client.get("/"))
    assert "A learning city helps everyone who lives there to keep learning" in html


def test_a_city_is_found_by_name_without_accents(client, cities):
    html = page(client.get("/", {"city": "medellin"}))
    assert "1 city found" in html
    assert 'href="/medellin/"' in html.split("1 city found")[1]


def test_a_city_is_found_by_country(client, cities):
    html = page(client.get("/", {"city": "ireland"}))
    assert "1 city found" in html


def test_the_nearest_city_to_a_point_comes_first(client, cities):
    html = page(client.get("/", {"lat": "6.2", "lng": "-75.6"}))
    found = html.split("Cities nearest to you")[1]
    assert found.index("Medellín") < found.index("Cork")
    assert "km away" in found


@pytest.mark.parametrize(
    "params", [{"city": "\x00"}, {"lat": "nan", "lng": "1"}, {"lat": "99", "lng": "1"}]
)
def test_bad_input_on_the_home_page_is_harmless(client, cities, params):
    assert client.get("/", params).status_code == 200


def test_nobody_found_is_said_plainly(client, cities):
    assert "No city in the network is called “Atlantis”" in page(
        client.get("/", {"city": "Atlantis"})
    )


# -- joining, the calendar and cancelling


def test_after_joining_the_page_says_you_have_joined_with_cancel_and_calendar(
    client, resident, yoga
):
    opportunity, session = yoga
    me = client_for(resident)
    url = f"/alpha/learn/opportunities/{opportunity.slug}/"
    assert "You have joined" not in page(me.get(url))
    me.post(f"/alpha/learn/sessions/{session.public_id}/enrol/")
    enrolment = session.enrolments.get()
    html = page(me.get(url))
    assert "You have joined" in html
    assert f"/alpha/learn/enrolments/{enrolment.public_id}/cancel/" in html
    assert f"/alpha/learn/enrolments/{enrolment.public_id}/calendar.ics" in html
    assert "You have joined" not in page(client.get(url))


def test_a_guest_who_joined_sees_it_in_the_same_browser(client, yoga):
    opportunity, session = yoga
    client.post(
        f"/alpha/learn/sessions/{session.public_id}/enrol/",
        {"name": "Gil", "email": "gil@example.org"},
    )
    assert "You have joined" in page(client.get(f"/alpha/learn/opportunities/{opportunity.slug}/"))


def test_the_enrolment_calendar_file_carries_the_place(client, yoga):
    _opportunity, session = yoga
    enrolment = enrol_person(session=session, name="Ann", email="ann@example.org")
    response = client.get(f"/alpha/learn/enrolments/{enrolment.public_id}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    body = page(response)
    assert "SUMMARY:Yoga for everyone" in body
    assert "LOCATION:Central Library\\, 1 Grand Parade" in body


def test_the_confirmation_page_has_the_address_and_the_calendar_file(client, yoga):
    _opportunity, session = yoga
    enrolment = enrol_person(session=session, name="Ann", email="ann@example.org")
    html = page(client.get(f"/alpha/learn/enrolments/{enrolment.public_id}/"))
    assert "Central Library, 1 Grand Parade" in html
    assert f"/alpha/learn/enrolments/{enrolment.public_id}/calendar.ics" in html


def test_the_confirmation_email_carries_a_calendar_file(yoga, django_capture_on_commit_callbacks):
    _opportunity, session = yoga
    with django_capture_on_commit_callbacks(execute=True):
        enrol_person(session=session, name="Ann", email="ann@example.org")
    (message,) = mail.outbox
    names = [attachment[0] for attachment in message.attachments]
    assert names == [f"{session.opportunity.slug}.ics"]
    assert "LOCATION:Central Library" in message.attachments[0][1]


def test_cancelling_asks_once_then_cancels(client, yoga):
    _opportunity, session = yoga
    enrolment = enrol_person(session=session, name="Ann", email="ann@example.org")
    detail = page(client.get(f"/alpha/learn/enrolments/{enrolment.public_id}/"))
    cancel = f"/alpha/learn/enrolments/{enrolment.public_id}/cancel/"
    # The place's page links to the one question; it does not cancel by itself.
    assert f'href="{cancel}"' in detail
    assert f'action="{cancel}"' not in detail
    question = page(client.get(cancel))
    assert "Yes, cancel my place" in question
    client.post(cancel)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CANCELLED


# -- saved searches


def test_a_resident_saves_a_search_and_hears_of_something_new(client, resident, provider, yoga):
    me = client_for(resident)
    response = me.post("/alpha/learn/saved-searches/", {"query": "q=yoga"})
    assert response.status_code == 302
    assert response.url == "/alpha/learn/?q=yoga"
    saved = SavedSearch.objects.get(user=resident)
    assert saved.is_confirmed
    assert alerts.send_saved_search_alerts() == 0  # nothing new yet
    offer(provider, "Chair yoga")
    offer(provider, "Painting")
    assert alerts.send_saved_search_alerts() == 1
    (message,) = mail.outbox
    assert message.to == [resident.email]
    assert "Chair yoga" in message.body
    assert "Painting" not in message.body
    stop = f"/alpha/learn/saved-searches/{saved.public_id}/stop/"
    assert stop in message.body
    assert stop in message.extra_headers["List-Unsubscribe"]
    assert alerts.send_saved_search_alerts() == 0  # told once


def test_a_guest_confirms_before_any_alert(
    client, provider, yoga, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/alpha/learn/saved-searches/", {"query": "q=yoga", "email": "gil@example.org"})
    saved = SavedSearch.objects.get(guest_email="gil@example.org")
    assert not saved.is_confirmed
    (opt_in,) = mail.outbox
    confirm = f"/alpha/learn/saved-searches/{saved.public_id}/confirm/"
    assert confirm in opt_in.body
    offer(provider, "Chair yoga")
    assert alerts.send_saved_search_alerts() == 0  # not confirmed: no alert
    client.get(confirm)  # a mail scanner opening the link confirms nothing
    saved.refresh_from_db()
    assert not saved.is_confirmed
    client.post(confirm)
    saved.refresh_from_db()
    assert saved.is_confirmed
    offer(provider, "Yoga by the sea")
    assert alerts.send_saved_search_alerts() == 1
    assert "Yoga by the sea" in mail.outbox[-1].body


def test_a_guest_without_an_address_is_asked_for_one(client, yoga):
    response = client.post("/alpha/learn/saved-searches/", {"query": "q=yoga"})
    assert response.status_code == 400
    assert "Give your email address" in page(response)
    assert not SavedSearch.objects.exists()


def test_stopping_a_saved_search_asks_once(client, resident, yoga):
    saved = alerts.save_search(city=yoga[0].city, query="q=yoga", user=resident)
    stop = f"/alpha/learn/saved-searches/{saved.public_id}/stop/"
    assert "Stop these e-mails" in page(client.get(stop))
    client.post(stop)
    assert not SavedSearch.objects.exists()


def test_a_saved_search_of_another_city_is_not_found(client, resident, yoga, city_b):
    saved = alerts.save_search(city=yoga[0].city, query="q=yoga", user=resident)
    assert client.get(f"/beta/learn/saved-searches/{saved.public_id}/stop/").status_code == 404


def test_the_finder_offers_to_save_the_search(client, yoga):
    html = page(client.get("/alpha/learn/", {"q": "yoga", "page": "1"}))
    assert re.search(r'name="query" value="q=yoga"', html)


# -- a question to the provider


def test_a_question_goes_to_the_provider_with_reply_to_the_asker(client, yoga):
    opportunity, _session = yoga
    url = f"/alpha/learn/opportunities/{opportunity.slug}/"
    assert 'action="' + url + 'ask/"' in page(client.get(url))
    response = client.post(
        url + "ask/",
        {"name": "Ann Asker", "email": "ann@example.org", "question": "Is there parking?"},
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["library@example.org"]
    assert message.reply_to == ["Ann Asker <ann@example.org>"]
    assert "Is there parking?" in message.body


def test_questions_are_rate_limited_with_a_clear_message(client, yoga, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "email_to_typed_address": "2/h"}
    url = f"/alpha/learn/opportunities/{yoga[0].slug}/ask/"
    data = {"name": "Ann", "email": "ann@example.org", "question": "Hello?"}
    statuses = [client.post(url, data).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert len(mail.outbox) == 2
    assert "many times in a short while" in page(client.post(url, data))


def test_a_question_with_bad_input_changes_nothing(client, yoga):
    url = f"/alpha/learn/opportunities/{yoga[0].slug}/ask/"
    response = client.post(url, {"name": "Ann\x00", "email": "not-an-address", "question": ""})
    assert response.status_code == 400
    assert mail.outbox == []


def test_a_provider_without_an_address_is_said_so(client, city_a):
    provider = make_provider(city_a, name="No Mail")
    opportunity, _session = offer(provider, "Quiet course")
    html = page(client.get(f"/alpha/learn/opportunities/{opportunity.slug}/"))
    assert "This provider has not given a contact address." in html


def test_saved_searches_are_in_the_data_export_and_go_with_the_account(resident, yoga):
    from learningcity.core import services as core_services

    alerts.save_search(city=yoga[0].city, query="q=yoga", user=resident)
    exported = alerts.export_saved_searches_of(resident)
    assert exported["saved_searches"][0]["search"] == "q=yoga"
    core_services.erase_account(resident)
    assert not SavedSearch.objects.exists()

"""Joining sessions, the waiting list, cancelling, reminders and personal data."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from learningcity import periodic
from learningcity.catalogue.models import Enrolment, EnrolmentStatus, Session
from learningcity.catalogue.services import enrol_person, update_session
from learningcity.core.dates import format_when
from learningcity.core.models import AuditEvent
from tests.catalogue.factories import make_opportunity, make_provider, make_session, make_site
from tests.conftest import PASSWORD, client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(city_a):
    provider = make_provider(city_a, name="Alpha Library")
    opportunity = make_opportunity(provider, title="Digital skills for everyone", capacity=2)
    return make_session(opportunity, site=make_site(city_a, name="Central Library"))


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Run the emails that services send once their transaction commits."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def enrol_url(session):
    return f"/{session.opportunity.city.slug}/learn/sessions/{session.public_id}/enrol/"


def join_as_guest(
    client, session, name="Gil Guest", email="gil@example.org", follow=False, **extra
):
    data = {"name": name, "email": email, **extra}
    return client.post(enrol_url(session), data, follow=follow)


def fill(session, count):
    return [
        enrol_person(session=session, name=f"P{n}", email=f"p{n}@example.org") for n in range(count)
    ]


# -- joining


def test_signed_in_resident_joins_with_one_button_and_gets_a_confirmation(
    resident, session, deliver
):
    response = deliver(client_for(resident).post, enrol_url(session))
    enrolment = Enrolment.objects.get(user=resident)
    assert enrolment.status == EnrolmentStatus.CONFIRMED
    assert response.status_code == 302
    assert response.url == f"/alpha/learn/enrolments/{enrolment.public_id}/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [resident.email]
    assert "You have a place" in mail.outbox[0].subject
    assert f"/alpha/learn/enrolments/{enrolment.public_id}/cancel/" in mail.outbox[0].body


def test_light_sign_up_needs_only_a_name_and_an_email(client, session, deliver):
    response = deliver(
        join_as_guest, client, session, email="Gil@Example.org", needs="Step-free access"
    )
    enrolment = Enrolment.objects.get()
    assert response.status_code == 302
    assert (enrolment.guest_name, enrolment.guest_email) == ("Gil Guest", "gil@example.org")
    assert enrolment.needs == "Step-free access"
    assert enrolment.user is None
    html = mail.outbox[0].alternatives[0][0]
    assert "Central Library" in html and "cancel my place" in html


def test_light_sign_up_with_a_bad_email_shows_the_error_and_saves_nothing(client, session):
    response = join_as_guest(client, session, email="not-an-email")
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_the_enrol_page_offers_sign_up_fields_or_a_single_button(client, resident, session):
    anonymous = client.get(enrol_url(session)).content.decode()
    signed_in = client_for(resident).get(enrol_url(session)).content.decode()
    assert 'name="email"' in anonymous and "Sign in to join" in anonymous
    assert 'name="email"' not in signed_in and "You are joining as" in signed_in


def test_emails_use_the_persons_preferred_language(session, deliver):
    person = make_user(preferred_language="fr")
    enrolment = deliver(enrol_person, session=session, user=person)
    assert enrolment.status == EnrolmentStatus.CONFIRMED
    # Month and weekday names, and their order, come from CLDR's French ("lundi 7 décembre").
    starts = timezone.localtime(session.starts_at, session.opportunity.city.tzinfo)
    assert format_when(starts, "full", "fr") in mail.outbox[0].body


def test_a_full_session_puts_people_on_the_waiting_list_with_their_position(
    client, session, deliver
):
    fill(session, 2)
    response = deliver(join_as_guest, client, session)
    enrolment = Enrolment.objects.get(guest_email="gil@example.org")
    assert enrolment.status == EnrolmentStatus.WAITLISTED
    page = client.get(response.url).content.decode()
    assert "number 1 on the waiting list" in page
    assert "waiting list" in mail.outbox[0].subject
    assert "number 1" in mail.outbox[0].body


def test_the_second_in_line_is_told_they_are_number_two(client, session):
    fill(session, 3)
    response = join_as_guest(client, session, follow=True)
    assert "You are number 2 on the waiting list" in response.content.decode()


def test_a_double_submit_never_takes_two_seats(resident, session):
    client = client_for(resident)
    first = client.post(enrol_url(session))
    second = client.post(enrol_url(session), follow=True)
    assert Enrolment.objects.filter(user=resident).count() == 1
    assert first.status_code == 302
    assert "You already have a place" in second.content.decode()


def test_a_guest_double_submit_keeps_one_place_and_does_not_leak_the_link(client, session):
    join_as_guest(client, session)
    response = join_as_guest(Client(), session, follow=True)
    assert Enrolment.objects.count() == 1
    page = response.content.decode()
    assert "already enrolled" in page
    assert str(Enrolment.objects.get().public_id) not in page


@pytest.mark.parametrize(
    "change",
    [
        {"is_cancelled": True},
        {"starts_at": timezone.now() - timedelta(hours=1)},
    ],
    ids=["cancelled", "already started"],
)
def test_cancelled_or_past_sessions_cannot_be_joined(client, session, change):
    for name, value in change.items():
        setattr(session, name, value)
    session.ends_at = session.starts_at + timedelta(hours=2)
    session.save()
    page = client.get(enrol_url(session)).content.decode()
    assert 'name="email"' not in page  # no form to join
    response = join_as_guest(client, session)
    assert response.status_code == 200
    assert "cannot be joined" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_an_unpublished_opportunitys_session_is_not_found(client, session):
    session.opportunity.is_published = False
    session.opportunity.save()
    assert client.get(enrol_url(session)).status_code == 404


def test_a_session_of_another_city_is_not_found_here(client, session, city_b):
    response = client.get(f"/{city_b.slug}/learn/sessions/{session.public_id}/enrol/")
    assert response.status_code == 404


# -- cancelling and the waiting list


def test_cancelling_gives_the_seat_to_the_first_in_line_and_tells_them(session, client, deliver):
    first, _second = fill(session, 2)
    waiting = [
        enrol_person(session=session, name=f"W{n}", email=f"w{n}@example.org") for n in range(2)
    ]
    mail.outbox.clear()
    cancel_url = f"/alpha/learn/enrolments/{first.public_id}/cancel/"
    assert "Yes, cancel my place" in client.get(cancel_url).content.decode()
    deliver(client.post, cancel_url)
    statuses = {e.guest_email: e.status for e in Enrolment.objects.all()}
    assert statuses[first.guest_email] == EnrolmentStatus.CANCELLED
    assert statuses[waiting[0].guest_email] == EnrolmentStatus.CONFIRMED
    assert statuses[waiting[1].guest_email] == EnrolmentStatus.WAITLISTED
    assert [m.to for m in mail.outbox] == [[waiting[0].guest_email]]
    assert "now yours" in mail.outbox[0].subject


def test_opening_the_cancel_link_does_not_cancel_by_itself(client, session):
    (enrolment,) = fill(session, 1)
    client.get(f"/alpha/learn/enrolments/{enrolment.public_id}/cancel/")
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CONFIRMED


def test_cancelling_twice_is_harmless(client, session):
    (enrolment,) = fill(session, 1)
    url = f"/alpha/learn/enrolments/{enrolment.public_id}/cancel/"
    client.post(url)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "already cancelled" in response.content.decode()


def test_an_unknown_enrolment_link_is_not_found(client, session):
    response = client.get("/alpha/learn/enrolments/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404


def test_the_enrolment_link_does_not_work_under_another_city(client, session, city_b):
    (enrolment,) = fill(session, 1)
    assert client.get(f"/{city_b.slug}/learn/enrolments/{enrolment.public_id}/").status_code == 404


# -- my learning


def test_my_learning_lists_my_enrolments_with_waitlist_positions(
    resident, session, django_assert_max_num_queries
):
    fill(session, 2)
    enrol_person(session=session, user=resident)
    other = make_session(session.opportunity)
    enrol_person(session=other, user=resident)
    client = client_for(resident)
    # Session, user, city, enrolments, one for the feedback the quality app asks for
    # on this page and two for the credentials app's counts (credentials, recognised
    # units): a fixed number however many enrolments there are.
    with django_assert_max_num_queries(7):
        response = client.get("/alpha/learn/my/")
    page = response.content.decode()
    assert len(re.findall(r'href="/alpha/learn/enrolments/[0-9a-f-]+/"', page)) == 2
    assert "Waiting list: number 1" in page


def test_my_learning_needs_an_account(client, city_a):
    response = client.get("/alpha/learn/my/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_a_resident_cancels_from_their_account_page(resident, session):
    enrolment = enrol_person(session=session, user=resident)
    response = client_for(resident).post(f"/alpha/learn/my/{enrolment.public_id}/cancel/")
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CANCELLED


def test_cancelling_someone_elses_enrolment_from_my_account_is_not_found(resident, session):
    someone = enrol_person(session=session, user=make_user())
    response = client_for(resident).post(f"/alpha/learn/my/{someone.public_id}/cancel/")
    assert response.status_code == 404
    someone.refresh_from_db()
    assert someone.status == EnrolmentStatus.CONFIRMED


# -- reminders


def test_reminders_go_once_to_people_with_a_seat_in_sessions_within_a_day(session, deliver):
    session.starts_at = timezone.now() + timedelta(hours=5)
    session.ends_at = session.starts_at + timedelta(hours=1)
    session.save()
    later = make_session(session.opportunity, starts_at=timezone.now() + timedelta(days=3))
    seated = fill(session, 2)
    enrol_person(session=session, name="Waiting", email="waiting@example.org")
    enrol_person(session=later, name="Later", email="later@example.org")
    mail.outbox.clear()
    periodic.send_reminders()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.guest_email for e in seated)
    assert "Reminder" in mail.outbox[0].subject
    assert "/cancel/" in mail.outbox[0].body
    periodic.send_reminders()
    assert len(mail.outbox) == 2
    assert Enrolment.objects.filter(reminder_sent_at__isnull=False).count() == 2


def test_a_reminder_that_fails_to_send_is_tried_again_next_time(session, settings):
    session.starts_at = timezone.now() + timedelta(hours=5)
    session.ends_at = session.starts_at + timedelta(hours=1)
    session.save()
    fill(session, 1)
    settings.EMAIL_BACKEND = "tests.catalogue.test_enrol.BrokenBackend"
    periodic.send_reminders()
    assert Enrolment.objects.get().reminder_sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    periodic.send_reminders()
    assert len(mail.outbox) == 1


class BrokenBackend:
    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_a_mail_server_failure_does_not_lose_the_enrolment(client, session, settings, deliver):
    settings.EMAIL_BACKEND = "tests.catalogue.test_enrol.BrokenBackend"
    response = deliver(join_as_guest, client, session)
    assert response.status_code == 302
    assert Enrolment.objects.count() == 1


# -- personal data


def test_my_data_export_includes_my_enrolments(resident, session):
    enrol_person(session=session, user=resident, needs="Large print")
    data = json.loads(client_for(resident).post("/accounts/me/export/").content)
    (entry,) = data["enrolments"]
    assert entry["opportunity"] == "Digital skills for everyone"
    assert entry["status"] == "confirmed"
    assert entry["needs"] == "Large print"


def test_erasing_my_account_deletes_my_enrolments_and_frees_my_seat(resident, session, deliver):
    enrol_person(session=session, user=resident)
    fill(session, 2)  # one more seat, then one waiting
    waiting = Enrolment.objects.get(status=EnrolmentStatus.WAITLISTED)
    mail.outbox.clear()
    response = deliver(client_for(resident).post, "/accounts/me/erase/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not Enrolment.objects.filter(user_id=resident.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.CONFIRMED
    assert mail.outbox[0].to == [waiting.guest_email]
    assert AuditEvent.objects.filter(action="enrolments.erased").exists()


# -- the panel on the opportunity page


def render_panel(rf, session, user):
    request = rf.get("/alpha/learn/")
    request.user = user
    context = {"session": session, "city": session.opportunity.city}
    return render_to_string("catalogue/_enrol_panel.html", context, request=request)


def test_the_enrol_panel_shows_places_left_and_light_sign_up_fields(rf, session):
    html = render_panel(rf, session, AnonymousUser())
    assert "2 places left." in html
    assert f'action="/alpha/learn/sessions/{session.public_id}/enrol/"' in html
    assert 'name="name"' in html and 'name="email"' in html and 'name="needs"' in html
    assert "Sign in to join with it" in html


def test_the_enrol_panel_of_a_full_session_offers_the_waiting_list(rf, session, resident):
    fill(session, 3)
    html = render_panel(rf, session, resident)
    assert "Full. 1 person is on the waiting list." in html
    assert "Join the waiting list" in html
    assert 'name="email"' not in html  # signed in: one button


def test_the_enrol_panel_reads_annotated_counts_without_extra_queries(
    rf, session, django_assert_num_queries
):
    fill(session, 1)
    counted = Session.objects.with_seat_counts().select_related("opportunity__city", "site")
    annotated = counted.get(pk=session.pk)
    with django_assert_num_queries(0):
        html = render_panel(rf, annotated, AnonymousUser())
    assert "1 place left." in html


def test_moving_a_session_sends_its_reminder_again(session):
    session.starts_at = timezone.now() + timedelta(hours=5)
    session.ends_at = session.starts_at + timedelta(hours=1)
    session.save()
    fill(session, 1)
    periodic.send_reminders()
    later = session.starts_at + timedelta(hours=2)
    update_session(
        actor=make_user(),
        session=session,
        changes={"starts_at": later, "ends_at": later + timedelta(hours=1)},
    )
    periodic.send_reminders()
    assert len(mail.outbox) == 2

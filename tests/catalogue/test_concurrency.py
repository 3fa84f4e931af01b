"""Many people joining a 20-seat session at the same moment (PostgreSQL row locks)."""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from learningcity.catalogue import services
from learningcity.catalogue.models import Enrolment, EnrolmentStatus
from tests.catalogue.factories import make_opportunity, make_provider, make_session
from tests.conftest import make_city

PEOPLE = 120
SEATS = 20
# PostgreSQL allows 100 connections by default, shared with everything else on the
# server: every person has their own thread, but at most this many hold a connection
# at once (they still race each other for the session's row lock).
CONNECTIONS = int(os.environ.get("LEARNINGCITY_TEST_CONNECTIONS", "40"))


@pytest.fixture
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so there is no race")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_120_people_at_once_fill_20_seats_and_queue_the_rest_in_arrival_order(
    needs_postgres, monkeypatch
):
    session = make_session(make_opportunity(make_provider(make_city()), capacity=SEATS))
    lock_order: list[int] = []
    record = threading.Lock()
    lock_session = services._lock_session

    def lock_and_note(session_pk):
        locked = lock_session(session_pk)
        with record:  # we hold the row lock here, so this order is the lock order
            lock_order.append(threading.get_ident())
        return locked

    monkeypatch.setattr(services, "_lock_session", lock_and_note)
    start = threading.Barrier(PEOPLE)
    gate = threading.BoundedSemaphore(CONNECTIONS)
    email_of_thread: dict[int, str] = {}

    def join(number: int) -> Enrolment:
        email = f"person{number}@example.org"
        email_of_thread[threading.get_ident()] = email
        start.wait()
        with gate:
            try:
                return services.enrol_person(session=session, name=f"P{number}", email=email)
            finally:
                connections.close_all()

    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        results = list(pool.map(join, range(PEOPLE)))

    assert len(results) == PEOPLE  # nobody lost, nobody refused
    arrival = [email_of_thread[ident] for ident in lock_order]
    enrolments = list(
        Enrolment.objects.filter(session=session).with_waitlist_positions().order_by("created_at")
    )
    assert [e.guest_email for e in enrolments] == arrival
    assert [e.status for e in enrolments] == (
        [EnrolmentStatus.CONFIRMED] * SEATS + [EnrolmentStatus.WAITLISTED] * (PEOPLE - SEATS)
    )
    waitlist = [e for e in enrolments if e.status == EnrolmentStatus.WAITLISTED]
    assert [e.waitlist_position for e in waitlist] == list(range(1, PEOPLE - SEATS + 1))

    services.cancel_enrolment(enrolment=enrolments[0])

    statuses = dict(Enrolment.objects.filter(session=session).values_list("pk", "status"))
    assert statuses[enrolments[0].pk] == EnrolmentStatus.CANCELLED
    assert statuses[waitlist[0].pk] == EnrolmentStatus.CONFIRMED
    assert [statuses[e.pk] for e in waitlist[1:]] == [EnrolmentStatus.WAITLISTED] * (
        PEOPLE - SEATS - 1
    )
    assert list(statuses.values()).count(EnrolmentStatus.CONFIRMED) == SEATS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_submit_racing_itself_takes_one_seat(needs_postgres):
    session = make_session(make_opportunity(make_provider(make_city()), capacity=SEATS))
    start = threading.Barrier(10)

    def submit(_attempt: int) -> str:
        start.wait()
        try:
            services.enrol_person(session=session, name="Twice", email="twice@example.org")
            return "enrolled"
        except services.AlreadyEnrolled:
            return "already"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = sorted(pool.map(submit, range(10)))

    assert outcomes == ["already"] * 9 + ["enrolled"]
    assert Enrolment.objects.filter(session=session).count() == 1

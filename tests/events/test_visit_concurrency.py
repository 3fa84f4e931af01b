"""100 participants booking a 20-place site visit at the same moment (PostgreSQL row
locks through the catalogue's enrolment): exactly 20 booked, 80 waiting, 0 errors."""

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from learningcity.catalogue.models import Enrolment, EnrolmentStatus
from learningcity.events import conference_services as services
from tests.conftest import make_city, make_user
from tests.events.factories import make_conference

PEOPLE = 100
PLACES = 20
CONNECTIONS = int(os.environ.get("LEARNINGCITY_TEST_CONNECTIONS", "40"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_100_bookings_at_once_of_a_20_place_visit():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so there is no race")
    conference = make_conference(make_city("medellin"))
    start = timezone.now() + timedelta(days=20)
    visit = services.create_site_visit(
        actor=None,
        conference=conference,
        title="Library park",
        description="",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        places=PLACES,
        meeting_point="Gate",
        accessibility=[],
        accessibility_note="",
        latitude=6.2,
        longitude=-75.5,
    )
    people = [make_user(f"visitor{n}@example.org") for n in range(PEOPLE)]
    barrier = threading.Barrier(PEOPLE)
    gate = threading.BoundedSemaphore(CONNECTIONS)
    errors: list[BaseException] = []

    def book(person):
        barrier.wait()
        with gate:
            try:
                return services.book_visit(visit=visit, user=person).status
            except BaseException as error:  # counted, not hidden
                errors.append(error)
                return "error"
            finally:
                connections.close_all()

    with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
        statuses = list(pool.map(book, people))

    assert errors == []
    assert statuses.count(EnrolmentStatus.CONFIRMED) == PLACES
    assert statuses.count(EnrolmentStatus.WAITLISTED) == PEOPLE - PLACES
    stored = Enrolment.objects.filter(session=visit.session)
    assert stored.filter(status=EnrolmentStatus.CONFIRMED).count() == PLACES
    assert stored.filter(status=EnrolmentStatus.WAITLISTED).count() == PEOPLE - PLACES

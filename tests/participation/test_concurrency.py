"""Many residents voting at the same moment, some twice (PostgreSQL): the counts
equal the ballots cast, none lost, none counted twice."""

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from learningcity.participation import services
from learningcity.participation.models import Ballot, BallotChoice, HasVoted
from tests.conftest import make_city, make_user

from .conftest import make_budget, make_process

PEOPLE = 60
CONNECTIONS = int(os.environ.get("LEARNINGCITY_TEST_CONNECTIONS", "30"))


@pytest.fixture
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises all writers, so there is no race")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_ballots_are_all_counted_once(needs_postgres):
    import threading

    budget = make_budget(make_process(make_city()))
    ids = list(budget.projects.order_by("code").values_list("pk", flat=True))
    people = [make_user(f"racer{i}@example.org") for i in range(PEOPLE)]
    # Every person sends their ballot twice at once (a double click on two devices).
    attempts = [(person, n) for person in people for n in range(2)]
    start = threading.Barrier(len(attempts))
    gate = threading.BoundedSemaphore(CONNECTIONS)

    def vote(attempt) -> bool:
        person, n = attempt
        start.wait()
        with gate:
            try:
                services.cast_ballot(actor=person, budget=budget, project_ids=[ids[n % 2], ids[2]])
                return True
            except ValidationError:
                return False
            finally:
                connections.close_all()

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        accepted = list(pool.map(vote, attempts))

    assert sum(accepted) == PEOPLE
    assert HasVoted.objects.filter(budget=budget).count() == PEOPLE
    assert Ballot.objects.filter(budget=budget).count() == PEOPLE
    assert BallotChoice.objects.filter(ballot__budget=budget).count() == 2 * PEOPLE
    assert BallotChoice.objects.filter(project_id=ids[2]).count() == PEOPLE

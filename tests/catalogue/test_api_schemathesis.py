"""Schemathesis against the public API, with a bounded budget: requests generated from
the OpenAPI document (valid and invalid input) are sent to the WSGI app over a small
demo-like city, and every answer must be no server error and exactly what the
document says (status, content type, headers, body schema).

Deterministic (the same cases on every run) so CI is stable; runs on SQLite and on
PostgreSQL (where a NUL character in text used to be a 500)."""

from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from learningcity.catalogue import schedule, search
from learningcity.catalogue.models import TOPICS, Cost, Format, OpportunityKind
from tests.catalogue.factories import make_opportunity, make_provider, make_session, make_site
from tests.conftest import make_district

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Record slugs that exist, so "one record" operations are answered with 200 (valid
# input) as well as 404 (generated slugs).
KNOWN_SLUGS = {"getOpportunity": "python-course", "getSite": "central", "getProvider": "library"}
CONFIG = schemathesis.Config.from_dict(
    {"generation": {"max-examples": MAX_EXAMPLES, "deterministic": True}}
)


@pytest.fixture
def demo_city(city_a, city_b):
    """A small city like the demo's: two districts, two sites, three providers, five
    opportunities (in person, online, recurring, free and paid, a cancelled session),
    an unpublished draft, and a second city whose records must not show."""
    search.forget_indexes()
    centre = make_district(city_a, "centre", name="Centre", latitude=51.9, longitude=-8.47)
    make_district(city_a, "north", name="North", latitude=51.92, longitude=-8.48)
    library = make_provider(city_a, slug="library", name="City Library")
    college = make_provider(city_a, slug="college", name="Community College", sector="education")
    make_provider(city_a, slug="makers", name="Makers, Inc.; Café")
    central = make_site(
        city_a, slug="central", name="Central Library", address="1 Grand Parade", district=centre
    )
    make_site(city_a, slug="hall", name="Parish Hall", provider=college)
    rows = [
        ("Painting workshop", library, ["arts"], Cost.FREE, OpportunityKind.WORKSHOP, ""),
        ("Python course", college, ["digital"], Cost.FEE, OpportunityKind.COURSE, "COUNT=6"),
        ("History lecture", library, ["heritage"], Cost.FREE, OpportunityKind.LECTURE, ""),
        ("Yoga, stretch; breathe", college, ["health"], Cost.FREE, OpportunityKind.CLUB, ""),
    ]
    now = timezone.now()
    for number, (title, provider, topics, cost, kind, count) in enumerate(rows):
        opportunity = make_opportunity(
            provider,
            slug=title.lower().split(",")[0].replace(" ", "-"),
            title=title,
            site=central,
            topics=TOPICS.to_mask(topics),
            cost=cost,
            kind=kind,
            min_age=16 if number == 1 else None,
        )
        starts = now + timedelta(days=2 + number)
        make_session(
            opportunity,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            site=central,
            recurrence=f"FREQ=WEEKLY;{count}" if count else "",
            capacity=12,
        )
        schedule.refresh_schedule(opportunity)
    online = make_opportunity(
        library, slug="online-talks", title="Online talks", format=Format.ONLINE, languages=["es"]
    )
    starts = now + timedelta(days=1)
    make_session(
        online,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        recurrence="FREQ=WEEKLY;BYDAY=MO,TH",
        live_url="https://meet.example.org/talks",
    )
    make_session(online, starts_at=starts, ends_at=starts + timedelta(hours=1), is_cancelled=True)
    schedule.refresh_schedule(online)
    make_opportunity(library, slug="draft", title="Unpublished draft", is_published=False)
    make_opportunity(make_provider(city_b), slug="beta-course", title="Beta course")
    yield city_a
    search.forget_indexes()


@pytest.fixture
def wsgi_app():
    """The project's WSGI app, keeping the test's database connection open between
    requests (as Django's test client does): on PostgreSQL the test's data lives in
    that connection's open transaction."""
    from learningcity.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_api_answers_as_its_openapi_document_says(demo_city, wsgi_app):
    application = wsgi_app
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7
    city = {"city_slug": demo_city.slug}
    for operation in operations:
        slug = KNOWN_SLUGS.get(operation.definition.raw["operationId"])
        if slug:  # one record: a real one, generated slugs, and invalid slugs
            run(operation.as_strategy(path_parameters={**city, "slug": slug}))
            run(operation.as_strategy(path_parameters=city))
            run(operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=city))
        else:  # a list: valid and invalid query parameters
            run(operation.as_strategy(path_parameters=city))
            run(operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=city))


def run(strategy):
    """Up to MAX_EXAMPLES cases of ``strategy``, each sent and checked."""

    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(checks=CHECKS)

    check()

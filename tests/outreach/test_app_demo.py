"""The demo seeds outreach in a few seconds: blocks, candidates, a vehicle, a solved
and published plan with visits and one cancellation, and learning at the stops."""

import time

import pytest

from learningcity.catalogue.models import Format, Opportunity, Session
from learningcity.core.demo import seed_core
from learningcity.outreach import demo
from learningcity.outreach.models import CandidateStop, DemandBlock, PlanRun, RunStatus, Visit
from tests.catalogue.factories import make_provider

pytestmark = pytest.mark.django_db


def test_the_demo_plans_and_publishes_within_seconds():
    context = seed_core("small", 7, log=lambda message: None)
    make_provider(context.demo_city, name="Bibliotecas de Medellín", sector="library")
    began = time.monotonic()
    demo.seed_demo(context)
    took = time.monotonic() - began
    run = PlanRun.objects.get()
    assert run.status == RunStatus.DONE, run.error
    assert run.published_at is not None
    assert len(run.result["chosen"]) == demo.STOPS
    assert run.result["routes"], run.result["unserved"]
    assert DemandBlock.objects.count() > 100
    assert CandidateStop.objects.count() >= demo.STOPS
    assert Visit.objects.filter(is_cancelled=True).count() == 1
    assert Visit.objects.count() > 10
    # Learning at every stop, a session at each visit (the cancelled one's cancelled).
    stops = {visit.site_id for visit in Visit.objects.all()}
    at_stops = Opportunity.objects.filter(site__in=stops, format=Format.MOBILE)
    assert at_stops.count() == len(stops)
    sessions = Session.objects.filter(opportunity__in=at_stops)
    assert sessions.count() == Visit.objects.count()
    assert sessions.filter(is_cancelled=True).count() == 1
    print(
        f"outreach demo: {took:.2f} s",
        {k: v for k, v in run.result.items() if k not in ("chosen", "routes")},
    )
    assert took < 15  # the target is < 5 s; a loaded shared machine gets slack

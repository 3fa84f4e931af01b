"""The demo plan: goals in several areas, about twenty actions in every status with
providers and partners responsible, two versions, and targets whose computed
status covers on track, at risk and off track from the validated demo values."""

from types import SimpleNamespace

import pytest

from learningcity.catalogue import demo as catalogue_demo
from learningcity.core.demo import seed_core
from learningcity.monitoring import demo as monitoring_demo
from learningcity.monitoring import services as monitoring_services
from learningcity.plans import demo as plans_demo
from learningcity.plans import selectors
from learningcity.plans.models import Action, ActionUpdate, PlanVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(monkeypatch):
    # The index run is monitoring's business (and slow); the plan reads values only.
    monkeypatch.setattr(
        monitoring_services,
        "run_index",
        lambda **kwargs: SimpleNamespace(public_id="-", get_status_display=lambda: "-"),
    )
    context = seed_core("small", 2026, log=lambda _line: None)
    catalogue_demo.seed_demo(context)
    monitoring_demo.seed_demo(context)
    plans_demo.seed_demo(context)
    return context


def test_the_demo_plan_covers_every_status(demo, client):
    city = demo.demo_city
    plan = selectors.current_plan(city)
    assert plan is not None and plan.version.number == 2
    assert PlanVersion.objects.filter(plan__city=city).count() == 2
    assert len({goal.item["area_code"] for goal in plan.goals}) >= 5
    assert len(plan.actions) == 20
    assert all(count > 0 for count in plan.action_counts.values())
    owners = Action.objects.filter(plan__city=city)
    assert owners.filter(provider__isnull=False).exists()
    assert owners.filter(provider__isnull=True).exclude(partner_name="").exists()
    assert ActionUpdate.objects.filter(action__plan__city=city).exists()
    counts = plan.target_counts
    assert counts["on_track"] >= 1 and counts["at_risk"] >= 1 and counts["off_track"] >= 1
    changes = plan.changes()
    assert changes is not None and len(changes.actions.added) == 4
    page = client.get("/medellin/plan/").content.decode()
    for words in ("On track", "At risk", "Off track", "Reading circles in the sixteen comunas"):
        assert words in page

"""Fixtures the plan's tests share."""

import pytest

from learningcity.plans import services
from tests.catalogue.factories import make_provider
from tests.plans.factories import add_values, make_action, make_goal, make_plan, make_target


@pytest.fixture
def published(city_a, coordinator_a):
    """City A's plan, published: one goal, an action with a provider, a done action whose
    title is a spreadsheet formula (exports must write it as text), a target with values."""
    plan = make_plan(city_a, coordinator_a)
    goal = make_goal(plan, coordinator_a)
    provider = make_provider(city_a, name="Alpha Library")
    make_action(goal, coordinator_a, title="Reading circles", provider=provider, partner_name="")
    make_action(goal, coordinator_a, title='=HYPERLINK("x")', status="done")
    make_target(goal, coordinator_a)
    add_values(city_a, "I1_1_1", {2023: 83.0, 2024: 85.0})
    services.publish_plan(actor=coordinator_a, plan=plan)
    return plan

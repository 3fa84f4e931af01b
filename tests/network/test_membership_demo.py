"""The demo's membership lifecycle: two intakes of applications in different states,
National Commission and juror accounts, and biennial reports."""

import pytest

from learningcity.core.demo import seed_core
from learningcity.network import demo
from learningcity.network.models import (
    CommissionGrant,
    MembershipApplication,
    MembershipCall,
    MembershipReport,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_intakes_in_different_states(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    context = seed_core("small", 2026, log=lambda _line: None)
    demo.seed_demo(context)
    closed, current = MembershipCall.objects.order_by("opens_on")
    states = {
        call.title: set(call.applications.values_list("status", flat=True))
        for call in (closed, current)
    }
    assert states[closed.title] == {"admitted", "declined", "not_endorsed"}
    assert states[current.title] == {"submitted", "endorsed", "in_review"}
    hangzhou = MembershipApplication.objects.get(city__slug="hangzhou")
    assert hangzhou.motivation.startswith("杭州") or "学习" in hangzhou.motivation
    assert CommissionGrant.objects.filter(country_code="CN").exists()
    lusaka = MembershipReport.objects.filter(city__slug="lusaka")
    assert set(lusaka.values_list("status", flat=True)) == {"submitted", "due"}
    assert MembershipReport.objects.filter(city=context.demo_city, status="due").exists()
    assert context.accounts["juror-1"].juror_assignments.exists()

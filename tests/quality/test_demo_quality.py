"""The demo's feedback: some opportunities above the minimum, some below, comments
waiting for the city, an open invitation on the demo resident's "My learning", and
the city's framework using the quality indicators."""

import numpy as np
import pytest

from learningcity.catalogue.models import ProviderMembership
from learningcity.core.demo import DemoContext
from learningcity.core.models import Role, RoleGrant
from learningcity.monitoring.models import FrameworkNode
from learningcity.quality import demo, figures
from learningcity.quality.models import CommentStatus, Feedback, FeedbackInvitation
from tests.catalogue.factories import make_opportunity, make_provider
from tests.conftest import make_city, make_user
from tests.quality.helpers import past_session

pytestmark = pytest.mark.django_db


def test_demo_feedback_passes_the_minimum_for_some_opportunities_only():
    city = make_city("medellin", is_demo=True)
    provider = make_provider(city)
    staff = make_user("provider@demo.learningcity.example")
    ProviderMembership.objects.create(provider=provider, user=staff)
    coordinator = make_user("coordinator@demo.learningcity.example")
    RoleGrant.objects.create(user=coordinator, role=Role.CITY_COORDINATOR, city=city)
    resident = make_user("resident@demo.learningcity.example")
    for number in range(6):
        past_session(make_opportunity(provider, title=f"Course {number}"), days_ago=3 + number)
    context = DemoContext(
        size="small",
        seed=7,
        rng=np.random.default_rng(7),
        demo_city=city,
        cities=[city],
        accounts={"provider": staff, "coordinator": coordinator, "resident": resident},
        log=lambda _text: None,
    )
    demo.seed_demo(context)

    shown = figures.by_opportunity(figures.disclosable_cells(city))
    answered = {row.opportunity_id for row in Feedback.objects.all()}
    assert 0 < len(shown) < len(answered) == 6
    assert Feedback.objects.filter(comment_status=CommentStatus.PENDING).exists()
    assert Feedback.objects.filter(comment_status=CommentStatus.APPROVED).exists()
    assert FeedbackInvitation.objects.filter(user=resident, answered=False).count() == 1
    assert set(
        FrameworkNode.objects.filter(framework__city=city).values_list("derived", flat=True)
    ) >= {"quality_average_usefulness", "quality_completion_rate"}

"""The demo: four qualifications with bridges, units and assessments; credentials
valid, revoked and expired; recognition waiting and decided; a saved plan."""

import time

import numpy as np
import pytest

from learningcity.catalogue.models import ProviderMembership
from learningcity.core.demo import DemoContext
from learningcity.core.models import Role, RoleGrant
from learningcity.credentials import demo, verification
from learningcity.credentials.models import (
    IssuedCredential,
    Qualification,
    RecognitionApplication,
    SavedPlan,
)
from tests.catalogue.factories import make_provider
from tests.conftest import make_city, make_user

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_stage_and_seeds_quickly():
    city = make_city("medellin", is_demo=True, languages=["es"])
    provider = make_provider(city)
    staff = make_user("provider@demo.learningcity.example")
    ProviderMembership.objects.create(provider=provider, user=staff)
    coordinator = make_user("coordinator@demo.learningcity.example")
    RoleGrant.objects.create(user=coordinator, role=Role.CITY_COORDINATOR, city=city)
    context = DemoContext(
        size="small",
        seed=7,
        rng=np.random.default_rng(7),
        demo_city=city,
        cities=[city],
        accounts={"provider": staff, "coordinator": coordinator},
        log=lambda _text: None,
    )
    started = time.perf_counter()
    demo.seed_demo(context)
    assert time.perf_counter() - started < 10
    assert Qualification.objects.count() == 4
    outcomes = sorted(
        verification.verify_credential(each.document).outcome
        for each in IssuedCredential.objects.all()
    )
    assert outcomes == ["expired", "revoked", "valid", "valid", "valid"]
    assert (
        set(RecognitionApplication.objects.values_list("status", flat=True))
        == {
            "submitted",
            "decided",
        }
        or RecognitionApplication.objects.count() == 2
    )
    assert SavedPlan.objects.get().plan["steps"]


def test_the_demo_city_can_be_replaced(issue, learner, city_a, staff):
    from learningcity.credentials.services import revoke_credential

    revoke_credential(actor=staff, credential=issue(learner), reason="test")
    city_a.delete()
    assert not IssuedCredential.objects.exists()

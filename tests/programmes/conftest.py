"""Programmes fixtures: a city with two districts, a volunteer with valid checks and
a referred resident who fits them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from learningcity.programmes import services
from learningcity.programmes.models import CheckKind
from tests.conftest import make_district, make_user

MORNINGS = [{"day": "mon", "start": "09:00", "end": "12:00"}]


@pytest.fixture
def districts(city_a):
    return [
        make_district(city_a, "north", latitude=51.90, longitude=-8.47),
        make_district(city_a, "south", latitude=51.88, longitude=-8.46),
    ]


def add_volunteer(city, district, coordinator, *, valid=True, **fields):
    user = fields.pop("user", None) or make_user(display_name=fields.pop("name", "Vol"))
    data = {
        "languages": ["en"],
        "interests": ["arts"],
        "availability": MORNINGS,
        "district": district,
        "travel_km": 10,
        "gender": "woman",
        "capacity": 1,
        **fields,
    }
    volunteer = services.register_volunteer(actor=user, city=city, fields=data)
    if valid:
        today = timezone.localdate()
        for kind in (CheckKind.TRAINING, CheckKind.SAFEGUARDING):
            services.record_check(
                actor=coordinator,
                volunteer=volunteer,
                kind=kind,
                checked_on=today - timedelta(days=10),
                expires_on=today + timedelta(days=365),
            )
    return volunteer


def refer(city, district, actor, **fields):
    data = {
        "consent": True,
        "consent_how": "in person",
        "referred_by": "social_worker",
        "first_name": fields.pop("first_name", "Rosa"),
        "contact_private": "rosa@example.org",
        "languages": ["en"],
        "interests": ["arts"],
        "availability": MORNINGS,
        "district": district,
        "needs_private": "Hard of hearing; lives alone.",
        **fields,
    }
    return services.refer_resident(actor=actor, city=city, fields=data)


@pytest.fixture
def volunteer(city_a, districts, coordinator_a):
    return add_volunteer(city_a, districts[0], coordinator_a, name="Lucía")


@pytest.fixture
def waiting_resident(city_a, districts, coordinator_a):
    return refer(city_a, districts[0], coordinator_a)

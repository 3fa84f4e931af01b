"""Shared fixtures: named personas and small factories.

Personas: a resident, a coordinator of city A, a coordinator of city B, a network
coordinator, a site admin, and an anonymous outsider (the plain ``client``).

Django models are imported inside the factories and fixtures, not at module level, so
Django-free tests (the engines) also run without pytest-django:
``pytest tests/engines -p no:django``.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import count
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from django.test import Client

    from learningcity.core.models import City, District, User

PASSWORD = "a-long-test-passphrase-42"
_sequence = count(1)


@pytest.fixture(autouse=True)
def _english_after_each_test(request: pytest.FixtureRequest):
    """A request in another language leaves that language active in the thread (the
    locale middleware activates it and nothing deactivates it): each test starts in
    the default language whatever the test before it asked for."""
    yield
    if request.config.pluginmanager.hasplugin("django"):
        from django.utils import translation

        translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_and_quiet(request: pytest.FixtureRequest) -> None:
    if not request.config.pluginmanager.hasplugin("django"):
        return  # Django-free run (-p no:django): there are no Django settings to adjust
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MAP_TILE_URL = ""
    # The finder's index files of each test in its own directory (ids are reused from
    # one test's database to the next), never in the developer's data/search-index.
    settings.INDEX_DIR = request.getfixturevalue("tmp_path") / "search-index"
    # A fresh in-process cache per test (rate-limit counters never leak between tests,
    # nor into the developer's data/cache). Rate limits are off unless a test turns
    # them on (tests/core/test_security.py), so tests that sign up or enrol many times
    # from one address are not refused.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{next(_sequence)}",
        }
    }
    settings.RATELIMIT_ENABLE = False
    # A queued background task runs at once, in this process, with huey's in-memory
    # storage (never the developer's data/tasks.sqlite3). Tasks are queued on commit,
    # so inside a test's transaction they run only where the test asks for it
    # (django_capture_on_commit_callbacks(execute=True)). tests/core/test_tasks.py
    # starts a real worker for what immediate mode cannot show.
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


def make_city(slug: str | None = None, **fields) -> City:
    from learningcity.core.models import City, UnescoRegion

    number = next(_sequence)
    slug = slug or f"city-{number}"
    defaults = {
        "name": slug.replace("-", " ").title(),
        "country": "Testland",
        "country_code": "TL",
        "region": UnescoRegion.EUROPE_NORTH_AMERICA,
        "population": 100_000,
        "area_km2": Decimal("50"),
        "languages": ["en"],
        "time_zone": "Europe/Dublin",
        "latitude": 51.9,
        "longitude": -8.47,
    }
    return City.objects.create(slug=slug, **{**defaults, **fields})


def make_district(city: City, slug: str | None = None, **fields) -> District:
    from learningcity.core.models import District

    slug = slug or f"district-{next(_sequence)}"
    defaults = {
        "name": slug.title(),
        "latitude": city.latitude,
        "longitude": city.longitude,
        "population_0_14": 1000,
        "population_15_24": 800,
        "population_25_64": 3000,
        "population_65_plus": 700,
        "people_with_disabilities": 300,
    }
    return District.objects.create(city=city, slug=slug, **{**defaults, **fields})


def make_user(email: str | None = None, **fields) -> User:
    from learningcity.core.models import User

    email = email or f"person{next(_sequence)}@example.org"
    return User.objects.create_user(email=email, password=PASSWORD, **fields)


def client_for(user: User) -> Client:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def city_a(db) -> City:
    return make_city("alpha", name="Alpha")


@pytest.fixture
def city_b(db) -> City:
    return make_city("beta", name="Beta")


@pytest.fixture
def resident(db) -> User:
    return make_user("resident@example.org", display_name="Rea Resident")


@pytest.fixture
def coordinator_a(city_a) -> User:
    from learningcity.core.models import Role, RoleGrant

    user = make_user("coord-a@example.org")
    RoleGrant.objects.create(user=user, role=Role.CITY_COORDINATOR, city=city_a)
    return user


@pytest.fixture
def coordinator_b(city_b) -> User:
    from learningcity.core.models import Role, RoleGrant

    user = make_user("coord-b@example.org")
    RoleGrant.objects.create(user=user, role=Role.CITY_COORDINATOR, city=city_b)
    return user


@pytest.fixture
def network_coordinator(db) -> User:
    from learningcity.core.models import Role, RoleGrant

    user = make_user("network@example.org")
    RoleGrant.objects.create(user=user, role=Role.NETWORK_COORDINATOR)
    return user


@pytest.fixture
def site_admin(db) -> User:
    from learningcity.core.models import User

    return User.objects.create_superuser(email="admin@example.org", password=PASSWORD)

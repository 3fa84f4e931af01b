"""Fixtures of the outreach app's tests: a city with two districts, demand blocks and
candidate stops imported through the page, a van, a solved plan and its published
timetable. Django is imported inside the helpers, so the engine's tests still run
without it (``pytest tests/outreach/test_engine.py -p no:django``)."""

import pytest

from tests.conftest import client_for, make_district

DEMAND = """name,district,lat,lon,older,disabled,under_five
North 1,north,51.905,-8.470,120,30,40
North 2,north,51.906,-8.472,80,10,20
South 1,south,51.890,-8.470,200,50,60
East 1,,51.900,-8.450,60,20,10
"""
CANDIDATES = """name,address,lat,lon,required,group,window_start,window_end
Square North,North square,51.9052,-8.4705,no,older,,
Clinic South,South clinic,51.8902,-8.4702,no,under_five,,
Park East,East park,51.9001,-8.4502,no,,09:00,16:00
Far Field,,51.93,-8.52,no,,,
"""


def upload(client, city, kind, text, name="file.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/{city.slug}/outreach/desk/import/",
        {"kind": kind, "file": SimpleUploadedFile(name, text.encode("utf-8"))},
    )


def plan_form(**overrides):
    data = {
        "radius": 500,
        "stops": 3,
        "objective": "coverage",
        "weight_older": 1,
        "weight_disabled": 2,
        "weight_under_five": 1,
        "radius_older": "",
        "radius_disabled": "",
        "radius_under_five": "",
        "time_limit": 10,
    }
    return {**data, **overrides}


def solve(client, city, django_capture_on_commit_callbacks, **overrides):
    """Post the plan form and run the queued task (on commit), as a worker would."""
    from learningcity.outreach.models import PlanRun

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/{city.slug}/outreach/desk/plan/", plan_form(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return PlanRun.objects.get(public_id=response["Location"].rstrip("/").rsplit("/", 1)[1])


@pytest.fixture
def districts(city_a):
    return [
        make_district(city_a, "north", name="North", latitude=51.905, longitude=-8.47),
        make_district(city_a, "south", name="South", latitude=51.89, longitude=-8.47),
    ]


@pytest.fixture
def coordinator(coordinator_a):
    return client_for(coordinator_a)


@pytest.fixture
def inputs(city_a, districts, coordinator, monkeypatch):
    from learningcity.outreach import planner
    from learningcity.outreach.models import Vehicle

    # A day of one or two stops is solved at once; PyVRP would search to its limit.
    monkeypatch.setattr(planner, "ROUTE_SECONDS_PER_DAY", 0.1)

    assert upload(coordinator, city_a, "demand", DEMAND).status_code == 302
    assert upload(coordinator, city_a, "candidates", CANDIDATES).status_code == 302
    Vehicle.objects.create(
        city=city_a,
        name="Van",
        depot_latitude=51.9,
        depot_longitude=-8.47,
        days=[0, 1, 2, 3, 4],
        stop_minutes=30,
    )
    return city_a


@pytest.fixture
def published(inputs, coordinator, django_capture_on_commit_callbacks):
    run = solve(coordinator, inputs, django_capture_on_commit_callbacks)
    response = coordinator.post(
        f"/{inputs.slug}/outreach/desk/runs/{run.public_id}/publish/", {"weeks": 2}
    )
    assert response.status_code == 302
    return run

"""The outreach app through HTTP: imports (all or nothing, errors by row and column),
the plan form and its background run with progress, bad input named, publishing to
catalogue sites and visits, the public timetable, stop pages, calendar feeds read
back, cancellations, printable timetables, permissions and cross-city isolation."""

import json
from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from learningcity.catalogue.models import LearningSite, SiteKind
from learningcity.outreach import jobs, services
from learningcity.outreach.models import (
    CandidateStop,
    DemandBlock,
    PlanRun,
    RunStatus,
    Stage,
    Vehicle,
    Visit,
)
from tests.conftest import client_for
from tests.outreach.conftest import plan_form, solve, upload

pytestmark = pytest.mark.django_db

# ---- imports -------------------------------------------------------------------------


def test_demand_and_candidates_import_with_districts_and_windows(inputs):
    blocks = {b.name: b for b in DemandBlock.objects.filter(city=inputs)}
    assert blocks["North 1"].district.slug == "north" and blocks["East 1"].district is None
    assert blocks["South 1"].older == 200
    park = CandidateStop.objects.get(name="Park East")
    assert park.window() is not None and park.window()[0].hour == 9
    assert CandidateStop.objects.get(name="Square North").window()[0].hour == 9  # older: morning


def test_a_bad_file_saves_nothing_and_names_each_row_and_column(city_a, districts, coordinator):
    bad = (
        "name,district,lat,lon,older,disabled,under_five\n"
        "Ok,north,51.9,-8.47,10,1,1\n"
        "Bad number,north,fifty,-8.47,10,1,1\n"
        "Far away,north,40.0,-3.7,10,1,1\n"
        "Unknown district,nowhere,51.9,-8.47,-4,1,1\n"
    )
    response = upload(coordinator, city_a, "demand", bad)
    assert response.status_code == 422
    page = response.content.decode()
    assert "Nothing was imported" in page
    for row, column in ((3, "lat"), (4, "lat"), (5, "district"), (5, "older")):
        assert f"<td>{row}</td><td>{column}</td>" in page
    assert "is not a number" in page and "more than 80 km" in page
    assert not DemandBlock.objects.exists()


def test_missing_and_unknown_columns_are_named(city_a, coordinator):
    response = upload(coordinator, city_a, "candidates", "title,lat\nA,51.9\n")
    page = response.content.decode()
    assert response.status_code == 422
    assert "<td>title</td><td>Unknown column" in page
    assert "<td>lon</td><td>This column is missing." in page


def test_geojson_points_and_polygons_become_blocks_at_their_centre(city_a, districts, coordinator):
    square = [[-8.48, 51.90], [-8.46, 51.90], [-8.46, 51.91], [-8.48, 51.91], [-8.48, 51.90]]
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Square", "district": "North", "older": 10},
                "geometry": {"type": "Polygon", "coordinates": [square]},
            },
            {
                "type": "Feature",
                "properties": {"name": "Point", "under_five": 5},
                "geometry": {"type": "Point", "coordinates": [-8.47, 51.89]},
            },
        ],
    }
    response = upload(coordinator, city_a, "demand", json.dumps(document), "blocks.geojson")
    assert response.status_code == 302
    square_block = DemandBlock.objects.get(name="Square")
    assert square_block.latitude == pytest.approx(51.905)
    assert square_block.longitude == pytest.approx(-8.47)
    assert square_block.district.slug == "north"
    broken = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "X"},
                "geometry": {"type": "LineString", "coordinates": []},
            }
        ],
    }
    response = upload(coordinator, city_a, "demand", json.dumps(broken), "b.geojson")
    assert response.status_code == 422
    assert "<td>1</td><td>geometry</td>" in response.content.decode()
    assert DemandBlock.objects.count() == 2  # the earlier import stands
    response = upload(coordinator, city_a, "demand", "{not json", "c.geojson")
    assert "could not be read as JSON" in response.content.decode()


def test_geojson_coordinates_too_large_for_a_number_are_a_row_error(city_a, districts, coordinator):
    # JSON integers have no limit; 10**400 is past what a float holds.
    ring = [["HUGE", 51.9], [-8.46, 51.9], [-8.46, 51.91], ["HUGE", 51.9]]
    for geometry in (
        {"type": "Point", "coordinates": ["HUGE", 51.9]},
        {"type": "Polygon", "coordinates": [ring]},
    ):
        feature = {"type": "Feature", "properties": {"name": "Far"}, "geometry": geometry}
        document = json.dumps({"type": "FeatureCollection", "features": [feature]})
        far = document.replace('"HUGE"', "1" + "0" * 400)
        response = upload(coordinator, city_a, "demand", far, "far.geojson")
        assert response.status_code == 422
        assert "<td>1</td><td>geometry</td>" in response.content.decode()
    assert not DemandBlock.objects.exists()


def test_a_nul_character_in_a_cell_is_a_row_error_not_a_stored_name(city_a, districts, coordinator):
    # PostgreSQL refuses to store NUL; the row is named instead of the import failing.
    demand = "name,district,lat,lon,older\nNorth\x00 1,north,51.905,-8.470,120\n"
    response = upload(coordinator, city_a, "demand", demand)
    assert response.status_code == 422
    assert "<td>2</td><td>name</td><td>This cell contains an invisible NUL character." in (
        response.content.decode()
    )
    candidates = "name,address,lat,lon\nSquare,North\x00 square,51.9052,-8.4705\n"
    response = upload(coordinator, city_a, "candidates", candidates)
    assert response.status_code == 422
    assert "<td>address</td><td>This cell contains an invisible NUL character." in (
        response.content.decode()
    )
    assert not DemandBlock.objects.exists() and not CandidateStop.objects.exists()


# ---- planning --------------------------------------------------------------------------


def test_a_plan_runs_in_the_background_and_shows_its_result(
    inputs, coordinator, django_capture_on_commit_callbacks
):
    run = solve(coordinator, inputs, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE, run.error
    assert run.progress_percent == 100
    chosen = {stop["name"] for stop in run.result["chosen"]}
    assert chosen == {"Square North", "Clinic South", "Park East"}
    assert run.result["optimal"] is True
    assert run.result["routes"] and not run.result["unserved"]
    page = coordinator.get(f"/{inputs.slug}/outreach/desk/runs/{run.public_id}/").content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "Square North" in page and "proven optimal" in page
    assert "Routes by day" in page


def test_a_waiting_run_shows_progress_and_refreshes_itself(inputs, coordinator):
    # Without executing the on-commit callbacks the run stays waiting.
    response = coordinator.post(f"/{inputs.slug}/outreach/desk/plan/", plan_form())
    run = PlanRun.objects.get()
    assert run.status == RunStatus.WAITING
    page = coordinator.get(response["Location"]).content.decode()
    # Without JavaScript the page reloads itself; with it htmx asks for the progress.
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert 'hx-trigger="every 2s"' in page
    assert "<progress" in page and "Waiting for a worker" in page


def test_progress_is_sent_alone_while_solving_then_the_page_reloads(inputs, coordinator):
    run = PlanRun.objects.create(city=inputs, parameters={"radius": 500, "stops": 2})
    url = f"/{inputs.slug}/outreach/desk/runs/{run.public_id}/"
    assert jobs.claim(run)
    jobs.renew(run, progress_percent=55, stage=Stage.ROUTES)
    response = coordinator.get(url, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert fragment.startswith('<div id="run-progress"')
    assert "Planning the week&#x27;s routes (55 %)" in fragment
    assert '<progress max="100" value="55"' in fragment
    jobs.finish(run, status=RunStatus.DONE, result={}, progress_percent=100)
    response = coordinator.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Refresh"] == "true"


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"radius": 0}, "Walking radius (metres)"),
        ({"stops": 9}, "Number of stops: 9 stops asked for but there are only 4"),
    ],
)
def test_bad_plan_input_is_named_and_nothing_runs(inputs, coordinator, overrides, named):
    response = coordinator.post(f"/{inputs.slug}/outreach/desk/plan/", plan_form(**overrides))
    assert response.status_code == 422
    assert named in response.content.decode()
    assert not PlanRun.objects.exists()


def test_radius_zero_is_refused_by_the_service_too(inputs, coordinator_a):
    from learningcity.outreach.planner import PlanProblem

    with pytest.raises(PlanProblem, match="Walking radius"):
        services.start_plan_run(
            actor=coordinator_a, city=inputs, parameters={"radius": 0, "stops": 2}
        )


def test_no_vehicles_is_named(inputs, coordinator):
    Vehicle.objects.all().delete()
    response = coordinator.post(f"/{inputs.slug}/outreach/desk/plan/", plan_form())
    assert response.status_code == 422
    assert "Vehicles: add at least one vehicle" in response.content.decode()


def test_weights_all_zero_are_named(inputs, coordinator):
    response = coordinator.post(
        f"/{inputs.slug}/outreach/desk/plan/",
        plan_form(weight_older=0, weight_disabled=0, weight_under_five=0),
    )
    assert response.status_code == 422
    assert "Weights: give at least one group a weight above 0." in response.content.decode()


def vehicle_form(**overrides):
    data = {
        "name": "Bookbus",
        "depot_latitude": 51.9,
        "depot_longitude": -8.47,
        "starts_at": "09:00",
        "ends_at": "17:00",
        "stop_minutes": 40,
        "days": ["0", "2", "4"],
    }
    return {**data, **overrides}


def test_a_vehicle_is_added_with_its_depot_hours_and_days(city_a, coordinator):
    response = coordinator.post(f"/{city_a.slug}/outreach/desk/vehicles/add/", vehicle_form())
    assert response.status_code == 302
    vehicle = Vehicle.objects.get()
    assert vehicle.days == [0, 2, 4] and vehicle.stop_minutes == 40
    page = coordinator.get(f"/{city_a.slug}/outreach/desk/").content.decode()
    assert "Monday, Wednesday, Friday" in page


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        (
            {"depot_latitude": -8.47, "depot_longitude": 51.9},
            "Depot latitude: The depot is",
        ),
        ({"ends_at": "08:00"}, "Working day ends: The working day must end after it starts."),
        ({"days": []}, "Days it works: This field is required."),
    ],
)
def test_a_vehicle_that_cannot_work_is_refused_naming_the_input(
    city_a, coordinator, overrides, named
):
    response = coordinator.post(
        f"/{city_a.slug}/outreach/desk/vehicles/add/", vehicle_form(**overrides)
    )
    assert response.status_code == 422
    assert named in response.content.decode()
    assert not Vehicle.objects.exists()


def test_windows_no_route_can_meet_are_reported_by_stop(
    inputs, coordinator, django_capture_on_commit_callbacks
):
    CandidateStop.objects.filter(name="Park East").update(
        window_start=timezone.datetime(2000, 1, 1, 6, 0).time(),
        window_end=timezone.datetime(2000, 1, 1, 7, 0).time(),
    )
    run = solve(coordinator, inputs, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE
    assert [(u["name"], u["reason"]) for u in run.result["unserved"]] == [("Park East", "window")]
    page = coordinator.get(f"/{inputs.slug}/outreach/desk/runs/{run.public_id}/").content.decode()
    assert "Stops no route serves" in page
    assert "No vehicle can reach “Park East” within its time window" in page


def test_a_dead_workers_run_is_reaped_then_failed_with_a_reason(inputs, coordinator_a, settings):
    settings.JOB_ATTEMPTS = 2
    run = PlanRun.objects.create(city=inputs, parameters={"radius": 500, "stops": 2})
    past = timezone.now() - timedelta(minutes=10)
    PlanRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, lease_expires_at=past)
    assert jobs.reap_stalled_runs() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.WAITING and run.stalls == 1
    PlanRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, lease_expires_at=past)
    jobs.reap_stalled_runs()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "stopped 2 times" in run.error


def test_a_run_claimed_twice_runs_once(inputs):
    run = PlanRun.objects.create(city=inputs, parameters={"radius": 500, "stops": 2})
    assert jobs.claim(run)
    other = PlanRun.objects.get(pk=run.pk)
    assert not jobs.claim(other)


# ---- publishing, the timetable, feeds and cancellations -------------------------------------


def test_publishing_makes_catalogue_sites_and_visits(published, inputs):
    sites = LearningSite.objects.filter(city=inputs, kind=SiteKind.MOBILE_LIBRARY_STOP)
    assert {s.name for s in sites} == {"Square North", "Clinic South", "Park East"}
    assert sites.get(name="Square North").district.slug == "north"
    visits = Visit.objects.filter(site__city=inputs)
    assert visits.count() == 3 * 2  # every stop once a week, two weeks
    assert all(v.starts_at > timezone.now() for v in visits)


def test_publishing_again_replaces_upcoming_visits(published, inputs, coordinator_a):
    services.publish_run(actor=coordinator_a, run=published, weeks=3)
    assert Visit.objects.filter(site__city=inputs).count() == 9
    assert LearningSite.objects.filter(kind=SiteKind.MOBILE_LIBRARY_STOP).count() == 3


def test_the_timetable_lists_nearest_stops_by_place_district_or_location(published, inputs, client):
    page = client.get(f"/{inputs.slug}/outreach/").content.decode()
    assert "Square North" in page and "Clinic South" in page
    page = client.get(f"/{inputs.slug}/outreach/", {"near": "south"}).content.decode()
    assert "Stops nearest to South" in page
    assert page.index("Clinic South") < page.index("Square North")
    page = client.get(f"/{inputs.slug}/outreach/", {"district": "north"}).content.decode()
    assert "Square North" in page and "Clinic South" not in page
    page = client.get(
        f"/{inputs.slug}/outreach/", {"lat": "51.9001", "lng": "-8.4502"}
    ).content.decode()
    assert "where you are" in page
    assert page.index("Park East") < page.index("Square North")
    page = client.get(f"/{inputs.slug}/outreach/", {"near": "Atlantis"}).content.decode()
    assert "No place called “Atlantis” was found" in page
    assert client.get(f"/{inputs.slug}/outreach/", {"lat": "x", "lng": "999"}).status_code == 200


def test_stop_page_feed_and_cancellation(published, inputs, coordinator, client):
    site = LearningSite.objects.get(name="Square North")
    url = f"/{inputs.slug}/outreach/stops/{site.slug}/"
    page = client.get(url).content.decode()
    assert (
        "Next visits" in page
        and "Cancel" not in page.split("Next visits", 1)[1].split("</table>")[0]
    )
    feed = icalendar.Calendar.from_ical(client.get(url + "calendar.ics").content)
    events = [c for c in feed.walk("VEVENT")]
    assert len(events) == 2 and all(str(e["STATUS"]) == "CONFIRMED" for e in events)

    visit = Visit.objects.filter(site=site).order_by("starts_at").first()
    cancel_url = f"/{inputs.slug}/outreach/desk/visits/{visit.public_id}/cancel/"
    assert client.get(cancel_url).status_code == 302  # to sign in
    response = coordinator.post(cancel_url, {"reason": "   "})
    assert response.status_code == 422
    assert "Why is the visit cancelled?: This field is required." in response.content.decode()
    assert not Visit.objects.get(pk=visit.pk).is_cancelled
    coordinator.post(cancel_url, {"reason": "The van broke down."})
    page = client.get(url).content.decode()
    assert "is cancelled." in page and "The van broke down." in page
    feed = icalendar.Calendar.from_ical(client.get(url + "calendar.ics").content)
    statuses = sorted(str(e["STATUS"]) for e in feed.walk("VEVENT"))
    assert statuses == ["CANCELLED", "CONFIRMED"]
    cancelled = next(e for e in feed.walk("VEVENT") if str(e["STATUS"]) == "CANCELLED")
    assert "The van broke down." in str(cancelled["DESCRIPTION"])


def test_printable_timetable_per_district(published, inputs, client):
    response = client.get(f"/{inputs.slug}/outreach/print/north/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Square North" in page and "Clinic South" not in page
    assert 'media="print"' in page
    assert client.get(f"/{inputs.slug}/outreach/print/nowhere/").status_code == 404


def test_learning_deserts_by_group_and_district(inputs, coordinator):
    LearningSite.objects.create(
        city=inputs,
        slug="lib",
        name="Library",
        kind=SiteKind.LIBRARY,
        latitude=51.905,
        longitude=-8.47,
    )
    response = coordinator.get(f"/{inputs.slug}/outreach/desk/deserts/", {"radius": 500})
    page = response.content.decode()
    assert response.status_code == 200
    # North's blocks are within 500 m of the library; South and East are not.
    assert '<th scope="row">North</th><td>0</td><td>0</td><td>0</td>' in page
    assert '<th scope="row">South</th><td>200</td><td>50</td><td>60</td>' in page
    assert (
        coordinator.get(f"/{inputs.slug}/outreach/desk/deserts/", {"radius": "0"}).status_code
        == 200
    )


# ---- permissions and cities ------------------------------------------------------------------


def test_only_the_citys_coordinators_plan(inputs, client, resident, coordinator_b, published):
    desk = f"/{inputs.slug}/outreach/desk/"
    assert client.get(desk).status_code == 302
    assert client_for(resident).get(desk).status_code == 403
    other = client_for(coordinator_b)
    for url in (
        desk,
        desk + "plan/",
        desk + "deserts/",
        desk + "import/",
        f"{desk}runs/{published.public_id}/",
    ):
        assert other.get(url).status_code == 403, url
    visit = Visit.objects.first()
    assert other.post(f"{desk}visits/{visit.public_id}/cancel/", {"reason": "x"}).status_code == 403
    assert not Visit.objects.get(pk=visit.pk).is_cancelled


def test_another_citys_rows_are_not_found_under_this_city(inputs, city_b, coordinator_b, published):
    other = client_for(coordinator_b)
    assert other.get(f"/beta/outreach/desk/runs/{published.public_id}/").status_code == 404
    visit = Visit.objects.first()
    assert other.get(f"/beta/outreach/desk/visits/{visit.public_id}/cancel/").status_code == 404
    site = visit.site
    assert other.get(f"/beta/outreach/stops/{site.slug}/").status_code == 404
    assert "Square North" not in other.get("/beta/outreach/").content.decode()
    page = other.get("/beta/outreach/desk/").content.decode()
    assert "Square North" not in page


def test_navigation_links(inputs, coordinator, client):
    assert "/alpha/outreach/" in client.get("/alpha/").content.decode()
    assert "/alpha/outreach/desk/" in coordinator.get("/alpha/manage/").content.decode()

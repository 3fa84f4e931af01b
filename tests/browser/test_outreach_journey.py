"""The mobile library planned and published in a real browser, in English and Arabic:
the demo city's coordinator imports demand blocks and candidate stops (a faulty file
first, its faults shown by row and column), reads the learning deserts (table beside
the map), adds a vehicle, plans stops and routes while the progress page updates by
itself, and publishes the timetable; a resident then finds the stops near their
street, a stop's page with its calendar feed, and the printable district timetable.
Every page axe-clean with no Content-Security-Policy violation; the resident's walk
and the progress page also work without JavaScript."""

from pathlib import Path

import pytest

from learningcity.core.demo import seed_core
from learningcity.core.models import District
from learningcity.outreach import planner, services, tasks
from learningcity.outreach.models import DemandBlock, PlanRun, RunStatus, Vehicle, Visit
from tests.browser.conftest import assert_accessible, set_language
from tests.browser.test_monitoring_pages import sign_in
from tests.catalogue.factories import make_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DISTRICTS = 6  # of Medellín's comunas: a plan of a few seconds
GROUPS = ["older", "under_five", "disabled"]
STREET = "Carrera 64 # 50-32"


@pytest.fixture
def demo_city(tmp_path, monkeypatch):
    """Medellín with its comunas, its coordinator, a library on a known street, and
    the two files the coordinator will import."""
    context = seed_core("small", 7, log=lambda message: None)
    city = context.demo_city
    districts = list(District.objects.filter(city=city).order_by("pk")[:DISTRICTS])
    make_site(
        city,
        slug="biblioteca-piloto",
        name="Biblioteca Pública Piloto",
        address=STREET,
        latitude=districts[0].latitude + 0.002,
        longitude=districts[0].longitude + 0.002,
    )
    demand = ["name,district,lat,lon,older,disabled,under_five"]
    candidates = ["name,address,lat,lon,required,group"]
    for number, district in enumerate(districts):
        for block, (dy, dx) in enumerate([(0.004, 0.0), (-0.004, 0.003), (0.0, -0.005)]):
            demand.append(
                f"{district.name} {block + 1},{district.slug},"
                f"{district.latitude + dy:.5f},{district.longitude + dx:.5f},"
                f"{120 + 10 * block},{30 + block},{60 - 5 * block}"
            )
        candidates.append(
            f"Parque {district.name},Plaza de {district.name},"
            f"{district.latitude:.5f},{district.longitude:.5f},no,{GROUPS[number % 3]}"
        )
    (tmp_path / "demand.csv").write_text("\n".join(demand) + "\n", encoding="utf-8")
    (tmp_path / "candidates.csv").write_text("\n".join(candidates) + "\n", encoding="utf-8")
    (tmp_path / "faulty.csv").write_text(
        "name,lat,lon,group\nLejos,40.4,-3.7,older\nSin número,x,-75.58,nobody\n",
        encoding="utf-8",
    )
    # Days of one or two stops are routed at once; PyVRP would search to its limit.
    monkeypatch.setattr(planner, "ROUTE_SECONDS_PER_DAY", 0.2)
    return context, tmp_path


def stall_the_worker(monkeypatch) -> None:
    """Tests run queued tasks at once (huey's immediate mode): here the plan waits,
    as it would for a busy worker, so the progress page can be seen."""
    monkeypatch.setattr(tasks, "process_plan_run", lambda run_pk: None)


def submit(page, form: str = "main form[method=post]") -> None:
    page.locator(f"{form} button[type=submit]").last.click()
    page.wait_for_load_state()


def import_file(page, base: str, kind: str, path: Path) -> None:
    page.goto(f"{base}/medellin/outreach/desk/import/")
    page.locator(f"input[name=kind][value={kind}]").check()
    page.set_input_files("input[name=file]", str(path))
    submit(page)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_coordinator_plans_the_mobile_library_and_a_resident_finds_it(
    page, browser, live_server, demo_city, monkeypatch, language
):
    context, files = demo_city
    city = context.demo_city
    base = live_server.url
    set_language(page, base, language)
    sign_in(page, base, context.accounts["coordinator"].email)

    page.goto(f"{base}/medellin/outreach/desk/")
    assert_accessible(page, f"outreach-desk-empty-{language}")

    # A faulty file: nothing saved, every fault by row and column.
    import_file(page, base, "candidates", files / "faulty.csv")
    problems = page.locator("#error-summary tbody tr")
    assert problems.count() == 3  # too far away, not a number, an unknown group
    assert_accessible(page, f"outreach-import-faults-{language}")
    import_file(page, base, "demand", files / "demand.csv")
    import_file(page, base, "candidates", files / "candidates.csv")
    assert DemandBlock.objects.filter(city=city).count() == 3 * DISTRICTS

    # Learning deserts: the table by district and group, the map beside it.
    page.goto(f"{base}/medellin/outreach/desk/deserts/?radius=300")
    assert page.locator("main table tbody tr").count() == DISTRICTS
    assert_accessible(page, f"outreach-deserts-{language}")
    page.locator("[data-show-map]").click()
    page.locator(".map .leaflet-marker-icon").first.wait_for()
    assert_accessible(page, f"outreach-deserts-map-{language}")

    # A vehicle: its depot (the city's centre by default), hours and working days.
    page.goto(f"{base}/medellin/outreach/desk/vehicles/add/")
    assert_accessible(page, f"outreach-vehicle-{language}")
    page.fill("#id_name", "Bibliobús 1")
    submit(page)
    assert Vehicle.objects.get(city=city).days == [0, 1, 2, 3, 4]

    # The plan: asked for in the browser, solved in the background, progress shown.
    stall_the_worker(monkeypatch)
    page.goto(f"{base}/medellin/outreach/desk/plan/")
    assert_accessible(page, f"outreach-plan-form-{language}")
    page.fill("#id_radius", "600")
    page.fill("#id_stops", "4")
    page.fill("#id_time_limit", "10")
    submit(page)
    run = PlanRun.objects.get(city=city)
    assert run.status == RunStatus.WAITING
    assert page.locator("progress").count() == 1
    assert_accessible(page, f"outreach-plan-progress-{language}")
    services.run_plan(run)  # the worker takes it up; the page updates by itself
    page.locator("form[action$='/publish/']").wait_for(timeout=20_000)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.result["optimal"] is True
    assert len(run.result["chosen"]) == 4
    assert page.locator("main ol li").count() == 4 - len(run.result["unserved"])
    assert_accessible(page, f"outreach-plan-result-{language}")
    page.fill("#id_weeks", "2")
    submit(page, "form[action$='/publish/']")
    assert Visit.objects.filter(site__city=city).count() == 2 * (4 - len(run.result["unserved"]))
    assert_accessible(page, f"outreach-desk-published-{language}")

    # A resident finds the stops near their street and the next visits.
    resident = browser.new_context(viewport={"width": 1024, "height": 800})
    visitor = resident.new_page()
    set_language(visitor, base, language)
    visitor.goto(f"{base}/medellin/outreach/")
    visitor.fill("#id_near", "carrera 64")
    visitor.locator("form.outreach-search button[type=submit]").click()
    visitor.wait_for_load_state()
    assert STREET in visitor.locator("main h2").first.inner_text()
    nearest = visitor.locator(".outreach-stop").first
    assert nearest.locator("li").count() >= 1  # its next visits
    assert_accessible(visitor, f"outreach-timetable-{language}")
    visitor.locator("[data-show-map]").click()
    visitor.locator(".map .leaflet-marker-icon").first.wait_for()
    assert_accessible(visitor, f"outreach-timetable-map-{language}")

    nearest.locator("h3 a").click()
    visitor.wait_for_load_state()
    assert_accessible(visitor, f"outreach-stop-{language}")
    feed = visitor.request.get(
        base + visitor.locator("a[href$='calendar.ics']").get_attribute("href")
    )
    assert feed.ok and feed.text().count("BEGIN:VEVENT") == 2

    visitor.goto(f"{base}/medellin/outreach/")
    visitor.locator("a[href*='/outreach/print/']").first.click()
    visitor.wait_for_load_state()
    assert_accessible(visitor, f"outreach-print-{language}")
    resident.close()


def assert_accessible_without_page_scripts(browser, url: str, name: str) -> None:
    """axe is JavaScript itself: the page is checked where every script of the site is
    refused, which is what a visitor without JavaScript gets."""
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    context.route("**/*.js", lambda route: route.abort())
    page = context.new_page()
    page.goto(url)
    assert not page.locator("[data-locate]").is_visible()
    assert not page.locator("[data-show-map]").is_visible()
    assert_accessible(page, name)
    context.close()


def test_the_timetable_and_the_progress_page_work_without_javascript(
    browser, live_server, demo_city, monkeypatch, django_capture_on_commit_callbacks
):
    context, files = demo_city
    city = context.demo_city
    coordinator = context.accounts["coordinator"]
    base = live_server.url
    for kind in ("demand", "candidates"):
        count, errors = services.import_places(
            actor=coordinator,
            city=city,
            kind=kind,
            data=(files / f"{kind}.csv").read_bytes(),
            file_name=f"{kind}.csv",
        )
        assert count and not errors
    services.create_vehicle(
        actor=coordinator,
        city=city,
        fields={
            "name": "Bibliobús 1",
            "depot_latitude": city.latitude,
            "depot_longitude": city.longitude,
            "days": [0, 1, 2, 3, 4],
        },
    )

    no_js = browser.new_context(java_script_enabled=False)
    page = no_js.new_page()
    # The coordinator's plan: the progress page reloads itself (a <noscript> refresh).
    stall_the_worker(monkeypatch)
    sign_in(page, base, coordinator.email)
    page.goto(f"{base}/medellin/outreach/desk/plan/")
    page.fill("#id_stops", "4")
    submit(page)
    assert page.locator("progress").count() == 1
    services.run_plan(PlanRun.objects.get(city=city))
    page.locator("form[action$='/publish/']").wait_for(timeout=20_000)
    submit(page, "form[action$='/publish/']")
    assert Visit.objects.filter(site__city=city).exists()

    # The resident's walk: a district chosen, the stops and their visits, a stop.
    page.goto(f"{base}/medellin/outreach/")
    assert not page.locator("[data-locate]").is_visible()
    served = Visit.objects.filter(site__city=city).select_related("site__district").first()
    page.select_option("#id_district", value=served.site.district.slug)
    page.locator("form.outreach-search button[type=submit]").click()
    page.wait_for_load_state()
    stops = page.locator(".outreach-stop")
    assert stops.count() >= 1 and stops.first.locator("li").count() >= 1
    timetable = page.url
    stops.first.locator("h3 a").click()
    page.wait_for_load_state()
    assert page.locator("a[href$='calendar.ics']").is_visible()
    stop_page = page.url
    no_js.close()
    assert_accessible_without_page_scripts(browser, timetable, "outreach-timetable-no-js")
    assert_accessible_without_page_scripts(browser, stop_page, "outreach-stop-no-js")

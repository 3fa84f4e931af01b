"""Index runs: validated values in, scores and ranks stored; bad input refused whole."""

import json

import pytest

from learningcity.core.models import AuditEvent
from learningcity.monitoring import services
from learningcity.monitoring.models import IndexResult, IndexRun, RunStatus, ValueStatus
from learningcity.monitoring.problems import InvalidInput
from learningcity.monitoring.run_notes import note_text
from tests.conftest import client_for, make_city

from .factories import add_value, fill_values, make_tiny_framework, node

pytestmark = pytest.mark.django_db
STANDARD = services.SPEC_PRESETS["standard"]


@pytest.fixture
def network():
    """Three cities with tiny-framework values in 2024: North best, South worst."""
    framework = make_tiny_framework()
    alpha, beta, gamma = make_city("north"), make_city("east"), make_city("south")
    fill_values(
        framework,
        {
            alpha: {"IA": 9, "IB": 30, "IC": 8, "ID": 2},
            beta: {"IA": 5, "IB": 20, "IC": 5, "ID": 5},
            gamma: {"IA": 1, "IB": 10, "IC": 2, "ID": 9},
        },
        2024,
    )
    return framework, alpha, beta, gamma


def test_a_run_stores_every_citys_scores_and_ranks(network, network_coordinator):
    framework, alpha, beta, gamma = network
    run = services.run_index(
        actor=network_coordinator, framework=framework, years=[2024], spec=STANDARD
    )
    assert run.status == RunStatus.DONE and run.progress == 100
    top = {r.city: r for r in IndexResult.objects.filter(run=run, code="TINY")}
    assert top[alpha].rank == 1 and top[beta].rank == 2 and top[gamma].rank == 3
    assert top[alpha].score == pytest.approx(100.0) and top[gamma].score == pytest.approx(0.0)
    # every aggregate gets a score: index, 2 areas, 3 features for each of 3 cities
    assert IndexResult.objects.filter(run=run).count() == 3 * 6
    assert run.inputs["units"]["2024"][0]["code"] == "east"
    assert run.spec["split_to"] == "all" and run.spec["steps"][0]["global"] is True
    assert AuditEvent.objects.filter(action="monitoring.index_run").exists()


def test_drafts_do_not_count_in_a_run(network, network_coordinator):
    framework, _alpha, _beta, _gamma = network
    delta = make_city("delta")
    for code in ("IA", "IB", "IC", "ID"):
        add_value(delta, node(framework, code), 2024, 100, status=ValueStatus.DRAFT)
    run = services.run_index(
        actor=network_coordinator, framework=framework, years=[2024], spec=STANDARD
    )
    assert not IndexResult.objects.filter(run=run, city=delta).exists()
    assert any("Delta" in note_text(note) for note in run.notes)


def test_an_uncertainty_run_waits_in_the_queue_then_gives_rank_intervals(
    network, network_coordinator, django_capture_on_commit_callbacks
):
    framework, alpha, *_ = network
    with django_capture_on_commit_callbacks() as queued:
        run = services.run_index(
            actor=network_coordinator, framework=framework, years=[2024], spec=STANDARD, samples=8
        )
    assert run.status == RunStatus.QUEUED and len(queued) == 1
    queued[0]()  # the background task, run here (huey's immediate mode in tests)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.progress == 100
    best = IndexResult.objects.get(run=run, code="TINY", city=alpha)
    assert best.median_rank is not None and 1 <= best.rank_low <= best.rank_high <= 3


def refused(framework, spec=STANDARD, years=(2024,)) -> str:
    with pytest.raises(InvalidInput) as error:
        services.run_index(actor=None, framework=framework, years=list(years), spec=spec)
    assert not IndexRun.objects.exists()
    return " | ".join(str(problem) for problem in error.value.problems)


def test_an_indicator_nobody_reported_is_refused_by_name(network):
    framework, *_ = network
    node(framework, "ID").values.all().delete()
    assert "2024: ID (Dropouts): no city has a validated value" in refused(framework)


def test_an_indicator_with_the_same_value_everywhere_is_refused(network):
    framework, *_ = network
    node(framework, "IC").values.update(value=5)
    assert "IC (Budget share): every city has the same value" in refused(framework)


def test_unusable_indicators_can_be_left_out_on_request(network):
    framework, alpha, *_ = network
    node(framework, "IC").values.update(value=5)
    run = services.run_index(
        actor=None, framework=framework, years=[2024], spec=STANDARD, drop_unusable=True
    )
    assert any("IC" in note_text(note) for note in run.notes)
    assert IndexResult.objects.get(run=run, code="TINY", city=alpha).rank == 1


def test_zero_values_under_a_geometric_mean_are_refused_by_the_engine(network):
    framework, *_ = network
    spec = {
        "steps": [
            {"step": "normalise", "f_n": "n_minmax", "f_n_para": [0, 100]},
            {"step": "aggregate", "f_ag": "a_gmean"},
        ]
    }
    message = refused(framework, spec)
    assert message.startswith("aggregate (group 'FA', a_gmean)")
    assert "zero or negative values" in message


def test_a_bad_pipeline_is_refused_with_every_problem(network):
    framework, *_ = network
    spec = {"steps": [{"step": "normalize"}, {"step": "aggregate", "f_ag": "a_mystery"}]}
    message = refused(framework, spec)
    assert "unknown step 'normalize'" in message and "unknown f_ag 'a_mystery'" in message


def test_a_year_without_two_cities_is_refused(network):
    framework, *_ = network
    assert "At least two cities need validated values" in refused(framework, years=[2019])


def test_a_network_coordinator_builds_the_index_from_the_form(network, network_coordinator):
    framework, *_ = network
    response = client_for(network_coordinator).post(
        "/network/monitoring/runs/new/",
        {
            "framework": str(framework.pk),
            "years": ["2024"],
            "preset": "standard",
            "samples": "0",
            "title": "First",
        },
    )
    run = IndexRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"{run.public_id}/")
    assert run.title == "First" and run.started_by == network_coordinator


def test_the_run_form_lists_the_engines_problems_and_saves_nothing(network, network_coordinator):
    framework, *_ = network
    response = client_for(network_coordinator).post(
        "/network/monitoring/runs/new/",
        {
            "framework": str(framework.pk),
            "years": ["2024"],
            "preset": "custom",
            "spec": json.dumps({"steps": [{"step": "treat", "winmax": "many"}]}),
            "samples": "0",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "pipeline step 1 (treat): &#x27;winmax&#x27; must be a whole number" in page
    assert not IndexRun.objects.exists()


def test_invalid_json_in_the_run_form_is_pointed_out(network, network_coordinator):
    framework, *_ = network
    response = client_for(network_coordinator).post(
        "/network/monitoring/runs/new/",
        {
            "framework": str(framework.pk),
            "years": ["2024"],
            "preset": "custom",
            "spec": "{steps: oops",
            "samples": "0",
        },
    )
    assert "This is not valid JSON" in response.content.decode()
    assert not IndexRun.objects.exists()


def test_only_network_coordinators_build_the_index(network, coordinator_a, resident):
    for person in (coordinator_a, resident):
        assert client_for(person).get("/network/monitoring/runs/new/").status_code == 403


def test_a_queued_run_shows_its_progress_to_coordinators_only(network, network_coordinator, client):
    framework, *_ = network
    run = services.run_index(
        actor=None, framework=framework, years=[2024], spec=STANDARD, samples=8
    )
    coordinator = client_for(network_coordinator)
    page = coordinator.get(f"/network/monitoring/runs/{run.public_id}/").content.decode()
    assert "<progress" in page and 'hx-trigger="every 5s"' in page
    partial = coordinator.get(
        f"/network/monitoring/runs/{run.public_id}/", headers={"HX-Request": "true"}
    ).content.decode()
    assert partial.startswith('<div id="run-status"') and "<html" not in partial
    assert client.get(f"/network/monitoring/runs/{run.public_id}/").status_code == 404
    services.process_index_run(run)
    assert client.get(f"/network/monitoring/runs/{run.public_id}/").status_code == 200


def test_a_run_that_is_not_a_network_framework_is_refused(city_a, coordinator_a):
    extension = services.extend_framework(
        actor=coordinator_a, city=city_a, base=services.ensure_default_framework()
    )
    assert "choose a network framework" in refused(extension)


def test_the_index_command_can_be_called_from_python(tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError) as stopped:
        call_command(
            "index",
            "build",
            "--data",
            str(tmp_path / "none.csv"),
            "--meta",
            str(tmp_path / "none.csv"),
            "--spec",
            "x.json",
            "--out",
            str(tmp_path),
        )
    assert stopped.value.returncode == 2

"""A run over several years is one panel: the years are normalised together (so a
city's scores compare across years) unless per-year normalisation is chosen, ranks
stay within each year, and the stored inputs re-run the exact run on the command line."""

import json

import pandas as pd
import pytest
from compindex.cli import main as index_cli

from learningcity.monitoring import services
from learningcity.monitoring.models import IndexResult, IndexRun, RunStatus
from learningcity.monitoring.problems import InvalidInput
from learningcity.monitoring.run_notes import note_text
from tests.conftest import client_for, make_city

from .factories import fill_values, make_tiny_framework, node

pytestmark = pytest.mark.django_db
STANDARD = services.SPEC_PRESETS["standard"]
YEARS = [2023, 2024]


@pytest.fixture
def network():
    """North, East and South in 2023 and 2024. East's 2024 values are North's 2023
    values; South's 2024 values are East's 2023 values (and the lowest of all)."""
    framework = make_tiny_framework()
    north, east, south = make_city("north"), make_city("east"), make_city("south")
    best = {"IA": 9, "IB": 30, "IC": 8, "ID": 2}
    middle = {"IA": 5, "IB": 20, "IC": 5, "ID": 5}
    low = {"IA": 1, "IB": 10, "IC": 2, "ID": 9}
    fill_values(framework, {north: middle, east: low, south: low}, 2023)
    fill_values(framework, {north: best, east: middle, south: low}, 2024)
    return framework, north, east, south


def scores(run: IndexRun, code: str = "TINY") -> dict[tuple[str, int], IndexResult]:
    return {(r.city.slug, r.year): r for r in run.results.filter(code=code).select_related("city")}


def test_years_normalised_together_give_the_same_score_to_the_same_values(network):
    framework, *_ = network
    run = services.run_index(actor=None, framework=framework, years=YEARS, spec=STANDARD)
    assert run.years_normalisation == "global"
    found = scores(run)
    # the same values in different years: the same score
    assert found[("north", 2023)].score == pytest.approx(found[("east", 2024)].score)
    assert found[("east", 2023)].score == pytest.approx(found[("south", 2024)].score)
    assert found[("north", 2024)].score == pytest.approx(100)  # best of both years
    assert 0 < found[("north", 2023)].score < 100  # not the best of both years
    # ranks stay within each year
    assert [found[(city, 2023)].rank for city in ("north", "east", "south")] == [1, 2, 2]
    assert [found[(city, 2024)].rank for city in ("north", "east", "south")] == [1, 2, 3]


def test_per_year_normalisation_can_be_chosen(network):
    framework, *_ = network
    run = services.run_index(
        actor=None, framework=framework, years=YEARS, spec=STANDARD, normalise_globally=False
    )
    assert run.years_normalisation == "per_year"
    assert run.spec["steps"][0]["global"] is False
    found = scores(run)
    assert found[("north", 2023)].score == pytest.approx(100)  # best of its own year
    assert [found[(city, 2024)].rank for city in ("north", "east", "south")] == [1, 2, 3]


def test_a_pipelines_own_global_setting_is_kept(network):
    framework, *_ = network
    spec = {"steps": [{"step": "normalise", "global": False}, {"step": "aggregate"}]}
    run = services.run_index(actor=None, framework=framework, years=YEARS, spec=spec)
    assert run.years_normalisation == "per_year"


def refused(framework, spec=STANDARD, **options) -> str:
    before = IndexRun.objects.count()
    with pytest.raises(InvalidInput) as error:
        services.run_index(actor=None, framework=framework, years=YEARS, spec=spec, **options)
    assert IndexRun.objects.count() == before  # nothing saved
    return " | ".join(str(problem) for problem in error.value.problems)


def test_a_pipeline_that_chooses_its_own_time_points_is_refused(network):
    framework, *_ = network
    message = refused(framework, {**STANDARD, "Time": 2024, "split_to": [2024]})
    assert "Remove “Time”" in message and "Remove “split_to”" in message


def test_a_value_shared_by_all_cities_in_one_year_only_counts_when_years_are_pooled(network):
    framework, *_ = network
    node(framework, "IC").values.filter(year=2023).update(value=5)
    run = services.run_index(actor=None, framework=framework, years=YEARS, spec=STANDARD)
    assert run.results.filter(year=2023, code="TINY").count() == 3
    message = refused(framework, normalise_globally=False)
    assert "2023: IC (Budget share): every city has the same value" in message


def test_a_value_shared_by_all_cities_in_every_year_is_refused_once(network):
    framework, *_ = network
    node(framework, "IC").values.update(value=5)
    message = refused(framework)
    assert "IC (Budget share): every city has the same value in every year" in message
    assert "2023: IC" not in message and "2024: IC" not in message


def test_an_indicator_missing_in_one_year_is_left_out_of_every_year_on_request(network):
    framework, *_ = network
    node(framework, "ID").values.filter(year=2023).delete()
    assert "2023: ID (Dropouts): no city has a validated value" in refused(framework)
    run = services.run_index(
        actor=None, framework=framework, years=YEARS, spec=STANDARD, drop_unusable=True
    )
    assert [note_text(note) for note in run.notes] == [
        "Left out indicators without usable values: ID."
    ]
    assert [row["code"] for row in run.inputs["rows"]].count("ID") == 0
    assert scores(run)[("north", 2024)].rank == 1


def test_an_uncertainty_analysis_of_the_last_year_uses_every_year(network):
    framework, north, *_ = network
    run = services.run_index(
        actor=None,
        framework=framework,
        years=YEARS,
        spec=STANDARD,
        samples=8,
        run_uncertainty_now=True,
    )
    assert run.status == RunStatus.DONE and run.problems == []
    with_interval = run.results.filter(median_rank__isnull=False)
    assert set(with_interval.values_list("year", "code")) == {(2024, "TINY")}
    assert with_interval.get(city=north).rank_low == 1


def download(client, run: IndexRun, tmp_path) -> list[str]:
    for name in ("iData.csv", "iMeta.csv", "pipeline.json"):
        response = client.get(f"/network/monitoring/runs/{run.public_id}/inputs/{name}")
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        (tmp_path / name).write_bytes(response.content)
    return [
        *("--data", str(tmp_path / "iData.csv"), "--meta", str(tmp_path / "iMeta.csv")),
        *("--spec", str(tmp_path / "pipeline.json"), "--out", str(tmp_path / "out")),
    ]


@pytest.mark.parametrize("normalise_globally", [True, False])
def test_the_downloaded_inputs_rebuild_the_stored_scores_with_the_command_line(
    network, network_coordinator, tmp_path, normalise_globally
):
    framework, _north, east, _south = network
    node(framework, "IB").values.filter(city=east, year=2024).delete()  # to impute
    run = services.run_index(
        actor=None,
        framework=framework,
        years=YEARS,
        spec=services.SPEC_PRESETS["treated"],
        normalise_globally=normalise_globally,
    )
    arguments = download(client_for(network_coordinator), run, tmp_path)
    idata = pd.read_csv(tmp_path / "iData.csv")
    assert list(idata.columns[:3]) == ["uCode", "uName", "Time"]
    assert sorted(set(idata["Time"])) == YEARS  # one panel: every year in one file
    assert json.loads((tmp_path / "pipeline.json").read_text()) == run.spec

    assert index_cli(["build", *arguments]) == 0

    aggregated = pd.read_csv(tmp_path / "out" / "Aggregated.csv")
    stored = {(r.city.slug, r.year, r.code): r for r in run.results.select_related("city")}
    assert len(stored) == len(aggregated) * 6
    for row in aggregated.to_dict(orient="records"):
        for code in ("TINY", "AR1", "AR2", "FA", "FB", "FC"):
            result = stored[(row["uCode"], row["Time"], code)]
            assert row[code] == pytest.approx(result.score, rel=1e-12, abs=1e-12)
    ranks = pd.read_csv(tmp_path / "out" / "results.csv")
    for row in ranks.to_dict(orient="records"):
        assert row["Rank"] == stored[(row["uCode"], row["Time"], "TINY")].rank


def test_only_network_coordinators_download_a_runs_inputs(
    network, network_coordinator, coordinator_a, client
):
    framework, *_ = network
    run = services.run_index(actor=None, framework=framework, years=YEARS, spec=STANDARD)
    url = f"/network/monitoring/runs/{run.public_id}/inputs/iData.csv"
    assert client_for(coordinator_a).get(url).status_code == 403
    assert client.get(url).status_code == 302  # to sign in
    unknown = f"/network/monitoring/runs/{run.public_id}/inputs/secrets.txt"
    assert client_for(network_coordinator).get(unknown).status_code == 404


def test_a_run_stored_year_by_year_before_panels_says_its_inputs_are_not_available(
    network, network_coordinator
):
    framework, *_ = network
    old = IndexRun.objects.create(
        framework=framework,
        years=[2024],
        spec=STANDARD,
        status=RunStatus.QUEUED,
        uncertainty={"samples": 8, "seed": 1},
        inputs={"rows": {"2024": []}, "units": {"2024": []}},
    )
    client = client_for(network_coordinator)
    page = client.get(f"/network/monitoring/runs/{old.public_id}/").content.decode()
    assert "its inputs cannot be downloaded" in page
    assert "normalised on its own" in page  # built year by year, as its spec says
    response = client.get(f"/network/monitoring/runs/{old.public_id}/inputs/iData.csv")
    assert response.status_code == 404
    services.process_index_run(old)
    old.refresh_from_db()
    assert old.status == RunStatus.FAILED and "before years were built together" in str(
        old.problems
    )


def test_the_run_form_offers_per_year_normalisation(network, network_coordinator):
    framework, *_ = network
    client = client_for(network_coordinator)
    form = client.get("/network/monitoring/runs/new/").content.decode()
    assert 'name="normalisation" value="global"' in form and "checked" in form
    response = client.post(
        "/network/monitoring/runs/new/",
        {
            "framework": str(framework.pk),
            "years": ["2023", "2024"],
            "preset": "standard",
            "normalisation": "per_year",
            "samples": "0",
        },
    )
    assert response.status_code == 302
    run = IndexRun.objects.get()
    assert run.years == YEARS and run.years_normalisation == "per_year"
    page = client.get(f"/network/monitoring/runs/{run.public_id}/").content.decode()
    assert "compare ranks rather than scores across years" in page

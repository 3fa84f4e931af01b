"""The demo seeds participation in a few seconds, with every piece the issue lists."""

import time

import pytest

from learningcity.core.demo import seed_core
from learningcity.participation import demo
from learningcity.participation.models import (
    Ballot,
    Budget,
    HasVoted,
    Process,
    Proposal,
    Result,
    Sortition,
    SurveyResponse,
)

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_processes_proposals_a_counted_budget_and_a_panel(client):
    context = seed_core("small", 7, log=lambda message: None)
    began = time.monotonic()
    demo.seed_demo(context)
    took = time.monotonic() - began
    assert Process.objects.count() == 2
    assert Proposal.objects.count() == demo.PROPOSALS
    budget = Budget.objects.get()
    assert Ballot.objects.count() == HasVoted.objects.count() == demo.BALLOTS
    assert set(budget.outcomes) == {"greedy", "equal-shares", "equal-shares-completed"}
    assert budget.projects.filter(funded=True).exists()
    assert Result.objects.exists() and SurveyResponse.objects.count() == 150
    assert Sortition.objects.get().volunteers.filter(selected=True).count() == 8
    city = context.demo_city.slug
    for url in (
        f"/{city}/participate/",
        f"/{city}/participate/learning-plan/proposals/",
        f"/{city}/participate/learning-budget/budgets/learning-projects/results/",
        f"/{city}/participate/learning-budget/accountability/",
        f"/{city}/participate/learning-plan/surveys/learning-habits/results/",
        f"/{city}/participate/panels/steering-panel/",
        f"/{city}/participate/assemblies/steering-committee/",
    ):
        assert client.get(url).status_code == 200, url
    print(f"participation demo: {took:.2f} s")
    assert took < 30

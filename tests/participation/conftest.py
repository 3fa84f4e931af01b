"""Fixtures of the participation tests: a city-wide process whose current phase has
every component open, a budget with four projects, and small factories."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import make_district, make_user


def make_process(city, slug: str = "plan", *, open_all: bool = True, **fields):
    from django.utils import timezone

    from learningcity.participation.models import Phase, Process

    process = Process.objects.create(
        city=city,
        slug=slug,
        title=fields.pop("title", "Next year's lifelong-learning plan"),
        summary="What should the city's learning plan hold?",
        support_threshold=fields.pop("support_threshold", 3),
        **fields,
    )
    today = timezone.localdate()
    Phase.objects.create(
        process=process,
        name="Ideas",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=10),
        proposals_open=open_all,
        supports_open=open_all,
        debates_open=open_all,
        voting_open=open_all,
        shows_results=True,
    )
    return process


def make_proposal(process, author=None, **fields):
    from learningcity.participation.models import Proposal

    return Proposal.objects.create(
        process=process,
        author=author,
        title=fields.pop("title", "Reading garden in the park"),
        body=fields.pop("body", "Benches, shade and a book box for all ages."),
        **fields,
    )


def make_budget(process, *, amount: int = 1000, costs=(600, 400, 300, 500), **fields):
    from learningcity.participation.models import Budget, BudgetProject

    budget = Budget.objects.create(
        process=process,
        slug=fields.pop("slug", "learning-budget"),
        title=fields.pop("title", "Learning budget"),
        amount=amount,
        **fields,
    )
    for number, cost in enumerate(costs, 1):
        BudgetProject.objects.create(
            budget=budget, code=str(number), title=f"Project {number}", cost=cost
        )
    return budget


@pytest.fixture
def process(city_a):
    return make_process(city_a)


@pytest.fixture
def budget(process):
    return make_budget(process)


@pytest.fixture
def north(city_a):
    return make_district(city_a, "north")


@pytest.fixture
def neighbours(db):
    return [make_user(f"neighbour{i}@example.org") for i in range(6)]

"""Mixing a budget's ballots (participation.mixing): afterwards neither the ballots'
order nor the database's bookkeeping (PostgreSQL's xmin, SQLite's rowid) follows the
order in which people voted, and nothing of what was voted changes."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection

from learningcity import periodic
from learningcity.participation import mixing, services
from learningcity.participation.models import Ballot, BallotChoice, Budget, HasVoted
from tests.conftest import make_user

from .conftest import make_budget, make_process

pytestmark = pytest.mark.django_db


def _ballots(budget) -> Counter:
    chosen: dict[object, list[str]] = {}
    for ballot_id, code in BallotChoice.objects.filter(ballot__budget=budget).values_list(
        "ballot_id", "project__code"
    ):
        chosen.setdefault(ballot_id, []).append(code)
    return Counter(tuple(sorted(codes)) for codes in chosen.values())


@pytest.fixture
def voted(city_a):
    """A budget with 30 ballots cast one after the other, each a different choice
    pattern, so their order can be told apart."""
    budget = make_budget(make_process(city_a), amount=10_000, costs=(100,) * 8)
    projects = list(budget.projects.order_by("code").values_list("pk", flat=True))
    order = []
    for number in range(30):
        chosen = [projects[i] for i in range(8) if (number + 1) >> i & 1]
        person = make_user(f"voter{number}@example.org")
        services.cast_ballot(actor=person, budget=budget, project_ids=chosen)
        order.append(tuple(sorted(str(projects.index(pk) + 1) for pk in chosen)))
    return budget, order


def _in_storage_order(budget) -> list[tuple[str, ...]]:
    """The ballots as the database stores them: SQLite's rowid, PostgreSQL's ctid."""
    column = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM participation_ballot WHERE budget_id = %s ORDER BY {column}",
            [budget.pk],
        )
        keys = [row[0] for row in cursor.fetchall()]
    codes: dict[str, list[str]] = {}
    for ballot_id, code in BallotChoice.objects.filter(ballot__budget=budget).values_list(
        "ballot_id", "project__code"
    ):
        codes.setdefault(str(ballot_id).replace("-", ""), []).append(code)
    return [tuple(sorted(codes[str(key).replace("-", "")])) for key in keys]


def test_mixing_keeps_every_ballot_and_renews_every_key(voted):
    budget, _order = voted
    before_keys = set(Ballot.objects.filter(budget=budget).values_list("id", flat=True))
    before = _ballots(budget)
    funded = services.tally_budget(actor=None, budget=budget)
    assert mixing.mix_ballots(budget) == 30
    assert _ballots(budget) == before
    assert not before_keys & set(Ballot.objects.filter(budget=budget).values_list("id", flat=True))
    assert HasVoted.objects.filter(budget=budget).count() == 30
    assert services.tally_budget(actor=None, budget=budget) == funded
    assert Budget.objects.get(pk=budget.pk).ballots_mixed == 30


def test_after_mixing_the_stored_order_is_not_the_order_of_voting(voted):
    budget, order = voted
    assert _in_storage_order(budget) == order  # what mixing is for
    mixing.mix_ballots(budget)
    assert _in_storage_order(budget) != order  # 1 chance in 30! of failing by luck
    assert sorted(_in_storage_order(budget)) == sorted(order)


def test_on_postgresql_mixed_ballots_share_one_creating_transaction(voted):
    if connection.vendor != "postgresql":
        pytest.skip("xmin is PostgreSQL's")
    budget, _order = voted

    def creators(table: str) -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT xmin::text FROM {table} WHERE budget_id = %s", [budget.pk])
            return {row[0] for row in cursor.fetchall()}

    assert len(creators("participation_ballot")) == 30  # one per vote: linkable
    mixing.mix_ballots(budget)
    mixed = creators("participation_ballot")
    assert len(mixed) == 1 and not mixed & creators("participation_hasvoted")


def test_the_periodic_task_mixes_only_budgets_with_new_ballots(voted, city_a):
    budget, _order = voted
    untouched = make_budget(make_process(city_a, "other"), slug="quiet")
    periodic.mix_ballots.call_local()
    assert Budget.objects.get(pk=budget.pk).ballots_mixed == 30
    assert mixing.mix_new() == 0
    services.cast_ballot(
        actor=make_user("late@example.org"),
        budget=budget,
        project_ids=[budget.projects.first().pk],
    )
    assert mixing.mix_new() == 1
    assert Budget.objects.get(pk=budget.pk).ballots_mixed == 31
    assert Budget.objects.get(pk=untouched.pk).ballots_mixed == 0


def test_survey_responses_are_mixed_too(city_a):
    from learningcity.participation import surveys
    from learningcity.participation.models import Answer, Question, Survey, SurveyResponse

    survey = Survey.objects.create(process=make_process(city_a, "ask"), slug="s", title="S")
    age = Question.objects.create(survey=survey, text="Your age?", kind="short")
    why = Question.objects.create(survey=survey, text="Why?", kind="long", required=False)
    for number in range(12):
        surveys.answer_survey(
            actor=make_user(f"answer{number}@example.org"),
            survey=survey,
            answers={age.pk: [str(20 + number)], why.pk: [f"reason {number}"]},
        )

    def results_of(survey) -> list:
        # Free texts are listed in the order they are stored, which mixing changes.
        return [{**each, "texts": sorted(each["texts"])} for each in surveys.survey_results(survey)]

    results = results_of(survey)
    answers = Counter(Answer.objects.values_list("question_id", "value"))
    keys = set(SurveyResponse.objects.values_list("id", flat=True))
    column = "rowid" if connection.vendor == "sqlite" else "ctid"

    def ages_in_storage_order() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT r.id FROM participation_surveyresponse r ORDER BY r.{column}")
            order = [row[0] for row in cursor.fetchall()]
        age_of = {
            str(response).replace("-", ""): value
            for response, value in Answer.objects.filter(question=age).values_list(
                "response_id", "value"
            )
        }
        return [age_of[str(key).replace("-", "")] for key in order]

    assert ages_in_storage_order() == [str(20 + n) for n in range(12)]
    assert mixing.mix_new() == 1
    assert results_of(survey) == results
    assert Counter(Answer.objects.values_list("question_id", "value")) == answers
    assert not keys & set(SurveyResponse.objects.values_list("id", flat=True))
    assert ages_in_storage_order() != [str(20 + n) for n in range(12)]
    assert Survey.objects.get(pk=survey.pk).responses_mixed == 12

"""Secret ballots, one per person, within the budget; the tally by each rule equals
pabutools'; a budget round-trips through a pabulib file."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from learningcity.core.models import AuditEvent
from learningcity.engines.budgeting import RULES, parse_pb, tally
from learningcity.participation import services
from learningcity.participation.models import (
    Ballot,
    BallotChoice,
    BallotKind,
    BudgetProject,
    HasVoted,
)
from tests.conftest import client_for, make_user

from .conftest import make_budget, make_process


def _ids(budget, *codes):
    return [budget.projects.get(code=c).pk for c in codes]


def _vote_url(budget, tail=""):
    p = budget.process
    return f"/{p.city.slug}/participate/{p.slug}/budgets/{budget.slug}/{tail}"


def test_a_resident_votes_through_the_page_and_the_ballot_names_nobody(resident, budget):
    response = client_for(resident).post(_vote_url(budget), {"projects": _ids(budget, "1", "2")})
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert sorted(ballot.choices.values_list("project__code", flat=True)) == ["1", "2"]
    assert HasVoted.objects.get().user == resident


def test_no_ballot_table_has_a_column_that_could_name_a_person_or_time():
    for model in (Ballot, BallotChoice):
        columns = {f.column for f in model._meta.concrete_fields}
        assert not any(
            "user" in c or "person" in c or "_at" in c or "time" in c for c in columns
        ), columns
    assert {f.column for f in HasVoted._meta.concrete_fields} == {"id", "budget_id", "user_id"}
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"


def test_voting_leaves_no_trace_of_the_choice_in_the_audit(resident, budget):
    services.cast_ballot(actor=resident, budget=budget, project_ids=_ids(budget, "2"))
    assert not AuditEvent.objects.filter(actor=resident).exists()


def test_a_second_ballot_by_the_same_person_is_refused_and_not_stored(resident, budget):
    client = client_for(resident)
    client.post(_vote_url(budget), {"projects": _ids(budget, "1")})
    response = client.post(_vote_url(budget), {"projects": _ids(budget, "2")})
    assert response.status_code in (200, 400)
    assert Ballot.objects.count() == 1 and HasVoted.objects.count() == 1
    with pytest.raises(ValidationError, match="already voted"):
        services.cast_ballot(actor=resident, budget=budget, project_ids=_ids(budget, "3"))
    assert Ballot.objects.count() == 1 and BallotChoice.objects.count() == 1


def test_a_ballot_over_the_budget_says_by_how_much_and_saves_nothing(resident, budget):
    response = client_for(resident).post(
        _vote_url(budget), {"projects": _ids(budget, "1", "2", "3")}
    )
    assert response.status_code == 400
    assert "cost 1300, more than the 1000 to share" in response.content.decode()
    assert "worth at least 300" in response.content.decode()
    assert not Ballot.objects.exists() and not HasVoted.objects.exists()


@pytest.mark.parametrize("posted", [[], ["abc"], ["999999"], ["<script>"]])
def test_an_empty_or_strange_ballot_is_refused_without_a_500(resident, budget, posted):
    response = client_for(resident).post(_vote_url(budget), {"projects": posted})
    assert response.status_code == 400
    assert not Ballot.objects.exists() and not HasVoted.objects.exists()


def test_k_approval_limits_the_number_of_projects(process, resident):
    budget = make_budget(
        process, slug="k", ballot_kind=BallotKind.K_APPROVAL, max_choices=2, amount=500
    )
    with pytest.raises(ValidationError, match="at most 2 projects"):
        services.cast_ballot(actor=resident, budget=budget, project_ids=_ids(budget, "1", "2", "3"))
    services.cast_ballot(actor=resident, budget=budget, project_ids=_ids(budget, "1", "2"))
    assert Ballot.objects.count() == 1


def test_a_project_of_another_budget_cannot_be_chosen(process, budget, resident):
    other = make_budget(process, slug="other")
    with pytest.raises(ValidationError):
        services.cast_ballot(actor=resident, budget=budget, project_ids=_ids(other, "1"))
    assert not HasVoted.objects.exists()


def test_voting_outside_the_voting_phase_is_refused(city_a, resident):
    budget = make_budget(make_process(city_a, "closed", open_all=False))
    with pytest.raises(ValidationError, match="Voting is closed"):
        services.cast_ballot(actor=resident, budget=budget, project_ids=_ids(budget, "1"))


def test_an_anonymous_visitor_is_sent_to_sign_in(client, budget):
    response = client.post(_vote_url(budget), {"projects": _ids(budget, "1")})
    assert response.status_code == 302 and "next=" in response["Location"]
    assert not Ballot.objects.exists()


VOTES = [("1", "2"), ("1", "3"), ("2", "3"), ("1",), ("4", "2"), ("3",), ("2", "3")]


def _cast_all(budget):
    for number, codes in enumerate(VOTES):
        services.cast_ballot(
            actor=make_user(f"voter{number}@example.org"),
            budget=budget,
            project_ids=_ids(budget, *codes),
        )


@pytest.mark.parametrize("rule", RULES)
def test_the_tally_by_each_rule_equals_the_engine_on_the_exported_file(budget, rule, client):
    _cast_all(budget)
    funded = services.tally_budget(actor=None, budget=budget, rule=rule)
    exported = services.export_budget_pb(budget)
    assert funded == tally(exported, rule).selected
    projects = {p.code: p for p in BudgetProject.objects.filter(budget=budget)}
    assert projects["1"].votes == 3 and projects["2"].votes == 4 and projects["3"].votes == 4
    assert {c for c, p in projects.items() if p.funded} == set(funded)
    assert all(p.why for p in projects.values())
    page = client.get(_vote_url(budget, "results/")).content.decode()
    assert "Each project's votes, and why it was or was not funded" in page
    assert "7 ballots" in page


def test_the_export_holds_anonymous_ballots_numbered_from_one(budget, client):
    _cast_all(budget)
    response = client.get(_vote_url(budget, "ballots.pb"))
    text = response.content.decode()
    election = parse_pb(text)
    assert [v.voter_id for v in election.votes] == [str(n) for n in range(1, 8)]
    assert sorted(v.vote for v in election.votes) == sorted(tuple(sorted(v)) for v in VOTES)
    assert "@example.org" not in text
    assert election.budget == 1000


def test_a_pabulib_file_round_trips_through_a_budget(process, coordinator_a, budget):
    _cast_all(budget)
    exported = services.export_budget_pb(budget)
    imported = services.import_budget_pb(
        actor=coordinator_a, process=process, slug="copy", text=exported
    )
    again = services.export_budget_pb(imported)
    first, second = parse_pb(exported), parse_pb(again)
    assert [(p.project_id, p.cost) for p in first.projects] == [
        (p.project_id, p.cost) for p in second.projects
    ]
    assert sorted(v.vote for v in first.votes) == sorted(v.vote for v in second.votes)
    for rule in RULES:
        assert tally(exported, rule).selected == tally(again, rule).selected


def test_a_faulty_pabulib_file_saves_nothing(process, coordinator_a):
    from learningcity.participation.models import Budget

    text = (
        "META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\na;50\nVOTES\nvoter_id;vote\n1;b\n"
    )
    with pytest.raises(ValidationError, match="line 9, vote: project 'b'"):
        services.import_budget_pb(actor=coordinator_a, process=process, slug="x", text=text)
    assert not Budget.objects.filter(slug="x").exists()


def test_only_the_citys_coordinator_counts(budget, coordinator_b, coordinator_a):
    assert client_for(coordinator_b).post(_vote_url(budget, "tally/")).status_code == 403
    assert client_for(coordinator_a).post(_vote_url(budget, "tally/")).status_code == 302
    budget.refresh_from_db()
    assert budget.tallied_at is not None


def test_the_database_refuses_a_second_has_voted_row(budget, resident):
    from django.db import IntegrityError, transaction

    HasVoted.objects.create(budget=budget, user=resident)
    with pytest.raises(IntegrityError), transaction.atomic():
        HasVoted.objects.create(budget=budget, user=resident)
    assert connection.vendor in ("sqlite", "postgresql")

"""The coordinators' workspace, through its pages: processes with phases, budgets with
projects (typed in or from a pabulib file), results, surveys with questions and the
queue of proposals to answer. Bad input changes nothing and names the field; only the
city's own coordinators get in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from learningcity.monitoring.models import Framework, FrameworkNode, NodeType
from learningcity.participation import services
from learningcity.participation.models import (
    Ballot,
    Budget,
    BudgetProject,
    Phase,
    Process,
    ProposalState,
    Question,
    Result,
    Survey,
    SurveyResponse,
)
from tests.conftest import client_for

from .conftest import make_budget, make_process, make_proposal

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _url(city, tail=""):
    return f"/{city.slug}/participate/manage/{tail}"


def _rows(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        for key, value in row.items():
            if value is True:
                value = "on"
            if value is False or value is None:
                continue
            data[f"{prefix}-{number}-{key}"] = value
    return data


def _phase(name, start, end, **flags):
    return {"name": name, "starts_on": start.isoformat(), "ends_on": end.isoformat(), **flags}


def _process_data(**fields):
    return {
        "title": "Learning plan 2027",
        "slug": "plan-2027",
        "summary": "What should next year's plan hold?",
        "description": "## Why\nTell us.<script>alert(1)</script>",
        "support_threshold": "10",
        "who_may_take_part": "signed_in",
        "min_age": "16",
        "is_published": "on",
        **fields,
    }


def _area():
    return (
        FrameworkNode.objects.filter(
            framework=Framework.objects.get(is_default=True),
            type=NodeType.AGGREGATE,
            level=3,
        )
        .order_by("position", "id")
        .first()
    )


def _indicator():
    return (
        FrameworkNode.objects.filter(
            framework=Framework.objects.get(is_default=True), type=NodeType.INDICATOR
        )
        .order_by("position", "id")
        .first()
    )


# ---- access ---------------------------------------------------------------------------


def test_only_the_citys_coordinators_get_in(city_a, coordinator_a, coordinator_b, resident):
    process = make_process(city_a, is_published=False)
    pages = [
        _url(city_a),
        _url(city_a, "proposals/"),
        _url(city_a, "processes/new/"),
        _url(city_a, f"processes/{process.slug}/"),
        _url(city_a, f"processes/{process.slug}/edit/"),
        _url(city_a, f"processes/{process.slug}/budgets/new/"),
        _url(city_a, f"processes/{process.slug}/budgets/import/"),
        _url(city_a, f"processes/{process.slug}/results/new/"),
        _url(city_a, f"processes/{process.slug}/surveys/new/"),
    ]
    for page in pages:
        response = Client().get(page)
        assert response.status_code == 302 and "/login" in response["Location"], page
        assert client_for(resident).get(page).status_code == 403, page
        assert client_for(coordinator_b).get(page).status_code == 403, page
        assert client_for(coordinator_a).get(page).status_code == 200, page


def test_another_citys_coordinator_neither_sees_nor_changes_its_process(
    city_a, city_b, coordinator_b
):
    process = make_process(city_a, title="Alpha's plan")
    client = client_for(coordinator_b)
    # Through their own city's address, the other city's process does not exist.
    assert client.get(_url(city_b, f"processes/{process.slug}/")).status_code == 404
    response = client.post(
        _url(city_b, f"processes/{process.slug}/edit/"),
        {**_process_data(title="Taken over"), **_rows("phases", [])},
    )
    assert response.status_code == 404
    assert (
        client.post(
            _url(city_a, f"processes/{process.slug}/edit/"),
            {**_process_data(title="Taken over"), **_rows("phases", [])},
        ).status_code
        == 403
    )
    process.refresh_from_db()
    assert process.title == "Alpha's plan"
    workspace = client.get(_url(city_b)).content.decode()
    assert "Alpha&#x27;s plan" not in workspace and "Alpha's plan" not in workspace


def test_the_workspace_link_shows_to_coordinators_only(city_a, coordinator_a, resident):
    process = make_process(city_a)
    link = _url(city_a)
    assert link in client_for(coordinator_a).get(f"/{city_a.slug}/participate/").content.decode()
    assert link not in client_for(resident).get(f"/{city_a.slug}/participate/").content.decode()
    detail = f"/{city_a.slug}/participate/{process.slug}/"
    manage = _url(city_a, f"processes/{process.slug}/")
    assert manage in client_for(coordinator_a).get(detail).content.decode()
    assert manage not in client_for(resident).get(detail).content.decode()


# ---- processes and phases ---------------------------------------------------------------


def test_a_coordinator_creates_a_process_with_phases(city_a, coordinator_a, north):
    area = _area()
    data = {
        **_process_data(districts=[str(north.pk)], areas=[str(area.pk)]),
        **_rows(
            "phases",
            [
                _phase("Ideas", TODAY, TODAY + timedelta(days=9), proposals_open=True),
                _phase(
                    "Vote",
                    TODAY + timedelta(days=10),
                    TODAY + timedelta(days=20),
                    voting_open=True,
                ),
                {},  # a blank extra row is skipped
            ],
        ),
    }
    response = client_for(coordinator_a).post(_url(city_a, "processes/new/"), data)
    assert response.status_code == 302
    process = Process.objects.get(city=city_a, slug="plan-2027")
    assert response["Location"] == _url(city_a, "processes/plan-2027/")
    assert list(process.districts.all()) == [north]
    assert list(process.areas.all()) == [area]
    phases = list(process.phases.all())
    assert [(p.name, p.proposals_open, p.voting_open) for p in phases] == [
        ("Ideas", True, False),
        ("Vote", False, True),
    ]
    assert process.current_phase().name == "Ideas"
    # The description is kept as Markdown and shown sanitised.
    page = client_for(coordinator_a).get(f"/{city_a.slug}/participate/plan-2027/").content
    assert b"<script>" not in page and b"<h2" in page
    # The workspace lists it with its current phase.
    workspace = client_for(coordinator_a).get(_url(city_a)).content.decode()
    assert "Learning plan 2027" in workspace and "Ideas" in workspace


@pytest.mark.parametrize(
    ("phases", "field", "message"),
    [
        (
            [
                _phase("Ideas", TODAY, TODAY + timedelta(days=10)),
                _phase("Vote", TODAY + timedelta(days=5), TODAY + timedelta(days=20)),
            ],
            "phases-1-starts_on",
            "must not overlap",
        ),
        (
            [_phase("Ideas", TODAY, TODAY - timedelta(days=1))],
            "phases-0-ends_on",
            "ends before it starts",
        ),
    ],
)
def test_overlapping_or_reversed_phases_save_nothing(city_a, coordinator_a, phases, field, message):
    data = {**_process_data(), **_rows("phases", phases)}
    response = client_for(coordinator_a).post(_url(city_a, "processes/new/"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'href="#id_{field}"' in page  # the summary links to the field to change
    assert not Process.objects.exists() and not Phase.objects.exists()


def test_bad_process_fields_are_named_and_save_nothing(city_a, coordinator_a):
    make_process(city_a, slug="taken")
    client = client_for(coordinator_a)
    for fields, expected in [
        ({"slug": "taken"}, "Another process of this city has this address."),
        ({"slug": "manage"}, "used by the site"),
        ({"title": ""}, 'href="#id_title"'),
        ({"support_threshold": "0"}, 'href="#id_support_threshold"'),
    ]:
        response = client.post(
            _url(city_a, "processes/new/"), {**_process_data(**fields), **_rows("phases", [])}
        )
        assert response.status_code == 400, fields
        assert expected in response.content.decode(), fields
    assert Process.objects.count() == 1


def test_a_coordinator_changes_a_process_and_removes_a_phase(city_a, coordinator_a):
    process = make_process(city_a, is_published=False)
    phase = process.phases.get()
    later = _phase("Vote", TODAY + timedelta(days=30), TODAY + timedelta(days=40))
    data = {
        **_process_data(title="New title", slug=process.slug),
        **_rows(
            "phases",
            [
                {
                    "id": str(phase.pk),
                    "name": phase.name,
                    "starts_on": phase.starts_on.isoformat(),
                    "ends_on": phase.ends_on.isoformat(),
                    "DELETE": True,
                },
                later,
            ],
            initial=1,
        ),
    }
    response = client_for(coordinator_a).post(_url(city_a, f"processes/{process.slug}/edit/"), data)
    assert response.status_code == 302
    process.refresh_from_db()
    assert process.title == "New title" and process.is_published
    assert list(process.phases.values_list("name", flat=True)) == ["Vote"]


def test_an_unpublished_process_is_in_the_workspace_only(city_a, coordinator_a, resident):
    make_process(city_a, slug="draft", title="Draft process", is_published=False)
    assert "Draft process" in client_for(coordinator_a).get(_url(city_a)).content.decode()
    public = client_for(resident).get(f"/{city_a.slug}/participate/").content.decode()
    assert "Draft process" not in public


# ---- budgets ----------------------------------------------------------------------------


def _budget_data(**fields):
    return {
        "title": "Learning budget",
        "slug": "learning",
        "description": "",
        "amount": "1000",
        "currency": "eur",
        "ballot_kind": "knapsack",
        "rule": "greedy",
        **fields,
    }


def test_a_coordinator_creates_a_budget_with_projects(city_a, coordinator_a, north):
    process = make_process(city_a)
    proposal = make_proposal(process)
    data = {
        **_budget_data(),
        **_rows(
            "projects",
            [
                {"code": "1", "title": "Book boxes", "cost": "400", "proposal": str(proposal.pk)},
                {"code": "2", "title": "Night school", "cost": "700", "district": str(north.pk)},
                {},
            ],
        ),
    }
    response = client_for(coordinator_a).post(
        _url(city_a, f"processes/{process.slug}/budgets/new/"), data
    )
    assert response.status_code == 302
    budget = Budget.objects.get(process=process, slug="learning")
    assert budget.currency == "EUR"
    assert [(p.code, p.cost, p.proposal_id, p.district_id) for p in budget.projects.all()] == [
        ("1", 400, proposal.pk, None),
        ("2", 700, None, north.pk),
    ]


def test_bad_budget_input_is_named_and_saves_nothing(city_a, coordinator_a):
    process = make_process(city_a)
    client = client_for(coordinator_a)
    url = _url(city_a, f"processes/{process.slug}/budgets/new/")
    cases = [
        (
            _budget_data(),
            [{"code": "1", "title": "A", "cost": "5"}, {"code": "1", "title": "B", "cost": "5"}],
            ('href="#id_projects-1-code"', "Two projects have the id"),
        ),
        (
            _budget_data(ballot_kind="k_approval"),
            [{"code": "1", "title": "A", "cost": "5"}],
            ('href="#id_max_choices"',),
        ),
        (
            _budget_data(currency="E1R"),
            [{"code": "1", "title": "A", "cost": "5"}],
            ('href="#id_currency"', "three-letter code"),
        ),
        (
            _budget_data(),
            [{"code": "1", "title": "", "cost": "5"}],
            ('href="#id_projects-0-title"',),
        ),
    ]
    for fields, projects, expected in cases:
        response = client.post(url, {**fields, **_rows("projects", projects)})
        assert response.status_code == 400, fields
        page = response.content.decode()
        for text in expected:
            assert text in page, (fields, text)
    assert not Budget.objects.exists() and not BudgetProject.objects.exists()


def _project_rows(budget, **change):
    rows = []
    for project in budget.projects.all():
        row = {
            "id": str(project.pk),
            "code": project.code,
            "title": project.title,
            "cost": str(project.cost),
        }
        rows.append({**row, **change.get(project.code, {})})
    return _rows("projects", rows, initial=len(rows))


def test_projects_stay_as_they_are_once_anyone_voted(city_a, coordinator_a, resident):
    process = make_process(city_a)
    budget = make_budget(process)
    client = client_for(coordinator_a)
    url = _url(city_a, f"processes/{process.slug}/budgets/{budget.slug}/")
    data = _budget_data(slug=budget.slug, title="Renamed", amount=str(budget.amount))
    # Before any vote, a project can change.
    response = client.post(url, {**data, **_project_rows(budget, **{"1": {"cost": "650"}})})
    assert response.status_code == 302
    assert budget.projects.get(code="1").cost == 650
    services.cast_ballot(
        actor=resident, budget=budget, project_ids=[budget.projects.get(code="2").pk]
    )
    response = client.post(url, {**data, **_project_rows(budget, **{"1": {"cost": "50"}})})
    assert response.status_code == 400
    assert "already voted in this budget" in response.content.decode()
    assert budget.projects.get(code="1").cost == 650
    response = client.post(url, {**data, "amount": "5000", **_project_rows(budget)})
    assert response.status_code == 400 and 'href="#id_amount"' in response.content.decode()
    budget.refresh_from_db()
    assert budget.amount == 1000
    # What the ballots do not depend on may still change.
    response = client.post(url, {**data, "title": "Learning budget 2027", **_project_rows(budget)})
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.title == "Learning budget 2027"
    assert Ballot.objects.filter(budget=budget).count() == 1


PB = (
    "META\nkey;value\ndescription;Imported budget\nbudget;100\nvote_type;approval\n"
    "PROJECTS\nproject_id;cost;name\na;50;Garden\nb;60;Library\n"
    "VOTES\nvoter_id;vote\n1;a\n2;a,b\n3;b\n"
)


def _upload(text, name="budget.pb"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/plain")


def test_a_coordinator_imports_a_pabulib_file(city_a, coordinator_a):
    process = make_process(city_a)
    response = client_for(coordinator_a).post(
        _url(city_a, f"processes/{process.slug}/budgets/import/"),
        {"slug": "imported", "file": _upload(PB)},
    )
    assert response.status_code == 302
    budget = Budget.objects.get(process=process, slug="imported")
    assert budget.amount == 100
    assert sorted(budget.projects.values_list("code", flat=True)) == ["a", "b"]
    assert budget.ballots.count() == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (PB.replace("3;b\n", "3;c\n"), "line 14, vote"),
        (PB.replace("budget;100", "budget;lots"), "line 4"),
        ("", "empty"),
    ],
)
def test_a_faulty_pabulib_file_imports_nothing_and_names_the_line(
    city_a, coordinator_a, text, message
):
    process = make_process(city_a)
    response = client_for(coordinator_a).post(
        _url(city_a, f"processes/{process.slug}/budgets/import/"),
        {"slug": "imported", "file": _upload(text)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'href="#id_file"' in page
    assert not Budget.objects.exists() and not Ballot.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(city_a, coordinator_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    process = make_process(city_a)
    response = client_for(coordinator_a).post(
        _url(city_a, f"processes/{process.slug}/budgets/import/"),
        {"slug": "imported", "file": SimpleUploadedFile("b.pb", b"\xff\xfe\x00garbage")},
    )
    assert response.status_code == 400 and "UTF-8" in response.content.decode()
    assert not Budget.objects.exists()


# ---- results ----------------------------------------------------------------------------


def test_a_coordinator_records_and_updates_a_result(city_a, coordinator_a):
    process = make_process(city_a)
    proposal = make_proposal(process, state=ProposalState.ACCEPTED)
    indicator = _indicator()
    client = client_for(coordinator_a)
    response = client.post(
        _url(city_a, f"processes/{process.slug}/results/new/"),
        {
            "title": "Book boxes in every park",
            "proposal": str(proposal.pk),
            "status": "under_way",
            "progress": "40",
            "note": "Ten of twenty-five are up.",
            "indicators": [str(indicator.pk)],
        },
    )
    assert response.status_code == 302
    result = Result.objects.get(process=process)
    assert (result.proposal, result.progress, list(result.indicators.all())) == (
        proposal,
        40,
        [indicator],
    )
    response = client.post(
        _url(city_a, f"processes/{process.slug}/results/{result.pk}/"),
        {"title": result.title, "proposal": str(proposal.pk), "status": "done", "progress": "100"},
    )
    assert response.status_code == 302
    result.refresh_from_db()
    assert (result.status, result.progress, result.indicators.count()) == ("done", 100, 0)


def test_a_result_needs_an_accepted_proposal_and_a_sane_progress(city_a, coordinator_a):
    process = make_process(city_a)
    open_proposal = make_proposal(process)
    client = client_for(coordinator_a)
    url = _url(city_a, f"processes/{process.slug}/results/new/")
    base = {"title": "Something", "status": "planned", "progress": "10"}
    response = client.post(url, {**base, "proposal": str(open_proposal.pk)})
    assert response.status_code == 400 and 'href="#id_proposal"' in response.content.decode()
    response = client.post(url, {**base, "progress": "140"})
    assert response.status_code == 400 and 'href="#id_progress"' in response.content.decode()
    assert not Result.objects.exists()


# ---- surveys ----------------------------------------------------------------------------


def _survey_data(**fields):
    return {
        "title": "How do you learn?",
        "slug": "learning",
        "description": "",
        "is_open": "on",
        **fields,
    }


def test_a_coordinator_builds_a_survey(city_a, coordinator_a, resident):
    process = make_process(city_a)
    data = {
        **_survey_data(),
        **_rows(
            "questions",
            [
                {
                    "text": "Where do you learn?",
                    "kind": "single",
                    "options": "Library\nHome\n",
                    "required": True,
                },
                {"text": "Anything else?", "kind": "long"},
                {},
            ],
        ),
    }
    response = client_for(coordinator_a).post(
        _url(city_a, f"processes/{process.slug}/surveys/new/"), data
    )
    assert response.status_code == 302
    survey = Survey.objects.get(process=process)
    assert [(q.text, q.kind, q.options, q.required) for q in survey.questions.all()] == [
        ("Where do you learn?", "single", ["Library", "Home"], True),
        ("Anything else?", "long", [], False),
    ]
    # Residents can answer it on the existing page.
    first = survey.questions.first()
    answered = client_for(resident).post(
        f"/{city_a.slug}/participate/{process.slug}/surveys/learning/", {f"q{first.pk}": "Home"}
    )
    assert answered.status_code == 302


def test_bad_questions_are_named_and_save_nothing(city_a, coordinator_a):
    process = make_process(city_a)
    url = _url(city_a, f"processes/{process.slug}/surveys/new/")
    client = client_for(coordinator_a)
    for rows, expected in [
        ([{"text": "Pick", "kind": "single", "options": "Only one"}], "questions-0-options"),
        ([{"text": "Say", "kind": "short", "options": "A\nB"}], "questions-0-options"),
        ([{"text": "", "kind": "short"}], "questions-0-text"),
        ([], "Add at least one question."),
    ]:
        response = client.post(url, {**_survey_data(), **_rows("questions", rows)})
        assert response.status_code == 400, rows
        assert expected in response.content.decode(), rows
    assert not Survey.objects.exists() and not Question.objects.exists()


def test_questions_stay_as_they_are_once_answered(city_a, coordinator_a):
    process = make_process(city_a)
    survey = Survey.objects.create(process=process, slug="s", title="Survey")
    question = Question.objects.create(survey=survey, text="Why?", kind="short")
    SurveyResponse.objects.create(survey=survey)
    url = _url(city_a, f"processes/{process.slug}/surveys/s/")
    row = {"id": str(question.pk), "text": "Why not?", "kind": "short", "required": True}
    response = client_for(coordinator_a).post(
        url, {**_survey_data(), "slug": "s", **_rows("questions", [row], initial=1)}
    )
    assert response.status_code == 400
    assert "already answered this survey" in response.content.decode()
    question.refresh_from_db()
    assert question.text == "Why?"
    survey.refresh_from_db()
    assert survey.title == "Survey"
    # Closing it (with the questions unchanged) is still possible.
    same = {**row, "text": "Why?"}
    response = client_for(coordinator_a).post(
        url,
        {
            "title": "Survey",
            "slug": "s",
            "description": "",
            **_rows("questions", [same], initial=1),
        },
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert not survey.is_open


# ---- the queue of proposals to answer ------------------------------------------------------


def test_the_queue_lists_the_proposals_waiting_for_an_answer(city_a, city_b, coordinator_a):
    process = make_process(city_a, support_threshold=3)
    make_proposal(process, title="Evaluating one", state=ProposalState.EVALUATING)
    make_proposal(process, title="Popular one", support_count=3)
    make_proposal(process, title="Quiet one", support_count=1)
    make_proposal(process, title="Answered one", state=ProposalState.ACCEPTED)
    make_proposal(make_process(city_b), title="Other city's", state=ProposalState.EVALUATING)
    page = client_for(coordinator_a).get(_url(city_a, "proposals/")).content.decode()
    assert "Evaluating one" in page and "Popular one" in page
    for absent in ("Quiet one", "Answered one", "Other city"):
        assert absent not in page
    assert f"/{city_a.slug}/participate/{process.slug}/proposals/" in page


def test_the_process_page_links_each_part_and_the_edit_forms_open(city_a, coordinator_a):
    process = make_process(city_a)
    budget = make_budget(process)
    survey = Survey.objects.create(process=process, slug="s", title="Survey")
    Question.objects.create(survey=survey, text="Why?", kind="single", options=["A", "B"])
    result = Result.objects.create(process=process, title="Garden built")
    client = client_for(coordinator_a)
    page = client.get(_url(city_a, f"processes/{process.slug}/")).content.decode()
    base = f"/{city_a.slug}/participate/{process.slug}/"
    for link in (
        f"{base}budgets/{budget.slug}/tally/",
        _url(city_a, f"processes/{process.slug}/budgets/{budget.slug}/"),
        _url(city_a, f"processes/{process.slug}/surveys/s/"),
        _url(city_a, f"processes/{process.slug}/results/{result.pk}/"),
        f"{base}surveys/s/results/",
    ):
        assert link in page, link
    for tail in (f"budgets/{budget.slug}/", "surveys/s/", f"results/{result.pk}/"):
        response = client.get(_url(city_a, f"processes/{process.slug}/{tail}"))
        assert response.status_code == 200, tail
    assert (
        "A\nB</textarea>"
        in client.get(_url(city_a, f"processes/{process.slug}/surveys/s/")).content.decode()
    )


def test_a_row_of_another_process_cannot_be_slipped_in(city_a, coordinator_a):
    process = make_process(city_a, slug="one")
    other = make_process(city_a, slug="two")
    foreign = other.phases.get()
    row = {
        "id": str(foreign.pk),
        "name": "Hijacked",
        "starts_on": foreign.starts_on.isoformat(),
        "ends_on": foreign.ends_on.isoformat(),
    }
    response = client_for(coordinator_a).post(
        _url(city_a, "processes/one/edit/"),
        {**_process_data(slug="one"), **_rows("phases", [row], initial=1)},
    )
    assert response.status_code == 400
    foreign.refresh_from_db()
    assert foreign.name == "Ideas" and foreign.process == other
    assert process.phases.get().name == "Ideas"


def test_a_new_phase_may_not_overlap_a_stored_one_left_out_of_the_rows(city_a, coordinator_a):
    from django.core.exceptions import ValidationError

    from learningcity.participation import services_manage

    process = make_process(city_a)
    fields = {
        "title": process.title,
        "slug": process.slug,
        "support_threshold": 3,
        "min_age": 16,
        "who_may_take_part": "signed_in",
        "is_published": True,
    }
    overlapping = {"name": "Late ideas", "starts_on": TODAY, "ends_on": TODAY + timedelta(days=1)}
    with pytest.raises(ValidationError) as refused:
        services_manage.update_process(
            actor=coordinator_a, process=process, fields=fields, phases=[overlapping]
        )
    assert "phases.0.starts_on" in refused.value.message_dict or (
        "phases.0.ends_on" in refused.value.message_dict
    )
    assert process.phases.count() == 1

"""The plan's pages over HTTP: the public page, the coordinator's desk, owners'
updates, cross-city refusals, bad input through the forms, and downloads."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from learningcity.plans import services
from learningcity.plans.models import Action, ActionUpdate, Goal, Plan, Target
from tests.catalogue.factories import make_provider, make_staff
from tests.conftest import client_for, make_user
from tests.plans.factories import add_values, kflc, make_action, make_goal, make_plan

pytestmark = pytest.mark.django_db


def test_public_page_shows_promises_progress_and_the_rule(client, published):
    page = client.get("/alpha/plan/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Reading circles" in text and "Alpha Library" in text
    assert "On track" in text and "How progress is judged" in text
    assert "85 (2024)" in text  # the latest validated value and its year
    assert "This is the first published version" in text


def test_public_page_before_publication_shows_no_draft(client, city_a, coordinator_a):
    goal = make_goal(make_plan(city_a, coordinator_a), coordinator_a)
    make_action(goal, coordinator_a, title="Secret draft action")
    text = client.get("/alpha/plan/").content.decode()
    assert "not published its learning-city plan yet" in text
    assert "Secret draft action" not in text


def test_draft_actions_are_not_public_but_published_ones_are(client, published, coordinator_a):
    goal = published.goals.get()
    draft = make_action(goal, coordinator_a, title="Not yet published")
    assert client.get(f"/alpha/plan/actions/{draft.pk}/").status_code == 404
    assert client_for(coordinator_a).get(f"/alpha/plan/actions/{draft.pk}/").status_code == 200
    shown = Action.objects.get(title="Reading circles")
    assert client.get(f"/alpha/plan/actions/{shown.pk}/").status_code == 200


def test_coordinator_of_another_city_cannot_read_or_edit_the_draft(
    published, coordinator_b, city_b
):
    other = client_for(coordinator_b)
    goal = published.goals.get()
    action = Action.objects.filter(plan=published).first()
    target = Target.objects.get()
    for path in [
        "/alpha/plan/desk/",
        "/alpha/plan/desk/plan/",
        "/alpha/plan/desk/goals/add/",
        f"/alpha/plan/desk/goals/{goal.pk}/",
        f"/alpha/plan/desk/actions/{action.pk}/",
        f"/alpha/plan/desk/targets/{target.pk}/",
        "/alpha/plan/desk/publish/",
    ]:
        assert other.get(path).status_code == 403, path
    response = other.post(f"/alpha/plan/desk/actions/{action.pk}/", {"title": "Hacked"})
    assert response.status_code == 403
    # Through their own city's address, city A's rows do not exist.
    make_plan(city_b, coordinator_b)
    assert other.get(f"/beta/plan/desk/actions/{action.pk}/").status_code == 404
    assert other.post(f"/beta/plan/desk/goal/{goal.pk}/delete/").status_code == 404
    assert Goal.objects.filter(pk=goal.pk).exists()
    assert Action.objects.get(pk=action.pk).title != "Hacked"


def test_anonymous_visitors_are_sent_to_sign_in(client, published):
    response = client.get("/alpha/plan/desk/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_coordinator_builds_a_plan_through_the_forms(city_a, coordinator_a):
    client = client_for(coordinator_a)
    response = client.post(
        "/alpha/plan/desk/plan/",
        {
            "title": "Alpha learns",
            "vision": "All of us.",
            "start_year": 2025,
            "end_year": 2030,
            "currency": "eur",
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get(city=city_a)
    assert plan.currency == "EUR"
    area = kflc("A1_1")
    assert (
        client.post(
            "/alpha/plan/desk/goals/add/", {"area": area.pk, "title": "Literacy"}
        ).status_code
        == 302
    )
    goal = Goal.objects.get()
    provider = make_provider(city_a)
    response = client.post(
        "/alpha/plan/desk/actions/add/",
        {
            "goal": goal.pk,
            "title": "Circles",
            "provider": provider.pk,
            "budget": "2500",
            "start_date": "2025-01-01",
            "end_date": "2026-01-01",
            "status": "planned",
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.currency == "EUR" and action.provider == provider
    response = client.post(
        f"/alpha/plan/desk/goals/{goal.pk}/targets/add/",
        {
            "indicator": kflc("I1_1_1").pk,
            "baseline_year": 2022,
            "baseline_value": "80",
            "target_year": 2030,
            "target_value": "90",
        },
    )
    assert response.status_code == 302
    add_values(city_a, "I1_1_1", {2024: 70.0})
    desk = client.get("/alpha/plan/desk/").content.decode()
    assert "Off track" in desk and "70 (2024)" in desk
    assert client.post("/alpha/plan/desk/publish/", {"note": "First"}).status_code == 302
    assert "Circles" in client.get("/alpha/plan/").content.decode()


@pytest.mark.parametrize(
    ("form", "field_message"),
    [
        ({"baseline_year": "", "baseline_value": ""}, "Give the baseline year"),
        ({"target_year": "2020"}, "The target year is in the past"),
        ({"baseline_year": "2026", "target_year": "2026"}, "must come after the baseline year"),
    ],
)
def test_bad_targets_through_the_form_say_why_and_save_nothing(
    city_a, coordinator_a, form, field_message
):
    goal = make_goal(make_plan(city_a, coordinator_a), coordinator_a)
    data = {
        "indicator": kflc("I1_1_1").pk,
        "baseline_year": "2022",
        "baseline_value": "80",
        "target_year": "2030",
        "target_value": "90",
        **form,
    }
    response = client_for(coordinator_a).post(
        f"/alpha/plan/desk/goals/{goal.pk}/targets/add/", data
    )
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    ("form", "field_message"),
    [
        ({"end_date": "2024-01-01"}, "The end cannot come before the start."),
        ({"budget": "-1"}, "A budget cannot be negative."),
        ({"provider": "OTHER"}, "This provider works in another city."),
    ],
)
def test_bad_actions_through_the_form_say_why_and_save_nothing(
    city_a, city_b, coordinator_a, form, field_message
):
    goal = make_goal(make_plan(city_a, coordinator_a), coordinator_a)
    if form.get("provider") == "OTHER":
        form = {**form, "provider": make_provider(city_b).pk, "partner_name": ""}
    data = {
        "goal": goal.pk,
        "title": "Circles",
        "partner_name": "Friends",
        "budget": "10",
        "start_date": "2025-01-01",
        "end_date": "2026-01-01",
        "status": "planned",
        **form,
    }
    response = client_for(coordinator_a).post("/alpha/plan/desk/actions/add/", data)
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert not Action.objects.exists()


def test_owners_post_updates_to_their_own_actions_only(published, city_a):
    staff = make_user("staff@example.org")
    mine = Action.objects.get(title="Reading circles")
    make_staff(mine.provider, staff)
    theirs = Action.objects.exclude(pk=mine.pk).get()
    client = client_for(staff)
    assert "Reading circles" in client.get("/alpha/plan/mine/").content.decode()
    response = client.post(
        f"/alpha/plan/actions/{mine.pk}/update/",
        {
            "status": "delayed",
            "note": "The venue closed for repairs.",
            "evidence_url": "https://example.org/news",
        },
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == "delayed" and ActionUpdate.objects.get().author == staff
    assert client.get(f"/alpha/plan/actions/{theirs.pk}/update/").status_code == 403
    assert (
        client.post(
            f"/alpha/plan/actions/{theirs.pk}/update/", {"status": "done", "note": "x"}
        ).status_code
        == 403
    )
    # The public page shows the owner's status at once, without a new version.
    assert "The venue closed" in client.get(f"/alpha/plan/actions/{mine.pk}/").content.decode()
    assert "Delayed" in client.get("/alpha/plan/?status=delayed").content.decode()


def test_an_update_needs_a_note_and_a_safe_file(published, coordinator_a):
    action = Action.objects.get(title="Reading circles")
    client = client_for(coordinator_a)
    response = client.post(
        f"/alpha/plan/actions/{action.pk}/update/", {"status": "done", "note": ""}
    )
    assert "Say in a sentence or two" in response.content.decode()
    upload = io.BytesIO(b"MZ...")
    upload.name = "tool.exe"
    response = client.post(
        f"/alpha/plan/actions/{action.pk}/update/",
        {"status": "done", "note": "ok", "evidence_file": upload},
    )
    assert "Send a PDF" in response.content.decode()
    assert not ActionUpdate.objects.exists()


def test_evidence_files_are_kept_and_downloadable(
    published, coordinator_a, settings, tmp_path, client
):
    settings.MEDIA_ROOT = tmp_path
    action = Action.objects.get(title="Reading circles")
    upload = io.BytesIO(b"%PDF-1.4 minutes")
    upload.name = "minutes.pdf"
    client_for(coordinator_a).post(
        f"/alpha/plan/actions/{action.pk}/update/",
        {"status": "in_progress", "note": "Met", "evidence_file": upload},
    )
    update = ActionUpdate.objects.get()
    response = client.get(f"/alpha/plan/evidence/{update.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 minutes"
    assert "minutes.pdf" in response["Content-Disposition"]


def test_csv_and_xlsx_downloads_parse_back(client, published):
    actions = list(csv.reader(io.StringIO(client.get("/alpha/plan/actions.csv").content.decode())))
    assert actions[0][:3] == ["id", "goal", "title"]
    titles = {row[2] for row in actions[1:]}
    assert "Reading circles" in titles
    assert '\'=HYPERLINK("x")' in titles  # a formula is written as text
    targets = list(csv.reader(io.StringIO(client.get("/alpha/plan/targets.csv").content.decode())))
    assert targets[1][1] == "I1_1_1" and targets[1][-1] == "on_track"
    workbook = load_workbook(io.BytesIO(client.get("/alpha/plan/plan.xlsx").content))
    assert workbook.sheetnames == ["Actions", "Targets"]
    assert workbook["Actions"].max_row == 3 and workbook["Targets"]["M2"].value == "on_track"


def test_printable_report_links_to_its_pdf(client, published):
    page = client.get("/alpha/plan/report/")
    assert page.status_code == 200 and b"print.css" in page.content
    assert b"Reading circles" in page.content
    assert b'href="/alpha/plan/report/pdf/"' in page.content  # made on the task queue


def test_versions_and_comparison_pages(client, published, coordinator_a):
    goal = published.goals.get()
    make_action(goal, coordinator_a, title="Library cards for all")
    services.publish_plan(actor=coordinator_a, plan=published)
    text = client.get("/alpha/plan/versions/compare/?from=1&to=2").content.decode()
    assert "Added:" in text and "Library cards for all" in text
    assert client.get("/alpha/plan/versions/compare/?from=1&to=9").status_code == 404
    assert "Version 2" in client.get("/alpha/plan/versions/").content.decode()
    assert "Library cards for all" in client.get("/alpha/plan/").content.decode()


def test_unusual_query_strings_are_not_errors(client, published):
    for query in ["?page=abc", "?page=999", "?goal=x", "?status=%00", "?goal=99999"]:
        assert client.get("/alpha/plan/" + query).status_code == 200, query
    assert client.get("/alpha/plan/versions/compare/?from=a&to=b").status_code == 200
    assert client.get("/nowhere/plan/").status_code == 404


def test_navigation_links_on_city_page_and_desk(client, published, coordinator_a):
    assert "/alpha/plan/" in client.get("/alpha/").content.decode()
    assert "/alpha/plan/desk/" in client_for(coordinator_a).get("/alpha/manage/").content.decode()


def test_public_page_stays_small_with_many_actions(client, published, coordinator_a):
    goal = published.goals.get()
    Action.objects.bulk_create(
        Action(
            plan=published,
            goal=goal,
            title=f"Action number {n} with a fairly long title",
            partner_name="A partner organisation",
            start_date=date(2025, 1, 1),
            end_date=date(2026, 1, 1),
            budget=1000 + n,
            currency="EUR",
        )
        for n in range(300)
    )
    services.publish_plan(actor=coordinator_a, plan=published)
    page = client.get("/alpha/plan/")
    assert len(page.content) < 60_000
    assert "Page 1 of 7" in page.content.decode()

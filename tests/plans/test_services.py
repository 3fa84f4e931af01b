"""Services: bad input is refused field by field with nothing saved; publishing
keeps versions and compares them; the selectors read only the published plan."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from learningcity.plans import selectors, services
from learningcity.plans.models import Action, PlanVersion, Target
from tests.catalogue.factories import make_provider
from tests.plans.factories import (
    action_data,
    add_values,
    kflc,
    make_action,
    make_goal,
    make_plan,
    make_target,
    target_data,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


@pytest.fixture
def goal(city_a, coordinator_a):
    return make_goal(make_plan(city_a, coordinator_a), coordinator_a)


def refused(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"baseline_year": None}, "baseline_year", "baseline year"),
        ({"baseline_value": None}, "baseline_value", "baseline value"),
        ({"target_year": 2024}, "target_year", "in the past"),
        ({"baseline_year": 2026, "target_year": 2026}, "target_year", "after the baseline"),
        ({"baseline_year": 2027, "target_year": 2030}, "baseline_year", "future"),
        ({"target_value": 120.0}, "target_value", "range"),
        ({"target_value": 70.0}, "target_value", "higher is better"),
        ({"indicator": "I2_1_1"}, "indicator", "area of focus"),
    ],
)
def test_bad_targets_are_refused_with_a_message_on_the_field(
    goal, coordinator_a, fields, field, words
):
    if fields.get("indicator"):
        fields = {**fields, "indicator": kflc(fields["indicator"])}
    errors = refused(
        lambda: services.save_target(
            actor=coordinator_a, goal=goal, data=target_data(**fields), today=TODAY
        )
    )
    assert words in " ".join(errors[field])
    assert not Target.objects.exists()


def test_lower_is_better_targets_must_go_down(goal, coordinator_a):
    data = target_data(indicator=kflc("I1_1_4"), baseline_value=30.0, target_value=35.0)
    errors = refused(
        lambda: services.save_target(actor=coordinator_a, goal=goal, data=data, today=TODAY)
    )
    assert "lower is better" in errors["target_value"][0]
    data["target_value"] = 20.0
    target = services.save_target(actor=coordinator_a, goal=goal, data=data, today=TODAY)
    assert target.direction == -1


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"end_date": date(2024, 12, 31)}, "end_date", "cannot come before the start"),
        ({"budget": -5}, "budget", "cannot be negative"),
        ({"partner_name": ""}, "provider", "Choose the provider responsible"),
        ({"budget": 10, "currency": "XXQ"}, "currency", "three-letter"),
    ],
)
def test_bad_actions_are_refused_with_a_message_on_the_field(
    goal, coordinator_a, fields, field, words
):
    errors = refused(
        lambda: services.save_action(
            actor=coordinator_a, plan=goal.plan, data=action_data(goal, **fields)
        )
    )
    assert words in " ".join(errors[field])
    assert not Action.objects.exists()


def test_an_action_cannot_be_owned_by_another_citys_provider(goal, coordinator_a, city_b):
    elsewhere = make_provider(city_b, name="Beta Library")
    data = action_data(goal, provider=elsewhere, partner_name="")
    errors = refused(lambda: services.save_action(actor=coordinator_a, plan=goal.plan, data=data))
    assert "another city" in errors["provider"][0]
    assert not Action.objects.exists()


def test_plan_years_and_currency_are_checked(city_a, coordinator_a):
    errors = refused(
        lambda: make_plan(city_a, coordinator_a, start_year=2030, end_year=2024, currency="eurx")
    )
    assert set(errors) == {"end_year", "currency"}


def test_publishing_keeps_versions_and_compares_them(goal, coordinator_a):
    plan = goal.plan
    first_action = make_action(goal, coordinator_a, title="Reading circles")
    make_action(goal, coordinator_a, title="Library cards for all")
    target = make_target(goal, coordinator_a)
    assert selectors.current_plan(plan.city) is None  # drafts are not public
    first = services.publish_plan(actor=coordinator_a, plan=plan, note="First")
    assert first.number == 1
    with pytest.raises(ValidationError):  # nothing changed
        services.publish_plan(actor=coordinator_a, plan=plan)
    services.delete_action(actor=coordinator_a, action=first_action)
    make_action(goal, coordinator_a, title="Family reading bags")
    data = target_data(target_value=98.0)
    services.save_target(actor=coordinator_a, goal=goal, target=target, data=data, today=TODAY)
    second = services.publish_plan(actor=coordinator_a, plan=plan)
    assert second.number == 2 and PlanVersion.objects.count() == 2
    diff = selectors.current_plan(plan.city).changes()
    assert [item["title"] for item in diff.actions.added] == ["Family reading bags"]
    assert [item["title"] for item in diff.actions.removed] == ["Reading circles"]
    [change] = diff.targets.changed
    assert change.fields == [("target value", 96.0, 98.0)]
    # The first version still says what it said.
    titles = {item["title"] for item in first.snapshot["actions"]}
    assert titles == {"Reading circles", "Library cards for all"}


def test_selectors_read_the_published_plan_with_live_status_and_progress(goal, coordinator_a):
    plan = goal.plan
    make_action(goal, coordinator_a, status="in_progress")
    make_action(goal, coordinator_a, title="Done already", status="done")
    make_target(goal, coordinator_a)  # 80 (2022) → 96 (2030): +2 a year
    add_values(plan.city, "I1_1_1", {2023: 83.0, 2024: 85.0})
    add_values(plan.city, "I1_1_1", {2025: 99.0}, status="draft")  # drafts never count
    services.publish_plan(actor=coordinator_a, plan=plan)
    summary = selectors.progress_summary(plan.city)
    assert summary.version == 1 and summary.actions == 2
    assert summary.actions_by_status["in_progress"] == 1
    assert summary.actions_by_status["done"] == 1
    assert summary.targets_by_status == {
        "on_track": 1,
        "at_risk": 0,
        "off_track": 0,
        "no_data": 0,
    }
    [target] = selectors.targets_with_status(plan.city)
    assert target.progress.latest.year == 2024 and target.progress.latest.value == 85.0
    assert target.progress.slope == pytest.approx(2.0)


def test_selectors_before_publication_say_nothing(city_b):
    summary = selectors.progress_summary(city_b)
    assert summary.version is None and summary.actions == 0
    assert selectors.targets_with_status(city_b) == []


def test_personal_data_export_and_erasure_cover_progress_updates(goal, coordinator_a):
    import json

    from learningcity.core.services import erase_account, export_personal_data
    from learningcity.plans.models import ActionUpdate
    from tests.conftest import make_user

    owner = make_user("owner@example.org")
    action = make_action(goal, coordinator_a)
    services.post_action_update(
        actor=owner, action=action, data={"status": "in_progress", "note": "Started in May"}
    )
    exported = json.loads(export_personal_data(owner))
    assert exported["plan_updates"][0]["note"] == "Started in May"
    erase_account(owner)
    update = ActionUpdate.objects.get()
    assert update.author is None and update.note == "Started in May"

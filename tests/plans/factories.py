"""Small plan test data on the shipped KFLC framework (loaded by a migration)."""

from datetime import date
from typing import Any

from learningcity.core.models import City, User
from learningcity.monitoring.models import Framework, FrameworkNode, IndicatorValue, ValueStatus
from learningcity.plans import services
from learningcity.plans.models import Action, Goal, Plan, Target


def kflc(code: str) -> FrameworkNode:
    return FrameworkNode.objects.get(framework=Framework.objects.get(is_default=True), code=code)


def make_plan(city: City, actor: User, **fields: Any) -> Plan:
    data = {
        "title": "Learning for all",
        "vision": "Everyone learns, everywhere.",
        "start_year": 2024,
        "end_year": 2030,
        "currency": "EUR",
        **fields,
    }
    return services.save_plan(actor=actor, city=city, data=data)


def make_goal(plan: Plan, actor: User, area: str = "A1_1", title: str = "Literacy") -> Goal:
    return services.save_goal(actor=actor, plan=plan, data={"area": kflc(area), "title": title})


def action_data(goal: Goal, **fields: Any) -> dict[str, Any]:
    return {
        "goal": goal,
        "title": "Reading circles",
        "description": "",
        "provider": None,
        "partner_name": "City library service",
        "budget": 1000,
        "currency": "",
        "start_date": date(2025, 1, 1),
        "end_date": date(2027, 12, 31),
        "status": "planned",
        "update_due": None,
        **fields,
    }


def make_action(goal: Goal, actor: User, **fields: Any) -> Action:
    return services.save_action(actor=actor, plan=goal.plan, data=action_data(goal, **fields))


def target_data(**fields: Any) -> dict[str, Any]:
    return {
        "indicator": kflc("I1_1_1"),
        "baseline_year": 2022,
        "baseline_value": 80.0,
        "target_year": 2030,
        "target_value": 96.0,
        **fields,
    }


def make_target(goal: Goal, actor: User, **fields: Any) -> Target:
    return services.save_target(
        actor=actor, goal=goal, data=target_data(**fields), today=date(2026, 6, 1)
    )


def add_values(
    city: City, code: str, values: dict[int, float], status: str = ValueStatus.VALIDATED
) -> None:
    for year, value in values.items():
        IndicatorValue.objects.create(
            city=city, indicator=kflc(code), year=year, value=value, status=status
        )

"""Demo data for plans: Medellín's learning-city plan, published twice (so "what
changed" has something to show), with goals in several areas of focus, twenty
actions in every status with providers and named partners responsible, progress
updates, and targets whose progress covers "on track", "at risk" and "off track"
(and one with no data yet).

Targets are set from the city's *validated* demo values (monitoring's demo runs
first): for each wanted status the seeder looks for an indicator whose series allows
it and sets the target value so that the rule of ``engines.plan`` gives that status;
every choice is checked with the engine itself."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from learningcity.catalogue.models import Provider, ProviderMembership
from learningcity.core.demo import DemoContext
from learningcity.core.models import City, User
from learningcity.engines.plan import Observation, Status, assess
from learningcity.monitoring.models import FrameworkNode

from . import frameworks, services
from .models import Action, Goal, Plan, PlanVersion, Target
from .progress import validated_series

BASELINE_YEAR = 2022
TARGET_YEAR = 2030

GOALS = [
    ("A1_1", "Every adult can read, write and use numbers with confidence"),
    ("A1_3", "Learning that helps the valley stay green"),
    ("A2_1", "Schools and universities open to the whole community"),
    ("A2_2", "Learning in every family and neighbourhood"),
    ("A2_3", "Skills for work throughout working life"),
    ("A2_4", "Digital skills for everyone, at every age"),
]

# (goal index, title, status, partner: provider index or a name, budget in COP,
#  start, end)
ACTIONS: list[tuple[int, str, str, int | str, int | None, str, str]] = [
    (
        0,
        "Reading circles in the sixteen comunas",
        "in_progress",
        0,
        180_000_000,
        "2024-02-01",
        "2027-12-15",
    ),
    (
        0,
        "Adult literacy classes in public libraries",
        "done",
        0,
        95_000_000,
        "2024-01-15",
        "2025-11-30",
    ),
    (
        0,
        "Numeracy workshops for street vendors",
        "delayed",
        1,
        40_000_000,
        "2024-06-01",
        "2026-06-30",
    ),
    (
        0,
        "Train 300 volunteer literacy tutors",
        "in_progress",
        "Secretaría de Educación de Medellín",
        60_000_000,
        "2024-03-01",
        "2026-12-31",
    ),
    (
        1,
        "Urban gardens as open classrooms",
        "in_progress",
        2,
        35_000_000,
        "2024-04-01",
        "2027-03-31",
    ),
    (
        1,
        "Climate school in the hills of San Javier",
        "planned",
        "Corantioquia",
        120_000_000,
        "2026-07-01",
        "2028-12-31",
    ),
    (1, "Recycling and repair cafés", "cancelled", 3, 15_000_000, "2024-05-01", "2025-05-01"),
    (2, "Open university lectures on Saturdays", "done", 4, 20_000_000, "2024-02-01", "2025-12-15"),
    (
        2,
        "School buildings open in the evenings",
        "in_progress",
        "Secretaría de Educación de Medellín",
        210_000_000,
        "2024-08-01",
        "2028-07-31",
    ),
    (
        2,
        "Second-chance secondary school for adults",
        "delayed",
        0,
        150_000_000,
        "2025-01-15",
        "2027-12-15",
    ),
    (
        3,
        "Family reading bags from every library",
        "done",
        0,
        12_000_000,
        "2024-02-01",
        "2024-12-15",
    ),
    (
        3,
        "Neighbourhood learning festivals",
        "in_progress",
        5,
        80_000_000,
        "2024-09-01",
        "2029-09-30",
    ),
    (
        3,
        "Parenting circles in community centres",
        "planned",
        1,
        25_000_000,
        "2026-09-01",
        "2027-12-15",
    ),
    (
        4,
        "Apprenticeships with local employers",
        "in_progress",
        "Comfama",
        300_000_000,
        "2024-03-01",
        "2029-12-31",
    ),
    (4, "Career guidance in every comuna", "delayed", 2, 45_000_000, "2024-07-01", "2026-08-31"),
    (
        4,
        "Recognition of skills learned at work",
        "planned",
        "Universidad de Antioquia",
        None,
        "2026-10-01",
        "2028-06-30",
    ),
    (
        5,
        "Digital skills for older people",
        "in_progress",
        0,
        70_000_000,
        "2024-04-01",
        "2027-04-30",
    ),
    (5, "Free wifi and laptops in libraries", "done", 3, 260_000_000, "2024-01-15", "2025-09-30"),
    (5, "Coding clubs for girls", "in_progress", 4, 30_000_000, "2024-09-01", "2027-06-30"),
    (5, "Online safety classes for families", "planned", 5, 18_000_000, "2026-11-01", "2027-11-30"),
]

UPDATES = [
    ("in_progress", "Circles meet weekly in 11 of the 16 comunas; 5 start after the holidays."),
    ("in_progress", "Enrolment doubled after the radio campaign."),
]


@dataclass
class Candidate:
    indicator: FrameworkNode
    baseline: float
    values: list[tuple[int, float]]


def seed_demo(context: DemoContext) -> None:
    city = context.demo_city
    actor = context.accounts["coordinator"]
    plan = services.save_plan(
        actor=actor,
        city=city,
        data={
            "title": "Medellín learns: our learning-city plan 2024–2030",
            "vision": (
                "By 2030 everyone in Medellín, at every age and in every comuna, can find "
                "learning near home, free or affordable, and use it to live, work and take "
                "part in the life of the city.\n\nLibraries, parks, schools, universities "
                "and employers work as **one learning city**."
            ),
            "start_year": 2024,
            "end_year": TARGET_YEAR,
            "currency": "COP",
        },
    )
    areas = {area.code: area for area in frameworks.areas_of_focus()}
    goals = [
        services.save_goal(actor=actor, plan=plan, data={"area": areas[code], "title": title})
        for code, title in GOALS
        if code in areas
    ]
    providers = list(Provider.objects.filter(city=city).order_by("pk")[:6])
    today = timezone.localdate()
    # Version 1 (a year ago) without the last four actions; they are added, a target
    # is raised and owners report progress before version 2, so "what changed" and
    # "what it did" have content.
    actions = _actions(actor, plan, goals, providers, today, ACTIONS[:-4], 0)
    statuses = _targets(actor, city, goals)
    first = services.publish_plan(actor=actor, plan=plan, note="First plan, agreed with partners.")
    PlanVersion.objects.filter(pk=first.pk).update(
        published_at=timezone.now() - timedelta(days=365)
    )
    actions += _actions(actor, plan, goals, providers, today, ACTIONS[-4:], len(actions))
    _raise_a_target(actor, plan)
    _updates(context, actions, providers)
    services.publish_plan(actor=actor, plan=plan, note="Mid-term review: four new actions.")
    context.log(
        f"plans: {city.name}: {len(goals)} goals, {len(actions)} actions, targets "
        + ", ".join(f"{status.value}={count}" for status, count in statuses.items())
    )


def _actions(
    actor: User,
    plan: Plan,
    goals: list[Goal],
    providers: list[Provider],
    today: date,
    rows: list[tuple[int, str, str, int | str, int | None, str, str]],
    first_number: int,
) -> list[Action]:
    actions = []
    for number, (goal_index, title, status, partner, budget, start, end) in enumerate(
        rows, start=first_number
    ):
        provider = (
            providers[partner % len(providers)] if isinstance(partner, int) and providers else None
        )
        open_action = status in ("planned", "in_progress", "delayed")
        actions.append(
            services.save_action(
                actor=actor,
                plan=plan,
                data={
                    "goal": goals[goal_index % len(goals)],
                    "title": title,
                    "description": "",
                    "provider": provider,
                    "partner_name": ""
                    if provider
                    else str(partner if isinstance(partner, str) else "Comfama"),
                    "budget": budget,
                    "currency": "COP" if budget is not None else "",
                    "start_date": date.fromisoformat(start),
                    "end_date": date.fromisoformat(end),
                    "status": status,
                    # Some updates due within the week, so the reminder task has work.
                    "update_due": today + timedelta(days=3 + 9 * (number % 4))
                    if open_action
                    else None,
                },
            )
        )
    return actions


def _raise_a_target(actor: User, plan: Plan) -> None:
    """The mid-term review raised the ambition of one target, where that does not
    change its status (so the demo keeps every status)."""
    targets = Target.objects.filter(goal__plan=plan).select_related("goal", "indicator")
    series = validated_series(plan.city, [target.indicator_id for target in targets])
    for target in reversed(list(targets)):
        direction = int(target.indicator.direction)
        improved = round(target.target_value + direction * 0.1, 2)
        values = series.get(target.indicator_id, [])
        base = Observation(target.baseline_year, target.baseline_value)
        before = assess(
            base, Observation(target.target_year, target.target_value), direction, values
        )
        after = assess(base, Observation(target.target_year, improved), direction, values)
        if target.indicator.allows(improved) and before.status == after.status:
            data = {field: getattr(target, field) for field in services.TARGET_FIELDS}
            data["target_value"] = improved
            services.save_target(actor=actor, goal=target.goal, target=target, data=data)
            return


def _updates(context: DemoContext, actions: list[Action], providers: list[Provider]) -> None:
    """Progress updates by the demo provider's staff on the actions they own."""
    staff = context.accounts.get("provider")
    if staff is None or not providers:
        return
    member = ProviderMembership.objects.filter(user=staff).values_list("provider_id", flat=True)
    owned = [action for action in actions if action.provider_id in set(member)]
    for action, (status, note) in zip(owned, UPDATES, strict=False):
        services.post_action_update(
            actor=staff, action=action, data={"status": status, "note": note, "evidence_url": ""}
        )


# ---- targets -----------------------------------------------------------------------


def _targets(actor: User, city: City, goals: list[Goal]) -> dict[Status, int]:
    choices = frameworks.city_choices(city)
    candidates: dict[int, list[Candidate]] = {}
    every = [node for goal in goals for node in choices.indicators.get(goal.area_id, [])]
    series = validated_series(city, [node.pk for node in every])
    for goal in goals:
        found = []
        for node in choices.indicators.get(goal.area_id, []):
            values = series.get(node.pk, [])
            baseline = dict(values).get(BASELINE_YEAR)
            if baseline is not None and any(year > BASELINE_YEAR for year, _v in values):
                found.append(Candidate(node, baseline, values))
        candidates[goal.pk] = found
    wanted = [Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK] * 3
    counts = {status: 0 for status in (*wanted[:3], Status.NO_DATA)}
    used: set[tuple[int, int]] = set()
    # Each wanted status goes to the first goal (round robin) with an indicator for it.
    for index, status in enumerate(wanted):
        for offset in range(len(goals)):
            goal = goals[(index + offset) % len(goals)]
            made = _target_for(actor, goal, candidates[goal.pk], status, used)
            if made:
                counts[status] += 1
                break
    _no_data_target(actor, city, goals, series, used, counts)
    return counts


def _target_for(
    actor: User, goal: Goal, found: list[Candidate], status: Status, used: set[tuple[int, int]]
) -> bool:
    for candidate in found:
        if (goal.pk, candidate.indicator.pk) in used:
            continue
        value = _target_value(candidate, status)
        if value is None:
            continue
        services.save_target(
            actor=actor,
            goal=goal,
            data={
                "indicator": candidate.indicator,
                "baseline_year": BASELINE_YEAR,
                "baseline_value": candidate.baseline,
                "target_year": TARGET_YEAR,
                "target_value": value,
            },
        )
        used.add((goal.pk, candidate.indicator.pk))
        return True
    return False


def _target_value(candidate: Candidate, status: Status) -> float | None:
    """A target value that gives ``status`` by the rule, inside the indicator's range
    and no worse than the baseline; None when this series cannot give it."""
    node, base = candidate.indicator, candidate.baseline
    direction = int(node.direction)
    after = [(year, value) for year, value in candidate.values if year > BASELINE_YEAR]
    latest_year, latest = max(after)
    probe = assess(
        Observation(BASELINE_YEAR, base), Observation(TARGET_YEAR, base), direction, after
    )
    slope = direction * (probe.slope or 0.0)
    span = TARGET_YEAR - BASELINE_YEAR
    average = direction * (latest - base) / (latest_year - BASELINE_YEAR)
    reach = (average * (latest_year - BASELINE_YEAR) + slope * (TARGET_YEAR - latest_year)) / span
    if status == Status.ON_TRACK and average > 0:
        rate = average * 0.8
    elif status == Status.AT_RISK and slope > average and reach > 0:
        rate = (max(average, 0.0) + reach) / 2
    elif status == Status.OFF_TRACK:
        rate = max(average, reach, 0.0) * 1.5 + 0.02 * max(abs(base), 1.0) / span
    else:
        return None
    value = round(base + direction * rate * span, 2)
    if not node.allows(value) or direction * (value - base) < 0:
        return None
    check = assess(
        Observation(BASELINE_YEAR, base), Observation(TARGET_YEAR, value), direction, after
    )
    return value if check.status == status else None


def _no_data_target(
    actor: User,
    city: City,
    goals: list[Goal],
    series: dict[int, list[tuple[int, float]]],
    used: set[tuple[int, int]],
    counts: dict[Status, int],
) -> None:
    """One target measured from the latest validated year: no later value yet."""
    choices = frameworks.city_choices(city)
    for goal in goals:
        for node in choices.indicators.get(goal.area_id, []):
            values = series.get(node.pk, [])
            if (goal.pk, node.pk) in used or not values:
                continue
            year, value = values[-1]
            target = value + (5 if int(node.direction) == 1 else -5)
            if not node.allows(target):
                continue
            services.save_target(
                actor=actor,
                goal=goal,
                data={
                    "indicator": node,
                    "baseline_year": year,
                    "baseline_value": value,
                    "target_year": TARGET_YEAR,
                    "target_value": target,
                },
            )
            counts[Status.NO_DATA] += 1
            return

"""Demo data for participation, in the demo city: two processes in different phases
(one taking proposals and debating, one voting and showing results), 300 proposals
with supports and answers, a debate with threaded comments, a budget of 14 projects
with 2,000 anonymous ballots counted by each rule, a survey with answers, a
citizens' panel drawn by lot, an assembly with meetings and minutes, and results
linked to KFLC indicators. Rows are bulk-created so seeding takes seconds."""

import time
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from learningcity.core.demo import DemoContext
from learningcity.core.models import District, User
from learningcity.core.tenancy import for_city
from learningcity.monitoring.models import FrameworkNode
from learningcity.monitoring.queries import default_framework

from . import assemblies, services
from . import sortition as panels
from .models import (
    Answer,
    Assembly,
    Ballot,
    BallotChoice,
    Budget,
    BudgetProject,
    Comment,
    FundingStatus,
    HasAnswered,
    HasVoted,
    Phase,
    Process,
    Proposal,
    ProposalState,
    Question,
    QuestionKind,
    Result,
    Rule,
    Sortition,
    Survey,
    SurveyResponse,
    Volunteer,
)

PROPOSALS = 300
BALLOTS = 2000
VOLUNTEERS = 30
VOTER_TYPES = 40

IDEAS = [
    ("Evening classes at the library", "Classes after work hours for adults who work days."),
    ("Reading garden in the park", "Benches, shade and a book box for all ages."),
    ("Coding club for girls", "A weekly coding club in every comuna's school."),
    ("Digital help desk for older people", "Volunteers help with phones, forms and video calls."),
    ("Family literacy mornings", "Parents and children read together on Saturdays."),
    ("Learning festival in every comuna", "A yearly day of open classes in the streets."),
    ("Job skills for young people", "Short courses with local employers and mentors."),
    ("Sign language for everyone", "Free beginners' courses at the community centres."),
    ("Repair café and skills swap", "Neighbours teach each other to fix things."),
    ("Green skills on school roofs", "Urban gardening classes on school roofs."),
]
PROJECTS = [
    ("Mobile library for the hills", 180_000),
    ("Community computer room", 120_000),
    ("Reading garden in Laureles", 60_000),
    ("Maker lab at the youth centre", 150_000),
    ("Evening classes for workers", 90_000),
    ("Digital help desk", 45_000),
    ("Family literacy kits", 30_000),
    ("Learning festival", 70_000),
    ("Sign language courses", 40_000),
    ("Repair café", 25_000),
    ("School roof gardens", 85_000),
    ("Coding club", 55_000),
    ("Library Sunday opening", 110_000),
    ("Audio books for the blind", 35_000),
]
BUDGET = 600_000


def seed_demo(context: DemoContext) -> None:
    started = time.monotonic()
    city = context.demo_city
    rng = context.rng
    districts = list(for_city(District, city))
    if not districts:
        return
    today = timezone.localdate()
    coordinator = context.accounts.get("coordinator")
    resident = context.account("resident", name="Ana (demo resident)")
    areas = _areas_of_focus()

    ideas = Process.objects.create(
        city=city,
        slug="learning-plan",
        title="Next year's lifelong-learning plan",
        summary="Propose and discuss what the city's learning plan should hold.",
        description="Tell the city what would help you learn. Proposals with **40 supports** "
        "are evaluated and answered by the city.",
        support_threshold=40,
    )
    ideas.areas.set(areas[:4])
    Phase.objects.create(
        process=ideas,
        name="Proposals and debate",
        starts_on=today - timedelta(days=20),
        ends_on=today + timedelta(days=25),
        proposals_open=True,
        supports_open=True,
        debates_open=True,
    )
    Phase.objects.create(
        process=ideas,
        name="Evaluation",
        starts_on=today + timedelta(days=26),
        ends_on=today + timedelta(days=60),
        shows_results=True,
    )
    budgeting = Process.objects.create(
        city=city,
        slug="learning-budget",
        title="Participatory budget for learning",
        summary="Vote for the learning projects the city funds this year.",
        description="Choose projects up to the amount to share. Votes are counted by the "
        "Method of Equal Shares, so every group of residents gets its fair part.",
        support_threshold=40,
    )
    budgeting.areas.set(areas[2:6])
    budgeting.districts.set(districts)
    Phase.objects.create(
        process=budgeting,
        name="Voting",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=10),
        voting_open=True,
        shows_results=True,
    )

    # 300 proposals, written by demo residents, with supports and some answers.
    authors = _demo_people(context, BALLOTS)
    states = [ProposalState.PUBLISHED] * 6 + [
        ProposalState.EVALUATING,
        ProposalState.ACCEPTED,
        ProposalState.REJECTED,
        ProposalState.WITHDRAWN,
    ]
    now = timezone.now()
    proposals = []
    for n in range(PROPOSALS):
        title, body = IDEAS[n % len(IDEAS)]
        state = states[int(rng.integers(len(states)))]
        proposals.append(
            Proposal(
                process=ideas,
                author=authors[n],
                title=f"{title} ({districts[n % len(districts)].name})",
                body=body,
                district=districts[n % len(districts)],
                area=areas[n % len(areas)] if areas else None,
                state=state,
                support_count=int(rng.integers(0, 80)),
                answer="Thank you. The city will include this in next year's plan."
                if state == ProposalState.ACCEPTED
                else "Thank you. This is already covered by the library plan."
                if state == ProposalState.REJECTED
                else "",
                answered_at=now
                if state in (ProposalState.ACCEPTED, ProposalState.REJECTED)
                else None,
                created_at=now - timedelta(hours=int(rng.integers(1, 480))),
                # One proposal in ten has a place near the centre, for the map.
                latitude=city.latitude + ((n * 37) % 100 - 50) / 2500 if n % 10 == 0 else None,
                longitude=city.longitude + ((n * 53) % 100 - 50) / 2500 if n % 10 == 0 else None,
            )
        )
    proposals = Proposal.objects.bulk_create(proposals)

    debate = services.start_debate(
        actor=resident,
        process=ideas,
        title="Should libraries open on Sundays?",
        body="Many people can only come at the weekend. What would it take?",
    )
    first = Comment.objects.create(
        debate=debate,
        author=authors[1],
        alignment=1,
        score=12,
        body="Yes: Sunday is the only day I can bring my children.",
    )
    second = Comment.objects.create(
        debate=debate,
        author=authors[2],
        alignment=-1,
        score=4,
        body="Only if staff get a weekday off instead.",
    )
    Comment.objects.create(
        debate=debate,
        parent=second,
        author=authors[3],
        alignment=0,
        body="Volunteers could help on Sundays.",
    )
    Comment.objects.create(
        debate=debate, parent=first, author=authors[4], alignment=1, body="Same for me."
    )

    # The budget: 14 projects, 2,000 anonymous ballots within the budget.
    budget = Budget.objects.create(
        process=budgeting,
        slug="learning-projects",
        title="Learning projects",
        description="600,000 to share between learning projects across the city.",
        amount=BUDGET,
        currency="COP",
        rule=Rule.EQUAL_SHARES_COMPLETED,
    )
    projects = BudgetProject.objects.bulk_create(
        [
            BudgetProject(
                budget=budget,
                code=str(n + 1),
                title=title,
                cost=cost,
                district=districts[n % len(districts)] if n % 3 else None,
                proposal=proposals[n],
            )
            for n, (title, cost) in enumerate(PROJECTS)
        ]
    )
    popularity = rng.dirichlet([1.5] * len(projects))
    ballots = Ballot.objects.bulk_create([Ballot(budget=budget) for _ in range(BALLOTS)])
    HasVoted.objects.bulk_create([HasVoted(budget=budget, user=u) for u in authors[:BALLOTS]])
    # Residents vote in a few dozen typical ways (families, older people, workers…),
    # each a set of projects within the budget.
    patterns: list[list[BudgetProject]] = []
    for _pattern in range(VOTER_TYPES):
        spent, chosen = 0, []
        order = rng.choice(len(projects), size=len(projects), replace=False, p=popularity)
        for index in order[: int(rng.integers(1, 6))]:
            project = projects[int(index)]
            if spent + project.cost <= BUDGET:
                spent += project.cost
                chosen.append(project)
        patterns.append(chosen)
    weights = rng.dirichlet([1.0] * VOTER_TYPES)
    kinds = rng.choice(VOTER_TYPES, size=BALLOTS, p=weights)
    choices = [
        BallotChoice(ballot=ballot, project=project)
        for ballot, kind in zip(ballots, kinds, strict=True)
        for project in patterns[int(kind)]
    ]
    BallotChoice.objects.bulk_create(choices, batch_size=5000)
    for rule in (Rule.GREEDY, Rule.EQUAL_SHARES, Rule.EQUAL_SHARES_COMPLETED):
        services.tally_budget(actor=coordinator, budget=budget, rule=rule)

    # What happened: results of accepted proposals and funded projects, with indicators.
    indicators = _indicators()
    funded = BudgetProject.objects.filter(budget=budget, funded=True).order_by("code")
    for n, project in enumerate(funded[:4]):
        result = Result.objects.create(
            process=budgeting,
            title=project.title,
            project=project,
            status=[FundingStatus.UNDER_WAY, FundingStatus.DONE, FundingStatus.PLANNED][n % 3],
            progress=[40, 100, 5, 70][n],
            note="Works started with the district's library.",
        )
        result.indicators.set(indicators[n % max(len(indicators), 1) :][:2])
    for proposal in Proposal.objects.filter(process=ideas, state=ProposalState.ACCEPTED)[:3]:
        result = Result.objects.create(
            process=ideas,
            title=proposal.title,
            proposal=proposal,
            status=FundingStatus.PLANNED,
            progress=10,
        )
        result.indicators.set(indicators[:1])

    _survey(ideas, authors, rng)
    sortition = _sortition(city, districts, authors, rng, coordinator)
    assembly = Assembly.objects.create(
        city=city,
        slug="steering-committee",
        name="Learning city steering committee",
        purpose="Residents drawn by lot and the city's learning partners guide the plan.",
        sortition=sortition,
    )
    assembly.members.set(
        [v.user for v in sortition.volunteers.filter(selected=True) if v.user is not None]
    )
    # Through the service, so each meeting is also a free session in the catalogue.
    assemblies.schedule_assembly_meeting(
        actor=coordinator,
        assembly=assembly,
        title="First meeting",
        starts_at=now - timedelta(days=14),
        place="Biblioteca Pública Piloto",
        minutes="- Agreed how the panel works.\n- Read the 40 most supported proposals.",
    )
    assemblies.schedule_assembly_meeting(
        actor=coordinator,
        assembly=assembly,
        title="Budget review",
        starts_at=now + timedelta(days=7),
        place="Parque Biblioteca España",
    )
    context.log(
        f"participation: 2 processes, {PROPOSALS} proposals, {BALLOTS} ballots counted by "
        f"3 rules, a survey, a panel of {sortition.panel_size} and an assembly "
        f"({time.monotonic() - started:.1f} s)"
    )


def _areas_of_focus() -> list[FrameworkNode]:
    framework = default_framework()
    if framework is None:
        return []
    return list(framework.nodes.filter(level=3).order_by("position", "id"))


def _indicators() -> list[FrameworkNode]:
    framework = default_framework()
    if framework is None:
        return []
    return list(framework.nodes.filter(level=1).order_by("position", "id")[:6])


def _demo_people(context: DemoContext, count: int) -> list[User]:
    """Demo residents who voted (no password: they cannot sign in)."""
    unusable = make_password(None)
    domain = context.accounts["resident"].email.split("@")[1]
    return User.objects.bulk_create(
        [
            User(email=f"voter{n}@{domain}", password=unusable, display_name=f"Resident {n}")
            for n in range(count)
        ],
        batch_size=1000,
    )


def _survey(process: Process, people: list[User], rng: object) -> None:
    import numpy as np

    generator: np.random.Generator = rng  # type: ignore[assignment]
    survey = Survey.objects.create(
        process=process, slug="learning-habits", title="How do you learn?"
    )
    where = Question.objects.create(
        survey=survey,
        position=1,
        text="Where do you learn?",
        kind=QuestionKind.MULTIPLE,
        options=["Library", "Online", "At work", "Community centre"],
    )
    barrier = Question.objects.create(
        survey=survey,
        position=2,
        text="What stops you learning more?",
        kind=QuestionKind.SINGLE,
        options=["Time", "Cost", "Distance", "Nothing"],
    )
    scale = Question.objects.create(
        survey=survey,
        position=3,
        text="How satisfied are you with learning in the city?",
        kind=QuestionKind.SCALE,
    )
    Question.objects.create(
        survey=survey, position=4, text="Anything else?", kind=QuestionKind.LONG, required=False
    )
    responses = SurveyResponse.objects.bulk_create(
        [SurveyResponse(survey=survey) for _ in range(150)]
    )
    HasAnswered.objects.bulk_create([HasAnswered(survey=survey, user=u) for u in people[:150]])
    answers = []
    for response in responses:
        for option in where.options:
            if generator.random() < 0.4:
                answers.append(Answer(response=response, question=where, value=option))
        answers.append(
            Answer(
                response=response,
                question=barrier,
                value=barrier.options[int(generator.integers(4))],
            )
        )
        answers.append(
            Answer(response=response, question=scale, value=str(int(generator.integers(1, 6))))
        )
    Answer.objects.bulk_create(answers)


def _sortition(city, districts, people, rng, coordinator) -> Sortition:  # type: ignore[no-untyped-def]
    chosen = districts[:3]
    sortition = Sortition.objects.create(
        city=city,
        slug="steering-panel",
        title="Citizens' panel for the learning plan",
        panel_size=8,
        quotas=[{"feature": "district", "value": d.slug, "min": 2, "max": 4} for d in chosen]
        + [
            {"feature": "age_group", "value": a, "min": 1, "max": 3}
            for a in ("16-29", "30-49", "50-64", "65+")
        ]
        + [{"feature": "sex", "value": s, "min": 3, "max": 5} for s in ("female", "male")],
    )
    ages = ["16-29", "30-49", "50-64", "65+"]
    Volunteer.objects.bulk_create(
        [
            Volunteer(
                sortition=sortition,
                number=n + 1,
                user=people[n],
                district=chosen[int(rng.integers(len(chosen)))],
                age_group=ages[int(rng.integers(4))],
                sex="female" if rng.random() < 0.5 else "male",
            )
            for n in range(VOLUNTEERS)
        ]
    )
    panels.draw_sortition(actor=coordinator, sortition=sortition, seed=20261207)
    return sortition

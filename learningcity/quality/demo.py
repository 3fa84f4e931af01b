"""Demo data for quality: feedback on past attended sessions of the demo city.

Some opportunities get enough answers to be shown (above ``QUALITY_MIN_ANSWERS``),
others too few (the pages say "not enough answers yet"); some comments wait for the
city's check, some are approved; the demo resident has one invitation still open on
"My learning". Two computed KFLC indicators are added to the city's own framework
under "Learner-friendly learning environments"."""

from collections.abc import Sequence
from datetime import timedelta

import numpy as np
from django.utils import timezone

from learningcity.catalogue.models import (
    Enrolment,
    EnrolmentStatus,
    ProviderMembership,
    Session,
)
from learningcity.core.demo import DemoContext
from learningcity.core.models import User
from learningcity.core.tenancy import for_city

from . import figures, services
from .models import CommentStatus, Feedback, FeedbackInvitation, Recommend

LEARNERS = 14
COMMENTS = [
    "Clear explanations and a friendly group. I would come again.",
    "The room was hard to find; a sign at the entrance would help.",
    "Very practical: I used what I learnt the same week.",
    "A bit fast for beginners, but the teacher was patient.",
    "More sessions like this, please!",
    "The online link worked well and the slides were easy to read.",
    "Great for families, my children loved it.",
    "I needed more time for questions at the end.",
]


def seed_demo(context: DemoContext) -> None:
    rng = np.random.default_rng([context.seed, 15])  # own stream: independent of other apps
    learners = [
        context.account(f"learner-{number}", name=f"Learner {number} (demo)")
        for number in range(1, LEARNERS + 1)
    ]
    sessions = _past_sessions(context)
    if not sessions:
        context.log("quality: no past sessions in the demo city; no feedback seeded")
        return
    least = figures.minimum_answers()
    answers = 0
    for index, session in enumerate(sessions):
        # Every other opportunity gets enough answers to be shown; the others too few.
        wanted = least + int(rng.integers(1, 5)) if index % 2 == 0 else int(rng.integers(1, least))
        answers += _seed_session(session, learners[:wanted], learners[wanted:], rng)
    _open_invitation(context, sessions[0])
    _add_local_indicators(context)
    context.log(f"quality: {answers} answers on {len(sessions)} past sessions")


def _past_sessions(context: DemoContext) -> list[Session]:
    """Up to eight finished sessions of different opportunities, the demo provider's
    first (so its staff account has figures to see)."""
    city = context.demo_city
    staff = context.accounts.get("provider")
    own = set(ProviderMembership.objects.filter(user=staff).values_list("provider_id", flat=True))
    past = (
        for_city(Session, city)
        .filter(
            is_cancelled=False,
            opportunity__is_published=True,
            ends_at__lte=timezone.now() - timedelta(hours=1),
        )
        .select_related("opportunity")
        .order_by("starts_at", "pk")
    )
    chosen: dict[int, Session] = {}
    for session in sorted(past, key=lambda each: each.opportunity.provider_id not in own):
        chosen.setdefault(session.opportunity_id, session)
        if len(chosen) == 8:
            break
    return list(chosen.values())


def _seed_session(
    session: Session,
    answering: Sequence[User],
    others: Sequence[User],
    rng: np.random.Generator,
) -> int:
    """Attendance (with a few no-shows) and feedback from ``answering``."""
    no_shows = list(others[:2])
    Enrolment.objects.bulk_create(
        [
            Enrolment(session=session, user=user, status=EnrolmentStatus.ATTENDED, language="es")
            for user in answering
        ]
        + [
            Enrolment(session=session, user=user, status=EnrolmentStatus.CONFIRMED, language="es")
            for user in no_shows
        ]
    )
    year = timezone.localtime(session.starts_at, session.opportunity.city.tzinfo).year
    level = float(rng.uniform(3.0, 4.6))
    for number, user in enumerate(answering):
        invitation = FeedbackInvitation.objects.create(
            city=session.opportunity.city,
            session=session,
            user=user,
            language="es",
            emailed_at=timezone.now(),
            answered=True,
        )
        comment = COMMENTS[int(rng.integers(len(COMMENTS)))] if number % 3 == 0 else ""
        Feedback.objects.create(
            city=session.opportunity.city,
            opportunity=session.opportunity,
            year=year,
            once_key=services.once_key(services.person_key(invitation), session),
            useful=_rating(level, rng),
            accessible=_rating(level - 0.3, rng),
            recommend=Recommend.YES if rng.random() < level / 5 else Recommend.UNSURE,
            comment=comment,
            # The first comments are approved; the rest wait for the city's check.
            comment_status=_comment_status(comment, number),
        )
    return len(answering)


def _rating(level: float, rng: np.random.Generator) -> int:
    return int(np.clip(round(level + float(rng.normal(scale=0.7))), 1, 5))


def _comment_status(comment: str, number: int) -> str:
    if not comment:
        return CommentStatus.NONE
    return CommentStatus.APPROVED if number < 4 else CommentStatus.PENDING


def _open_invitation(context: DemoContext, session: Session) -> None:
    """The demo resident came too and has not answered yet: "Give feedback" waits on
    their "My learning" page."""
    resident = context.accounts.get("resident")
    if resident is None:
        return
    Enrolment.objects.create(
        session=session, user=resident, status=EnrolmentStatus.ATTENDED, language="en"
    )
    FeedbackInvitation.objects.create(
        city=context.demo_city, session=session, user=resident, language="en"
    )


def _add_local_indicators(context: DemoContext) -> None:
    from learningcity.monitoring import queries
    from learningcity.monitoring import services as monitoring_services
    from learningcity.monitoring.models import FrameworkNode

    city = context.demo_city
    actor = context.accounts.get("coordinator")
    if actor is None:
        return
    base = monitoring_services.ensure_default_framework()
    extension = monitoring_services.extend_framework(actor=actor, city=city, base=base)
    feature = FrameworkNode.objects.filter(framework=base, code="F2_5_4").first()
    if feature is None:
        return
    codes = {node.code for node in queries.effective_nodes(extension)}
    for code, name, unit, key, top in [
        (
            "L_LEARNER_USEFUL",
            "Average usefulness rating given by learners",
            "out of 5",
            "quality_average_usefulness",
            5,
        ),
        (
            "L_COMPLETION",
            "Share of enrolled learners who attended",
            "% of enrolled",
            "quality_completion_rate",
            100,
        ),
    ]:
        if code in codes:
            continue
        monitoring_services.add_indicator(
            actor=actor,
            framework=extension,
            parent=feature,
            fields={
                "code": code,
                "name": name,
                "unit": unit,
                "derived": key,
                "min_value": 0,
                "max_value": top,
            },
        )

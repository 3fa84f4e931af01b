"""Small builders for quality tests: a finished session with people who came."""

from datetime import timedelta

from django.utils import timezone

from learningcity.catalogue.models import Enrolment, EnrolmentStatus, Opportunity, Session
from learningcity.core.models import User
from learningcity.quality import services
from learningcity.quality.models import Feedback, FeedbackInvitation
from tests.catalogue.factories import make_session
from tests.conftest import make_user


def past_session(opportunity: Opportunity, days_ago: int = 2) -> Session:
    starts = timezone.now() - timedelta(days=days_ago)
    return make_session(opportunity, starts_at=starts, ends_at=starts + timedelta(hours=2))


def attend(session: Session, user: User | None = None, *, email: str = "") -> Enrolment:
    return Enrolment.objects.create(
        session=session,
        user=user,
        guest_email=email,
        guest_name="Guest" if email else "",
        status=EnrolmentStatus.ATTENDED,
    )


def invite(session: Session, user: User) -> FeedbackInvitation:
    return FeedbackInvitation.objects.create(
        city=session.opportunity.city, session=session, user=user
    )


def answers(
    session: Session,
    count: int,
    *,
    useful: int = 4,
    accessible: int = 4,
    recommend: str = "yes",
    comment: str = "",
) -> list[Feedback]:
    """``count`` people attend ``session`` and answer (through the service)."""
    given = []
    for _number in range(count):
        person = make_user()
        attend(session, person)
        invitation = invite(session, person)
        given.append(
            services.give_feedback(
                invitation=invitation,
                answers=services.Answers(useful, accessible, recommend, comment),
            )
        )
    return given


FORM = {"useful": "4", "accessible": "5", "recommend": "yes", "comment": ""}

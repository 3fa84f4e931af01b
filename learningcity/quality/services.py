"""Every write of the quality app (``verb_noun``): giving feedback, moderating a
comment, and the person's data (export and erasure, registered with core).

Giving feedback records no audit event on purpose: an event carries who and when,
which is exactly what the feedback must not be linked to."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from learningcity.catalogue.models import Enrolment, EnrolmentStatus, Session
from learningcity.core.audit import record_event
from learningcity.core.models import User

from . import checks
from .models import (
    CommentStatus,
    Feedback,
    FeedbackInvitation,
    Recommend,
    RejectionReason,
)

# An invitation can be answered for this long after it was made.
OPEN_DAYS = 60
_ONCE_SALT = "learningcity.quality.once"


class FeedbackRefused(Exception):
    """The feedback cannot be saved; ``message`` says why, for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ModerationRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Answers:
    useful: int
    accessible: int
    recommend: str
    comment: str = ""


def person_key(invitation: FeedbackInvitation) -> str:
    if invitation.user_id is not None:
        return f"user:{invitation.user.public_id}"  # type: ignore[union-attr]
    return f"guest:{invitation.guest_email.strip().lower()}"


def once_key(person: str, session: Session) -> str:
    """A keyed hash of (person, session). Keyed with the SECRET_KEY, which is not in
    the database: someone reading the tables cannot recompute it for every person and
    session to find who wrote what."""
    return salted_hmac(_ONCE_SALT, f"{person}|{session.public_id}", algorithm="sha256").hexdigest()


def is_open(invitation: FeedbackInvitation) -> bool:
    return invitation.created_at >= timezone.now() - timedelta(days=OPEN_DAYS)


def attended(invitation: FeedbackInvitation) -> bool:
    """Whether the attendance record (still) says this person came to the session."""
    came = Enrolment.objects.filter(session=invitation.session, status=EnrolmentStatus.ATTENDED)
    if invitation.user_id is not None:
        return came.filter(user_id=invitation.user_id).exists()
    return came.filter(user__isnull=True, guest_email__iexact=invitation.guest_email).exists()


def _answer_problem(answers: Answers) -> str | None:
    if answers.useful not in range(1, 6) or answers.accessible not in range(1, 6):
        return _("Choose an answer from 1 to 5 for each question.")
    if answers.recommend not in Recommend.values:
        return _("Say whether you would recommend it.")
    return checks.comment_problem(answers.comment) if answers.comment else None


def give_feedback(*, invitation: FeedbackInvitation, answers: Answers) -> Feedback:
    """Save one learner's answers about a session they attended, once. Refused (and
    nothing saved) for someone the attendance record does not show, a second answer,
    a closed invitation, or a comment with HTML or contact details."""
    problem = _answer_problem(answers)
    if problem:
        raise FeedbackRefused(problem)
    try:
        with transaction.atomic():
            feedback = _save_feedback(invitation, answers)
    except IntegrityError:
        # Two answers sent at the same moment: the unique key kept only one.
        raise FeedbackRefused(_already_message()) from None
    # Now, and again once committed (a page read meanwhile may have cached the old one).
    forget_rating(feedback.opportunity_id)
    transaction.on_commit(partial(forget_rating, feedback.opportunity_id))
    return feedback


def _already_message() -> str:
    return _("You have already given feedback on this session. Thank you.")


def _save_feedback(invitation: FeedbackInvitation, answers: Answers) -> Feedback:
    locked = (
        FeedbackInvitation.objects.select_for_update(of=("self",))
        .select_related("session__opportunity", "user", "city")
        .get(pk=invitation.pk)
    )
    if locked.answered:
        raise FeedbackRefused(_already_message())
    if not is_open(locked):
        raise FeedbackRefused(_("This invitation has closed: feedback is collected for 60 days."))
    if not attended(locked):
        raise FeedbackRefused(
            _("We can only take feedback from people recorded as attending this session.")
        )
    session = locked.session
    comment = answers.comment.strip()
    feedback = Feedback.objects.create(
        city=locked.city,
        opportunity=session.opportunity,
        year=timezone.localtime(session.starts_at, locked.city.tzinfo).year,
        once_key=once_key(person_key(locked), session),
        useful=answers.useful,
        accessible=answers.accessible,
        recommend=answers.recommend,
        comment=comment,
        comment_status=CommentStatus.PENDING if comment else CommentStatus.NONE,
    )
    locked.answered = True
    locked.save(update_fields=["answered"])
    return feedback


def rating_cache_key(opportunity_id: int) -> str:
    return f"quality:rating:{opportunity_id}"


def forget_rating(opportunity_id: int) -> None:
    cache.delete(rating_cache_key(opportunity_id))


@transaction.atomic
def moderate_comment(
    *, actor: User, feedback: Feedback, approve: bool, reason: str = "", note: str = ""
) -> Feedback:
    """Approve a comment (then the provider can see it) or reject it with a reason."""
    locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if locked.comment_status != CommentStatus.PENDING:
        raise ModerationRefused(_("This comment has already been checked."))
    if not approve and reason not in RejectionReason.values:
        raise ModerationRefused(_("Choose why the comment is not shown."))
    if len(note) > 300:
        raise ModerationRefused(_("Keep the note under 300 characters."))
    locked.comment_status = CommentStatus.APPROVED if approve else CommentStatus.REJECTED
    locked.rejection_reason = "" if approve else reason
    locked.moderation_note = note.strip()
    locked.save(update_fields=["comment_status", "rejection_reason", "moderation_note"])
    record_event(
        actor,
        "feedback.comment_approved" if approve else "feedback.comment_rejected",
        city=locked.city,
        target=str(locked.pk),
        reason=locked.rejection_reason,
    )
    return locked


# ---------------------------------------------------------------------------
# Personal data (registered with core in QualityConfig.ready)


def _answered_keys(invitations: Iterable[FeedbackInvitation]) -> dict[str, FeedbackInvitation]:
    return {
        once_key(person_key(invitation), invitation.session): invitation
        for invitation in invitations
        if invitation.answered
    }


def export_feedback_of(user: User) -> dict[str, Any]:
    invitations = list(
        FeedbackInvitation.objects.filter(user=user).select_related(
            "user", "session__opportunity", "city"
        )
    )
    keyed = _answered_keys(invitations)
    given = {item.once_key: item for item in Feedback.objects.filter(once_key__in=list(keyed))}
    rows = []
    for invitation in invitations:
        key = next((k for k, each in keyed.items() if each.pk == invitation.pk), None)
        feedback = given.get(key) if key else None
        rows.append(
            {
                "city": invitation.city.slug,
                "opportunity": invitation.session.opportunity.title,
                "session_starts_at": invitation.session.starts_at.isoformat(),
                "invited_at": invitation.created_at.isoformat(),
                "answered": invitation.answered,
                "answers": None
                if feedback is None
                else {
                    "useful": feedback.useful,
                    "accessible": feedback.accessible,
                    "recommend": feedback.recommend,
                    "comment": feedback.comment,
                },
            }
        )
    return {"feedback": rows}


def erase_feedback_links_of(user: User) -> None:
    """Cut every link between the person and their answers, and drop their
    invitations. The answers stay, anonymous, in the figures."""
    with transaction.atomic():
        invitations = FeedbackInvitation.objects.filter(user=user).select_related("user", "session")
        keys = list(_answered_keys(invitations))
        unlinked = Feedback.objects.filter(once_key__in=keys).update(once_key=None)
        deleted, _by_model = FeedbackInvitation.objects.filter(user=user).delete()
        record_event(None, "feedback.links_erased", unlinked=unlinked, invitations=deleted)

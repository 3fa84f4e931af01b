"""Inviting learners to give feedback after a session they attended (run on the task
queue's schedule, ``learningcity/periodic.py``).

Safe to run twice, or twice at once: an invitation is unique per person and session
(the database refuses a second), and each e-mail is claimed by setting ``emailed_at``
with a conditional update before it is sent, as the catalogue's reminders are."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from learningcity.catalogue.models import Enrolment, EnrolmentStatus

from .models import FeedbackInvitation
from .services import OPEN_DAYS

logger = logging.getLogger(__name__)

# Attendance recorded longer ago than this is not asked about (so turning the feature
# on does not write to everyone who ever came to anything).
INVITE_WITHIN_DAYS = 30


def create_feedback_invitations(*, now: datetime | None = None) -> int:
    """An invitation for every attended enrolment of a finished session that has none.
    Returns how many were made."""
    now = now or timezone.now()
    invited_user = FeedbackInvitation.objects.filter(
        session=OuterRef("session"), user=OuterRef("user")
    )
    invited_guest = FeedbackInvitation.objects.filter(
        session=OuterRef("session"), user__isnull=True, guest_email__iexact=OuterRef("guest_email")
    )
    due = (
        Enrolment.objects.filter(
            status=EnrolmentStatus.ATTENDED,
            status_changed_at__gte=now - timedelta(days=INVITE_WITHIN_DAYS),
            session__is_cancelled=False,
            session__ends_at__lte=now,
        )
        .filter(
            (Q(user__isnull=False) & ~Exists(invited_user))
            | (Q(user__isnull=True) & ~Exists(invited_guest))
        )
        .select_related("session__opportunity")
        .order_by("pk")
    )
    made = [
        FeedbackInvitation(
            city_id=enrolment.session.opportunity.city_id,
            session_id=enrolment.session_id,
            user_id=enrolment.user_id,
            guest_email="" if enrolment.user_id else enrolment.guest_email.strip().lower(),
            language=enrolment.language,
            created_at=now,
        )
        for enrolment in due.iterator(chunk_size=500)
    ]
    # A run at the same moment may have made some already: those are skipped.
    FeedbackInvitation.objects.bulk_create(made, batch_size=500, ignore_conflicts=True)
    return len(made)


def send_feedback_invitations(*, now: datetime | None = None) -> int:
    """Make the invitations that are due, then e-mail each one once. Returns how many
    e-mails went out."""
    now = now or timezone.now()
    create_feedback_invitations(now=now)
    waiting = FeedbackInvitation.objects.filter(
        emailed_at__isnull=True,
        answered=False,
        created_at__gte=now - timedelta(days=OPEN_DAYS),
    ).select_related("user", "city", "session__opportunity__site", "session__site")
    sent = 0
    for invitation in waiting.iterator(chunk_size=200):
        claimed = FeedbackInvitation.objects.filter(
            pk=invitation.pk, emailed_at__isnull=True
        ).update(emailed_at=now)
        if not claimed:
            continue
        if send_invitation_email(invitation):
            sent += 1
        else:
            FeedbackInvitation.objects.filter(pk=invitation.pk).update(emailed_at=None)
    return sent


def invitation_language(invitation: FeedbackInvitation) -> str:
    """The person's preferred language, else the one they joined in, else the site's."""
    known = {code for code, _name in settings.LANGUAGES}
    preferred = invitation.user.preferred_language if invitation.user else ""
    for code in (preferred, invitation.language):
        if code in known:
            return code
    return str(settings.LANGUAGE_CODE)


def feedback_url(invitation: FeedbackInvitation) -> str:
    path = reverse(
        "quality:feedback",
        kwargs={"city_slug": invitation.city.slug, "invitation_id": invitation.public_id},
    )
    return settings.SITE_URL.rstrip("/") + path


def send_invitation_email(invitation: FeedbackInvitation) -> bool:
    session = invitation.session
    city = invitation.city
    with translation.override(invitation_language(invitation)), timezone.override(city.tzinfo):
        context = {
            "session": session,
            "opportunity": session.opportunity,
            "city": city,
            "name": invitation.user.display_name if invitation.user else "",
            "feedback_url": feedback_url(invitation),
            "open_days": OPEN_DAYS,
            "site_name": settings.SITE_NAME,
            "LANGUAGE_CODE": translation.get_language(),
        }
        subject = render_to_string("quality/emails/invitation_subject.txt", context)
        text = render_to_string("quality/emails/invitation.txt", context)
        html = render_to_string("quality/emails/invitation.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[invitation.email]
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        logger.exception("could not send the feedback invitation %s", invitation.public_id)
        return False
    return True

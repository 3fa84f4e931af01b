"""Emails to the people who enrol: plain text with a simple HTML version, in the
person's language, with times in the city's time zone and a link to cancel."""

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import calendars
from .models import Enrolment, Session

logger = logging.getLogger(__name__)

KINDS = ("confirmed", "waitlisted", "promoted", "reminder", "session_cancelled")
# E-mails for a place the person now has carry the session as a calendar file.
WITH_CALENDAR = ("confirmed", "promoted")


def email_language(enrolment: Enrolment) -> str:
    """The person's preferred language, else the one they joined in, else the site's."""
    known = {code for code, _name in settings.LANGUAGES}
    preferred = enrolment.user.preferred_language if enrolment.user else ""
    for code in (preferred, enrolment.language):
        if code in known:
            return code
    return str(settings.LANGUAGE_CODE)


def cancel_url(enrolment: Enrolment) -> str:
    city = enrolment.session.opportunity.city
    path = reverse(
        "catalogue:enrolment_cancel",
        kwargs={"city_slug": city.slug, "enrolment_id": enrolment.public_id},
    )
    return settings.SITE_URL.rstrip("/") + path


def send_enrolment_email(enrolment: Enrolment, kind: str) -> bool:
    """Send one email; a mail server failure is logged, never shown as an error page
    (the enrolment itself is already saved). Returns whether it was sent."""
    if kind not in KINDS:
        raise ValueError(f"unknown email kind: {kind}")
    session = enrolment.session
    city = session.opportunity.city
    with translation.override(email_language(enrolment)), timezone.override(city.tzinfo):
        context = {
            "enrolment": enrolment,
            "session": session,
            "opportunity": session.opportunity,
            "city": city,
            "name": enrolment.name,
            "position": _position(enrolment, kind),
            "cancel_url": cancel_url(enrolment),
            "site_name": settings.SITE_NAME,
            "LANGUAGE_CODE": translation.get_language(),
        }
        if kind == "session_cancelled":
            context.update(_next_session(session))
        subject = render_to_string(f"catalogue/emails/{kind}_subject.txt", context)
        text = render_to_string(f"catalogue/emails/{kind}.txt", context)
        html = render_to_string(f"catalogue/emails/{kind}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[enrolment.email]
    )
    message.attach_alternative(html, "text/html")
    if kind in WITH_CALENDAR:
        with translation.override(email_language(enrolment)):
            ics = calendars.sessions_calendar(session.opportunity, [session])
        message.attach(f"{session.opportunity.slug}.ics", ics, "text/calendar")
    try:
        message.send()
    except Exception:
        logger.exception("could not send the %s email for enrolment %s", kind, enrolment.public_id)
        return False
    return True


def _position(enrolment: Enrolment, kind: str) -> int | None:
    if kind != "waitlisted":
        return None
    return Enrolment.objects.with_waitlist_positions().get(pk=enrolment.pk).waitlist_position


def _next_session(session: Session) -> dict[str, Any]:
    """For a cancelled session: the next open session of the same opportunity, and the
    link to join it (nothing when there is none)."""
    opportunity = session.opportunity
    if not opportunity.is_published:
        return {}
    following = (
        opportunity.sessions.filter(is_cancelled=False, starts_at__gt=timezone.now())
        .exclude(pk=session.pk)
        .order_by("starts_at")
        .first()
    )
    if following is None:
        return {}
    path = reverse(
        "catalogue:enrol",
        kwargs={"city_slug": opportunity.city.slug, "session_id": following.public_id},
    )
    return {"next_session": following, "next_session_url": settings.SITE_URL.rstrip("/") + path}


def send_provider_message(enrolment: Enrolment, subject: str, body: str) -> bool:
    """A provider's message to a person enrolled (see services.message_enrolled): their
    words as plain text, framed in the person's language, replies going to the
    provider's contact address."""
    session = enrolment.session
    opportunity = session.opportunity
    with (
        translation.override(email_language(enrolment)),
        timezone.override(opportunity.city.tzinfo),
    ):
        context = {
            "name": enrolment.name,
            "opportunity": opportunity,
            "provider": opportunity.provider,
            "session": session,
            "subject": subject,
            "body": body,
            "cancel_url": cancel_url(enrolment),
            "site_name": settings.SITE_NAME,
            "LANGUAGE_CODE": translation.get_language(),
        }
        full_subject = render_to_string("catalogue/emails/provider_message_subject.txt", context)
        text = render_to_string("catalogue/emails/provider_message.txt", context)
        html = render_to_string("catalogue/emails/provider_message.html", context)
    reply_to = [opportunity.provider.email] if opportunity.provider.email else None
    message = EmailMultiAlternatives(
        subject=" ".join(full_subject.split()), body=text, to=[enrolment.email], reply_to=reply_to
    )
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        logger.exception("could not send a provider message for enrolment %s", enrolment.public_id)
        return False
    return True

"""Emails to the people who enrol: plain text with a simple HTML version, in the
person's language, with times in the city's time zone and a link to cancel."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import Enrolment

logger = logging.getLogger(__name__)

KINDS = ("confirmed", "waitlisted", "promoted", "reminder", "session_cancelled")


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
        subject = render_to_string(f"catalogue/emails/{kind}_subject.txt", context)
        text = render_to_string(f"catalogue/emails/{kind}.txt", context)
        html = render_to_string(f"catalogue/emails/{kind}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=[enrolment.email]
    )
    message.attach_alternative(html, "text/html")
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

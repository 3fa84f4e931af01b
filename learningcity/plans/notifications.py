"""Reminders to action owners before a progress update is due: plain text with a
simple HTML version, in each person's language, one e-mail per person, with a link
to the update form (links start with ``SITE_URL``, see core.http.absolute_url)."""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from learningcity.catalogue.models import ProviderMembership
from learningcity.core.audit import record_event
from learningcity.core.http import absolute_url

from .models import OPEN_STATUSES, Action, UpdateReminder

logger = logging.getLogger(__name__)


def recipient_language(preferred: str, fallback: str) -> str:
    known = {code for code, _name in settings.LANGUAGES}
    for code in (preferred, fallback):
        if code in known:
            return code
    return str(settings.LANGUAGE_CODE)


def recipients(action: Action) -> list[tuple[str, str, str]]:
    """(address, language, name) of the people to remind: the responsible
    provider's staff, else the provider's contact address in the city's language."""
    city_language = action.plan.city.primary_language
    staff = ProviderMembership.objects.filter(
        provider=action.provider, user__is_active=True
    ).select_related("user")
    people = [
        (m.user.email, recipient_language(m.user.preferred_language, city_language), str(m.user))
        for m in staff
    ]
    if not people and action.provider and action.provider.email:
        people = [
            (action.provider.email, recipient_language("", city_language), action.provider.name)
        ]
    return people


def send_reminder_email(action: Action, address: str, language: str, name: str) -> bool:
    city = action.plan.city
    with translation.override(language):
        context = {
            "action": action,
            "city": city,
            "name": name,
            "due": action.update_due,
            "update_url": absolute_url(reverse("plans:action_update", args=[city.slug, action.pk])),
            "site_name": settings.SITE_NAME,
            "LANGUAGE_CODE": language,
        }
        subject = render_to_string("plans/emails/reminder_subject.txt", context)
        text = render_to_string("plans/emails/reminder.txt", context)
        html = render_to_string("plans/emails/reminder.html", context)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=[address])
    message.attach_alternative(html, "text/html")
    try:
        message.send()
    except Exception:
        logger.exception("could not send the plan update reminder for action %s", action.pk)
        return False
    return True


def send_update_reminders(*, today: date, days_before: int) -> int:
    """Remind the owners of open actions whose update is due within ``days_before``
    days (and not yet past), once per action and due date.

    The ``UpdateReminder`` row is the claim: it is created before sending, so a
    second run, or two at once, skip the action; when no e-mail could be sent the
    claim is removed and the next run tries again. Returns the e-mails sent."""
    due = (
        Action.objects.filter(
            update_due__gte=today,
            update_due__lte=today + timedelta(days=days_before),
            status__in=OPEN_STATUSES,
            provider__isnull=False,
        )
        .exclude(reminders__due_date=F("update_due"))
        .select_related("plan__city", "provider")
    )
    sent = 0
    for action in due:
        if action.update_due is None:
            continue
        try:
            with transaction.atomic():
                claim = UpdateReminder.objects.create(action=action, due_date=action.update_due)
        except IntegrityError:
            continue  # already reminded for this due date
        delivered = 0
        for address, language, name in recipients(action):
            if send_reminder_email(action, address, language, name):
                delivered += 1
        if delivered:
            UpdateReminder.objects.filter(pk=claim.pk).update(recipients=delivered)
            record_event(
                None,
                "plan.reminders_sent",
                city=action.plan.city,
                target=action.title,
                due=action.update_due.isoformat(),
                recipients=delivered,
            )
            sent += delivered
        else:
            claim.delete()
    return sent

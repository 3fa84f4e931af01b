"""Notifications by e-mail: at once for those who asked for it, otherwise one daily
digest (the default), or none. Each e-mail is written in the recipient's language and
lists the notices with their links; a notice is e-mailed once (``emailed_at``)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learningcity.core.http import absolute_url
from learningcity.core.models import User

from .models import EmailChoice, Notification, NotificationSettings

logger = logging.getLogger(__name__)


def email_choice(user_ids: Iterable[int]) -> dict[int, str]:
    """Each person's choice; the daily digest for those who never chose."""
    ids = list(user_ids)
    chosen = dict(
        NotificationSettings.objects.filter(user_id__in=ids).values_list("user_id", "email")
    )
    return {pk: chosen.get(pk, EmailChoice.DAILY) for pk in ids}


def _send(user: User, notices: list[Notification]) -> bool:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = ngettext(
            "%(count)s update from the processes you follow",
            "%(count)s updates from the processes you follow",
            len(notices),
        ) % {"count": len(notices)}
        lines = [f"- {notice.text}\n  {absolute_url(notice.url)}" for notice in notices]
        settings_link = absolute_url(
            reverse("participation:notifications", args=[notices[0].process.city.slug])
        )
        body = "\n".join(
            [
                *lines,
                "",
                _("To change how often you get these e-mails: %(link)s") % {"link": settings_link},
            ]
        )
    try:
        EmailMessage(subject=subject, body=body, to=[user.email]).send()
    except Exception:
        logger.exception("could not send a participation e-mail")
        return False
    return True


def _claim(notices: list[Notification], now: datetime) -> list[Notification]:
    """Mark the notices as e-mailed, keeping only those no other run claimed first."""
    claimed = []
    for notice in notices:
        if Notification.objects.filter(pk=notice.pk, emailed_at=None).update(emailed_at=now):
            claimed.append(notice)
    return claimed


def send_instant(notices: Iterable[Notification]) -> int:
    """E-mail at once the new notices of people who chose "an e-mail for each"."""
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notice in notices:
        by_user[notice.user_id].append(notice)
    choices = email_choice(by_user)
    sent = 0
    now = timezone.now()
    users = User.objects.in_bulk([pk for pk, c in choices.items() if c == EmailChoice.INSTANT])
    for pk, user in users.items():
        with transaction.atomic():
            claimed = _claim(by_user[pk], now)
        if claimed and user.is_active and _send(user, claimed):
            sent += 1
    return sent


def send_participation_digests(*, now: datetime | None = None) -> int:
    """One e-mail per person with everything not yet e-mailed (daily digest choice).
    Safe to run twice: a notice is claimed before it is sent."""
    now = now or timezone.now()
    waiting = (
        Notification.objects.filter(emailed_at=None, created_at__lte=now)
        .select_related("process__city")
        .order_by("created_at")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notice in waiting:
        by_user[notice.user_id].append(notice)
    choices = email_choice(by_user)
    sent = 0
    users = User.objects.in_bulk([pk for pk, c in choices.items() if c == EmailChoice.DAILY])
    for pk, user in users.items():
        with transaction.atomic():
            claimed = _claim(by_user[pk], now)
        if claimed and user.is_active and _send(user, claimed):
            sent += 1
    # Nobody will e-mail the notices of people who chose no e-mails: mark them done.
    silent = [pk for pk, c in choices.items() if c == EmailChoice.NONE]
    Notification.objects.filter(user_id__in=silent, emailed_at=None).update(emailed_at=now)
    return sent

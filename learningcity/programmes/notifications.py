"""The programmes' e-mails. Plain text, in each recipient's language, with a link to
the page to act on. Never any sensitive free text (needs, concerns, notes): the
e-mail says that something needs attention, the page (behind sign-in) says what."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from learningcity.core.http import absolute_url
from learningcity.core.models import City, Role, User

logger = logging.getLogger(__name__)


def coordinators(city: City) -> list[User]:
    return list(
        User.objects.filter(
            role_grants__city=city, role_grants__role=Role.CITY_COORDINATOR, is_active=True
        ).distinct()
    )


def _language(user: User) -> str:
    return user.preferred_language or str(settings.LANGUAGE_CODE)


def send_to(users: Iterable[User], subject: Callable[[], str], body: Callable[[], str]) -> int:
    """One e-mail per person, each written in that person's language."""
    sent = 0
    for user in users:
        with translation.override(_language(user)):
            message = EmailMessage(subject=subject(), body=body(), to=[user.email])
        try:
            message.send()
        except Exception:
            logger.exception("could not send a programmes e-mail")
            continue
        sent += 1
    return sent


def desk_link(city: City) -> str:
    return absolute_url(reverse("programmes:desk", args=[city.slug]))


def tell_coordinators_of_concern(city: City, urgent: bool) -> int:
    link = desk_link(city)
    return send_to(
        coordinators(city),
        lambda: _("Urgent concern in befriending") if urgent else _("New concern in befriending"),
        lambda: (
            _(
                "A concern was raised about a befriending pair in %(city)s. Open the "
                "programmes desk to read it and act:\n%(link)s"
            )
            % {"city": city.name, "link": link}
        ),
    )


def tell_coordinators_of_suspension(city: City, volunteers: int) -> int:
    link = desk_link(city)
    return send_to(
        coordinators(city),
        lambda: _("Befriending pairs suspended: a check expired"),
        lambda: (
            _(
                "%(count)s volunteer's training or safeguarding check expired, so their "
                "pairs are suspended until a new check is recorded:\n%(link)s"
            )
            % {"count": volunteers, "link": link}
        ),
    )


def remind_of_expiry(user: User, city: City, days: int) -> int:
    link = desk_link(city)
    return send_to(
        [user],
        lambda: _("A volunteer check expires soon"),
        lambda: (
            _(
                "A training or safeguarding check for befriending in %(city)s expires in "
                "%(days)s days. Without a valid check, pairs are suspended. Details:\n%(link)s"
            )
            % {"city": city.name, "days": days, "link": link}
        ),
    )


def tell_person_of_booking(user: User, city: City, cancelled: bool) -> int:
    link = absolute_url(reverse("programmes:guidance", args=[city.slug]))
    return send_to(
        [user],
        lambda: (
            _("Your career guidance appointment is cancelled")
            if cancelled
            else _("Your career guidance appointment is booked")
        ),
        lambda: _("See your appointments:\n%(link)s") % {"link": link},
    )

"""Recording who did or looked at what; called from services, never from templates.

Each event has a code (``enrolment.cancelled``) and, for people reading the log, a
label in plain words: apps register theirs in an ``event_labels.py`` module
(``register_event_labels({...})``), which core loads from every installed app at start
(``autodiscover_modules``), so core never imports a later app by name."""

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, City, User

EVENT_LABELS: dict[str, str | Promise] = {}


def register_event_labels(labels: dict[str, str | Promise]) -> None:
    """Give event codes their human, translatable labels (``gettext_lazy``)."""
    EVENT_LABELS.update(labels)


def event_label(action: str) -> str:
    """The label of an event code in the current language; an unknown code is shown
    as it is rather than hidden."""
    label = EVENT_LABELS.get(action)
    return str(label) if label is not None else action


register_event_labels(
    {
        "account.created": _("Account created"),
        "account.exported": _("Personal data downloaded"),
        "account.erased": _("Account deleted"),
        "role.granted": _("Role given"),
        "district.updated": _("District changed"),
        "city.description_updated": _("City description changed"),
    }
)


def record_event(
    actor: User | None,
    action: str,
    *,
    city: City | None = None,
    target: str = "",
    **details: Any,
) -> AuditEvent:
    real_actor = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        actor=real_actor, action=action, city=city, target=target[:200], details=details
    )

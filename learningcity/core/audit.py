"""Recording who did or looked at what; called from services, never from templates."""

from typing import Any

from .models import AuditEvent, City, User


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

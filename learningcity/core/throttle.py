"""Login throttling: after too many failed sign-ins for one account or from one
address, refuse further attempts for a while, whatever the password."""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from .models import LoginFailure


def _keys(email: str, address: str) -> list[str]:
    # Hashed so the table never holds email addresses or IPs in clear.
    return [
        hashlib.sha256(f"email:{email.strip().lower()}".encode()).hexdigest(),
        hashlib.sha256(f"addr:{address}".encode()).hexdigest(),
    ]


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def is_throttled(email: str, address: str) -> bool:
    since = _window_start()
    for key in _keys(email, address):
        recent = LoginFailure.objects.filter(key=key, created_at__gte=since).count()
        if recent >= settings.LOGIN_FAILURE_LIMIT:
            return True
    return False


def record_failure(email: str, address: str) -> None:
    LoginFailure.objects.bulk_create([LoginFailure(key=key) for key in _keys(email, address)])
    # Keep the table small: failures older than the window no longer count.
    LoginFailure.objects.filter(created_at__lt=_window_start()).delete()


def clear_failures(email: str) -> None:
    LoginFailure.objects.filter(key=_keys(email, "")[0]).delete()

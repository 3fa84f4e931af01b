"""Sign-in protection: django-axes, with the check and the count made one atomic step.

Policy (docs/architecture.md, "Sign-in protection"):

- one account tried from one client address gets ``LOGIN_FAILURE_LIMIT`` attempts per
  window (``LOGIN_FAILURE_WINDOW_SECONDS``); the pause then applies to that account at
  that address only, so nobody can lock out the people behind a shared address, nor
  everyone behind the proxy;
- one account gets ``LOGIN_FAILURE_ACCOUNT_LIMIT`` attempts from all addresses
  together, so guessing one password from many addresses also stops; that pauses only
  this one account (its owner can still reset the password);
- the client's address is the one our trusted proxy saw (``TRUSTED_PROXY_COUNT``).

django-axes records failures, shows them in the admin and answers with the lockout
page, but its check (``is_allowed``) and its count (``user_login_failed``) are separate
steps: 40 simultaneous wrong passwords all pass the check before any is counted. So
every attempt first *reserves* a slot here, in a row locked with SELECT … FOR UPDATE
(one unique row per key): an attempt over the limit is refused before any password is
checked, and a successful sign-in gives its slot back."""

import hashlib
import ipaddress
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .models import SignInCounter


def client_ip(request: HttpRequest) -> str:
    """The visitor's address: with ``TRUSTED_PROXY_COUNT`` = N proxies in front of us,
    the N-th entry from the right of X-Forwarded-For (the one our outermost proxy
    appended; anything to its left was written by the client and is not trusted);
    otherwise, or when the header is missing or malformed, the connection's address."""
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote or "0.0.0.0"


def attempted_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account being tried, normalised as sign-in matches it (email, any case)."""
    if credentials and credentials.get(settings.AXES_USERNAME_FORM_FIELD):
        typed = credentials[settings.AXES_USERNAME_FORM_FIELD]
    else:
        typed = request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "") if request else ""
    return str(typed or "").strip().lower()[:255]


def failure_limit(request: HttpRequest | None, credentials: dict[str, Any] | None) -> int:
    return int(settings.LOGIN_FAILURE_LIMIT)


def cool_off(request: HttpRequest | None = None) -> timedelta:
    return timedelta(seconds=int(settings.LOGIN_FAILURE_WINDOW_SECONDS))


def _key(kind: str, *parts: str) -> str:
    # Hashed so the table never holds email addresses or client addresses in clear.
    return hashlib.sha256("\x00".join((kind, *parts)).encode()).hexdigest()


def _limits(username: str, address: str) -> dict[str, int]:
    return {
        _key("account-at-address", username, address): int(settings.LOGIN_FAILURE_LIMIT),
        _key("account", username): int(settings.LOGIN_FAILURE_ACCOUNT_LIMIT),
    }


def _owners(username: str, address: str) -> dict[str, dict[str, str]]:
    account, where = _key("account", username), _key("address", address)
    pair_key, account_key = _limits(username, address)
    return {pair_key: {"account": account, "address": where}, account_key: {"account": account}}


def reserve_attempt(username: str, address: str) -> bool:
    """Count one attempt for the account at this address and for the account, unless a
    limit is already reached; True when the password may be checked.

    The rows are locked in key order (no deadlock between two attempts) and the whole
    decision happens while they are locked, so concurrent attempts queue here."""
    now = timezone.now()
    window_start = now - cool_off()
    limits = _limits(username, address)
    owners = _owners(username, address)
    with transaction.atomic():
        counters = []
        for key in sorted(limits):
            counter, _created = SignInCounter.objects.select_for_update().get_or_create(
                key=key, defaults={"window_start": now, "attempts": 0, **owners[key]}
            )
            if counter.window_start < window_start:  # an old window: start a new one
                counter.window_start, counter.attempts = now, 0
            counters.append(counter)
        if any(counter.attempts >= limits[counter.key] for counter in counters):
            return False
        for counter in counters:
            counter.attempts += 1
            counter.save(update_fields=["window_start", "attempts"])
    return True


def release_attempts(username: str, address: str) -> None:
    """After a successful sign-in: the account at this address starts afresh, and the
    account-wide count gives back the slot this attempt took."""
    pair_key, account_key = _limits(username, address)
    with transaction.atomic():
        SignInCounter.objects.filter(key=pair_key).delete()
        counter = SignInCounter.objects.select_for_update().filter(key=account_key).first()
        if counter is not None and counter.attempts > 0:
            counter.attempts -= 1
            counter.save(update_fields=["attempts"])


def forget_expired_counters() -> int:
    """Delete counters whose window has passed (they no longer count)."""
    deleted, _ = SignInCounter.objects.filter(window_start__lt=timezone.now() - cool_off()).delete()
    return deleted


class AtomicAxesHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """axes' database handler, with each attempt reserved atomically before the
    password is checked (see the module's docstring)."""

    def is_allowed(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        if not super().is_allowed(request, credentials):
            return False
        username = get_client_username(request, credentials)
        if not username:
            return True  # nothing to try a password against
        if reserve_attempt(username, request.axes_ip_address or ""):  # type: ignore[attr-defined]
            return True
        # Refused by our counter: flag it so axes' middleware shows the lockout page.
        request.axes_locked_out = True  # type: ignore[attr-defined]
        return False

    def user_logged_in(self, sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        super().user_logged_in(sender, request, user, **kwargs)
        release_attempts(
            attempted_username(request, {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}),
            request.axes_ip_address or "",  # type: ignore[attr-defined]
        )

    def reset_attempts(
        self,
        *,
        ip_address: str | None = None,
        username: str | None = None,
        ip_or_username: bool = False,
    ) -> int:
        """axes' reset commands and admin actions lift our counters too."""
        count = int(
            super().reset_attempts(
                ip_address=ip_address, username=username, ip_or_username=ip_or_username
            )
        )
        counters = SignInCounter.objects.all()
        account = _key("account", str(username or "").strip().lower())
        address = _key("address", str(ip_address or ""))
        if ip_or_username:
            counters = counters.filter(Q(account=account) | Q(address=address))
        else:
            if username:
                counters = counters.filter(account=account)
            if ip_address:
                counters = counters.filter(address=address)
        counters.delete()
        return count

    def clean_expired_user_attempts(
        self, request: HttpRequest | None = None, credentials: dict[str, Any] | None = None
    ) -> int:
        forget_expired_counters()
        return int(super().clean_expired_user_attempts(request, credentials))


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page shown instead of the sign-in form while a pause lasts (also on
    /admin/login/): plain, translated, with the way out."""
    minutes = max(1, round(cool_off().total_seconds() / 60))
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)

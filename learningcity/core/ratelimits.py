"""Rate limits for forms a visitor can repeat to cause work or email (django-ratelimit).

Use it on every view that creates an account, or sends an email to an address the
visitor typed::

    from learningcity.core import ratelimits

    @ratelimits.limit("email_to_typed_address", email_field="email")
    def ask_a_question(request, ...):
        if request.method == "POST" and ratelimits.is_limited(request):
            messages.error(request, ratelimits.LIMITED_MESSAGE)  # and change nothing
            ...

Rates are named per action in ``settings.RATELIMIT_RATES`` ("5/h" = five per hour), so
an operator can change them without touching code. Counts live in the default cache
(shared by every process; see settings ``CACHES``). Only POSTs count. With
``email_field`` a second limit applies to the typed address itself, so nobody can fill
another person's mailbox by changing addresses. The limited request still reaches the
view, which must answer with ``LIMITED_MESSAGE`` (status 429) and do nothing else."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_ratelimit.decorators import ratelimit

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])

LIMITED_MESSAGE = _(
    "You have sent this form many times in a short while. Please wait an hour and try again."
)
LIMITED_STATUS = 429


def rate_for(action: str) -> Callable[[str, HttpRequest], str]:
    """The configured rate of ``action``, read on each request (tests and operators can
    change it)."""

    def rate(group: str, request: HttpRequest) -> str:
        return str(settings.RATELIMIT_RATES[action])

    return rate


def typed_email(field: str) -> Callable[[str, HttpRequest], str]:
    """Key: the address typed in ``field``, as mail servers compare it (any case)."""

    def key(group: str, request: HttpRequest) -> str:
        return str(request.POST.get(field, "")).strip().lower()[:254]

    return key


def limit(action: str, *, email_field: str | None = None) -> Callable[[ViewFunc], ViewFunc]:
    """Count POSTs per client address (and per typed address with ``email_field``);
    over the rate, ``is_limited(request)`` is True for the rest of the window."""
    if action not in settings.RATELIMIT_RATES:
        raise KeyError(f"no rate named {action!r} in settings.RATELIMIT_RATES")

    def decorate(view: ViewFunc) -> ViewFunc:
        limited = ratelimit(
            group=f"learningcity:{action}:ip",
            key="ip",
            rate=rate_for(action),
            method="POST",
            block=False,
        )(view)
        if email_field:
            limited = ratelimit(
                group=f"learningcity:{action}:email",
                key=typed_email(email_field),
                rate=rate_for(action),
                method="POST",
                block=False,
            )(limited)
        return limited  # type: ignore[no-any-return]

    return decorate


def is_limited(request: HttpRequest) -> bool:
    return bool(getattr(request, "limited", False))

"""One-time participation by e-mail: in a budget whose ``who_may_vote`` is
"email_once", a visitor who is not signed in types an e-mail address, gets a signed
link (valid ``LINK_HOURS``), follows it and casts one secret ballot.

The address is never stored in clear: only an HMAC-SHA256 of the normalised address
(trimmed, lower case), keyed like the census (``census._key``: the setting
``PARTICIPATION_CENSUS_KEY`` or a key derived from ``SECRET_KEY``) and bound to the
budget. The link carries that hash (signed, with its time), not the address. An
``EmailVoter`` row (budget, hash) is written in the same transaction as the anonymous
ballot (``services.store_ballot``), exactly like ``HasVoted``: its unique constraint
refuses a second ballot with the same address, and nothing links it to the ballot."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from learningcity.core.audit import record_event
from learningcity.core.http import absolute_url

from . import census, services
from .models import Budget, EmailVoter, WhoMayVote

logger = logging.getLogger(__name__)

LINK_HOURS = 24
SALT = "learningcity.participation.email-vote"


def normalise_email(address: str) -> str:
    return (address or "").strip().lower()


def hash_email(budget: Budget, address: str) -> str:
    message = f"email-vote:{budget.pk}:{normalise_email(address)}".encode()
    return hmac.new(census._key(), message, hashlib.sha256).hexdigest()


def email_voter_row(budget: Budget, address: str) -> EmailVoter:
    return EmailVoter(budget=budget, email_hash=hash_email(budget, address))


def _refuse_unless_open(budget: Budget) -> None:
    if budget.who_may_vote != WhoMayVote.EMAIL_ONCE:
        raise ValidationError(_("This budget does not take votes by e-mail confirmation."))
    services.refuse_unless_voting_open(budget.process)


def make_token(budget: Budget, address: str) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"b": budget.pk, "h": hash_email(budget, address)}
    )


def read_token(budget: Budget, token: str) -> str:
    """The address hash a link carries; a clear refusal when it is expired, altered or
    for another budget."""
    try:
        data: Any = signing.TimestampSigner(salt=SALT).unsign_object(
            token, max_age=LINK_HOURS * 3600
        )
    except signing.SignatureExpired:
        raise ValidationError(
            _("This link has expired: links work for 24 hours. Ask for a new one below.")
        ) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationError(
            _("This link is not valid: it may have been cut or changed. Ask for a new one below.")
        ) from None
    if not isinstance(data, dict) or data.get("b") != budget.pk or not data.get("h"):
        raise ValidationError(
            _("This link is not valid: it may have been cut or changed. Ask for a new one below.")
        )
    return str(data["h"])


def has_voted(budget: Budget, email_hash: str) -> bool:
    return EmailVoter.objects.filter(budget=budget, email_hash=email_hash).exists()


def send_vote_link(*, budget: Budget, address: str, language: str = "") -> None:
    """E-mail a one-time voting link to ``address`` (which is not stored)."""
    _refuse_unless_open(budget)
    address = normalise_email(address)
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(
            {"email": _("Write an e-mail address such as name@example.org.")}
        ) from None
    process = budget.process
    link = absolute_url(
        reverse(
            "participation:budget_email_ballot",
            args=[process.city.slug, process.slug, budget.slug, make_token(budget, address)],
        )
    )
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _("Your link to vote in “%(budget)s”") % {"budget": budget.title}
        body = "\n\n".join(
            [
                _(
                    "Someone (we hope you) asked to vote in the participatory budget "
                    "“%(budget)s” of %(city)s with this e-mail address."
                )
                % {"budget": budget.title, "city": process.city.name},
                _("To see the projects and cast your vote, open this link:"),
                link,
                _(
                    "The link works for 24 hours. You can vote once with this address. Your "
                    "vote is secret: we keep only a coded mark that this address has voted, "
                    "never the address itself, and never with your choices."
                ),
                _("If you did not ask for this, ignore this e-mail: nothing will happen."),
            ]
        )
    try:
        EmailMessage(subject=subject, body=body, to=[address]).send()
    except Exception:
        logger.exception("could not send a voting link")
        raise ValidationError(
            _("We could not send the e-mail just now. Please try again later.")
        ) from None


def confirm_link(*, budget: Budget, token: str) -> str:
    """Check a followed link: the address hash, once the link is valid and the address
    has not voted. Nothing is written: opening a link again and again adds nothing to
    the audit (the vote is logged once, by ``cast_email_ballot``)."""
    _refuse_unless_open(budget)
    email_hash = read_token(budget, token)
    if has_voted(budget, email_hash):
        raise ValidationError(
            _("This e-mail address has already voted in this budget: each address votes once.")
        )
    return email_hash


def cast_email_ballot(*, budget: Budget, token: str, project_ids: Iterable[int]) -> None:
    """One anonymous ballot for the address the link confirms; a second is refused."""
    _refuse_unless_open(budget)
    email_hash = read_token(budget, token)
    projects = services.ballot_projects(budget, project_ids)
    services.store_ballot(
        budget,
        projects,
        [EmailVoter(budget=budget, email_hash=email_hash)],
        _("This e-mail address has already voted in this budget: each address votes once."),
    )
    # Once per address, as the "has voted" row is unique; without the address.
    record_event(
        None, "participation.email_vote_confirmed", city=budget.process.city, target=budget.title
    )

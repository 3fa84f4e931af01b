"""One-time participation by e-mail: a visitor who is not signed in confirms an address
through a signed link and votes once; the address is kept only as an HMAC, in a row
that, like HasVoted, has no link to the ballot; the ballots are counted."""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError

from learningcity.core.models import AuditEvent
from learningcity.participation import email_voting, services
from learningcity.participation.models import (
    Ballot,
    BallotChoice,
    EmailVoter,
    HasVoted,
    WhoMayVote,
)
from tests.conftest import client_for

from .conftest import make_budget, make_process

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_budget(process):
    return make_budget(process, slug="open-budget", who_may_vote=WhoMayVote.EMAIL_ONCE)


def _ids(budget, *codes):
    return [budget.projects.get(code=c).pk for c in codes]


def _url(budget, tail=""):
    p = budget.process
    return f"/{p.city.slug}/participate/{p.slug}/budgets/{budget.slug}/{tail}"


def _link_from_mail() -> str:
    body = mail.outbox[-1].body
    match = re.search(r"https?://\S+/budgets/\S+/email/(\S+)/", body)
    assert match, body
    return match.group(0)


def _path(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_a_visitor_confirms_an_address_and_votes_once_through_the_pages(client, open_budget):
    page = client.get(_url(open_budget))
    assert "Vote with your e-mail address" in page.content.decode()
    response = client.post(_url(open_budget, "email/"), {"email": " Ana@Example.org "})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ana@example.org"]
    assert "24 hours" in mail.outbox[0].body and "secret" in mail.outbox[0].body
    link = _path(_link_from_mail())
    assert "ana" not in link.lower()  # the link carries a hash, not the address
    ballot_page = client.get(link)
    assert ballot_page.status_code == 200
    assert "Cast my secret ballot" in ballot_page.content.decode()
    cast = client.post(link, {"projects": _ids(open_budget, "1", "2")})
    assert cast.status_code == 302
    ballot = Ballot.objects.get(budget=open_budget)
    assert sorted(ballot.choices.values_list("project__code", flat=True)) == ["1", "2"]
    voter = EmailVoter.objects.get(budget=open_budget)
    assert voter.email_hash == email_voting.hash_email(open_budget, "ana@example.org")
    assert not HasVoted.objects.exists()
    # The same link again: refused with a clear message, no 500, nothing stored.
    again = client.post(link, {"projects": _ids(open_budget, "3")})
    assert again.status_code == 400
    assert "already voted" in again.content.decode()
    assert client.get(link).status_code == 400
    assert Ballot.objects.count() == 1 and BallotChoice.objects.count() == 2


@pytest.mark.parametrize("variant", ["ANA@example.org", "  ana@EXAMPLE.org\t", "ana@example.org"])
def test_a_second_ballot_with_any_case_or_spacing_of_the_address_is_refused(open_budget, variant):
    first = email_voting.make_token(open_budget, "Ana@example.org")
    email_voting.cast_email_ballot(
        budget=open_budget, token=first, project_ids=_ids(open_budget, "1")
    )
    second = email_voting.make_token(open_budget, variant)
    with pytest.raises(ValidationError, match="already voted"):
        email_voting.cast_email_ballot(
            budget=open_budget, token=second, project_ids=_ids(open_budget, "2")
        )
    assert Ballot.objects.count() == 1 and EmailVoter.objects.count() == 1


def test_an_empty_email_ballot_is_refused_and_the_link_stays_usable(open_budget):
    token = email_voting.make_token(open_budget, "someone@example.org")
    with pytest.raises(ValidationError, match="at least one project"):
        email_voting.cast_email_ballot(budget=open_budget, token=token, project_ids=[])
    assert not EmailVoter.objects.exists()
    email_voting.cast_email_ballot(
        budget=open_budget, token=token, project_ids=_ids(open_budget, "4")
    )
    assert EmailVoter.objects.count() == 1


def test_nothing_of_the_address_is_kept_anywhere(open_budget):
    token = email_voting.make_token(open_budget, "secret.person@example.org")
    email_voting.confirm_link(budget=open_budget, token=token)
    email_voting.cast_email_ballot(
        budget=open_budget, token=token, project_ids=_ids(open_budget, "4")
    )
    assert {f.column for f in EmailVoter._meta.concrete_fields} == {
        "id",
        "budget_id",
        "email_hash",
    }
    assert EmailVoter._meta.pk.get_internal_type() == "UUIDField"
    stored = EmailVoter.objects.get()
    assert "secret" not in stored.email_hash and len(stored.email_hash) == 64
    for event in AuditEvent.objects.all():
        assert "secret.person" not in f"{event.target} {event.details}"
    assert AuditEvent.objects.filter(action="participation.email_vote_confirmed").count() == 1


def test_an_expired_link_gets_a_clear_message_and_no_vote(client, open_budget):
    made = time.time() - 24 * 3600 - 60  # a day and a minute ago
    with mock.patch("django.core.signing.time.time", return_value=made):
        token = email_voting.make_token(open_budget, "late@example.org")
    response = client.get(_url(open_budget, f"email/{token}/"))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    posted = client.post(_url(open_budget, f"email/{token}/"), {"projects": _ids(open_budget, "1")})
    assert posted.status_code == 400
    assert not Ballot.objects.exists() and not EmailVoter.objects.exists()


@pytest.mark.parametrize("mangle", ["cut", "swap", "garbage"])
def test_a_tampered_link_is_refused_without_a_500(client, open_budget, process, mangle):
    token = email_voting.make_token(open_budget, "someone@example.org")
    if mangle == "cut":
        token = token[:-3]
    elif mangle == "swap":
        other = make_budget(process, slug="other", who_may_vote=WhoMayVote.EMAIL_ONCE)
        token = email_voting.make_token(other, "someone@example.org")
    else:
        token = "not-a-token"
    response = client.get(_url(open_budget, f"email/{token}/"))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    posted = client.post(_url(open_budget, f"email/{token}/"), {"projects": _ids(open_budget, "1")})
    assert posted.status_code == 400
    assert not Ballot.objects.exists()


def test_a_signed_token_of_another_purpose_is_refused(open_budget):
    token = signing.TimestampSigner(salt="other").sign_object({"b": open_budget.pk, "h": "x"})
    with pytest.raises(ValidationError, match="not valid"):
        email_voting.read_token(open_budget, token)


def test_a_budget_under_the_process_rule_takes_no_email_votes(client, budget):
    assert client.get(_url(budget, "email/")).status_code == 302
    token = email_voting.make_token(budget, "a@example.org")
    with pytest.raises(ValidationError, match="does not take votes"):
        email_voting.cast_email_ballot(budget=budget, token=token, project_ids=_ids(budget, "1"))
    response = client.get(_url(budget, f"email/{token}/"))
    assert response.status_code == 400
    assert not Ballot.objects.exists()


def test_email_votes_are_closed_outside_the_voting_phase(city_a):
    closed = make_budget(
        make_process(city_a, "closed", open_all=False), who_may_vote=WhoMayVote.EMAIL_ONCE
    )
    with pytest.raises(ValidationError, match="Voting is closed"):
        email_voting.send_vote_link(budget=closed, address="a@example.org")
    assert not mail.outbox


def test_a_bad_address_is_refused_and_nothing_is_sent(client, open_budget):
    response = client.post(_url(open_budget, "email/"), {"email": "not an address"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not mail.outbox


def test_asking_for_links_is_rate_limited(client, open_budget, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "email_to_typed_address": "2/h"}
    for _n in range(2):
        assert (
            client.post(_url(open_budget, "email/"), {"email": "x@example.org"}).status_code == 302
        )
    limited = client.post(_url(open_budget, "email/"), {"email": "x@example.org"})
    assert limited.status_code == 429
    assert len(mail.outbox) == 2


def test_a_signed_in_resident_votes_as_today_and_cannot_vote_again_by_email(resident, open_budget):
    response = client_for(resident).post(_url(open_budget), {"projects": _ids(open_budget, "1")})
    assert response.status_code == 302
    assert HasVoted.objects.filter(user=resident).exists()
    token = email_voting.make_token(open_budget, resident.email.upper())
    with pytest.raises(ValidationError, match="already voted"):
        email_voting.cast_email_ballot(
            budget=open_budget, token=token, project_ids=_ids(open_budget, "2")
        )
    assert Ballot.objects.count() == 1


def test_an_address_that_voted_by_email_cannot_vote_again_signed_in(resident, open_budget):
    token = email_voting.make_token(open_budget, resident.email)
    email_voting.cast_email_ballot(
        budget=open_budget, token=token, project_ids=_ids(open_budget, "1")
    )
    with pytest.raises(ValidationError, match="already voted"):
        services.cast_ballot(actor=resident, budget=open_budget, project_ids=_ids(open_budget, "2"))
    assert Ballot.objects.count() == 1 and not HasVoted.objects.exists()


def test_an_over_budget_email_ballot_says_why_and_saves_nothing(open_budget):
    token = email_voting.make_token(open_budget, "a@example.org")
    with pytest.raises(ValidationError, match="more than the 1000 to share"):
        email_voting.cast_email_ballot(
            budget=open_budget, token=token, project_ids=_ids(open_budget, "1", "2", "3")
        )
    assert not EmailVoter.objects.exists() and not Ballot.objects.exists()


def test_email_ballots_are_counted_in_the_tally_and_results(client, resident, open_budget):
    services.cast_ballot(actor=resident, budget=open_budget, project_ids=_ids(open_budget, "2"))
    for n in range(3):
        token = email_voting.make_token(open_budget, f"voter{n}@example.org")
        email_voting.cast_email_ballot(
            budget=open_budget, token=token, project_ids=_ids(open_budget, "1", "2")
        )
    services.tally_budget(actor=None, budget=open_budget)
    assert open_budget.projects.get(code="1").votes == 3
    assert open_budget.projects.get(code="2").votes == 4
    assert len(services.budget_election(open_budget).votes) == 4
    page = client.get(_url(open_budget, "results/"))
    assert page.status_code == 200 and Ballot.objects.filter(budget=open_budget).count() == 4

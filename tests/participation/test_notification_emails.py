"""What people follow reaches them by e-mail as they chose: one daily digest (the
default), an e-mail for each notice, or none; each notice is e-mailed once."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from learningcity.participation import emails, services
from learningcity.participation.models import Notification
from tests.conftest import client_for, make_user

from .conftest import make_proposal

pytestmark = pytest.mark.django_db


def _answer(process, proposal, coordinator, capture, answer="Yes"):
    with capture(execute=True):
        services.answer_proposal(
            actor=coordinator, proposal=proposal, state="accepted", answer=answer
        )


def test_the_daily_digest_gathers_the_notices_once(
    process, coordinator_a, django_capture_on_commit_callbacks
):
    follower = make_user()
    first, second = make_proposal(process, title="Sunday opening"), make_proposal(process)
    for proposal in (first, second):
        services.follow(actor=follower, process=process, proposal=proposal)
    mail.outbox.clear()
    _answer(process, first, coordinator_a, django_capture_on_commit_callbacks)
    _answer(process, second, coordinator_a, django_capture_on_commit_callbacks)
    assert mail.outbox == []  # the digest waits for its hour
    assert emails.send_participation_digests() == 1
    (message,) = mail.outbox
    assert message.to == [follower.email]
    assert "2 updates" in message.subject
    assert "Sunday opening" in message.body and "/participate/notifications/" in message.body
    assert emails.send_participation_digests() == 0  # nothing is e-mailed twice
    assert not Notification.objects.filter(emailed_at=None).exists()


def test_instant_e_mails_go_at_once_and_none_means_none(
    process, coordinator_a, django_capture_on_commit_callbacks
):
    eager, quiet = make_user(), make_user()
    proposal = make_proposal(process)
    for person, choice in ((eager, "instant"), (quiet, "none")):
        services.follow(actor=person, process=process, proposal=proposal)
        services.set_notification_emails(actor=person, choice=choice)
    mail.outbox.clear()
    _answer(process, proposal, coordinator_a, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[eager.email]]
    assert emails.send_participation_digests() == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(user=quiet).count() == 1  # still on the site


def test_the_choice_is_made_on_the_notifications_page(city_a, resident):
    client = client_for(resident)
    url = f"/{city_a.slug}/participate/notifications/"
    page = client.get(url).content.decode()
    daily = re.search(r'<input[^>]*value="daily"[^>]*>', page)
    assert daily and "checked" in daily.group(0)  # the default, before any choice
    assert client.post(url, {"email": "instant"}).status_code == 302
    assert emails.email_choice([resident.pk]) == {resident.pk: "instant"}
    refused = client.post(url, {"email": "hourly"})
    assert refused.status_code == 400
    assert emails.email_choice([resident.pk]) == {resident.pk: "instant"}

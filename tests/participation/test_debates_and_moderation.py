"""Debates with threaded comments, for/against and sorting; reports, hiding and
restoring with reasons; the moderation queue; rate limits on posting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from learningcity.core.models import AuditEvent
from learningcity.participation import selectors, services
from learningcity.participation.models import Comment, Debate, Proposal, Report
from tests.conftest import client_for, make_user

from .conftest import make_proposal


def _url(process, tail=""):
    return f"/{process.city.slug}/participate/{process.slug}/{tail}"


@pytest.fixture
def debate(process, resident):
    return services.start_debate(
        actor=resident,
        process=process,
        title="Libraries on Sunday?",
        body="Should libraries open on Sundays?",
    )


def test_a_resident_starts_a_debate_through_the_page(process, resident):
    response = client_for(resident).post(
        _url(process, "debates/"), {"title": "Night school", "body": "Who would go?"}
    )
    assert response.status_code == 302
    assert Debate.objects.get().title == "Night school"


def test_an_empty_debate_is_refused(process, resident):
    response = client_for(resident).post(_url(process, "debates/"), {"title": "", "body": ""})
    assert response.status_code == 400
    assert not Debate.objects.exists()


def test_comments_thread_and_sort_by_best_newest_oldest(debate, neighbours, client):
    first = services.post_comment(actor=neighbours[0], debate=debate, body="Yes!", alignment=1)
    second = services.post_comment(actor=neighbours[1], debate=debate, body="No.", alignment=-1)
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=1))
    reply = services.post_comment(
        actor=neighbours[2], debate=debate, body="Why not?", parent=second
    )
    deeper = services.post_comment(
        actor=neighbours[3], debate=debate, body="Because.", parent=reply
    )
    assert deeper.parent == second  # threads are one level deep
    services.vote_comment(actor=neighbours[4], comment=second, value=1)
    services.vote_comment(actor=neighbours[5], comment=second, value=1)
    services.vote_comment(actor=neighbours[5], comment=second, value=1)  # once per person
    second.refresh_from_db()
    assert second.score == 2
    assert [c.pk for c in selectors.debate_with_comments(debate, "best")] == [second.pk, first.pk]
    assert [c.pk for c in selectors.debate_with_comments(debate, "newest")] == [second.pk, first.pk]
    assert [c.pk for c in selectors.debate_with_comments(debate, "oldest")] == [first.pk, second.pk]
    page = client.get(_url(debate.process, f"debates/{debate.pk}/?order=oldest")).content.decode()
    assert page.index("Yes!") < page.index("No.") < page.index("Why not?")
    assert ">For<" in page and ">Against<" in page


def test_a_comment_through_the_page_with_a_reply(debate, resident):
    client = client_for(resident)
    client.post(
        _url(debate.process, f"debates/{debate.pk}/"),
        {"body": "Top", "alignment": "1", "action": "comment"},
    )
    top = Comment.objects.get()
    client.post(
        _url(debate.process, f"debates/{debate.pk}/"),
        {"body": "Reply", "alignment": "0", "parent": top.pk, "action": "comment"},
    )
    assert Comment.objects.get(body="Reply").parent == top


@pytest.mark.parametrize(
    "data",
    [
        {"body": "", "alignment": "0"},
        {"body": "x", "alignment": "7"},
        {"body": "x", "alignment": "up"},
    ],
)
def test_a_bad_comment_is_refused(debate, resident, data):
    response = client_for(resident).post(_url(debate.process, f"debates/{debate.pk}/"), data)
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_report_hide_and_restore_with_reasons(process, resident, coordinator_a, client):
    proposal = make_proposal(process, title="Buy cheap pills")
    client_for(resident).post(
        _url(process, f"proposals/{proposal.pk}/report/"), {"reason": "spam", "details": "advert"}
    )
    report = Report.objects.get()
    assert report.proposal == proposal
    queue = client_for(coordinator_a).get(_url(process, "moderation/"))
    assert "Buy cheap pills" in queue.content.decode()
    assert client_for(resident).get(_url(process, "moderation/")).status_code == 403
    client_for(coordinator_a).post(
        _url(process, f"proposals/{proposal.pk}/hide/"), {"reason": "Advertising"}
    )
    proposal.refresh_from_db()
    assert proposal.is_hidden and proposal.hidden_reason == "Advertising"
    assert Proposal.objects.filter(pk=proposal.pk).exists()  # kept for the audit
    report.refresh_from_db()
    assert report.resolved_at is not None
    assert client.get(_url(process, f"proposals/{proposal.pk}/")).status_code == 410
    assert "Buy cheap pills" not in client.get(_url(process, "proposals/")).content.decode()
    client_for(coordinator_a).post(
        _url(process, f"proposals/{proposal.pk}/restore/"),
        {"reason": "Checked: a real pharmacy course"},
    )
    proposal.refresh_from_db()
    assert not proposal.is_hidden
    assert AuditEvent.objects.filter(action="participation.content_restored").exists()


def test_hiding_needs_a_reason_and_a_coordinator(process, resident, coordinator_a):
    proposal = make_proposal(process)
    assert (
        client_for(resident)
        .post(_url(process, f"proposals/{proposal.pk}/hide/"), {"reason": "x"})
        .status_code
        == 403
    )
    with pytest.raises(ValidationError):
        services.hide_content(actor=coordinator_a, target=proposal, reason="")


def test_a_hidden_comment_shows_its_reason_not_its_text(debate, neighbours, coordinator_a, client):
    comment = services.post_comment(actor=neighbours[0], debate=debate, body="Rude words")
    client_for(coordinator_a).post(
        _url(debate.process, f"debates/{debate.pk}/"),
        {"action": "hide", "comment": comment.pk, "reason": "Insults"},
    )
    page = client.get(_url(debate.process, f"debates/{debate.pk}/")).content.decode()
    assert "Rude words" not in page and "Insults" in page


def test_a_flood_of_proposals_is_stopped_by_the_rate_limit(process, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "participation_post": "3/h"}
    client = client_for(make_user())
    statuses = [
        client.post(
            _url(process, "proposals/new/"), {"title": f"Idea {i}", "body": "More", "publish": "1"}
        ).status_code
        for i in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert Proposal.objects.count() == 3

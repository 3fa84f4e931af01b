"""Every page answers, shares well (Open Graph, Atom), follows and notifies, and the
city page links what residents decided to what happened and what changed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from learningcity.monitoring.models import FrameworkNode
from learningcity.monitoring.queries import default_framework
from learningcity.participation import services
from learningcity.participation.models import FundingStatus, Notification, ProposalState
from tests.conftest import client_for
from tests.monitoring.factories import add_value

from .conftest import make_budget, make_process, make_proposal


def _url(process, tail=""):
    return f"/{process.city.slug}/participate/{process.slug}/{tail}"


@pytest.fixture
def indicator():
    return FrameworkNode.objects.get(framework=default_framework(), code="I1_1_1")


def test_every_page_answers_for_visitors_residents_and_coordinators(
    client, process, budget, resident, coordinator_a
):
    proposal = make_proposal(process, resident)
    debate = services.start_debate(actor=resident, process=process, title="T", body="B")
    city = process.city.slug
    public = [
        f"/{city}/participate/",
        _url(process),
        _url(process, "proposals/"),
        _url(process, f"proposals/{proposal.pk}/"),
        _url(process, "debates/"),
        _url(process, f"debates/{debate.pk}/"),
        _url(process, f"budgets/{budget.slug}/"),
        _url(process, f"budgets/{budget.slug}/results/"),
        _url(process, "accountability/"),
    ]
    for visitor in (client, client_for(resident), client_for(coordinator_a)):
        for url in public:
            assert visitor.get(url).status_code == 200, url
    for url in (
        f"/{city}/participate/verify/",
        f"/{city}/participate/notifications/",
        _url(process, "proposals/new/"),
    ):
        assert client_for(resident).get(url).status_code == 200, url
    for url in (f"/{city}/participate/census/", _url(process, "moderation/")):
        assert client_for(coordinator_a).get(url).status_code == 200, url


def test_the_city_page_links_to_taking_part(client, process):
    page = client.get(f"/{process.city.slug}/").content.decode()
    assert f"/{process.city.slug}/participate/" in page


def test_pages_carry_open_graph_and_twitter_cards(client, process):
    proposal = make_proposal(process, title="Book box")
    page = client.get(_url(process, f"proposals/{proposal.pk}/")).content.decode()
    assert '<meta property="og:title" content="Book box">' in page
    assert '<meta name="twitter:card" content="summary">' in page


def test_the_atom_feed_lists_new_proposals(client, process):
    make_proposal(process, title="Sunday opening")
    response = client.get(_url(process, "feed.atom"))
    assert response["Content-Type"].startswith("application/atom+xml")
    assert b"<title>Sunday opening</title>" in response.content


def test_following_a_process_brings_notifications(
    process, resident, coordinator_a, django_capture_on_commit_callbacks
):
    proposal = make_proposal(process)
    client_for(resident).post(_url(process, "follow/"), {"proposal": proposal.pk})
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_proposal(
            actor=coordinator_a, proposal=proposal, state="accepted", answer="Yes"
        )
    notice = Notification.objects.get(user=resident)
    assert "Accepted" in notice.text
    page = client_for(resident).get(f"/{process.city.slug}/participate/notifications/")
    assert "Accepted" in page.content.decode()
    client_for(resident).post(
        _url(process, "follow/"), {"proposal": proposal.pk, "action": "unfollow"}
    )
    assert not proposal.follow_set.exists()


def test_what_you_decided_what_happened_what_changed(
    client, process, budget, coordinator_a, indicator
):
    proposal = make_proposal(process, title="Adult literacy classes", state=ProposalState.ACCEPTED)
    add_value(process.city, indicator, 2024, 91.5)
    add_value(process.city, indicator, 2026, 94.0)
    services.record_result(
        actor=coordinator_a,
        process=process,
        title="Literacy classes run",
        status=FundingStatus.UNDER_WAY,
        progress=60,
        proposal=proposal,
        indicators=[indicator],
    )
    page = client.get(_url(process, "accountability/")).content.decode()
    assert "Adult literacy classes" in page and "Under way, 60%" in page
    assert "91.50 (2024)" in page and "94 (2026)" in page
    assert (
        "Literacy classes run"
        in client.get(_url(process, f"proposals/{proposal.pk}/")).content.decode()
    )


def test_a_result_refuses_bad_progress_and_other_processes(process, coordinator_a, city_b):
    with pytest.raises(ValidationError):
        services.record_result(
            actor=coordinator_a, process=process, title="X", status=FundingStatus.DONE, progress=140
        )
    other = make_proposal(make_process(city_b, "other"))
    with pytest.raises(ValidationError):
        services.record_result(
            actor=coordinator_a,
            process=process,
            title="X",
            status=FundingStatus.DONE,
            progress=10,
            proposal=other,
        )


def test_another_city_and_unknown_addresses_are_404s(client, process, city_b):
    assert client.get(f"/{city_b.slug}/participate/{process.slug}/").status_code == 404
    assert client.get(_url(process, "budgets/nope/")).status_code == 404
    assert client.get(_url(process, "debates/999/")).status_code == 404
    assert client.get(_url(process, "proposals/1/nonsense/")).status_code == 302  # sign in


def test_my_data_lists_what_i_did_but_no_ballot(process, budget, resident):
    import json

    from learningcity.core.services import export_personal_data

    make_proposal(process, resident, title="Mine")
    services.cast_ballot(actor=resident, budget=budget, project_ids=[budget.projects.first().pk])
    data = json.loads(export_personal_data(resident))["participation"]
    assert data["proposals"][0]["title"] == "Mine"
    assert data["voted_in_budgets"] == [f"{process.slug}/{budget.slug}"]
    assert "projects" not in json.dumps(data)


def test_erasing_an_account_keeps_proposals_without_their_author(process, budget, resident):
    from learningcity.core.services import erase_account
    from learningcity.participation.models import Ballot

    proposal = make_proposal(process, resident)
    services.cast_ballot(actor=resident, budget=budget, project_ids=[budget.projects.first().pk])
    erase_account(resident)
    proposal.refresh_from_db()
    assert proposal.author is None
    assert Ballot.objects.count() == 1


def test_arabic_pages_render(client, process):
    make_budget(process, slug="b2")
    response = client.get(_url(process), HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200


def test_the_back_office_opens_and_never_lists_ballots(site_admin, process, budget):
    client = client_for(site_admin)
    for url in (
        "/admin/participation/process/",
        f"/admin/participation/process/{process.pk}/change/",
        f"/admin/participation/budget/{budget.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/participation/ballot/").status_code == 404
    assert client.get("/admin/participation/hasvoted/").status_code == 404

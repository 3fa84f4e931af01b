"""Residents propose and support; the city answers; bad input saves nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from learningcity.core.models import AuditEvent
from learningcity.participation import selectors, services
from learningcity.participation.models import Follow, Notification, Proposal, ProposalState
from tests.conftest import client_for, make_user

from .conftest import make_process, make_proposal


def _url(process, tail=""):
    return f"/{process.city.slug}/participate/{process.slug}/{tail}"


def test_a_resident_publishes_a_proposal_through_the_page(resident, process):
    client = client_for(resident)
    response = client.post(
        _url(process, "proposals/new/"),
        {
            "title": "Evening classes at the library",
            "body": "For people who work days.",
            "publish": "1",
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/proposals/{proposal.pk}/")
    assert proposal.author == resident and proposal.state == ProposalState.PUBLISHED
    assert Follow.objects.filter(user=resident, proposal=proposal).exists()
    assert AuditEvent.objects.filter(action="participation.proposal_submitted").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "x"}, "This field is required."),
        ({"title": "x" * 151, "body": "x"}, "at most 150 characters"),
        ({"title": "Ok", "body": "y", "latitude": "95"}, "less than or equal to 90"),
        ({"title": "Ok", "body": "y", "latitude": "12"}, "Give both latitude and longitude"),
        ({"title": "Ok", "body": "y", "district": "99999"}, "Select a valid choice"),
    ],
)
def test_a_bad_proposal_is_refused_naming_the_field_and_saves_nothing(
    resident, process, data, message
):
    response = client_for(resident).post(_url(process, "proposals/new/"), {**data, "publish": "1"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Proposal.objects.exists()


def test_scripts_in_a_proposal_are_shown_as_text_never_run(resident, process, client):
    proposal = make_proposal(
        process,
        resident,
        title="<script>alert(1)</script>Title",
        body="Hello <script>alert(2)</script><img src=x onerror=alert(3)> **bold**",
    )
    page = client.get(_url(process, f"proposals/{proposal.pk}/")).content.decode()
    assert "<script>alert" not in page
    assert "<img" not in page and "onerror=alert(3)>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Title" in page
    assert "<strong>bold</strong>" in page


def test_a_proposal_after_the_phase_ended_is_refused(resident, city_a):
    process = make_process(city_a, open_all=False)
    response = client_for(resident).post(
        _url(process, "proposals/new/"), {"title": "Late", "body": "Too late", "publish": "1"}
    )
    assert response.status_code == 400
    assert "Proposals are not being taken in this phase." in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_phase_that_is_over_closes_proposals(resident, process):
    phase = process.phases.get()
    phase.starts_on = timezone.localdate() - timedelta(days=20)
    phase.ends_on = timezone.localdate() - timedelta(days=1)
    phase.save()
    with pytest.raises(ValidationError, match="not being taken"):
        services.submit_proposal(
            actor=resident, process=process, fields={"title": "A", "body": "B"}
        )


def test_reaching_the_threshold_moves_a_proposal_to_evaluation(
    process, neighbours, resident, django_capture_on_commit_callbacks
):
    proposal = make_proposal(process, resident)
    services.follow(actor=resident, process=process, proposal=proposal)
    for person in neighbours[:2]:
        services.support_proposal(actor=person, proposal=proposal)
    assert proposal.state == ProposalState.PUBLISHED
    client = client_for(neighbours[2])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(process, f"proposals/{proposal.pk}/support/"))
    proposal.refresh_from_db()
    assert proposal.support_count == 3
    assert proposal.state == ProposalState.EVALUATING
    assert Notification.objects.filter(user=resident).exists()


def test_a_second_support_by_the_same_person_is_refused(process, resident):
    proposal = make_proposal(process)
    services.support_proposal(actor=resident, proposal=proposal)
    with pytest.raises(ValidationError, match="already support"):
        services.support_proposal(actor=resident, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.support_count == 1


def test_the_city_answers_and_another_city_cannot(process, coordinator_a, coordinator_b):
    proposal = make_proposal(process)
    url = _url(process, f"proposals/{proposal.pk}/answer/")
    assert (
        client_for(coordinator_b).post(url, {"state": "accepted", "answer": "Yes"}).status_code
        == 403
    )
    client_for(coordinator_a).post(url, {"state": "accepted", "answer": "We will do it."})
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.ACCEPTED and proposal.answer == "We will do it."


def test_an_answer_to_reject_needs_words(process, coordinator_a):
    proposal = make_proposal(process)
    with pytest.raises(ValidationError):
        services.answer_proposal(
            actor=coordinator_a, proposal=proposal, state="rejected", answer=" "
        )


def test_only_the_author_withdraws(process, resident, neighbours):
    proposal = make_proposal(process, resident)
    with pytest.raises(ValidationError, match="Only the author"):
        services.withdraw_proposal(actor=neighbours[0], proposal=proposal)
    services.withdraw_proposal(actor=resident, proposal=proposal)
    assert proposal.state == ProposalState.WITHDRAWN


def test_similar_proposals_are_suggested_while_writing(process, resident):
    garden = make_proposal(
        process,
        title="Reading garden in the park",
        body="A reading garden with benches and books in the park.",
    )
    make_proposal(process, title="Coding club for girls", body="Weekly coding club at school.")
    response = client_for(resident).post(
        _url(process, "proposals/new/"),
        {
            "title": "Garden for reading",
            "body": "Books and benches in the park garden",
            "check": "1",
        },
    )
    assert response.status_code == 200
    assert (
        selectors.similar_proposals(process, "Garden for reading", "benches park books")[0]
        == garden
    )
    assert "Similar proposals" in response.content.decode()
    assert not Proposal.objects.filter(title="Garden for reading").exists()


def test_the_list_filters_counts_and_reads_a_fixed_number_of_queries(
    client, process, north, django_assert_max_num_queries
):
    from tests.conftest import make_district

    for slug in ("south", "east", "west"):  # the district filter lists them all
        make_district(process.city, slug)
    for i in range(30):
        make_proposal(
            process,
            title=f"Idea {i}",
            district=north if i % 2 else None,
            state=ProposalState.ACCEPTED if i % 3 == 0 else ProposalState.PUBLISHED,
        )
    with django_assert_max_num_queries(8):
        page = client.get(_url(process, "proposals/"), {"district": "north", "state": "accepted"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "5 proposals" in text  # odd i divisible by 3 below 30: 3 9 15 21 27
    assert "Accepted: 5" in text and "Open for support: 10" in text


@pytest.mark.parametrize(
    "query",
    [
        {"page": "x"},
        {"page": "9999"},
        {"state": "nope"},
        {"district": "<b>"},
        {"q": "\x00%"},
        {"order": "'; drop"},
    ],
)
def test_any_typed_filter_gives_a_page_not_a_500(client, process, query):
    assert client.get(_url(process, "proposals/"), query).status_code == 200


def test_another_citys_proposal_is_a_404(client, process, city_b):
    other = make_proposal(make_process(city_b, "other"))
    assert client.get(_url(process, f"proposals/{other.pk}/")).status_code == 404


def test_an_organisation_endorses_a_proposal(process, city_a):
    from learningcity.catalogue.models import Provider, ProviderMembership, Sector

    provider = Provider.objects.create(
        city=city_a, slug="lib", name="City Library", sector=Sector.choices[0][0]
    )
    staff = make_user()
    ProviderMembership.objects.create(provider=provider, user=staff)
    proposal = make_proposal(process)
    client_for(staff).post(
        _url(process, f"proposals/{proposal.pk}/endorse/"), {"provider": provider.pk}
    )
    assert proposal.endorsements.get().provider == provider
    outsider = make_user()
    with pytest.raises(ValidationError):
        services.endorse_proposal(actor=outsider, proposal=proposal, provider=provider)

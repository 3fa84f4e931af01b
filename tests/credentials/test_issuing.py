"""Issuing on completion only, whole or not at all, with only what the person agreed
to show; revoking with a reason; batches with progress."""

import pytest
from django.db import IntegrityError

from learningcity.core.models import AuditEvent
from learningcity.credentials import services
from learningcity.credentials.models import (
    Achievement,
    AssessmentResult,
    HolderChoice,
    IssueBatch,
    IssuedCredential,
    StatusList,
)
from tests.conftest import make_user
from tests.credentials.conftest import attend

pytestmark = pytest.mark.django_db


def test_someone_who_did_not_complete_is_refused_with_the_reason(issue, dropout):
    with pytest.raises(services.NotEligible, match="Attended 1 of 4 sessions; 75% are needed"):
        issue(dropout)
    assert not IssuedCredential.objects.exists()
    assert not AuditEvent.objects.filter(action="credentials.issued").exists()


def test_completers_are_those_over_the_threshold_without_a_credential(
    issue, badge, learner, dropout
):
    assert services.completers(badge) == [learner]
    issue(learner)
    assert services.completers(badge) == []


def test_a_second_live_credential_for_the_same_badge_is_refused(issue, learner):
    issue(learner)
    with pytest.raises(services.NotEligible, match="already holds"):
        issue(learner)
    assert IssuedCredential.objects.count() == 1


def test_nothing_is_half_issued_when_signing_fails(issue, learner, monkeypatch):
    issue(learner)  # the key and the status list exist
    before = StatusList.objects.get().next_index

    def broken(*args, **kwargs):
        raise RuntimeError("signing failed")

    monkeypatch.setattr(services.dataintegrity, "sign", broken)
    other = make_user()
    attend(other, learner.enrolments.first().session.opportunity, 4)
    with pytest.raises(RuntimeError):
        issue(other)
    assert IssuedCredential.objects.count() == 1
    assert StatusList.objects.get().next_index == before
    assert AuditEvent.objects.filter(action="credentials.issued").count() == 1


def test_the_name_is_shown_only_when_the_person_agreed(issue, learner, course):
    hidden = issue(learner).document["credentialSubject"]["identifier"]
    assert [each["identityType"] for each in hidden] == ["emailAddress"]
    assert hidden[0]["hashed"] is True and "amal" not in str(hidden)
    other = make_user("rania@example.org", display_name="Rania Khalil")
    attend(other, course, 4)
    HolderChoice.objects.create(user=other, show_name=True, group="woman")
    credential = issue(other)
    shown = credential.document["credentialSubject"]["identifier"]
    assert shown[1] == {
        "type": "IdentityObject",
        "hashed": False,
        "identityHash": "Rania Khalil",
        "identityType": "name",
    }
    assert credential.group == "woman"
    assert "rania@example.org" not in str(credential.document)


def test_an_assessment_badge_needs_a_passed_result_by_someone_else(provider, staff, learner):
    badge = Achievement.objects.create(
        city=provider.city,
        provider=provider,
        name="Safety",
        description="d",
        criteria="c",
        basis=Achievement.Basis.ASSESSMENT,
    )
    with pytest.raises(services.NotEligible, match="No assessment result"):
        services.issue_credential(actor=staff, achievement=badge, person=learner)
    services.record_assessment(actor=staff, achievement=badge, person=learner, passed=False)
    with pytest.raises(services.NotEligible, match="not passed"):
        services.issue_credential(actor=staff, achievement=badge, person=learner)
    with pytest.raises(services.NotEligible, match="own assessment"):
        services.record_assessment(actor=learner, achievement=badge, person=learner, passed=True)
    services.record_assessment(actor=staff, achievement=badge, person=learner, passed=True)
    assert AssessmentResult.objects.get().passed
    assert services.issue_credential(actor=staff, achievement=badge, person=learner)


def test_revoking_needs_a_reason_flips_the_bit_and_re_signs_the_list(issue, learner, staff):
    credential = issue(learner)
    with pytest.raises(services.NotEligible):
        services.revoke_credential(actor=staff, credential=credential, reason="  ")
    services.revoke_credential(actor=staff, credential=credential, reason="Wrong person")
    listed = StatusList.objects.get()
    from learningcity.credentials.vc import dataintegrity, statuslist

    dataintegrity.verify(listed.document)
    bits = statuslist.decode(listed.document["credentialSubject"]["encodedList"])
    assert statuslist.get_bit(bits, credential.status_index)
    with pytest.raises(services.NotEligible, match="already revoked"):
        services.revoke_credential(actor=staff, credential=credential, reason="again")
    # Revoked: a new credential may be issued to the same person.
    assert issue(learner).pk != credential.pk


def test_a_batch_issues_to_everyone_who_completed_and_counts_progress(
    badge, staff, course, learner, dropout, django_capture_on_commit_callbacks
):
    people = [make_user() for _ in range(5)]
    for person in people:
        attend(person, course, 4)
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.request_batch(actor=staff, achievement=badge)
    batch = IssueBatch.objects.get(pk=batch.pk)
    assert (batch.status, batch.total, batch.issued, batch.percent) == ("done", 6, 6, 100)
    assert IssuedCredential.objects.count() == 6
    assert not IssuedCredential.objects.filter(holder=dropout).exists()
    indexes = list(IssuedCredential.objects.values_list("status_index", flat=True))
    assert len(set(indexes)) == 6


def test_the_database_refuses_two_live_credentials_for_one_person(issue, learner):
    credential = issue(learner)
    credential.pk = None
    credential.status_index = 99
    from uuid import uuid4

    credential.public_id = uuid4()
    with pytest.raises(IntegrityError):
        credential.save()

"""Invitations: made once per person and attended session, e-mailed once in the
person's language, listed on "My learning" until answered."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from learningcity.catalogue.models import Enrolment, EnrolmentStatus
from learningcity.quality import invitations
from learningcity.quality.models import FeedbackInvitation
from tests.catalogue.factories import make_opportunity, make_provider, make_session
from tests.conftest import client_for, make_user
from tests.quality.helpers import FORM, attend, past_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(city_a):
    return make_opportunity(make_provider(city_a), title="Pottery for adults")


def test_attended_learner_is_invited_once_by_email_in_their_language(course):
    learner = make_user(preferred_language="fr")
    session = past_session(course)
    attend(session, learner)

    assert invitations.send_feedback_invitations() == 1
    assert invitations.send_feedback_invitations() == 0  # a second run sends nothing

    invitation = FeedbackInvitation.objects.get()
    assert (invitation.user, invitation.session) == (learner, session)
    assert invitation.emailed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [learner.email]
    assert "Pottery for adults" in message.subject
    assert str(invitation.public_id) in message.body
    html = message.alternatives[0][0]
    assert 'lang="fr"' in html


def test_the_periodic_task_is_idempotent(course):
    from learningcity.periodic import send_feedback_invitations

    session = past_session(course)
    attend(session, make_user())
    attend(session, email="guest@example.org")
    send_feedback_invitations.call_local()
    send_feedback_invitations.call_local()
    assert FeedbackInvitation.objects.count() == 2
    assert sorted(address for message in mail.outbox for address in message.to)[0] == (
        "guest@example.org"
    )
    assert len(mail.outbox) == 2


def test_only_attended_finished_sessions_are_asked_about(course):
    no_show = make_user()
    Enrolment.objects.create(
        session=past_session(course), user=no_show, status=EnrolmentStatus.CONFIRMED
    )
    coming = make_session(course)  # next week
    attend(coming, make_user())
    cancelled = past_session(course)
    cancelled.is_cancelled = True
    cancelled.save()
    attend(cancelled, make_user())
    assert invitations.send_feedback_invitations() == 0
    assert not FeedbackInvitation.objects.exists()


def test_attendance_recorded_long_ago_is_not_asked_about(course):
    enrolment = attend(past_session(course, days_ago=90), make_user())
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status_changed_at=timezone.now() - timedelta(days=89)
    )
    assert invitations.send_feedback_invitations() == 0


def test_a_failed_email_is_tried_again_next_time(course, settings):
    attend(past_session(course), make_user())
    settings.EMAIL_BACKEND = "tests.quality.failing_mail.Backend"
    assert invitations.send_feedback_invitations() == 0
    assert FeedbackInvitation.objects.get().emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert invitations.send_feedback_invitations() == 1


def test_my_learning_lists_the_invitation_until_answered(city_a, course):
    learner = make_user()
    session = past_session(course)
    attend(session, learner)
    invitations.send_feedback_invitations()
    invitation = FeedbackInvitation.objects.get()
    client = client_for(learner)

    page = client.get(f"/{city_a.slug}/learn/my/").content.decode()
    assert "Give feedback" in page
    assert f"/{city_a.slug}/quality/feedback/{invitation.public_id}/" in page

    client.post(f"/{city_a.slug}/quality/feedback/{invitation.public_id}/", FORM)
    page = client.get(f"/{city_a.slug}/learn/my/").content.decode()
    assert "Give feedback" not in page


def test_my_learning_shows_nobody_elses_invitation(city_a, course):
    session = past_session(course)
    attend(session, make_user())
    invitations.send_feedback_invitations()
    page = client_for(make_user()).get(f"/{city_a.slug}/learn/my/").content.decode()
    assert "Give feedback" not in page

"""The feedback form: saved once, only from people who came, refusing HTML and
contact details with a message that says what to remove, nothing saved on refusal."""

import pytest

from learningcity.catalogue.models import EnrolmentStatus
from learningcity.quality import services
from learningcity.quality.models import CommentStatus, Feedback
from tests.catalogue.factories import make_opportunity, make_provider
from tests.conftest import make_city, make_user
from tests.quality.helpers import FORM, attend, invite, past_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitation(city_a):
    session = past_session(make_opportunity(make_provider(city_a), title="Bread baking"))
    learner = make_user()
    attend(session, learner)
    return invite(session, learner)


def url(invitation, city_slug=None):
    return f"/{city_slug or invitation.city.slug}/quality/feedback/{invitation.public_id}/"


def test_form_has_accessible_radio_groups_and_works_without_javascript(client, invitation):
    page = client.get(url(invitation)).content.decode()
    main = page.split("<main")[1].split("</main>")[0]
    assert main.count('<fieldset class="field radio-group') == 3
    assert "<legend>Was it useful to you?</legend>" in page
    assert 'type="radio" name="useful" value="5"' in page
    assert "<script" not in main


def test_feedback_is_saved_once_without_the_learner_or_the_date(client, invitation):
    response = client.post(url(invitation), {**FORM, "comment": "Warm and clear."})
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.useful, feedback.accessible, feedback.recommend) == (4, 5, "yes")
    assert feedback.comment_status == CommentStatus.PENDING
    assert feedback.year == invitation.session.starts_at.year
    assert len(feedback.once_key) == 64
    field_names = {field.name for field in Feedback._meta.get_fields()}
    assert not field_names & {"user", "session", "invitation", "created_at", "enrolment"}
    invitation.refresh_from_db()
    assert invitation.answered

    again = client.post(url(invitation), {**FORM, "useful": "1"})
    assert again.status_code == 200
    assert "Thank you for your feedback" in again.content.decode()
    assert Feedback.objects.count() == 1
    assert Feedback.objects.get().useful == 4


def test_the_service_refuses_a_second_answer_even_past_the_flag(invitation):
    answers = services.Answers(3, 3, "no")
    services.give_feedback(invitation=invitation, answers=answers)
    # Even if the invitation's flag were lost, the keyed hash refuses a second row.
    type(invitation).objects.filter(pk=invitation.pk).update(answered=False)
    with pytest.raises(services.FeedbackRefused, match="already given feedback"):
        services.give_feedback(invitation=invitation, answers=answers)
    assert Feedback.objects.count() == 1


def test_someone_not_recorded_as_attending_is_refused(client, invitation):
    invitation.session.enrolments.update(status=EnrolmentStatus.CONFIRMED)
    page = client.get(url(invitation))
    assert page.status_code == 403
    assert "recorded as attending" in page.content.decode()
    assert client.post(url(invitation), FORM).status_code == 403
    with pytest.raises(services.FeedbackRefused, match="recorded as attending"):
        services.give_feedback(invitation=invitation, answers=services.Answers(4, 4, "yes"))
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("comment", "named"),
    [
        ("Great <b>teacher</b>", "“&lt;b&gt;”"),
        ("<script>alert(1)</script>", "“&lt;script&gt;”"),
        ("Write to me: maria.lopez@example.org", "maria.lopez@example.org"),
        ("Call me on +353 21 455 0000 please", "+353 21 455 0000"),
        ("my number 087-123-4567", "087-123-4567"),
    ],
)
def test_comments_with_html_or_contact_details_are_refused(client, invitation, comment, named):
    response = client.post(url(invitation), {**FORM, "comment": comment})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please remove" in page
    assert named in page
    assert 'href="#id_comment"' in page  # the error summary leads to the field
    assert not Feedback.objects.exists()
    invitation.refresh_from_db()
    assert not invitation.answered


def test_dates_and_small_numbers_are_not_taken_for_phone_numbers(client, invitation):
    comment = "From 12.03.2025 to 2025-04-30, 10 sessions of 2 hours, room 101."
    assert client.post(url(invitation), {**FORM, "comment": comment}).status_code == 302
    assert Feedback.objects.get().comment == comment


@pytest.mark.parametrize(
    "form",
    [
        {**FORM, "useful": "9"},
        {**FORM, "accessible": ""},
        {**FORM, "recommend": "maybe"},
        {**FORM, "useful": "four"},
        {**FORM, "comment": "x" * 1001},
        {**FORM, "comment": "nul\x00byte"},
    ],
)
def test_bad_answers_are_refused_with_nothing_saved(client, invitation, form):
    response = client.post(url(invitation), form)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not Feedback.objects.exists()


def test_missing_answers_link_to_the_first_radio(client, invitation):
    page = client.post(url(invitation), {"comment": ""}).content.decode()
    assert 'href="#id_useful_0"' in page
    assert "Choose one answer." in page


def test_another_citys_address_or_an_unknown_link_is_not_found(client, invitation):
    make_city("beta")
    assert client.get(url(invitation, "beta")).status_code == 404
    assert client.post(url(invitation, "beta"), FORM).status_code == 404
    assert client.get(f"/{invitation.city.slug}/quality/feedback/not-a-uuid/").status_code == 404
    assert not Feedback.objects.exists()


def test_a_closed_invitation_is_refused(client, invitation):
    from datetime import timedelta

    from django.utils import timezone

    type(invitation).objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(days=61)
    )
    assert client.post(url(invitation), FORM).status_code == 403
    assert not Feedback.objects.exists()

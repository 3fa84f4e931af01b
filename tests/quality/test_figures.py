"""What providers, the city and the public see: nothing below the minimum number of
answers, no figure that could be subtracted to reveal a small group, completion, the
city's median, moderation, the KFLC indicators and personal data."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from learningcity.catalogue.models import TOPICS, Enrolment, EnrolmentStatus
from learningcity.core.services import erase_account, export_personal_data
from learningcity.monitoring.derived import DERIVED, derived_values
from learningcity.quality import figures
from learningcity.quality.models import CommentStatus, Feedback, FeedbackInvitation
from tests.catalogue.factories import make_opportunity, make_provider, make_site, make_staff
from tests.conftest import client_for, make_district, make_user
from tests.quality.helpers import answers, attend, invite, past_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(city_a):
    district = make_district(city_a, "north", name="North")
    provider = make_provider(city_a, name="Alpha Libraries", slug="alpha-libraries")
    site = make_site(city_a, district=district)
    staff = make_user("staff@example.org")
    make_staff(provider, staff)
    baking = make_opportunity(
        provider, title="Bread baking", slug="bread", site=site, topics=TOPICS.to_mask(["crafts"])
    )
    chess = make_opportunity(provider, title="Chess club", slug="chess")
    return {"provider": provider, "staff": staff, "baking": baking, "chess": chess}


def provider_page(city, user, slug="alpha-libraries"):
    return client_for(user).get(f"/{city.slug}/quality/providers/{slug}/")


def test_below_the_minimum_the_provider_sees_nothing_that_identifies(city_a, setting):
    session = past_session(setting["baking"])
    for feedback in answers(session, 4, useful=2, comment="The teacher, Maria, was late."):
        Feedback.objects.filter(pk=feedback.pk).update(comment_status=CommentStatus.APPROVED)
    page = provider_page(city_a, setting["staff"]).content.decode()
    assert "Not enough answers yet" in page
    assert "Maria" not in page
    assert ">4<" not in page  # not even the count
    assert "2.0" not in page and ">2<" not in page


def test_at_the_minimum_figures_and_approved_comments_appear(city_a, setting):
    session = past_session(setting["baking"])
    given = answers(session, 5, useful=5, accessible=3, comment="Lovely bread.")
    Feedback.objects.filter(pk=given[0].pk).update(comment_status=CommentStatus.APPROVED)
    Feedback.objects.filter(pk=given[1].pk).update(comment="Waiting comment")
    page = provider_page(city_a, setting["staff"]).content.decode()
    assert "Bread baking" in page
    assert '<td class="num">5</td><td class="num">5.0</td><td class="num">3.0</td>' in page
    assert "Lovely bread." in page
    assert "Waiting comment" not in page  # pending comments are the city's until checked


def test_provider_total_leaves_out_opportunities_below_the_minimum(city_a, setting):
    answers(past_session(setting["baking"]), 5, useful=5)
    answers(past_session(setting["chess"]), 1, useful=1)
    rows = {row.key: row for row in figures.grouped_rows(city_a, "provider")}
    total = rows["alpha-libraries"].tally
    assert (total.answers, total.mean_useful) == (5, 5.0)  # the single answer is not in it
    assert (
        figures.yearly_tallies(city_a, [past_session(setting["chess"]).starts_at.year])[
            past_session(setting["chess"]).starts_at.year
        ].answers
        == 5
    )


def test_completion_is_the_share_of_those_with_a_place_who_came(city_a, setting):
    session = past_session(setting["baking"])
    attend(session, make_user())
    attend(session, make_user())
    Enrolment.objects.create(session=session, user=make_user(), status=EnrolmentStatus.CONFIRMED)
    Enrolment.objects.create(session=session, user=make_user(), status=EnrolmentStatus.CANCELLED)
    untaken = past_session(setting["chess"])  # attendance never taken: left out
    Enrolment.objects.create(session=untaken, user=make_user(), status=EnrolmentStatus.CONFIRMED)
    completion = figures.completion_by_opportunity(city_a)
    assert (
        completion[setting["baking"].pk].attended,
        completion[setting["baking"].pk].enrolled,
    ) == (
        2,
        3,
    )
    assert setting["chess"].pk not in completion
    page = provider_page(city_a, setting["staff"]).content.decode()
    assert "67% (2 of 3)" in page


def test_provider_sees_the_city_median_beside_its_own(city_a, setting):
    answers(past_session(setting["baking"]), 5, useful=4)
    other = make_provider(city_a, slug="other")
    answers(past_session(make_opportunity(other, title="Yoga")), 5, useful=2)
    page = provider_page(city_a, setting["staff"]).content.decode()
    assert "City median (providers)" in page
    assert '<td class="num">3.0</td>' in page  # median of 4.0 and 2.0
    assert "Yoga" not in page  # another provider's opportunity is not listed


def test_other_providers_staff_and_strangers_cannot_see_a_provider(city_a, city_b, setting):
    other = make_provider(city_a, slug="other")
    their_staff = make_user()
    make_staff(other, their_staff)
    assert provider_page(city_a, their_staff).status_code == 403
    assert provider_page(city_a, make_user()).status_code == 403
    from django.test import Client

    assert Client().get(f"/{city_a.slug}/quality/providers/alpha-libraries/").status_code == 302
    # The same provider's slug under another city's address is not found.
    assert provider_page(city_b, setting["staff"]).status_code == 404
    # Their own staff is sent straight to their one provider.
    response = client_for(setting["staff"]).get(f"/{city_a.slug}/quality/providers/")
    assert response.url.endswith("/quality/providers/alpha-libraries/")


def test_city_sees_quality_by_each_dimension_and_downloads_it(city_a, coordinator_a, setting):
    answers(past_session(setting["baking"]), 6, useful=4, recommend="no")
    client = client_for(coordinator_a)
    for by, label in [
        ("provider", "Alpha Libraries"),
        ("topic", "Crafts and practical skills"),
        ("district", "North"),
        ("group", "Not aimed at a particular group"),
    ]:
        page = client.get(f"/{city_a.slug}/quality/?by={by}").content.decode()
        assert label in page, by
        assert '<td class="num">6</td><td class="num">4.0</td>' in page
    response = client.get(f"/{city_a.slug}/quality/quality.csv?by=district")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["district", "label", "opportunities", "answers"]
    assert rows[1][:7] == ["north", "North", "1", "6", "4.0", "4.0", "0.0"]


def test_csv_cells_cannot_run_as_formulas(city_a, coordinator_a):
    provider = make_provider(city_a, name="=HYPERLINK(1)", slug="formula")
    answers(past_session(make_opportunity(provider)), 5)
    body = client_for(coordinator_a).get(f"/{city_a.slug}/quality/quality.csv").content.decode()
    assert "'=HYPERLINK(1)" in body


def test_city_pages_are_the_citys_own(city_a, city_b, coordinator_b, setting):
    staff_client = client_for(setting["staff"])
    assert staff_client.get(f"/{city_a.slug}/quality/").status_code == 403
    assert staff_client.get(f"/{city_a.slug}/quality/moderation/").status_code == 403
    other = client_for(coordinator_b)
    assert other.get(f"/{city_a.slug}/quality/").status_code == 403
    assert other.get(f"/{city_a.slug}/quality/quality.csv").status_code == 403


def test_moderation_approves_or_rejects_with_a_reason(
    city_a, city_b, coordinator_a, coordinator_b, setting
):
    first, second = answers(past_session(setting["baking"]), 2, comment="Helpful and kind.")
    client = client_for(coordinator_a)
    queue = client.get(f"/{city_a.slug}/quality/moderation/").content.decode()
    assert "Helpful and kind." in queue and "2 comments waiting" in queue

    refused = client.post(
        f"/{city_a.slug}/quality/moderation/{first.pk}/", {f"c{first.pk}-decision": "reject"}
    )
    assert refused.status_code == 400
    assert "Choose why the comment is not shown." in refused.content.decode()
    first.refresh_from_db()
    assert first.comment_status == CommentStatus.PENDING

    client.post(
        f"/{city_a.slug}/quality/moderation/{first.pk}/",
        {f"c{first.pk}-decision": "reject", f"c{first.pk}-reason": "personal"},
    )
    client.post(
        f"/{city_a.slug}/quality/moderation/{second.pk}/", {f"c{second.pk}-decision": "approve"}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.comment_status, first.rejection_reason) == (CommentStatus.REJECTED, "personal")
    assert second.comment_status == CommentStatus.APPROVED

    # Another city's coordinator cannot decide on this city's comments.
    third = answers(past_session(setting["chess"]), 1, comment="Fun.")[0]
    response = client_for(coordinator_b).post(
        f"/{city_b.slug}/quality/moderation/{third.pk}/", {f"c{third.pk}-decision": "approve"}
    )
    assert response.status_code == 404
    third.refresh_from_db()
    assert third.comment_status == CommentStatus.PENDING


def test_finder_shows_the_rating_from_the_minimum_in_one_cached_query(client, city_a, setting):
    page_url = f"/{city_a.slug}/learn/opportunities/bread/"
    session = past_session(setting["baking"])
    answers(session, 4, useful=5)
    assert "Learners rate" not in client.get(page_url).content.decode()
    answers(session, 1, useful=3)  # saving an answer clears the cached rating
    page = client.get(page_url).content.decode()
    assert "Learners rate its usefulness 4.6 out of 5 (5 answers)." in page
    with CaptureQueriesContext(connection) as queries:
        client.get(page_url)
    assert not [query for query in queries if "quality_feedback" in query["sql"]]


def test_kflc_indicators_are_registered_with_their_formula_and_values(client, city_a, setting):
    session = past_session(setting["baking"])
    year = session.starts_at.year
    keys = ["quality_average_usefulness", "quality_share_recommend", "quality_completion_rate"]
    assert all(DERIVED[key].available and DERIVED[key].formula for key in keys)
    answers(session, 4, useful=5)
    values = derived_values(city_a, keys, [year])
    assert values[("quality_average_usefulness", year)] is None  # below the minimum
    assert values[("quality_completion_rate", year)] == 100.0
    answers(session, 1, useful=0 + 5, recommend="no")
    values = derived_values(city_a, keys, [year])
    assert values[("quality_average_usefulness", year)] == 5.0
    assert values[("quality_share_recommend", year)] == 80.0
    page = client.get(f"/{city_a.slug}/monitoring/computed/").content.decode()
    assert "Average usefulness rating given by learners" in page


def test_erasure_keeps_the_answers_but_not_the_link(city_a, setting):
    learner = make_user()
    session = past_session(setting["baking"])
    attend(session, learner)
    invitation = invite(session, learner)
    from learningcity.quality import services

    services.give_feedback(
        invitation=invitation, answers=services.Answers(5, 4, "yes", "Good fun.")
    )
    exported = export_personal_data(learner)
    assert '"comment": "Good fun."' in exported
    erase_account(learner)
    feedback = Feedback.objects.get()
    assert feedback.once_key is None
    assert (feedback.useful, feedback.comment) == (5, "Good fun.")
    assert not FeedbackInvitation.objects.exists()

"""Surveys (question types, results, CSV), sortition with quotas and a published seed,
assemblies with meetings and minutes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from learningcity.participation import sortition as panels
from learningcity.participation import surveys
from learningcity.participation.models import (
    Answer,
    Assembly,
    AssemblyMeeting,
    HasAnswered,
    Question,
    QuestionKind,
    Sortition,
    Survey,
    SurveyResponse,
    Volunteer,
)
from tests.conftest import client_for, make_district, make_user


@pytest.fixture
def survey(process):
    survey = Survey.objects.create(process=process, slug="habits", title="Learning habits")
    Question.objects.create(
        survey=survey,
        position=1,
        text="Where do you learn?",
        kind=QuestionKind.MULTIPLE,
        options=["Library", "Online", "Work"],
    )
    Question.objects.create(
        survey=survey,
        position=2,
        text="Main language?",
        kind=QuestionKind.SINGLE,
        options=["English", "Arabic"],
    )
    Question.objects.create(
        survey=survey, position=3, text="How satisfied?", kind=QuestionKind.SCALE
    )
    Question.objects.create(
        survey=survey, position=4, text="Anything else?", kind=QuestionKind.LONG, required=False
    )
    return survey


def _post(survey, answers):
    return {f"q{q.pk}": answers[i] for i, q in enumerate(survey.questions.all()) if answers[i]}


def test_a_resident_answers_and_the_answers_name_nobody(survey, resident, client):
    url = f"/{survey.process.city.slug}/participate/{survey.process.slug}/surveys/habits/"
    response = client_for(resident).post(
        url, _post(survey, [["Library", "Online"], "Arabic", "4", "=cmd|' /C calc'!A0"])
    )
    assert response.status_code == 302
    assert SurveyResponse.objects.count() == 1 and HasAnswered.objects.get().user == resident
    assert {f.column for f in SurveyResponse._meta.concrete_fields} == {"id", "survey_id"}
    page = client.get(url + "results/").content.decode()
    assert "Where do you learn?" in page and "1 response" in page
    csv_text = client.get(url + "results/", {"format": "csv"}).content.decode()
    assert "Where do you learn?,Library,1" in csv_text
    assert "'=cmd" in csv_text  # no formula reaches a spreadsheet


@pytest.mark.parametrize(
    ("answers", "field_index", "message"),
    [
        ([[], "Arabic", "3", ""], 0, "Answer this question."),
        ([["Library", "Moon"], "Arabic", "3", ""], 0, "Choose from the listed answers."),
        ([["Library"], ["English", "Arabic"], "3", ""], 1, "Choose one answer."),
        ([["Library"], "Arabic", "9", ""], 2, "Choose a number from 1 to 5."),
        ([["Library"], "Arabic", "3", "x" * 2001], 3, "At most 2000 characters."),
    ],
)
def test_a_bad_answer_names_the_question_and_saves_nothing(
    survey, resident, answers, field_index, message
):
    questions = list(survey.questions.all())
    given = {
        q.pk: (a if isinstance(a, list) else [a]) for q, a in zip(questions, answers, strict=True)
    }
    with pytest.raises(ValidationError) as caught:
        surveys.answer_survey(actor=resident, survey=survey, answers=given)
    assert message in caught.value.message_dict[f"q{questions[field_index].pk}"]
    assert not SurveyResponse.objects.exists() and not Answer.objects.exists()
    assert not HasAnswered.objects.exists()


def test_one_set_of_answers_per_person(survey, resident):
    answers = {
        q.pk: v
        for q, v in zip(survey.questions.all(), [["Work"], ["English"], ["5"], []], strict=True)
    }
    surveys.answer_survey(actor=resident, survey=survey, answers=answers)
    with pytest.raises(ValidationError, match="already answered"):
        surveys.answer_survey(actor=resident, survey=survey, answers=answers)
    assert SurveyResponse.objects.count() == 1


def _quotas():
    return (
        [{"feature": "district", "value": d, "min": 2, "max": 3} for d in ("north", "south")]
        + [
            {"feature": "age_group", "value": a, "min": 1, "max": 3}
            for a in ("16-29", "30-49", "50-64", "65+")
        ]
        + [{"feature": "sex", "value": s, "min": 2, "max": 3} for s in ("female", "male")]
    )


@pytest.fixture
def panel(city_a, north):
    south = make_district(city_a, "south")
    sortition = Sortition.objects.create(
        city=city_a, slug="panel", title="Learning panel", panel_size=5, quotas=_quotas()
    )
    ages = ["16-29", "30-49", "50-64", "65+"]
    for number in range(1, 25):
        Volunteer.objects.create(
            sortition=sortition,
            number=number,
            user=make_user(),
            district=north if number % 2 else south,
            age_group=ages[number % 4],
            sex="female" if number % 3 else "male",
        )
    return sortition


def test_a_panel_is_drawn_within_quotas_with_published_probabilities_and_seed(panel, client):
    result = panels.draw_sortition(actor=None, sortition=panel, seed=2026)
    chosen = list(panel.volunteers.filter(selected=True).select_related("district"))
    assert len(chosen) == 5
    districts = [v.district.slug for v in chosen]
    assert 2 <= districts.count("north") <= 3 and 2 <= districts.count("south") <= 3
    assert 2 <= [v.sex for v in chosen].count("male") <= 3
    probabilities = list(panel.volunteers.values_list("probability", flat=True))
    assert sum(probabilities) == pytest.approx(5)
    assert all(0 < p <= 1 for p in probabilities)
    again = panels.draw(
        [
            {
                "id": str(v.number),
                "district": v.district.slug,
                "age_group": v.age_group,
                "sex": v.sex,
            }
            for v in panel.volunteers.select_related("district")
        ],
        panel.quotas,
        5,
        2026,
    )
    assert again.selected == result.selected  # anyone can repeat the draw with the seed
    page = client.get(f"/{panel.city.slug}/participate/panels/panel/").content.decode()
    assert "Seed 2026" in page and "Chance of selection" in page
    assert "@example.org" not in page


def test_impossible_quotas_are_refused_with_a_clear_message(panel):
    panel.quotas = [{**q, "min": 4, "max": 4} if q["feature"] == "sex" else q for q in panel.quotas]
    panel.save()
    with pytest.raises(ValidationError, match="No panel meets these quotas"):
        panels.draw_sortition(actor=None, sortition=panel, seed=1)
    assert not panel.volunteers.filter(selected=True).exists()


def test_an_assembly_shows_members_meetings_and_sanitised_minutes(city_a, resident, client):
    from django.utils import timezone

    assembly = Assembly.objects.create(
        city=city_a, slug="steering", name="Steering committee", purpose="Guides the learning city."
    )
    assembly.members.add(resident)
    AssemblyMeeting.objects.create(
        assembly=assembly,
        title="First meeting",
        starts_at=timezone.now(),
        minutes="Agreed the plan. <script>x()</script>",
    )
    page = client.get(f"/{city_a.slug}/participate/assemblies/steering/").content.decode()
    assert "Rea Resident" in page and "First meeting" in page and "Agreed the plan." in page
    assert "<script>x()" not in page
    assert "Steering committee" in client.get(f"/{city_a.slug}/participate/").content.decode()

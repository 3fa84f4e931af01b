"""The award from the services' side: eligibility as the cycle's data, dossiers
checked whole with their uploads, nominations within a country's limit, jurors with
conflict rules, scores within the scale, the ranking and the decision's limits."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from learningcity.core.models import UnescoRegion
from learningcity.events import services
from learningcity.events.models import (
    CRITERION_CODES,
    AwardApplication,
    CyclePhase,
    DossierStatus,
    JuryAssignment,
)
from tests.conftest import make_user
from tests.events.factories import make_cycle, member_city, send_dossier
from tests.network.membership_factories import minimal_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored(media):
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_new_cycle_starts_from_the_published_rules():
    cycle = make_cycle()
    assert cycle.membership_months == 12
    assert cycle.awardee_wait_years == 6
    assert cycle.nominations_per_country == 2
    assert cycle.winners_per_country == 1
    assert cycle.jurors_per_dossier == 3
    assert [row["code"] for row in cycle.criteria] == list(CRITERION_CODES)


def test_a_cycle_refuses_weights_that_are_not_the_eight_criteria():
    with pytest.raises(ValidationError) as refused:
        make_cycle(criteria=[{"code": "plan", "weight": 1}])
    assert "criteria" in refused.value.message_dict


def test_a_city_of_less_than_twelve_months_is_told_when_it_joined():
    cycle = make_cycle()
    city = member_city(joined=cycle.closes_on - timedelta(days=300))
    problems = services.eligibility_problems(cycle, city)
    assert problems and "more than 12" in problems[0]
    with pytest.raises(ValidationError):
        send_dossier(cycle, city)
    assert not AwardApplication.objects.exists()


def test_the_membership_rule_is_the_cycles_data():
    cycle = make_cycle(membership_months=6)
    city = member_city(joined=cycle.closes_on - timedelta(days=300))
    assert services.eligibility_problems(cycle, city) == []


def test_a_past_awardee_waits_six_years():
    old = make_cycle(title="2022", year=timezone.localdate().year - 4)
    city = member_city()
    dossier = send_dossier(old, city)
    AwardApplication.objects.filter(pk=dossier.pk).update(status=DossierStatus.WINNER)
    cycle = make_cycle(title="now")
    problems = services.eligibility_problems(cycle, city)
    assert problems and str(old.year + 6) in problems[0]


def test_a_dossier_over_the_word_limit_and_a_fake_pdf_are_refused_together(_media):
    cycle = make_cycle(word_limit=20)
    city = member_city()
    with pytest.raises(ValidationError) as refused:
        services.apply_for_award(
            actor=None,
            cycle=cycle,
            city=city,
            data={"texts": {code: "word " * 30 for code in CRITERION_CODES}, "evidence": "x"},
            mayor_form=b"GIF89a not a pdf",
            consent_form=minimal_pdf() * 0,
        )
    errors = refused.value.message_dict
    assert "text_plan" in errors and "20" in errors["text_plan"][0]
    assert "mayor_form" in errors and "not a PDF" in errors["mayor_form"][0]
    assert "consent_form" in errors
    assert "evidence" in errors
    assert not AwardApplication.objects.exists()
    assert stored(_media) == []


def test_an_oversized_upload_is_refused(settings):
    cycle = make_cycle()
    city = member_city()
    big = minimal_pdf() + b"%" * (11 * 1024 * 1024)
    with pytest.raises(ValidationError) as refused:
        services.apply_for_award(
            actor=None,
            cycle=cycle,
            city=city,
            data={"texts": {c: "text" for c in CRITERION_CODES}},
            mayor_form=big,
            consent_form=minimal_pdf(),
        )
    assert "larger than" in refused.value.message_dict["mayor_form"][0]


def test_a_dossier_attaches_practices_and_monitoring(_media):
    cycle = make_cycle()
    city = member_city()
    dossier = send_dossier(cycle, city)
    assert dossier.monitoring["values"] == []
    assert "pulled_at" in dossier.monitoring
    assert len(stored(_media)) == 2
    with pytest.raises(ValidationError):
        send_dossier(cycle, city)  # a second dossier
    assert AwardApplication.objects.count() == 1


def test_a_commission_nominates_at_most_two_cities_of_its_country():
    cycle = make_cycle()
    dossiers = [send_dossier(cycle, member_city()) for _ in range(3)]
    for dossier in dossiers[:2]:
        services.nominate_application(actor=None, application=dossier, decision="nominate")
    with pytest.raises(ValidationError) as refused:
        services.nominate_application(actor=None, application=dossiers[2], decision="nominate")
    assert "2" in refused.value.message_dict["decision"][0]
    dossiers[2].refresh_from_db()
    assert dossiers[2].status == DossierStatus.SUBMITTED
    with pytest.raises(ValidationError):
        services.nominate_application(actor=None, application=dossiers[2], decision="decline")
    services.nominate_application(
        actor=None, application=dossiers[2], decision="decline", note="Two are enough."
    )


def _nominated(cycle, country="TL", region=UnescoRegion.EUROPE_NORTH_AMERICA):
    dossier = send_dossier(cycle, member_city(country_code=country, region=region))
    return services.nominate_application(actor=None, application=dossier, decision="nominate")


def test_a_juror_from_the_citys_country_or_with_a_tie_is_refused():
    cycle = make_cycle()
    dossier = _nominated(cycle)
    same = services.seat_juror(actor=None, cycle=cycle, email=make_user().email, country_code="TL")
    with pytest.raises(ValidationError) as refused:
        services.assign_juror(actor=None, application=dossier, seat=same)
    assert "country" in refused.value.message_dict["juror"][0]
    tied = services.seat_juror(actor=None, cycle=cycle, email=make_user().email, country_code="FR")
    services.declare_tie(actor=None, seat=tied, city=dossier.city, note="Adviser")
    with pytest.raises(ValidationError) as refused:
        services.assign_juror(actor=None, application=dossier, seat=tied)
    assert "tie" in refused.value.message_dict["juror"][0]
    assert not JuryAssignment.objects.exists()


def _jury(cycle, count=3):
    return [
        services.seat_juror(
            actor=None, cycle=cycle, email=make_user().email, country_code=f"J{chr(65 + i)}"
        )
        for i in range(count)
    ]


def _score(assignment, value):
    return services.score_dossier(
        actor=None,
        assignment=assignment,
        scores=dict.fromkeys(CRITERION_CODES, value),
        comments=dict.fromkeys(CRITERION_CODES, "Because."),
    )


def test_scores_outside_the_scale_are_refused_by_criterion():
    cycle = make_cycle()
    dossier = _nominated(cycle)
    seat = _jury(cycle, 1)[0]
    assignment = services.assign_juror(actor=None, application=dossier, seat=seat)
    services.advance_cycle(actor=None, cycle=cycle)
    services.advance_cycle(actor=None, cycle=cycle)
    scores = dict.fromkeys(CRITERION_CODES, "5")
    scores["plan"] = "11"
    scores["culture"] = "abc"
    with pytest.raises(ValidationError) as refused:
        services.score_dossier(
            actor=None,
            assignment=assignment,
            scores=scores,
            comments=dict.fromkeys(CRITERION_CODES, "ok"),
        )
    errors = refused.value.message_dict
    assert set(errors) == {"score_plan", "score_culture"}
    assert "0 to 10" in errors["score_plan"][0]
    assignment.refresh_from_db()
    assert assignment.scored_at is None


def test_the_ranking_normalises_jurors_and_the_decision_keeps_one_city_per_country():
    cycle = make_cycle()
    a = _nominated(cycle, "AA")
    b = _nominated(cycle, "AA")
    c = _nominated(cycle, "CC", UnescoRegion.AFRICA)
    seats = _jury(cycle)
    for dossier in (a, b, c):
        for seat in seats:
            services.assign_juror(actor=None, application=dossier, seat=seat)
    services.advance_cycle(actor=None, cycle=cycle)
    services.advance_cycle(actor=None, cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.phase == CyclePhase.JURY
    values = {a.pk: [9, 6, 8], b.pk: [7, 4, 6], c.pk: [8, 5, 7]}
    for assignment in JuryAssignment.objects.all():
        index = [s.juror_id for s in seats].index(assignment.juror_id)
        _score(assignment, values[assignment.application_id][index])
    rows = services.ranking(cycle)
    assert [row.application.pk for row in rows] == [a.pk, c.pk, b.pk]
    assert all(row.scored == 3 for row in rows)
    assert services.suggested_winners(cycle, rows) == [a.pk, c.pk]
    with pytest.raises(ValidationError) as refused:
        services.decide_cycle(
            actor=None, cycle=cycle, winners={a.pk: "Citation A", b.pk: "Citation B"}
        )
    assert "per country" in " ".join(refused.value.message_dict["winners"])
    with pytest.raises(ValidationError):
        services.decide_cycle(actor=None, cycle=cycle, winners={a.pk: ""})
    services.decide_cycle(actor=None, cycle=cycle, winners={a.pk: "For its plan.", c.pk: "Access."})
    b.refresh_from_db()
    assert b.status == DossierStatus.NOT_AWARDED
    services.publish_winners(actor=None, cycle=cycle)
    assert [w.pk for w in services.winners_of(cycle)] == sorted(
        [a.pk, c.pk], key=lambda pk: AwardApplication.objects.get(pk=pk).city.region
    )


def test_a_winner_needs_the_cycles_number_of_scores():
    cycle = make_cycle()
    a = _nominated(cycle)
    seat = _jury(cycle, 1)[0]
    assignment = services.assign_juror(actor=None, application=a, seat=seat)
    services.advance_cycle(actor=None, cycle=cycle)
    services.advance_cycle(actor=None, cycle=cycle)
    _score(assignment, 7)
    with pytest.raises(ValidationError) as refused:
        services.decide_cycle(actor=None, cycle=cycle, winners={a.pk: "Good."})
    assert "1 of the 3" in " ".join(refused.value.message_dict["winners"])

"""Biennial reports over HTTP and through the periodic tasks: an admitted city reports
with the indicator values and index results monitoring holds for it; reminders go out
before the deadline (once per stage, in the city's language); a member that has not
reported by the end of the grace period lapses."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from learningcity import periodic
from learningcity.core.models import AuditEvent
from learningcity.monitoring import services as monitoring_services
from learningcity.monitoring.models import (
    FrameworkNode,
    IndexResult,
    IndexRun,
    IndicatorValue,
    NodeType,
)
from learningcity.network import services
from learningcity.network.models import LifecycleStep, MembershipChange, MembershipReport
from learningcity.network.vocabulary import RUBRIC_CODES
from tests.conftest import client_for, make_user
from tests.network.membership_factories import make_call, send_application, words

pytestmark = pytest.mark.django_db
ADMITTED = date(2024, 9, 1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def admit(city, *, on: date = ADMITTED, language: str = "en") -> MembershipReport:
    """``city`` applied, was endorsed, scored and admitted on ``on``."""
    call = make_call(
        opens_on=on - timedelta(days=60),
        closes_on=on - timedelta(days=30),
        endorsements_close_on=on - timedelta(days=1),
        jurors_required=1,
    )
    application = send_application(call, city, today=on - timedelta(days=40), language=language)
    services.endorse_application(
        actor=None, application=application, decision="endorse", today=on - timedelta(days=20)
    )
    juror = make_user()
    assignment = services.assign_juror(actor=None, application=application, email=juror.email)
    services.score_application(
        actor=juror,
        assignment=assignment,
        scores=dict.fromkeys(RUBRIC_CODES, 4),
        comment="Good.",
        recommendation="admit",
    )
    services.decide_application(
        actor=None, application=application, decision="admit", today=on, notify=False
    )
    return MembershipReport.objects.get(city=city, status="due")


def test_an_admitted_city_reports_with_what_monitoring_holds(
    city_a, coordinator_a, coordinator_b, network_coordinator
):
    report = admit(city_a)
    assert report.due_on == date(2026, 9, 1) and report.grace_until == date(2026, 11, 30)
    framework = monitoring_services.ensure_default_framework()
    indicators = list(
        FrameworkNode.objects.filter(framework=framework, type=NodeType.INDICATOR, derived="")[:2]
    )
    validated, draft = indicators
    IndicatorValue.objects.create(
        city=city_a, indicator=validated, year=2023, value=10.0, status="validated"
    )
    IndicatorValue.objects.create(
        city=city_a, indicator=validated, year=2025, value=12.5, status="validated"
    )
    IndicatorValue.objects.create(city=city_a, indicator=draft, year=2025, value=99.0)
    top = FrameworkNode.objects.filter(framework=framework, parent__isnull=True).first()
    run = IndexRun.objects.create(
        framework=framework, years=[2025], status="done", title="Run 2025"
    )
    IndexResult.objects.create(
        run=run, city=city_a, year=2025, code=top.code, level=top.level or 4, score=61.24, rank=3
    )

    url = f"/network/cities/alpha/reports/{report.pk}/"
    client = client_for(coordinator_a)
    page = client.get(url).content.decode()
    assert validated.label in page and "12.5" in page
    assert draft.label not in page  # drafts never leave the city
    assert "Run 2025" in page and "61.2" in page

    response = client.post(url, {"achievements": words(501), "next_steps": "More circles."})
    assert response.status_code == 400
    assert "Words counted: 501; at most 500 are allowed." in response.content.decode()
    response = client.post(
        url,
        {"achievements": "Reading circles in every library.", "next_steps": "Circles online."},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted" and report.submitted_by == coordinator_a
    assert [row["value"] for row in report.data["values"]] == [12.5]
    assert report.data["index"]["results"][0]["rank"] == 3
    assert MembershipReport.objects.get(city=city_a, status="due").due_on == date(2028, 9, 1)
    assert LifecycleStep.objects.filter(report=report, code="membership.report_submitted").exists()
    assert AuditEvent.objects.filter(action="membership.report_submitted").exists()

    # The kept copy stays what was sent, whatever monitoring holds later.
    IndicatorValue.objects.filter(city=city_a).update(value=1.0)
    assert "12.5" in client.get(url).content.decode()
    assert client.post(url, {"achievements": "x", "next_steps": "y"}).status_code == 403
    assert client_for(coordinator_b).get(url).status_code == 403
    assert client_for(network_coordinator).get(url).status_code == 200


def test_reminders_go_out_before_the_deadline_once_per_stage(city_a, coordinator_a):
    report = admit(city_a, language="fr")
    due = report.due_on
    assert services.send_report_reminders(today=due - timedelta(days=61)) == 0
    assert services.send_report_reminders(today=due - timedelta(days=60)) == 1
    assert services.send_report_reminders(today=due - timedelta(days=59)) == 0
    assert services.send_report_reminders(today=due - timedelta(days=14)) == 1
    assert services.send_report_reminders(today=due - timedelta(days=3)) == 0
    assert services.send_report_reminders(today=due + timedelta(days=1)) == 1  # overdue
    assert services.send_report_reminders(today=due + timedelta(days=2)) == 0
    first, second, overdue = mail.outbox
    assert first.to == ["coord-a@example.org"] and 'lang="fr"' in first.alternatives[0][0]
    assert f"/network/cities/alpha/reports/{report.pk}/" in first.body
    assert first.extra_headers["Content-Language"] == "fr"
    assert 'lang="fr"' in second.alternatives[0][0]
    # Once overdue, the city hears the day its membership lapses (in French).
    from django.utils import formats, translation

    with translation.override("fr"):
        grace = formats.date_format(report.grace_until, "DATE_FORMAT")
    assert grace in overdue.body and grace not in first.body
    report.refresh_from_db()
    assert report.reminders_sent == [60, 14, 0]
    assert (
        LifecycleStep.objects.filter(report=report, code="membership.report_reminded").count() == 3
    )


def test_a_reminder_that_could_not_be_sent_is_tried_again(city_a, coordinator_a, monkeypatch):
    report = admit(city_a)
    from learningcity.network import notifications

    monkeypatch.setattr(notifications, "_send", lambda *args: False)
    assert services.send_report_reminders(today=report.due_on - timedelta(days=10)) == 0
    report.refresh_from_db()
    assert report.reminders_sent == []
    monkeypatch.undo()
    assert services.send_report_reminders(today=report.due_on - timedelta(days=9)) == 1


def test_the_periodic_tasks_remind_and_lapse(city_a, coordinator_a, monkeypatch):
    report = admit(city_a)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: report.due_on)
    periodic.send_membership_report_reminders.call_local()
    assert len(mail.outbox) == 1

    # At the end of the grace period the member is still a member; a day later not.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: report.grace_until)
    periodic.lapse_overdue_members.call_local()
    city_a.network_profile.refresh_from_db()
    assert city_a.network_profile.status == "member"
    later = report.grace_until + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    periodic.lapse_overdue_members.call_local()
    city_a.network_profile.refresh_from_db()
    assert city_a.network_profile.status == "lapsed"
    assert city_a.network_profile.status_since == later
    change = MembershipChange.objects.filter(city=city_a).first()
    assert (change.status_from, change.status_to) == ("member", "lapsed")
    assert report.due_on.isoformat() in change.note
    report.refresh_from_db()
    assert report.status == "missed"
    assert LifecycleStep.objects.filter(report=report, code="membership.lapsed").count() == 1
    # Once only; no more reminders for a lapsed city.
    assert services.lapse_overdue_members(today=later + timedelta(days=5)) == 0
    assert services.send_report_reminders(today=later) == 0


def test_a_member_that_reported_does_not_lapse(city_a, coordinator_a):
    report = admit(city_a)
    services.submit_report(
        actor=coordinator_a, report=report, achievements="Done.", next_steps="More."
    )
    assert services.lapse_overdue_members(today=report.grace_until + timedelta(days=1)) == 0
    city_a.network_profile.refresh_from_db()
    assert city_a.network_profile.status == "member"


def test_a_lapsed_city_cannot_send_the_missed_report_but_may_apply_again(city_a, coordinator_a):
    report = admit(city_a)
    services.lapse_overdue_members(today=report.grace_until + timedelta(days=1))
    client = client_for(coordinator_a)
    url = f"/network/cities/alpha/reports/{report.pk}/"
    assert client.post(url, {"achievements": "Late.", "next_steps": "Sorry."}).status_code == 403
    call = make_call(title="A later call")
    send_application(call, city_a)
    city_a.network_profile.refresh_from_db()
    assert city_a.network_profile.status == "applicant"
    assert MembershipChange.objects.filter(city=city_a).first().status_from == "lapsed"

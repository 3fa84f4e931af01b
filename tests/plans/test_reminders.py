"""Reminders to action owners: a few days before an update is due, once per due
date, in each person's language, through the periodic task."""

from datetime import date, timedelta

import pytest
from django.core import mail

from learningcity import periodic
from learningcity.plans import services
from learningcity.plans.models import UpdateReminder
from tests.catalogue.factories import make_provider, make_staff
from tests.conftest import make_user
from tests.plans.factories import make_action, make_goal, make_plan

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 7)


@pytest.fixture
def owned(city_a, coordinator_a):
    goal = make_goal(make_plan(city_a, coordinator_a), coordinator_a)
    provider = make_provider(city_a, name="Alpha Library", email="desk@alpha.example")
    make_staff(provider, make_user("ana@example.org", preferred_language="es"))
    make_staff(provider, make_user("ben@example.org"))
    return make_action(
        goal,
        coordinator_a,
        title="Reading circles",
        provider=provider,
        partner_name="",
        status="in_progress",
        update_due=TODAY + timedelta(days=5),
    )


def test_owners_are_reminded_once_per_due_date_in_their_language(owned):
    assert services.send_update_reminders(today=TODAY) == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"ana@example.org", "ben@example.org"}
    assert "Reading circles" in by_address["ben@example.org"].subject
    assert f"/alpha/plan/actions/{owned.pk}/update/" in by_address["ben@example.org"].body
    # Each in their own language (the site's for Ben, who chose none).
    assert 'lang="es"' in by_address["ana@example.org"].alternatives[0][0]
    assert 'lang="en"' in by_address["ben@example.org"].alternatives[0][0]
    # A second run (or the next day) sends nothing more for the same due date.
    assert services.send_update_reminders(today=TODAY) == 0
    assert services.send_update_reminders(today=TODAY + timedelta(days=1)) == 0
    assert len(mail.outbox) == 2
    assert UpdateReminder.objects.get().recipients == 2
    # A new due date is a new reminder.
    owned.update_due = TODAY + timedelta(days=40)
    owned.save()
    assert services.send_update_reminders(today=TODAY + timedelta(days=36)) == 2


def test_no_reminder_too_early_too_late_or_for_closed_actions(owned):
    assert services.send_update_reminders(today=TODAY - timedelta(days=10)) == 0
    assert services.send_update_reminders(today=TODAY + timedelta(days=6)) == 0  # past due
    owned.status = "done"
    owned.save()
    assert services.send_update_reminders(today=TODAY) == 0
    assert mail.outbox == [] and not UpdateReminder.objects.exists()


def test_a_provider_without_staff_gets_it_at_its_contact_address(city_a, coordinator_a):
    goal = make_goal(make_plan(city_a, coordinator_a), coordinator_a)
    provider = make_provider(city_a, email="contact@gamma.example")
    make_action(goal, coordinator_a, provider=provider, partner_name="", update_due=TODAY)
    assert services.send_update_reminders(today=TODAY) == 1
    assert mail.outbox[0].to == ["contact@gamma.example"]


def test_a_failed_send_is_tried_again_next_run(owned, monkeypatch):
    from learningcity.plans import notifications

    monkeypatch.setattr(notifications, "send_reminder_email", lambda *args: False)
    assert services.send_update_reminders(today=TODAY) == 0
    assert not UpdateReminder.objects.exists()
    monkeypatch.undo()
    assert services.send_update_reminders(today=TODAY) == 2


def test_the_periodic_task_sends_them(owned, settings, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    periodic.send_plan_update_reminders.call_local()
    assert len(mail.outbox) == 2


def test_how_many_days_before_is_the_plan_reminder_days_setting(owned, settings):
    from learningcity import settings as project_settings

    assert project_settings.PLAN_REMINDER_DAYS == 7  # declared, with its default
    settings.PLAN_REMINDER_DAYS = 3
    assert services.send_update_reminders(today=TODAY) == 0  # due in 5 days: not yet
    assert services.send_update_reminders(today=TODAY + timedelta(days=2)) == 2

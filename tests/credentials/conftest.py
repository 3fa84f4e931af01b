"""Personas and factories of the credentials tests: a provider with staff, a course
with four past sessions, a learner who attended three of them (75 %) and one who
attended one, and the badge for completing the course."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.catalogue.factories import make_opportunity, make_provider, make_session, make_staff
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://learn.example.org"


@pytest.fixture
def provider(city_a):
    return make_provider(city_a, name="Migrant College", website="https://college.example.org")


@pytest.fixture
def staff(provider):
    user = make_user("staff@example.org", display_name="Sam Staff")
    make_staff(provider, user)
    return user


@pytest.fixture
def course(provider):
    opportunity = make_opportunity(provider, title="Care work, unit 1")
    now = timezone.now()
    for days in (40, 30, 20, 10):
        starts = now - timedelta(days=days)
        make_session(opportunity, starts_at=starts, ends_at=starts + timedelta(hours=2))
    return opportunity


def attend(person, course, sessions: int):
    from learningcity.catalogue.models import Enrolment, EnrolmentStatus

    for number, session in enumerate(course.sessions.order_by("starts_at")):
        status = EnrolmentStatus.ATTENDED if number < sessions else EnrolmentStatus.CONFIRMED
        Enrolment.objects.create(session=session, user=person, status=status)


@pytest.fixture
def learner(course):
    person = make_user("amal@example.org", display_name="Amal Haddad")
    attend(person, course, 3)
    return person


@pytest.fixture
def dropout(course):
    person = make_user("omar@example.org", display_name="Omar")
    attend(person, course, 1)
    return person


@pytest.fixture
def badge(provider, course):
    from learningcity.credentials.models import Achievement

    return Achievement.objects.create(
        city=provider.city,
        provider=provider,
        opportunity=course,
        name="Care work, unit 1",
        description="Personal care of older people.",
        criteria="Attend at least 75% of the sessions.",
        basis=Achievement.Basis.ATTENDANCE,
        attendance_threshold=75,
    )


@pytest.fixture
def issue(badge, staff):
    from learningcity.credentials.services import issue_credential

    def _issue(person, **kwargs):
        return issue_credential(actor=staff, achievement=badge, person=person, **kwargs)

    return _issue

"""Issue 8, defects 17 and 18 in the catalogue: the "District" label is translated, and
dates follow each language's own order and punctuation (no Latin comma in Arabic)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from learningcity.catalogue import schedule
from learningcity.catalogue.forms_workspace import SiteForm
from learningcity.catalogue.services import enrol_person
from learningcity.core.dates import format_when
from tests.catalogue.factories import (
    make_opportunity,
    make_provider,
    make_session,
    make_site,
    make_staff,
)
from tests.conftest import client_for, make_district, make_user

pytestmark = pytest.mark.django_db


def monday_evening(city):
    """18:00 on a Monday two to three weeks ahead, in the city's time zone."""
    today = timezone.localtime(timezone.now(), city.tzinfo)
    day = today + timedelta(days=14 + (7 - today.weekday()) % 7)
    return day.replace(hour=18, minute=0, second=0, microsecond=0)


@pytest.fixture
def provider(city_a):
    return make_provider(city_a, slug="alpha-library", name="Alpha Library")


@pytest.fixture
def session(provider, city_a):
    opportunity = make_opportunity(provider, slug="digital-skills", title="Digital skills")
    starts = monday_evening(city_a)
    session = make_session(
        opportunity,
        site=make_site(city_a, name="Central Library"),
        starts_at=starts,
        ends_at=starts.replace(hour=19),
    )
    schedule.refresh_schedule(opportunity)
    return session


def _page(client: Client, path: str, language: str) -> str:
    client.cookies["django_language"] = language
    with translation.override(language):  # puts back the language the middleware changes
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _dates_list(page: str) -> str:
    return page.split('<ul class="dates">', 1)[1].split("</ul>", 1)[0]


# -- the district label


def test_the_place_form_labels_the_district_in_the_readers_language(provider, city_a):
    staff = make_user("staff@example.org")
    make_staff(provider, staff)
    make_district(city_a, name="Old Town")
    path = "/alpha/learn/workspace/providers/alpha-library/places/new/"
    french = _page(client_for(staff), path, "fr")
    label = re.search(r'<label for="id_district"[^>]*>(.*?)</label>', french, re.S)
    assert label and "Quartier" in label.group(1)
    with translation.override("ru"):
        assert str(SiteForm(city=city_a).fields["district"].label) == "Район"


# -- dates


def test_an_opportunity_page_in_arabic_has_no_latin_comma_in_its_dates(client, session):
    dates = _dates_list(_page(client, "/alpha/learn/opportunities/digital-skills/", "ar"))
    shown = re.sub(r"<[^>]+>", "", dates)
    assert re.search(r"الاثنين، \d{1,2} \w+ \d{4}، 18:00–19:00", shown)  # Monday, …
    assert "," not in shown


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", r"Monday, \d{1,2} [A-Z][a-z]+ \d{4}, 18:00"),  # day before month
        ("fr", r"lundi \d{1,2} [a-zéû]+ \d{4}, 18:00"),
        ("es", r"lunes, \d{1,2} de [a-z]+ de \d{4}, 18:00"),
        # The month in the genitive, as Russian writes a date ("мая", not "Май").
        ("ru", r"понедельник, \d{1,2} [а-я]+[ая] \d{4}\sг\., 18:00"),
        ("zh-hans", r"\d{4}年\d{1,2}月\d{1,2}日星期一 18:00"),
    ],
)
def test_an_opportunity_page_writes_its_dates_in_each_languages_order(
    client, session, language, expected
):
    dates = _dates_list(_page(client, "/alpha/learn/opportunities/digital-skills/", language))
    assert re.search(expected, dates), dates


def test_the_confirmation_email_in_arabic_has_no_latin_comma_in_its_date(
    session, django_capture_on_commit_callbacks
):
    person = make_user(preferred_language="ar")
    with django_capture_on_commit_callbacks(execute=True):
        enrol_person(session=session, user=person)
    with translation.override("ar"):
        when = format_when(timezone.localtime(session.starts_at, session.opportunity.city.tzinfo))
    assert when.startswith("الاثنين، ") and when.endswith("، 18:00") and "," not in when
    body = mail.outbox[0].body
    assert when in body
    html = mail.outbox[0].alternatives[0][0]
    assert when in str(html)


def test_a_missing_date_shows_nothing():
    assert format_when(None) == "" and format_when("") == ""

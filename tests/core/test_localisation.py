"""Issue 8, defects 17 and 18 in core: country names, Arabic dates, event labels,
city descriptions per language, labels, the favicon."""

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone, translation
from django.utils.functional import Promise

from learningcity.core.audit import event_label, record_event
from learningcity.core.countries import country_name
from learningcity.core.forms import ProfileForm
from learningcity.core.models import AuditEvent, City
from tests.conftest import client_for, make_city

pytestmark = pytest.mark.django_db


def _page(path: str, language: str, user=None) -> str:
    client = client_for(user) if user else Client()
    client.cookies["django_language"] = language
    return client.get(path).content.decode()


def test_country_names_come_from_cldr_in_the_readers_language():
    assert country_name("IE", "en") == "Ireland"
    assert country_name("IE", "fr") == "Irlande"
    assert country_name("IE", "ar") == "أيرلندا"
    assert country_name("IE", "zh-hans") == "爱尔兰"
    assert country_name("ie", "ru") == "Ирландия"
    assert country_name("XX", "es", default="Nowhere") == "Nowhere"


def test_city_and_network_pages_show_the_country_in_the_readers_language(db):
    make_city("cork", name="Cork", country="Ireland", country_code="IE")
    make_city("lyon", name="Lyon", country="France", country_code="FR")
    assert "Irlande" in _page("/cork/", "fr")
    assert "Irlanda" in _page("/network/", "es")
    assert "أيرلندا" in _page("/", "ar")


def test_arabic_dates_use_the_arabic_comma(city_a, coordinator_a):
    record_event(coordinator_a, "district.updated", city=city_a, target="x")
    body = _page("/alpha/manage/", "ar", coordinator_a)
    when = body.split('<time datetime="', 1)[1].split(">", 1)[1].split("</time>", 1)[0]
    assert "،" in when and "," not in when
    with translation.override("ar"):
        from django.template import Context, Template

        long = Template('{{ d|date:"DATETIME_FORMAT" }}').render(Context({"d": timezone.now()}))
    assert "،" in long and "," not in long


def test_manage_page_shows_events_in_plain_words(city_a, coordinator_a):
    record_event(coordinator_a, "enrolment.cancelled", city=city_a, target="abc")
    record_event(coordinator_a, "monitoring.values_validated", city=city_a)
    record_event(coordinator_a, "something.new", city=city_a)
    body = _page("/alpha/manage/", "en", coordinator_a)
    assert "A place was cancelled" in body and "enrolment.cancelled" not in body
    assert "Indicator values validated" in body
    assert "something.new" in body  # unknown codes are shown, not hidden


def test_every_recorded_event_code_has_a_label():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "learningcity"
    codes = set()
    for source in root.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        for match in re.finditer(r"record_event\(\s*[^,()]+,\s*\"([a-z_]+\.[a-z_.]+)\"", text):
            codes.add(match.group(1))
    assert codes, "the scan found no record_event calls"
    assert [code for code in sorted(codes) if event_label(code) == code] == []


def test_city_description_is_shown_in_the_readers_language_or_the_original(db):
    make_city(
        "cork",
        description="A city of learning.",
        translations={"fr": {"description": "Une ville apprenante."}},
    )
    assert "Une ville apprenante." in _page("/cork/", "fr")
    assert "A city of learning." in _page("/cork/", "es")


def test_coordinator_edits_the_descriptions(city_a, coordinator_a):
    client = client_for(coordinator_a)
    assert client.get("/alpha/manage/description/").status_code == 200
    response = client.post(
        "/alpha/manage/description/",
        {
            "description": "Learning for all.",
            "description_ar": "التعلم للجميع.",
            "description_fr": "",
        },
    )
    assert response.status_code == 302
    city = City.objects.get(pk=city_a.pk)
    assert city.description == "Learning for all."
    assert city.translations == {"ar": {"description": "التعلم للجميع."}}
    assert AuditEvent.objects.filter(action="city.description_updated", city=city).exists()
    assert "التعلم للجميع." in _page("/alpha/", "ar")


def test_another_citys_coordinator_cannot_edit_the_description(city_a, coordinator_b):
    client = client_for(coordinator_b)
    assert client.post("/alpha/manage/description/", {"description": "x"}).status_code == 403
    assert City.objects.get(pk=city_a.pk).description == ""


def test_home_city_label_is_translatable():
    assert isinstance(ProfileForm.base_fields["home_city"].label, Promise)


def test_optional_is_said_once(client):
    body = client.get("/accounts/signup/").content.decode()
    assert "Your name (optional)" not in body
    assert 'Your name <span class="optional">(optional)</span>' in body


def test_favicon_exists_and_is_linked(client, city_a):
    assert finders.find("core/favicon.svg")
    assert 'rel="icon"' in client.get("/alpha/").content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("core/favicon.svg")

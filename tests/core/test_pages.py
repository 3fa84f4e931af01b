"""Public pages, the 404 and 503 pages, and the language switcher, through HTTP."""

from pathlib import Path

import pytest
from django.db import DatabaseError
from django.test import Client

from tests.conftest import make_city, make_district

pytestmark = pytest.mark.django_db


def test_home_lists_every_city_and_links_to_the_network(city_a, city_b, client):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "/alpha/" in body and "/beta/" in body
    assert "/network/" in body


def test_home_goes_straight_to_the_city_when_there_is_only_one(city_a, client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/alpha/"


def test_network_page_counts_cities_and_countries(client):
    make_city("one", country_code="AA")
    make_city("two", country_code="BB")
    make_city("three", country_code="BB")
    response = client.get("/network/")
    assert response.status_code == 200
    assert "3 member cities in 2 countries" in response.content.decode()


def test_city_page_shows_districts_with_their_people(city_a, client):
    make_district(city_a, "riverside", name="Riverside", population_65_plus=4321)
    response = client.get("/alpha/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Riverside" in body and "4,321" in body
    assert body.count("<h1") == 1


def test_unknown_city_is_a_404_in_the_visitors_language(db, settings):
    settings.DEBUG = False
    client = Client(headers={"accept-language": "fr"})
    response = client.get("/nowhere/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="fr"' in body
    assert "Page introuvable" in body


def test_unknown_city_in_arabic_is_laid_out_right_to_left(db, settings):
    settings.DEBUG = False
    response = Client(headers={"accept-language": "ar"}).get("/nowhere/")
    assert response.status_code == 404
    assert 'dir="rtl"' in response.content.decode()


def test_unreachable_database_gives_a_503_page_not_a_stack_trace(city_a, settings, monkeypatch):
    settings.DEBUG = False
    from learningcity.core import views

    def broken(*args, **kwargs):
        raise DatabaseError("could not connect to server")

    monkeypatch.setattr(views, "get_city", broken)
    monkeypatch.setattr(views, "_database_unreachable", lambda: True)
    response = Client(raise_request_exception=False).get("/alpha/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "Traceback" not in response.content.decode()
    assert "try again" in response.content.decode()


def test_language_switcher_keeps_the_page(city_a, client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/alpha/"})
    assert response.status_code == 302
    assert response["Location"] == "/alpha/"
    page = client.get("/alpha/").content.decode()
    assert '<html lang="es"' in page


def test_every_page_offers_all_six_languages_and_a_skip_link(city_a, client):
    body = client.get("/alpha/").content.decode()
    for code in ["ar", "zh-hans", "en", "fr", "ru", "es"]:
        assert f'value="{code}"' in body
    assert 'href="#main"' in body and 'id="main"' in body


def test_health_check_answers_ok(db, client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_public_pages_stay_light(city_a, client):
    """Public pages weigh at most 100 KB (HTML + CSS + JS, images and tiles aside)."""
    from django.contrib.staticfiles import finders

    for _ in range(16):
        make_district(city_a)
    for url in ["/network/", "/alpha/", "/accounts/login/"]:
        html = client.get(url).content
        css = Path(finders.find("core/site.css")).read_bytes()
        js = Path(finders.find("core/map.js")).read_bytes()
        assert len(html) + len(css) + len(js) <= 100_000, url


def test_static_files_collect_with_the_production_storage(tmp_path, settings):
    """Hashed, compressed static files: a broken reference (e.g. a missing source map)
    would make collectstatic fail at deploy time."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()

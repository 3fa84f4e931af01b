"""The finder's page around its results, made once and filled in per request
(catalogue/finder_frame.py), the prepared query reading a page's rows, and the
warm-up a preloaded gunicorn master runs (catalogue/warm_up.py)."""

import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.utils.html import escape

from learningcity.catalogue import finder_frame, index_tasks, search, views_finder, warm_up
from tests.catalogue.factories import make_opportunity, make_provider, make_site
from tests.conftest import make_district

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def fresh_caches():
    search.forget_indexes()
    finder_frame.frames.clear()
    views_finder.fragments._items.clear()
    yield
    search.forget_indexes()
    finder_frame.frames.clear()


@pytest.fixture
def listed(city_a):
    district = make_district(city_a, "centre", name="Centre", latitude=51.9, longitude=-8.47)
    site = make_site(city_a, name="Central Library", district=district, latitude=51.9)
    provider = make_provider(city_a, name="City Library")
    return [
        make_opportunity(provider, title=f"Painting class {number}", site=site)
        for number in range(25)
    ]


def normalised(html: str) -> str:
    """The page with its CSRF token (masked afresh at each use) taken out."""
    token = TOKEN.search(html)
    return html.replace(token.group(1), "TOKEN") if token else html


def usual_page(client, path: str) -> str:
    """The page as ``render`` gives it, without any frame."""
    finder_frame.frames.clear()
    finder_frame.frames.put(("never",), None)
    original = finder_frame._same_for_everyone
    finder_frame._same_for_everyone = lambda request: False
    try:
        return client.get(path).content.decode()
    finally:
        finder_frame._same_for_everyone = original


QUESTIONS = [
    "/alpha/learn/",
    "/alpha/learn/?q=painting&page=2",
    # Markup and the frame's own markers in the question are printed escaped.
    "/alpha/learn/?q=%3Cb%3E%22lcframe-body%22&near=lcframe-path%3F%26",
    "/alpha/learn/?q=lcframe-csrf&topic=arts",
]


@pytest.mark.parametrize("path", QUESTIONS)
def test_a_page_from_the_frame_is_the_page_rendered_the_usual_way(client, listed, path):
    expected = normalised(usual_page(client, path))
    finder_frame.frames.clear()
    first = client.get(path)  # makes the frame (and checks it)
    again = client.get(path)  # served from it
    assert [key for key, frame in finder_frame.frames._items.items() if frame is None] == []
    assert normalised(first.content.decode()) == expected
    assert normalised(again.content.decode()) == expected


def test_the_frame_carries_each_visitors_own_address_and_token(client, listed):
    client.get("/alpha/learn/?q=one")
    response = client.get("/alpha/learn/?q=two%20%26%20three&page=2")
    html = response.content.decode()
    full_path = "/alpha/learn/?q=two%20%26%20three&page=2"
    assert f'href="/accounts/login/?next={quote(full_path, safe="/")}"' in html
    assert f'name="next" value="{escape(full_path)}"' in html
    assert 'name="query" value="q=two+%26+three"' in html
    tokens = set(TOKEN.findall(html))
    assert len(tokens) == 1 and "lcframe" not in html
    # The token is the visitor's own: a form posted with it is accepted.
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    posted = strict.post(
        "/i18n/setlang/", {"language": "fr", "next": "/", "csrfmiddlewaretoken": tokens.pop()}
    )
    assert posted.status_code == 302


def test_a_signed_in_visitor_gets_their_own_page(client, listed, resident):
    client.get("/alpha/learn/")  # a frame made for visitors without an account
    client.force_login(resident)
    html = client.get("/alpha/learn/").content.decode()
    assert "Sign out" in html and "Sign in" not in html
    assert 'id="save-email"' not in html  # signed in: no address asked


def test_a_waiting_message_is_shown_once(client, listed, mailoutbox):
    client.get("/alpha/learn/?q=painting")  # a frame made for visitors without an account
    saved = client.post(
        "/alpha/learn/saved-searches/", {"query": "q=painting", "email": "someone@example.org"}
    )
    assert saved.status_code == 302
    shown = client.get(saved["Location"]).content.decode()
    assert "Nearly done: we have sent you an e-mail." in shown
    assert "Nearly done" not in client.get(saved["Location"]).content.decode()


def test_a_frame_unlike_the_usual_page_is_never_used(client, listed):
    original = finder_frame._make
    finder_frame._make = lambda request, context: ("<p>", finder_frame.BODY, "</p>")
    try:
        client.get("/alpha/learn/?q=x")
    finally:
        finder_frame._make = original
    assert list(finder_frame.frames._items.values()) == [None]
    assert client.get("/alpha/learn/?q=y").content.decode().startswith("<!doctype html>")


def test_page_rows_read_by_the_prepared_query_follow_edits(client, listed, city_a):
    index_tasks.build_city_index(city_a, force=True)
    assert "Painting class 3<" in client.get("/alpha/learn/?q=painting").content.decode()
    listed[3].title = "Painting class renamed"
    listed[3].save()
    html = client.get("/alpha/learn/?q=painting&page=1").content.decode()
    assert "Painting class renamed" in html and "Painting class 3<" not in html
    # One compiled query per number of rows on a page; only the keys change.
    assert {count for _city, count in search._listed_queries} <= {20, 5}


@pytest.mark.django_db(transaction=True)
def test_the_warm_up_answers_the_finder_and_leaves_no_connection_open(listed, city_a):
    index_tasks.build_city_index(city_a, force=True)
    from learningcity.wsgi import application

    answered = []
    original = warm_up._get

    def counting(app, path, query, language):
        answered.append((path, language))
        original(app, path, query, language)

    warm_up._get = counting
    try:
        warm_up.warm_up(application)
    finally:
        warm_up._get = original
    assert ("/alpha/learn/", "ar") in answered and len(answered) == 7
    assert search._indexes == {}  # the master keeps no index mapped
    if connection.vendor != "sqlite":  # an in-memory test database is never closed
        assert connection.connection is None


def test_only_gunicorn_loading_the_app_warms_it_up(monkeypatch):
    """Importing the app elsewhere (a test, a script) must not run the warm-up: it
    closes the database connections, which would cut the importer's own."""
    import importlib

    import learningcity.wsgi

    called = []
    monkeypatch.setattr(warm_up, "warm_up", called.append)
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    importlib.reload(learningcity.wsgi)
    assert called == []
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/23.0.0")
    importlib.reload(learningcity.wsgi)
    assert called == [learningcity.wsgi.application]

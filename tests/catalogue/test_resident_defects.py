"""Issue 8, the resident side: HEAD requests, hidden controls without JavaScript,
search examples and corrections, places apart from online learning, the session's
place everywhere, waiting-list wording and cities without a catalogue."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from learningcity.catalogue import schedule, search, views_finder
from learningcity.catalogue.models import Format
from learningcity.catalogue.services import enrol_person
from tests.catalogue.factories import make_opportunity, make_provider, make_session, make_site
from tests.conftest import make_district

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "learningcity"


@pytest.fixture(autouse=True)
def fresh_indexes():
    search.forget_indexes()
    views_finder.forget_examples()
    yield
    search.forget_indexes()


def offer(provider, title, *, site=None, days=5, **fields):
    opportunity = make_opportunity(provider, title=title, site=site, **fields)
    local = (timezone.now() + timedelta(days=days)).astimezone(provider.city.tzinfo)
    starts = local.replace(hour=10, minute=0, second=0, microsecond=0)
    session = make_session(opportunity, starts_at=starts, ends_at=starts + timedelta(hours=2))
    schedule.refresh_schedule(opportunity)
    return opportunity, session


@pytest.fixture
def catalogue(city_a):
    make_district(city_a, "centre", name="Centre", latitude=51.90, longitude=-8.47)
    provider = make_provider(city_a, name="City Library", email="library@example.org")
    library = make_site(
        city_a, name="Central Library", address="1 Grand Parade", latitude=51.90, longitude=-8.47
    )
    far = make_site(city_a, name="Far Hall", latitude=52.30, longitude=-8.47)
    items = {
        "yoga": offer(provider, "Yoga for everyone", site=library),
        "yoga2": offer(provider, "Gentle yoga mornings", site=library),
        "far": offer(provider, "Yoga in the hills", site=far),
        "online": offer(provider, "Online yoga class", format=Format.ONLINE),
        "online2": offer(provider, "Online painting talk", format=Format.ONLINE),
    }
    return items


def page(response):
    return response.content.decode()


# -- defect 1: HEAD where GET is allowed


@pytest.mark.parametrize(
    "path", ["/alpha/learn/", "/alpha/learn/for-me/", "/alpha/learn/opportunities/{slug}/"]
)
def test_head_is_answered_wherever_get_is(client, catalogue, path):
    slug = catalogue["yoga"][0].slug
    response = client.head(path.format(slug=slug))
    assert response.status_code == 200


def test_head_on_the_calendar_file_is_answered(client, catalogue):
    slug = catalogue["yoga"][0].slug
    assert client.head(f"/alpha/learn/opportunities/{slug}/calendar.ics").status_code == 200


# -- defect 8: controls that need JavaScript stay hidden without it


def test_the_hidden_attribute_wins_over_link_button_display():
    css = (STATIC / "core/static/core/site.css").read_text()
    assert re.search(r"\[hidden\]\s*\{\s*display:\s*none\s*!important", css)


def test_denied_location_is_said_in_a_live_region(client, catalogue):
    html = page(client.get("/alpha/learn/"))
    assert re.search(r'<p[^>]*data-locate-status[^>]*aria-live="polite"', html) or re.search(
        r'<p[^>]*aria-live="polite"[^>]*data-locate-status', html
    )
    script = (STATIC / "core/static/core/locate.js").read_text()
    assert "PERMISSION_DENIED" in script


# -- defect 7: map markers and the search point


def test_map_sets_leaflet_image_path_and_waits_for_its_css():
    script = (STATIC / "core/static/core/map.js").read_text()
    assert "imagePath" in script
    assert "css.onload" in script or 'addEventListener("load"' in script


def test_finder_map_can_set_the_search_point(client, catalogue):
    html = page(client.get("/alpha/learn/?q=yoga"))
    assert "data-pick-point" in html


# -- defect 9: examples from the city's own catalogue, corrections named


def test_search_examples_come_from_the_citys_catalogue(client, catalogue):
    html = page(client.get("/alpha/learn/"))
    placeholder = re.search(r'id="q"[^>]*placeholder="([^"]*)"', html).group(1)
    assert "computers" not in placeholder
    assert "yoga" in placeholder.lower()


def test_examples_are_words_that_find_something(client, catalogue):
    html = page(client.get("/alpha/learn/"))
    placeholder = re.search(r'id="q"[^>]*placeholder="([^"]*)"', html).group(1)
    example = placeholder.split(":")[-1].split(",")[0].strip()
    found = page(client.get("/alpha/learn/", {"q": example}))
    assert "0 results" not in found


def test_a_typo_notice_names_the_words_searched(client, catalogue):
    html = page(client.get("/alpha/learn/", {"q": "yoag"}))
    assert "“yoga”" in html
    assert "spelled like: yoag" not in html


# -- defect 10: places apart from online learning


def test_a_distance_limit_keeps_online_learning_out_and_counts_it_apart(client, catalogue):
    html = page(client.get("/alpha/learn/", {"near": "Centre", "km": "1"}))
    found = re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)
    assert sorted(found) == ["Gentle yoga mornings", "Yoga for everyone"]
    assert "Also 2 online" in html
    assert "format=online" in html


def test_the_online_link_lists_online_learning(client, catalogue):
    html = page(client.get("/alpha/learn/", {"format": "online"}))
    found = re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)
    assert sorted(found) == ["Online painting talk", "Online yoga class"]


# -- defect 12: a session at the opportunity's main place keeps its address


def test_a_session_at_the_main_place_keeps_its_address_everywhere(
    client, catalogue, django_capture_on_commit_callbacks
):
    opportunity, session = catalogue["yoga"]
    assert session.site is None
    slug = opportunity.slug
    ics = page(client.get(f"/alpha/learn/opportunities/{slug}/calendar.ics"))
    assert "LOCATION:Central Library\\, 1 Grand Parade" in ics
    html = page(client.get(f"/alpha/learn/opportunities/{slug}/"))
    panel = html.split('class="card enrol-panel"')[1]
    assert "1 Grand Parade" in panel.split("</section>")[0]
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrol_person(session=session, name="Ann", email="ann@example.org")
    assert "Central Library, 1 Grand Parade" in mail.outbox[0].body
    detail = page(client.get(f"/alpha/learn/enrolments/{enrolment.public_id}/"))
    assert "1 Grand Parade" in detail


# -- defect 17: plain wording


def test_a_full_session_with_nobody_waiting_says_so_plainly(client, catalogue):
    opportunity, session = catalogue["yoga"]
    session.capacity = 1
    session.save()
    enrol_person(session=session, name="Ann", email="ann@example.org")
    html = page(client.get(f"/alpha/learn/opportunities/{opportunity.slug}/"))
    assert "0 people are on the waiting list" not in html
    assert "Nobody is waiting yet" in html


# -- cities without a catalogue


def test_a_city_without_learning_says_so_and_points_elsewhere(client, catalogue, city_b):
    html = page(client.get("/beta/learn/"))
    assert "No learning matches all your choices" not in html
    assert "has no learning listed here yet" in html
    assert 'href="/alpha/learn/"' in html
    assert 'href="/beta/"' in html

"""The finder reuses its compiled freshness and district queries from one search to
the next: an edit still shows on the very next search, in the right city only."""

from datetime import timedelta

import pytest
from django.db.models import F

from learningcity.catalogue import index_tasks, search
from learningcity.catalogue.models import LearningSite, Opportunity
from learningcity.core.models import District
from tests.catalogue.factories import make_opportunity, make_provider, make_site
from tests.conftest import make_district

pytestmark = pytest.mark.django_db
FINDER = "/alpha/learn/"


@pytest.fixture(autouse=True)
def fresh_indexes():
    search.forget_indexes()
    yield
    search.forget_indexes()


@pytest.fixture
def small_catalogue(city_a):
    district = make_district(city_a, "riverside", latitude=51.90, longitude=-8.47)
    site = make_site(city_a, name="Harbour Hall", district=district, latitude=51.9, longitude=-8.4)
    provider = make_provider(city_a)
    for n in range(5):
        make_opportunity(provider, title=f"Chess club {n}", site=site)
    # Stamped in the past, so that searches run past the late-commit window and the
    # same "anything newer?" query is reused from one search to the next.
    Opportunity.objects.update(updated_at=F("updated_at") - timedelta(minutes=5))
    LearningSite.objects.update(updated_at=F("updated_at") - timedelta(minutes=5))
    index_tasks.build_city_index(city_a, force=True)
    return {"district": district, "site": site}


def test_an_edit_shows_after_the_freshness_query_was_reused(client, city_a, small_catalogue):
    for _ in range(3):
        assert b"Astronomy" not in client.get(FINDER, {"q": "chess"}).content
    opportunity = Opportunity.objects.filter(city=city_a).first()
    opportunity.title = "Astronomy for everyone"
    opportunity.save()

    assert b"Astronomy for everyone" in client.get(FINDER, {"q": "astronomy"}).content


def test_a_renamed_district_shows_on_the_next_search(client, city_a, small_catalogue):
    assert b"Riverside" in client.get(FINDER).content
    District.objects.filter(pk=small_catalogue["district"].pk).update(name="Old Docks")

    page = client.get(FINDER, {"q": "chess"}).content
    assert b"Old Docks" in page and b"Riverside" not in page


def test_a_renamed_site_is_found_near_on_the_next_search(client, city_a, small_catalogue):
    assert client.get(FINDER, {"near": "Harbour Hall", "q": "chess"}).status_code == 200
    site = small_catalogue["site"]
    site.name = "Lighthouse Library"
    site.save()

    page = client.get(FINDER, {"near": "Lighthouse Library", "q": "chess"}).content.decode()
    assert "among this city" not in page


def test_districts_of_another_city_are_not_shown(client, city_a, city_b, small_catalogue):
    make_district(city_b, "elsewhere-quarter")
    client.get(FINDER)
    page = client.get(FINDER, {"q": "chess"}).content
    assert b"Elsewhere-Quarter" not in page and b"Riverside" in page


def test_a_renamed_city_shows_on_the_next_search(client, city_a, small_catalogue):
    client.get(FINDER)
    city_a.name = "Newtown on Sea"
    city_a.save()

    assert b"Newtown on Sea" in client.get(FINDER, {"q": "chess"}).content
    assert client.get("/no-such-city/learn/").status_code == 404

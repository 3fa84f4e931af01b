"""Issue 8, defect 18 in monitoring: the network and peer tables name each city's
country in the reader's language (CLDR), not as it was typed in English."""

import pytest
from django.test import Client
from django.utils import translation

from learningcity.core.models import City

from .test_dashboards import build_network

pytestmark = pytest.mark.django_db


def _page(path: str, language: str) -> str:
    client = Client()
    client.cookies["django_language"] = language
    # The locale middleware activates the cookie's language for the thread; the
    # override puts the previous one back, so later tests are not read in French.
    with translation.override(language):
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def towns_in_ireland_and_senegal():
    _framework, towns, _run = build_network(3)
    City.objects.filter(pk=towns[0].pk).update(country="Ireland", country_code="IE")
    City.objects.filter(pk__in=[town.pk for town in towns[1:]]).update(
        country="Senegal", country_code="SN"
    )
    return towns


@pytest.mark.parametrize(
    ("language", "ireland", "senegal"),
    [("fr", "Irlande", "Sénégal"), ("ar", "أيرلندا", "السنغال"), ("ru", "Ирландия", "Сенегал")],
)
def test_the_network_table_names_countries_in_the_readers_language(
    towns_in_ireland_and_senegal, language, ireland, senegal
):
    page = _page("/network/monitoring/", language)
    table = page.split('id="table-ranks"', 1)[1].split("</table>", 1)[0]
    assert ireland in table and senegal in table
    assert "Ireland" not in table and "Senegal" not in table


def test_the_peer_table_names_countries_in_the_readers_language(towns_in_ireland_and_senegal):
    page = _page(f"/{towns_in_ireland_and_senegal[0].slug}/monitoring/", "fr")
    assert "Sénégal" in page and "Senegal" not in page

"""The demo catalogue, seeded at a tiny size: realistic, labelled and reproducible."""

import numpy as np
import pytest
from django.utils import timezone

from learningcity.catalogue import demo, search
from learningcity.catalogue.models import (
    LearningSite,
    Opportunity,
    Provider,
    ProviderMembership,
    Session,
)
from learningcity.core.demo import DEMO_EMAIL_DOMAIN, DemoContext
from learningcity.core.models import User
from learningcity.engines.search import Query
from tests.conftest import make_city, make_district

pytestmark = pytest.mark.django_db

TINY = demo.Counts(providers=6, sites=15, opportunities=120)


def seed(seed_value=7):
    search.forget_indexes()
    city = make_city(
        "medellin-test",
        languages=["es", "en"],
        time_zone="America/Bogota",
        latitude=6.2442,
        longitude=-75.5812,
        is_demo=True,
    )
    for slug, name, lat, lng in [
        ("popular", "Popular", 6.2967, -75.5467),
        ("belen", "Belén", 6.2300, -75.6000),
    ]:
        make_district(city, slug, name=name, latitude=lat, longitude=lng)
    context = DemoContext(
        size="small",
        seed=seed_value,
        rng=np.random.default_rng(seed_value),
        demo_city=city,
        cities=[city],
        log=lambda message: None,
    )
    demo.seed_catalogue(context, city, TINY)
    return city, context


def test_seeding_creates_the_asked_numbers_with_sessions():
    city, _context = seed()
    assert Provider.objects.filter(city=city).count() == 6
    assert LearningSite.objects.filter(city=city).count() == 15
    assert Opportunity.objects.filter(city=city).count() == 120
    assert Session.objects.filter(opportunity__city=city).count() >= 120


def test_the_same_seed_gives_the_same_catalogue():
    first_city, _ = seed(3)
    first = list(
        Opportunity.objects.filter(city=first_city)
        .order_by("slug")
        .values_list("title", "kind", "cost", "topics")
    )
    first_city.delete()
    User.objects.filter(email__endswith=DEMO_EMAIL_DOMAIN).delete()
    second_city, _ = seed(3)
    second = list(
        Opportunity.objects.filter(city=second_city)
        .order_by("slug")
        .values_list("title", "kind", "cost", "topics")
    )
    assert first == second


def test_titles_are_mostly_spanish_with_some_in_other_languages():
    city, _ = seed()
    languages = [row[0] for row in Opportunity.objects.filter(city=city).values_list("languages")]
    spanish = sum(1 for codes in languages if codes[0] == "es")
    assert spanish > 0.7 * len(languages)
    assert any(codes[0] != "es" for codes in languages)


def test_places_lie_around_their_district_centres():
    city, _ = seed()
    for site in LearningSite.objects.filter(city=city, district__isnull=False).select_related(
        "district"
    ):
        assert abs(site.latitude - site.district.latitude) < 0.05
        assert abs(site.longitude - site.district.longitude) < 0.05


def test_schedule_facts_are_derived_from_the_sessions():
    city, _ = seed()
    upcoming = Opportunity.objects.filter(city=city, next_start__gte=timezone.now())
    assert upcoming.count() > 60
    assert not upcoming.filter(weekdays=0).exists()
    assert Session.objects.filter(opportunity__city=city).exclude(recurrence="").exists()
    online = Session.objects.filter(opportunity__city=city, opportunity__format="online")
    assert online.exclude(live_url="").exists()


def test_the_demo_provider_account_manages_one_provider():
    city, context = seed()
    staff = context.accounts["provider"]
    assert ProviderMembership.objects.filter(user=staff, provider__city=city).count() == 1


def test_the_seeded_catalogue_is_searchable_in_spanish():
    city, _ = seed()
    outcome = search.search(
        city, Query(text="talleres", languages=("es", "en")), search.city_index(city)
    )
    assert outcome.result.total > 0
    for match in outcome.matches:
        wording = match.opportunity.title + str(match.opportunity.translations)
        assert "taller" in wording.lower()


def test_online_talks_are_online_and_kinds_are_mixed():
    """Issue 8, defect 11: "Online talks on …" were seeded as in person."""
    city, _context = seed()
    talks = Opportunity.objects.filter(city=city, translations__en__title__startswith="Online")
    talks = list(talks) + list(Opportunity.objects.filter(city=city, title__startswith="Online"))
    spanish = Opportunity.objects.filter(city=city, title__startswith="Ciclo de charlas en línea")
    everything = [*talks, *spanish]
    assert everything, "the tiny demo has some online talks"
    assert {opportunity.format for opportunity in everything} == {"online"}
    assert {opportunity.site for opportunity in everything} == {None}
    assert Opportunity.objects.filter(city=city, kind="lecture").exists()

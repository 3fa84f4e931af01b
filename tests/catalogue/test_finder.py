"""The learning finder through HTTP: words, every filter, distance, bad input, empty
results, freshness after edits, page weight, query counts and tenancy."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from learningcity.catalogue import schedule, search
from learningcity.catalogue.models import (
    ACCESSIBILITY,
    TARGET_GROUPS,
    TOPICS,
    Cost,
    Format,
    Level,
    Opportunity,
    OpportunityKind,
)
from tests.catalogue.factories import make_opportunity, make_provider, make_session, make_site
from tests.conftest import make_district

pytestmark = pytest.mark.django_db

FINDER = "/alpha/learn/"


@pytest.fixture(autouse=True)
def fresh_indexes():
    """Each test starts with no cached index (ids are reused between tests)."""
    search.forget_indexes()
    yield
    search.forget_indexes()


def offer(provider, title, *, days=None, hour=10, recurrence="", site=None, **fields):
    """An opportunity with one session ``days`` from now (none without ``days``),
    its schedule facts refreshed as the provider workspace would."""
    opportunity = make_opportunity(provider, title=title, site=site, **fields)
    if days is not None:
        local = (timezone.now() + timedelta(days=days)).astimezone(provider.city.tzinfo)
        starts = local.replace(hour=hour, minute=0, second=0, microsecond=0)
        make_session(
            opportunity,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            recurrence=recurrence,
            site=site,
        )
        schedule.refresh_schedule(opportunity)
    return opportunity


@pytest.fixture
def catalogue(city_a, city_b):
    centre = make_district(city_a, "centre", name="Centre", latitude=51.90, longitude=-8.47)
    north = make_district(city_a, "northside", name="Northside", latitude=51.945, longitude=-8.47)
    provider = make_provider(city_a, name="City Library")
    library = make_site(
        city_a,
        name="Central Library",
        address="1 Grand Parade",
        district=centre,
        latitude=51.90,
        longitude=-8.47,
    )
    hall = make_site(
        city_a,
        name="Northside Hall",
        district=north,
        latitude=51.945,
        longitude=-8.47,
    )
    items = {
        "painting": offer(
            provider,
            "Painting workshop",
            days=4,
            hour=10,
            site=library,
            kind=OpportunityKind.WORKSHOP,
            topics=TOPICS.to_mask(["arts"]),
            target_groups=TARGET_GROUPS.to_mask(["older_people"]),
            min_age=18,
            accessibility=ACCESSIBILITY.to_mask(["step_free"]),
        ),
        "python": offer(
            provider,
            "Python programming course",
            days=9,
            hour=18,
            kind=OpportunityKind.COURSE,
            topics=TOPICS.to_mask(["digital"]),
            format=Format.ONLINE,
            cost=Cost.FEE,
            languages=["en", "es"],
            level=Level.VOCATIONAL,
        ),
        "lecture": offer(
            provider,
            "Online lecture on local history",
            days=2,
            hour=19,
            kind=OpportunityKind.LECTURE,
            topics=TOPICS.to_mask(["heritage"]),
            format=Format.ONLINE,
        ),
        "yoga": offer(
            provider,
            "Yoga for everyone",
            days=20,
            hour=9,
            site=hall,
            kind=OpportunityKind.CLUB,
            topics=TOPICS.to_mask(["health", "sport"]),
            target_groups=TARGET_GROUPS.to_mask(["families"]),
            accessibility=ACCESSIBILITY.to_mask(["hearing_loop"]),
        ),
        "draft": offer(provider, "Secret draft painting", days=3, is_published=False),
    }
    other = make_provider(city_b)
    items["beta"] = offer(other, "Beta painting class", days=3)
    items["beta_draft"] = offer(other, "Beta hidden painting draft", days=3, is_published=False)
    return items


def titles(response):
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', response.content.decode())


def body(response):
    return response.content.decode()


def test_the_finder_lists_only_published_opportunities_of_the_city(client, catalogue):
    response = client.get(FINDER)
    assert response.status_code == 200
    assert sorted(titles(response)) == [
        "Online lecture on local history",
        "Painting workshop",
        "Python programming course",
        "Yoga for everyone",
    ]
    assert body(response).count("<h1") == 1


def test_without_words_the_soonest_come_first(client, catalogue):
    assert titles(client.get(FINDER))[:2] == [
        "Online lecture on local history",
        "Painting workshop",
    ]


def test_words_find_other_forms_and_typos(client, catalogue):
    assert titles(client.get(FINDER, {"q": "paintings"})) == ["Painting workshop"]
    response = client.get(FINDER, {"q": "progamming"})
    assert titles(response) == ["Python programming course"]
    assert "We searched for “programming” (you typed “progamming”)" in body(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"topic": "arts"}, ["Painting workshop"]),
        ({"topic": ["arts", "health"]}, ["Painting workshop", "Yoga for everyone"]),
        ({"kind": "course"}, ["Python programming course"]),
        ({"format": "online"}, ["Online lecture on local history", "Python programming course"]),
        ({"cost": "fee"}, ["Python programming course"]),
        ({"level": "vocational"}, ["Python programming course"]),
        ({"language": "es"}, ["Python programming course"]),
        ({"group": "families"}, ["Yoga for everyone"]),
        ({"access": "hearing_loop"}, ["Yoga for everyone"]),
        ({"access": ["hearing_loop", "step_free"]}, []),
        ({"district": "northside"}, ["Yoga for everyone"]),
        ({"time": "evening"}, ["Online lecture on local history", "Python programming course"]),
        (
            {"age_band": "6-11"},
            ["Online lecture on local history", "Python programming course", "Yoga for everyone"],
        ),
        (
            {"age": "12"},
            ["Online lecture on local history", "Python programming course", "Yoga for everyone"],
        ),
        ({"when": "week"}, ["Online lecture on local history", "Painting workshop"]),
    ],
)
def test_each_filter_narrows_the_results(client, catalogue, params, expected):
    response = client.get(FINDER, params)
    assert response.status_code == 200
    assert sorted(titles(response)) == expected


def test_the_day_filter_uses_the_sessions_weekdays(client, catalogue):
    painting = catalogue["painting"]
    (day,) = [value for value, bit in schedule.WEEKDAYS.bit.items() if painting.weekdays & bit]
    assert "Painting workshop" in titles(client.get(FINDER, {"day": day}))


def test_free_online_lectures_this_week(client, catalogue):
    response = client.get(
        FINDER, {"cost": "free", "format": "online", "kind": "lecture", "when": "week"}
    )
    assert titles(response) == ["Online lecture on local history"]
    assert "Free online lectures this week" in body(client.get(FINDER))


def test_facet_counts_keep_alternatives_of_the_chosen_facet(client, catalogue):
    text = body(client.get(FINDER, {"topic": "arts"}))
    # Health still shows what choosing it would add; the cost counts follow the choice.
    assert re.search(r'value="health"[^>]*> <label[^>]*>[^<]+<span class="count">\(1\)', text)
    assert re.search(
        r'value="free" checked|value="free"[^>]*> <label[^>]*>Free <span class="count">\(1\)', text
    )


def test_distance_from_a_district_sorts_nearest_first(client, catalogue):
    response = client.get(FINDER, {"near": "northside", "sort": "nearest"})
    assert titles(response)[:2] == ["Yoga for everyone", "Painting workshop"]
    assert "near Northside" in body(response)
    assert "5.0 km away" in body(response)


def test_a_distance_limit_keeps_close_places_and_counts_online_learning_apart(client, catalogue):
    response = client.get(FINDER, {"near": "Central Library", "km": "2"})
    assert titles(response) == ["Painting workshop"]
    assert "Also 2 online" in body(response)


def test_an_address_of_a_place_works_as_a_starting_point(client, catalogue):
    response = client.get(FINDER, {"near": "grand parade", "km": "1", "format": "in_person"})
    assert titles(response) == ["Painting workshop"]


def test_a_map_point_works_as_a_starting_point(client, catalogue):
    response = client.get(
        FINDER, {"lat": "51.945", "lng": "-8.47", "km": "1", "format": "in_person"}
    )
    assert titles(response) == ["Yoga for everyone"]


@pytest.mark.parametrize(
    "point",
    [
        {"lat": "abc", "lng": "-8.47"},
        {"lat": "91", "lng": "0"},
        {"lat": "nan", "lng": "1"},
        {"lat": "51.9", "lng": "-181"},
        {"lat": "51.9"},
        {"lat": "1e999", "lng": "1"},
    ],
)
def test_invalid_coordinates_are_ignored_with_a_message(client, catalogue, point):
    response = client.get(FINDER, point)
    assert response.status_code == 200
    assert len(titles(response)) == 4
    assert 'class="message message-error"' in body(response)


def test_an_unknown_place_is_reported(client, catalogue):
    response = client.get(FINDER, {"near": "Atlantis", "km": "5"})
    assert response.status_code == 200
    assert "We could not find “Atlantis”" in body(response)


def test_unknown_filter_values_are_ignored_with_a_message(client, catalogue):
    response = client.get(
        FINDER, {"topic": ["arts", "astrology"], "cost": "cheap", "when": "never"}
    )
    text = body(response)
    assert titles(response) == ["Painting workshop"]
    assert "We ignored a choice we do not know for “Topic”: astrology" in text
    assert "We ignored a choice we do not know for “Cost”: cheap" in text
    assert "We ignored “When”" in text


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "painting\x00\x1f\x7f",
        "😀 🎨 painting",
        "' OR 1=1; DROP TABLE catalogue_opportunity; --",
        "<script>alert(1)</script>",
        "الرسم والموسيقى",
        "学习中文",
        "%00%ff%",
        "   ",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z painting",
    ],
)
def test_long_or_odd_words_give_a_page_not_an_error(client, catalogue, query):
    response = client.get(FINDER, {"q": query, "page": "2"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in body(response)


def test_very_long_words_are_cut_with_a_notice(client, catalogue):
    response = client.get(FINDER, {"q": "painting " + "x" * 500})
    assert "we used the first 200 characters" in body(response)


@pytest.mark.parametrize("page", ["0", "-3", "abc", "99999999999999999999"])
def test_odd_page_numbers_give_a_page(client, catalogue, page):
    assert client.get(FINDER, {"page": page}).status_code == 200


def test_an_empty_result_suggests_which_filter_to_drop(client, catalogue):
    response = client.get(FINDER, {"q": "yoga", "cost": "fee"})
    text = body(response)
    assert titles(response) == []
    assert "No learning matches all your choices." in text
    assert "Without your search words: 1 result" in text
    assert "Without Cost: Fee: 1 result" in text
    assert 'href="?cost=fee"' in text and 'href="?q=yoga"' in text


def test_an_unknown_word_is_named_in_the_empty_result(client, catalogue):
    assert "Nothing matches “zzyzx”" in body(client.get(FINDER, {"q": "zzyzx"}))


def test_chosen_filters_can_be_removed_one_by_one(client, catalogue):
    text = body(client.get(FINDER, {"topic": ["arts", "health"], "cost": "free"}))
    assert 'href="?topic=health&amp;cost=free"' in text
    assert 'href="?topic=arts&amp;topic=health"' in text


def test_pages_follow_each_other(client, city_a):
    provider = make_provider(city_a)
    for number in range(45):
        offer(provider, f"Course number {number:02d}", days=1 + number)
    first = titles(client.get(FINDER))
    third = titles(client.get(FINDER, {"page": "3"}))
    beyond = client.get(FINDER, {"page": "9"})
    assert len(first) == 20 and len(third) == 5
    assert first[0] == "Course number 00" and third[-1] == "Course number 44"
    assert titles(beyond) == third
    assert "Page 3 of 3" in body(beyond)


def test_the_results_map_lists_the_pages_places(client, catalogue):
    text = body(client.get(FINDER, {"topic": ["arts", "health"]}))
    points = json.loads(re.search(r'id="result-map-points"[^>]*>(.+?)</script>', text).group(1))
    assert {point["name"] for point in points} == {"Painting workshop", "Yoga for everyone"}
    assert all(point["url"].startswith("/alpha/learn/opportunities/") for point in points)


def test_an_edited_opportunity_is_found_on_the_next_search(client, catalogue):
    assert titles(client.get(FINDER, {"q": "ceramics"})) == []
    yoga = catalogue["yoga"]
    yoga.title = "Ceramics for everyone"
    yoga.save()
    assert titles(client.get(FINDER, {"q": "ceramics"})) == ["Ceramics for everyone"]
    assert titles(client.get(FINDER, {"q": "yoga"})) == []


def test_an_unpublished_opportunity_disappears_on_the_next_search(client, catalogue):
    assert "Painting workshop" in titles(client.get(FINDER))
    painting = catalogue["painting"]
    painting.is_published = False
    painting.save()
    assert "Painting workshop" not in titles(client.get(FINDER))
    painting.is_published = True
    painting.save()
    assert "Painting workshop" in titles(client.get(FINDER))


def test_a_new_opportunity_appears_on_the_next_search(client, catalogue):
    client.get(FINDER)
    offer(catalogue["painting"].provider, "Pottery for beginners", days=5)
    assert titles(client.get(FINDER, {"q": "pottery"})) == ["Pottery for beginners"]


def test_a_deleted_opportunity_is_never_shown(client, catalogue):
    client.get(FINDER)
    Opportunity.objects.filter(pk=catalogue["lecture"].pk).delete()
    response = client.get(FINDER)
    assert "Online lecture on local history" not in titles(response)
    assert len(titles(response)) == 3


def test_a_moved_place_changes_distances_on_the_next_search(client, catalogue):
    client.get(FINDER, {"near": "northside"})
    hall = catalogue["yoga"].site
    hall.latitude, hall.longitude = 51.90, -8.47
    hall.save()
    response = client.get(FINDER, {"lat": "51.945", "lng": "-8.47", "km": "1"})
    assert "Yoga for everyone" not in titles(response)


def test_the_finder_page_makes_few_queries(client, catalogue, django_assert_max_num_queries):
    client.get(FINDER)  # builds the index
    with django_assert_max_num_queries(6):
        response = client.get(FINDER, {"q": "painting", "near": "centre", "topic": "arts"})
    assert response.status_code == 200


def test_a_full_results_page_stays_under_60_kb(client, city_a):
    for slug in ("centre", "north", "south", "east", "west", "harbour"):
        make_district(city_a, slug, name=slug.title() + " district with a long name")
    provider = make_provider(city_a, name="A provider with quite a long name, as many have")
    sites = [make_site(city_a, name=f"Community learning centre number {n}") for n in range(6)]
    everything = dict(
        topics=TOPICS.to_mask(TOPICS.bit),
        target_groups=TARGET_GROUPS.to_mask(TARGET_GROUPS.bit),
        accessibility=ACCESSIBILITY.to_mask(ACCESSIBILITY.bit),
        languages=["en", "es", "fr", "ar"],
    )
    for number in range(30):
        offer(
            provider,
            f"A fairly long course title about learning something new, part {number}",
            days=number % 7,
            site=sites[number % 6],
            recurrence="FREQ=WEEKLY;COUNT=8",
            **everything,
        )
    response = client.get(FINDER, {"near": "centre"})
    assert len(titles(response)) == 20
    assert len(response.content) <= 60_000


def test_city_bs_opportunities_never_appear_in_city_as_finder(client, catalogue):
    found = titles(client.get(FINDER, {"q": "painting"}))
    assert "Beta painting class" not in found
    assert "Beta hidden painting draft" not in found
    assert "Secret draft painting" not in found


def test_city_bs_unpublished_opportunity_is_not_in_its_own_finder(client, catalogue):
    assert titles(client.get("/beta/learn/", {"q": "painting"})) == ["Beta painting class"]


def test_an_unknown_city_has_no_finder(client, db):
    assert client.get("/nowhere/learn/").status_code == 404


def test_the_finder_answers_only_get(client, catalogue):
    assert client.post(FINDER).status_code == 405


def test_a_deleted_place_is_noticed_by_the_regular_count_check(client, catalogue, monkeypatch):
    client.get(FINDER)
    monkeypatch.setattr(search, "COUNT_CHECK_SECONDS", 0.0)
    catalogue["yoga"].site.delete()
    response = client.get(FINDER, {"lat": "51.945", "lng": "-8.47", "km": "1"})
    assert "Yoga for everyone" not in titles(response)


def test_counts_are_corrected_after_rows_vanish_without_a_trace(client, catalogue, monkeypatch):
    assert 'value="digital"' in body(client.get(FINDER, {"topic": "arts"}))
    monkeypatch.setattr(search, "COUNT_CHECK_SECONDS", 0.0)
    Opportunity.objects.filter(pk=catalogue["python"].pk).delete()
    # The deleted course is not on this page, yet its topic's count is gone.
    assert 'value="digital"' not in body(client.get(FINDER, {"topic": "arts"}))


def test_titles_and_provider_names_are_shown_escaped(client, city_a):
    """Result items are built in Python (``result_items``): markup typed by a provider
    is shown as text, as the template would."""
    provider = make_provider(city_a, name='Q&A <b>"club"</b>')
    offer(provider, "Painting <script>alert(1)</script> & 'drawing'", days=2)
    response = client.get(FINDER, {"q": "painting"})
    page = body(response)
    assert "<script>alert(1)</script>" not in page
    assert "Painting &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x27;drawing&#x27;" in page
    assert '<p class="muted">Q&amp;A &lt;b&gt;&quot;club&quot;&lt;/b&gt;</p>' in page

""" "Find learning for me": five short questions, then ranked suggestions that say
why they were chosen. No account is needed."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from learningcity.catalogue import schedule, search
from learningcity.catalogue.models import ACCESSIBILITY, TOPICS, Cost, Format
from tests.catalogue.factories import make_opportunity, make_provider, make_session, make_site
from tests.conftest import make_district

pytestmark = pytest.mark.django_db

GUIDED = "/alpha/learn/for-me/"


@pytest.fixture(autouse=True)
def fresh_indexes():
    search.forget_indexes()
    yield
    search.forget_indexes()


def next_weekday(weekday, hour):
    """The next given weekday (0 = Monday) at ``hour`` in the city's time zone."""
    now = timezone.now().astimezone(timezone.get_current_timezone())
    days = (weekday - now.weekday()) % 7 or 7
    return (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def offer(provider, title, *, starts, site=None, **fields):
    opportunity = make_opportunity(provider, title=title, site=site, **fields)
    make_session(
        opportunity,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        recurrence="FREQ=WEEKLY;COUNT=6",
    )
    schedule.refresh_schedule(opportunity)
    return opportunity


@pytest.fixture
def choices(city_a):
    district = make_district(city_a, "riverside", name="Riverside", latitude=51.90, longitude=-8.47)
    near = make_site(
        city_a,
        name="Riverside Library",
        district=district,
        latitude=51.901,
        longitude=-8.47,
        accessibility=ACCESSIBILITY.to_mask(["step_free"]),
    )
    far = make_site(city_a, name="Hilltop Centre", latitude=51.99, longitude=-8.47)
    provider = make_provider(city_a)
    saturday_morning = next_weekday(5, 10)
    tuesday_evening = next_weekday(1, 19)
    return {
        "computers": offer(
            provider,
            "Computers for beginners",
            starts=saturday_morning,
            site=near,
            topics=TOPICS.to_mask(["digital"]),
        ),
        "coding": offer(
            provider,
            "Coding club",
            starts=tuesday_evening,
            site=far,
            topics=TOPICS.to_mask(["digital"]),
            cost=Cost.FEE,
        ),
        "online": offer(
            provider,
            "Online spreadsheets",
            starts=saturday_morning,
            topics=TOPICS.to_mask(["digital", "work"]),
            format=Format.ONLINE,
            languages=["es"],
        ),
        "choir": offer(
            provider,
            "Community choir",
            starts=saturday_morning,
            site=near,
            topics=TOPICS.to_mask(["arts"]),
        ),
    }


def suggestions(response):
    return re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', response.content.decode())


def reasons_of(response, title):
    text = response.content.decode()
    start = text.index(f">{title}</a>")
    block = text[start : text.index("</ul>", start)]
    return re.findall(r"<li>([^<]+)</li>", block)


def test_the_first_question_asks_what_to_learn_without_an_account(client, choices):
    response = client.get(GUIDED)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Question 1 of 5: what would you like to learn?" in text
    assert 'name="topic" value="digital"' in text
    assert 'aria-current="step"' in text


def test_each_question_carries_the_earlier_answers_and_offers_a_way_back(client, choices):
    text = client.get(GUIDED, {"step": "where", "topic": "digital", "day": "sat"}).content.decode()
    assert "Question 3 of 5: how far can you go?" in text
    assert '<input type="hidden" name="topic" value="digital">' in text
    assert '<input type="hidden" name="day" value="sat">' in text
    assert '<input type="hidden" name="step" value="help">' in text
    assert 'href="?step=when&amp;topic=digital&amp;day=sat"' in text or "step=when" in text


def test_the_last_question_leads_to_the_suggestions(client, choices):
    text = client.get(GUIDED, {"step": "language"}).content.decode()
    assert '<input type="hidden" name="step" value="results">' in text
    assert "Show my suggestions" in text


def test_suggestions_rank_what_fits_first_and_explain_each_match(client, choices):
    response = client.get(
        GUIDED,
        {
            "step": "results",
            "topic": "digital",
            "day": "sat",
            "time": "morning",
            "near": "Riverside",
            "km": "3",
        },
    )
    assert response.status_code == 200
    ranked = suggestions(response)
    assert ranked[0] == "Computers for beginners"
    assert "Hilltop Centre" not in response.content.decode()  # 10 km away: over the limit
    reasons = reasons_of(response, "Computers for beginners")
    assert "It is about what you want to learn: Digital skills." in reasons
    assert "It happens when you are free: Saturday, morning (before 12:00)." in reasons
    assert any(reason.startswith("It is 1") and "from Riverside" in reason for reason in reasons)
    assert "It is free." in reasons


def test_an_online_suggestion_says_it_can_be_joined_from_home(client, choices):
    response = client.get(GUIDED, {"step": "results", "topic": "work"})
    assert suggestions(response)[0] == "Online spreadsheets"
    assert "It is online: you can join from home." in reasons_of(response, "Online spreadsheets")


def test_a_suggestion_at_other_times_is_flagged(client, choices):
    response = client.get(GUIDED, {"step": "results", "topic": "digital", "day": "sat"})
    assert "Check the dates: it is not always at the times you chose." in reasons_of(
        response, "Coding club"
    )


def test_needs_are_always_met(client, choices):
    response = client.get(
        GUIDED, {"step": "results", "access": "step_free", "free": "1", "how": "in_person"}
    )
    assert sorted(suggestions(response)) == ["Community choir", "Computers for beginners"]
    assert "It offers what you need: Step-free access." in reasons_of(response, "Community choir")


def test_the_language_question_keeps_only_learning_in_those_languages(client, choices):
    response = client.get(GUIDED, {"step": "results", "language": "es"})
    assert suggestions(response) == ["Online spreadsheets"]


def test_when_nothing_fits_it_says_which_need_to_drop(client, choices):
    response = client.get(
        GUIDED, {"step": "results", "access": "hearing_loop", "free": "1", "how": "online"}
    )
    text = response.content.decode()
    assert suggestions(response) == []
    assert "Nothing fits all your needs yet." in text
    assert "Without Accessibility: Hearing loop: 1 result" in text
    assert "step=results" in re.search(r'href="([^"]*free=1[^"]*)">Without Accessibility', text)[1]


def test_odd_answers_are_ignored_not_errors(client, choices):
    response = client.get(
        GUIDED, {"step": "results", "topic": "astrology", "age": "old", "km": "9999", "how": "x"}
    )
    assert response.status_code == 200
    assert "We ignored the age" in response.content.decode()
    assert len(suggestions(response)) == 4


def test_the_answers_open_in_the_finder_too(client, choices):
    text = client.get(GUIDED, {"step": "results", "topic": "digital", "free": "1"}).content.decode()
    assert 'href="/alpha/learn/?topic=digital&amp;cost=free"' in text


def test_suggestions_make_few_queries(client, choices, django_assert_max_num_queries):
    client.get(GUIDED, {"step": "results"})  # builds the search index
    with django_assert_max_num_queries(6):
        response = client.get(GUIDED, {"step": "results", "topic": "digital", "near": "Riverside"})
    assert response.status_code == 200

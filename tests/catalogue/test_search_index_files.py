"""The finder's index files: built by the task queue, opened by every process, kept
current by small deltas, swapped when rebuilt, and never built inside a request;
without files, the database answers with the same totals and facet counts."""

import random
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from learningcity.catalogue import index_tasks, search, search_fallback
from learningcity.catalogue.models import (
    ACCESSIBILITY,
    TARGET_GROUPS,
    TOPICS,
    WEEKDAYS,
    Accessibility,
    Cost,
    Format,
    Level,
    Opportunity,
    OpportunityKind,
    TargetGroup,
    Topic,
    Weekday,
)
from learningcity.engines.search import Point, Query, Sort, store
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
def queue_not_running(monkeypatch):
    """A task queue that only records what it is asked (as in production, where the
    worker runs the build later, in another process)."""
    asked = []

    def build_search_index(*args):
        asked.append(args)

    build_search_index.schedule = lambda args, delay: asked.append(args)
    monkeypatch.setattr(index_tasks, "build_search_index", build_search_index)
    return asked


@pytest.fixture
def no_build_here(monkeypatch):
    """Fails the test if anything builds an index in this process."""

    def refuse(*args, **kwargs):
        raise AssertionError("an index was built inside a request")

    monkeypatch.setattr(search, "_build", refuse)
    monkeypatch.setattr(search, "build_index_files", refuse)


def titles(response):
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', response.content.decode())


@pytest.fixture
def catalogue(city_a):
    """A varied catalogue of 120 opportunities (seeded at random, the same each run)."""
    rng = random.Random(7)
    districts = [
        make_district(city_a, slug, latitude=51.90 + 0.02 * n, longitude=-8.47)
        for n, slug in enumerate(("centre", "north", "south"))
    ]
    sites = [
        make_site(
            city_a,
            name=f"Hall {n}",
            district=districts[n % 3],
            latitude=51.90 + 0.01 * n,
            longitude=-8.47 + 0.005 * n,
            accessibility=ACCESSIBILITY.to_mask(["step_free"]) if n % 2 else 0,
        )
        for n in range(6)
    ]
    provider = make_provider(city_a)
    words = ["painting", "yoga", "python", "history", "cooking", "chess"]
    now = timezone.now()
    for n in range(120):
        make_opportunity(
            provider,
            title=f"{rng.choice(words).title()} {rng.choice(['club', 'course', 'talk'])}",
            description=rng.choice(["", "for beginners", "with painting and yoga"]),
            kind=rng.choice(OpportunityKind.values),
            format=rng.choice(Format.values),
            cost=rng.choice(Cost.values),
            level=rng.choice(Level.values),
            languages=rng.choice([["en"], ["es"], ["en", "fr"], []]),
            topics=TOPICS.to_mask(rng.sample(Topic.values, rng.randrange(0, 3))),
            target_groups=TARGET_GROUPS.to_mask(rng.sample(TargetGroup.values, 1)),
            accessibility=ACCESSIBILITY.to_mask(rng.sample(Accessibility.values, 1)),
            weekdays=WEEKDAYS.to_mask(rng.sample(Weekday.values, rng.randrange(0, 3))),
            **rng.choice([{}, {"min_age": 12}, {"max_age": 17}, {"min_age": 18, "max_age": 99}]),
            site=rng.choice([None, *sites]),
            next_start=rng.choice([None, now - timedelta(days=1), now + timedelta(days=n)]),
        )
    return {"sites": sites}


def questions():
    now = timezone.now().timestamp()
    centre = Point(51.90, -8.47)
    return [
        Query(now=now),
        Query(now=now, filters={"topic": frozenset(Topic.values[:2])}),
        Query(
            now=now,
            filters={"cost": frozenset({Cost.FREE}), "format": frozenset(Format.values[:2])},
        ),
        Query(now=now, filters={"access": frozenset(Accessibility.values[:1])}),
        Query(now=now, filters={"district": frozenset({"north"}), "language": frozenset({"en"})}),
        Query(now=now, filters={"age_band": frozenset({"0-5", "65+"})}, age=70),
        Query(now=now, filters={"day": frozenset(Weekday.values[:3])}, offset=5, limit=7),
        Query(now=now, origin=centre, max_km=2.5),
        Query(now=now, origin=centre, max_km=2.5, sort=Sort.NEAREST),
        Query(now=now, starts_from=now, starts_before=now + 30 * 86400),
        Query(now=now, text="yoga", languages=("en",)),
        Query(now=now, text="python club", languages=("en",)),
        Query(now=now, text="nothing-like-it", languages=("en",)),
        Query(now=now, filters={"kind": frozenset({OpportunityKind.LECTURE})}, age=5),
    ]


def test_without_files_the_database_gives_the_same_totals_counts_and_rows(city_a, catalogue):
    index = search._build(city_a).index
    database = search_fallback.DatabaseSearch(city_a, index.schema)

    for question in questions():
        expected, found = index.search(question), database.search(question)
        assert found.total == expected.total, question
        assert found.facets == expected.facets, question
        assert found.relaxations == expected.relaxations, question
        if not question.text:  # words are ranked by relevance only by the index
            assert [hit.key for hit in found.hits] == [hit.key for hit in expected.hits]
            assert [hit.distance_km for hit in found.hits] == [
                hit.distance_km for hit in expected.hits
            ]


def test_a_request_without_files_is_answered_from_the_database_and_asks_for_a_build(
    client, city_a, catalogue, queue_not_running, no_build_here
):
    response = client.get(FINDER)

    assert response.status_code == 200
    assert len(titles(response)) == 20
    assert queue_not_running == [(city_a.pk, search.machine_name())]
    assert search.city_index(city_a).from_database


def test_the_build_task_writes_files_that_a_new_process_opens_without_building(
    client, city_a, catalogue, monkeypatch
):
    index_tasks.build_search_index(city_a.pk, search.machine_name())  # the worker
    assert store.current_version(search.index_root(city_a)) is not None
    search.forget_indexes()  # a new worker process
    monkeypatch.setattr(search, "_build", lambda city: pytest.fail("built in a request"))

    state = search.city_index(city_a)

    assert not state.from_database
    assert state.index.size == Opportunity.objects.filter(is_published=True).count()
    assert client.get(FINDER, {"q": "yoga"}).status_code == 200


def test_a_build_task_for_another_machine_is_passed_on(city_a, monkeypatch):
    passed = []
    monkeypatch.setattr(
        index_tasks.build_search_index,
        "schedule",
        lambda args, delay: passed.append(args),
    )

    index_tasks.build_search_index(city_a.pk, "another-machine")

    assert passed == [(city_a.pk, "another-machine", 1)]
    assert store.current_version(search.index_root(city_a)) is None


def test_a_second_build_of_the_same_city_waits_for_the_first(city_a, catalogue):
    with index_tasks.building(city_a):
        assert index_tasks.build_city_index(city_a, force=True) is None
    assert index_tasks.build_city_index(city_a, force=True) is not None
    assert index_tasks.build_city_index(city_a) is None  # already up to date


def test_a_small_edit_shows_on_the_next_search_from_files(client, city_a, catalogue):
    index_tasks.build_city_index(city_a)
    client.get(FINDER)
    opportunity = Opportunity.objects.filter(is_published=True).first()
    opportunity.title = "Astronomy for everyone"
    opportunity.save()

    assert titles(client.get(FINDER, {"q": "astronomy"})) == ["Astronomy for everyone"]
    state = search.city_index(city_a)
    assert not state.behind and len(state.index.segments) == 2


def test_many_changes_are_not_reindexed_in_the_request_but_rebuilt_and_swapped(
    client, city_a, catalogue, monkeypatch, queue_not_running
):
    index_tasks.build_city_index(city_a)
    first = search.city_index(city_a)
    building = search.build_index_files
    monkeypatch.setattr(search, "build_index_files", lambda city: pytest.fail("built here"))
    monkeypatch.setattr(search, "MAX_DELTA_DOCUMENTS", 10)
    hidden = Opportunity.objects.filter(is_published=True).order_by("pk")[:5]
    hidden_pks = [each.pk for each in hidden]
    Opportunity.objects.filter(pk__in=hidden_pks).update(
        is_published=False, updated_at=timezone.now()
    )
    Opportunity.objects.exclude(pk__in=hidden_pks).update(
        title=F("title"), updated_at=timezone.now()
    )

    behind = search.city_index(city_a)

    assert behind.behind
    assert behind.files == first.files
    assert queue_not_running  # a rebuild was asked for ...
    assert len(behind.index.segments) == 1  # ... and nothing re-indexed here
    assert behind.index.size == first.index.size - 5  # unpublished rows hidden at once
    assert not set(hidden_pks) & {int(key) for key in behind.index.live_keys()}

    assert client.get(FINDER).status_code == 200  # a page, still nothing built
    monkeypatch.setattr(search, "build_index_files", building)
    index_tasks.build_city_index(city_a)  # the worker's rebuild, then the swap
    swapped = search.city_index(city_a)
    assert swapped.files != first.files
    assert not swapped.behind
    assert swapped.index.size == behind.index.size


def test_a_reader_of_the_old_files_keeps_answering_after_the_swap(city_a, catalogue):
    index_tasks.build_city_index(city_a)
    old = search.city_index(city_a)
    question = Query(now=timezone.now().timestamp())
    before = old.index.search(question).total
    for _ in range(store.KEEP_OLD_VERSIONS + 1):
        index_tasks.build_city_index(city_a, force=True)

    assert not (search.index_root(city_a) / old.files).exists()
    assert old.index.search(question).total == before
    assert search.city_index(city_a).files != old.files


def test_files_of_a_city_are_not_read_for_another_city(city_a, city_b, catalogue):
    index_tasks.build_city_index(city_a)
    root_a, root_b = search.index_root(city_a), search.index_root(city_b)
    root_b.mkdir(parents=True)
    (root_b / store.POINTER).write_text(store.current_version(root_a))
    (root_a / store.current_version(root_a)).rename(root_b / store.current_version(root_a))

    state = search.city_index(city_b)

    assert state.from_database or state.index.size == 0


def test_a_queue_that_is_down_does_not_break_the_finder(client, city_a, catalogue, monkeypatch):
    def down(*args):
        raise ConnectionError("queue unreachable")

    monkeypatch.setattr(index_tasks, "build_search_index", down)

    response = client.get(FINDER, {"topic": Topic.values[0]})

    assert response.status_code == 200


def test_fallback_answers_guided_wishes_with_their_reasons(city_a, catalogue):
    from learningcity.engines.search import Preferences

    index = search._build(city_a).index
    database = search_fallback.DatabaseSearch(city_a, index.schema)
    wished = frozenset(Topic.values[:2])
    query = Query(now=timezone.now().timestamp(), preferences=Preferences(wishes={"topic": wished}))

    found = database.search(query)

    assert found.total == index.search(replace(query, preferences=None)).total
    for hit in found.hits:
        topics = set(TOPICS.to_values(Opportunity.objects.get(pk=hit.key).topics))
        assert set(hit.matched.get("topic", ())) == topics & wished


def test_place_names_from_the_files_find_what_the_database_finds(city_a, catalogue):
    make_site(city_a, name="Biblioteca Pública Piloto", address="Carrera 64 # 50-32")
    make_site(city_a, name="Hall 1 annex", address="")
    index_tasks.build_city_index(city_a)
    from_files = search.city_index(city_a).sites
    from_database = search._gazetteer(city_a)

    assert isinstance(from_files.lists[0], search.StoredNames)
    for wanted in ["hall 1", "hall", "annex", "biblioteca publica", "piloto", "carrera 64", "x"]:
        assert from_files.find(wanted) == from_database.find(wanted), wanted


def test_the_schedule_builds_files_of_cities_with_learning_once_until_they_change(
    city_a, city_b, catalogue
):
    assert store.current_version(search.index_root(city_a)) is None

    assert index_tasks.refresh_search_indexes() == 1  # city B has no learning
    assert search.index_files_fresh(city_a)
    assert store.current_version(search.index_root(city_b)) is None
    assert index_tasks.refresh_search_indexes() == 0  # nothing changed since

    Opportunity.objects.filter(pk=Opportunity.objects.first().pk).update(
        title="Pottery", updated_at=timezone.now()
    )
    assert index_tasks.refresh_search_indexes() == 1

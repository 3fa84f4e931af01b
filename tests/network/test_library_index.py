"""The library's search index as files built by the task queue: a request never
builds it (the database answers meanwhile), the files give exactly the answers of
an index built in memory, and changes show at the next search through the delta."""

import pytest
from huey.contrib.djhuey import HUEY

from learningcity.engines.search import build_index, store
from learningcity.engines.search.query import Query
from learningcity.network import search, services
from learningcity.network.models import Practice
from tests.network.factories import published_practice

pytestmark = pytest.mark.django_db

QUERIES = [
    Query(),
    Query(text="literacy"),
    Query(text="literacie volunters"),  # typos: approximate matching
    Query(text="digital", filters={"region": frozenset(["africa"])}),
    Query(filters={"theme": frozenset(["eq-digital", "eq-vulnerable"])}),
    Query(text="lecture", languages=("fr", "en"), filters={"language": frozenset(["fr"])}),
]


@pytest.fixture
def practices(city_a, city_b, network_coordinator):
    city_b.region = "africa"
    city_b.save()
    made = [published_practice(city_a, network_coordinator)]
    made.append(
        published_practice(
            city_b,
            network_coordinator,
            title="Compétences numériques",
            summary="Des jeunes enseignent la lecture et le digital.",
            themes=["eq-digital"],
            language="fr",
        )
    )
    for n in range(6):
        made.append(
            published_practice(
                city_a if n % 2 else city_b,
                network_coordinator,
                title=f"Digital literacy {n}",
                summary=f"Volunteers and libraries, round {n}.",
                themes=["eq-digital"] if n % 3 else ["kflc-community"],
            )
        )
    return made


@pytest.fixture
def queue_off():
    """A queue that does not run tasks at once (production): nothing gets built."""
    HUEY.immediate = False
    HUEY.flush()
    yield
    HUEY.flush()
    HUEY.immediate = True


def _answers(searcher):
    return [searcher.search(query) for query in QUERIES]


def test_files_answer_exactly_as_an_index_built_in_memory(practices):
    searcher = search.library_searcher()  # immediate queue: the files were built
    assert isinstance(searcher, search.engine_index.SearchIndex)
    assert store.current_version(search.library_root()) is not None
    in_memory = build_index(search._documents(Practice.objects.all()), search.LIBRARY_SCHEMA)
    assert _answers(searcher) == _answers(in_memory)
    assert searcher.search(Query(text="literacy")).total == 7


def test_without_files_the_database_answers_and_a_build_is_queued(practices, queue_off, client):
    searcher = search.library_searcher()
    assert isinstance(searcher, search.DatabaseLibrary)
    assert store.current_version(search.library_root()) is None
    assert len(HUEY) == 1  # the build was asked for, once
    search.library_searcher()
    assert len(HUEY) == 1
    # Same filters and disjunctive facet counts as the index.
    index = build_index(search._documents(Practice.objects.all()), search.LIBRARY_SCHEMA)
    for query in [Query(), Query(filters={"theme": frozenset(["eq-digital"])})]:
        fallback, exact = searcher.search(query), index.search(query)
        assert fallback.total == exact.total
        assert fallback.facets == {
            name: {value: counts.get(value, 0) for value in facet.values}
            for facet in search.LIBRARY_SCHEMA.facets
            for name, counts in [(facet.name, exact.facets.get(facet.name, {}))]
        }
    assert searcher.search(Query(text="digital literacy")).total == 6
    page = client.get("/network/practices/?q=literacy&theme=eq-digital").content.decode()
    assert "Digital literacy 1" in page and "Compétences" not in page
    # The task builds the files; the next search opens them.
    search.rebuild_library_files()
    assert isinstance(search.library_searcher(), search.engine_index.SearchIndex)


def test_changes_show_at_the_next_search_without_a_rebuild(
    practices, city_a, network_coordinator, queue_off
):
    search.rebuild_library_files()
    version = store.current_version(search.library_root())
    assert search.search_library("gardens", {}).total == 0
    published_practice(city_a, network_coordinator, title="Urban gardens", summary="Schools.")
    services.withdraw_practice(actor=None, practice=practices[0])
    found = search.search_library("gardens", {})
    assert found.total == 1
    assert practices[0].pk not in {hit.key for hit in search.search_library("", {}).hits}
    assert store.current_version(search.library_root()) == version  # still the same files
    # A city deleted with its practices leaves no stamp: the count catches it.
    practices[1].city.delete()
    keys = {hit.key for hit in search.search_library("", {}, limit=50).hits}
    assert practices[1].pk not in keys and len(keys) == search._watermark()[1]


def test_a_new_process_opens_the_files_without_building(practices, monkeypatch):
    search.rebuild_library_files()
    search.forget_library_index()
    monkeypatch.setattr(
        search.engine_index, "build_index", lambda *a, **k: pytest.fail("built in a request")
    )
    assert search.search_library("literacy", {}).total == 7


def test_fresh_files_are_not_rebuilt(practices):
    assert search.rebuild_library_files() is not None or search.library_files_fresh()
    assert search.library_files_fresh()
    assert search.rebuild_library_files() is None

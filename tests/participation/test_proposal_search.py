"""Word search in the proposal list: the database's full-text index (FTS5 on SQLite,
a GIN index on PostgreSQL), kept current as proposals are written, edited and deleted."""

from __future__ import annotations

import pytest
from django.db import connection

from learningcity.participation import fulltext, selectors
from learningcity.participation.models import Proposal

from .conftest import make_process, make_proposal

pytestmark = pytest.mark.django_db


def _titles(process, question: str) -> set[str]:
    rows, _counts = selectors.proposal_list(process, {"q": question})
    return set(rows.values_list("title", flat=True))


@pytest.fixture
def process(city_a):
    process = make_process(city_a)
    make_proposal(process, title="Reading garden in the park", body="Benches and books.")
    make_proposal(process, title="Coding club for girls", body="Weekly, at the library.")
    make_proposal(process, title="Évening classes", body="Spanish for newcomers.")
    return process


def test_every_word_must_begin_a_word_of_the_title_or_body(process):
    assert _titles(process, "garden") == {"Reading garden in the park"}
    assert _titles(process, "libr") == {"Coding club for girls"}  # a prefix of "library"
    assert _titles(process, "club library") == {"Coding club for girls"}
    assert _titles(process, "club garden") == set()
    assert _titles(process, "GARDEN!") == {"Reading garden in the park"}


def test_accents_do_not_matter_on_sqlite(process):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's 'simple' configuration keeps accents")
    assert _titles(process, "evening") == {"Évening classes"}


def test_the_index_follows_edits_and_deletions(process):
    proposal = Proposal.objects.get(title="Coding club for girls")
    proposal.title = "Robotics club for girls"
    proposal.save()
    assert _titles(process, "robotics") == {"Robotics club for girls"}
    assert _titles(process, "coding") == set()
    proposal.delete()
    assert _titles(process, "robotics") == set()
    make_proposal(process, title="Choir for seniors", body="Sing on Tuesdays.")
    assert _titles(process, "tuesdays") == {"Choir for seniors"}


def test_counts_and_the_list_agree_under_a_search(client, process):
    page = client.get(f"/{process.city.slug}/participate/{process.slug}/proposals/", {"q": "club"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "1 proposal" in text and "Coding club for girls" in text
    assert "Reading garden" not in text


def test_operators_and_quotes_are_only_words(process):
    for question in ['"garden', "garden OR coding", "garden*", "NEAR(garden park)", "-garden"]:
        assert _titles(process, question) <= {"Reading garden in the park"}
    assert _titles(process, "garden OR coding") == set()  # "or" must be a word too


def test_a_question_in_a_script_without_spaces_finds_a_substring(city_a):
    process = make_process(city_a, "zh")
    make_proposal(process, title="社区图书馆阅读角", body="为老人和儿童")
    assert _titles(process, "图书馆") == {"社区图书馆阅读角"}
    assert fulltext.search_words("图书馆 garden") == ["图书馆", "garden"]


@pytest.mark.django_db(transaction=True)
def test_the_nightly_task_refreshes_the_planner_statistics(city_a):
    from learningcity import periodic

    process = make_process(city_a, "stats")
    make_proposal(process)
    periodic.refresh_planner_statistics.call_local()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'participation_proposal'")
        else:
            cursor.execute(
                "SELECT count(*) FROM pg_stats WHERE tablename = 'participation_proposal'"
            )
        assert cursor.fetchone()[0] > 0

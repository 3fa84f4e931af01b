"""Index files: a saved and memory-mapped index answers like the one built in memory,
and publishing a new version never disturbs a reader of the old one."""

import numpy as np
import pytest

from learningcity.engines.search import (
    Document,
    Facet,
    Point,
    Preferences,
    Query,
    Schema,
    Sort,
    Text,
    build_index,
    store,
)

SCHEMA = Schema(
    (
        Facet("topic", ("arts", "digital", "health"), multi=True),
        Facet("cost", ("free", "fee")),
        Facet("day", ("mon", "sat"), multi=True),
        Facet("access", ("step_free", "hearing_loop"), multi=True, match_all=True),
    )
)
CENTRE = Point(6.2442, -75.5812)
NOW = 1_800_000_000.0
DAY = 86_400.0


def doc(key, title, *, body="", language="es", topic=0, cost=0, day=0, access=0, **fields):
    facets = {"topic": topic, "cost": cost, "day": day, "access": access}
    return Document(key=key, texts=(Text(language, title, body),), facets=facets, **fields)


def north_of_centre(km):
    return CENTRE.latitude + km / 111.195


QUESTIONS = [
    Query(),
    Query(text="pinturas"),
    Query(text="pintrua"),  # a typo: the trigram index comes from the files too
    Query(text="programacion python"),
    Query(text="nada"),
    Query(filters={"topic": frozenset({"arts", "digital"}), "cost": frozenset({"free"})}),
    Query(filters={"access": frozenset({"step_free", "hearing_loop"})}),
    Query(origin=CENTRE, max_km=2, sort=Sort.NEAREST),
    Query(age=70),
    Query(starts_from=NOW, starts_before=NOW + 2.5 * DAY),
    Query(offset=2, limit=2),
    Query(
        origin=CENTRE,
        preferences=Preferences(wishes={"topic": frozenset({"arts"})}),
    ),
]


def catalogue_documents():
    return [
        doc(1, "Taller de pintura", topic=0b001, day=0b10, access=0b11, next_start=NOW + DAY,
            latitude=north_of_centre(0.5), longitude=CENTRE.longitude),
        doc(2, "Curso de programación con Python", topic=0b010, cost=1, day=0b01,
            latitude=north_of_centre(3), longitude=CENTRE.longitude, next_start=NOW + 3 * DAY),
        doc(3, "Yoga para personas mayores", topic=0b100, access=0b01, min_age=60,
            latitude=north_of_centre(8), longitude=CENTRE.longitude, next_start=NOW + 2 * DAY),
        doc(4, "Pintura digital en línea", topic=0b011, day=0b01, remote=True,
            next_start=NOW + 10 * DAY),
        doc(5, "Club de lectura", body="Leemos cuentos y poesía", topic=0b001, cost=1,
            latitude=north_of_centre(1), longitude=CENTRE.longitude, max_age=12),
        doc(6, "日本語の会話", language="ja", topic=0b100),
    ]  # fmt: skip


def answers(index, query):
    from dataclasses import replace

    return index.search(replace(query, languages=("es", "en", "ja"), now=NOW))


@pytest.fixture
def built():
    return build_index(catalogue_documents(), SCHEMA)


def test_a_saved_index_answers_exactly_like_the_built_one(built, tmp_path):
    store.save_index(built, tmp_path, {"note": "kept"})

    loaded, metadata = store.load_index(tmp_path)

    assert metadata == {"note": "kept"}
    assert loaded.schema == built.schema
    for question in [*QUESTIONS, Query(text="日本語")]:
        assert answers(loaded, question) == answers(built, question), question


def test_the_arrays_are_mapped_read_only_not_copied(built, tmp_path):
    store.save_index(built, tmp_path, {})

    loaded, _metadata = store.load_index(tmp_path)

    segment = loaded.segments[0]
    for column in (
        segment.keys,
        segment.live,
        segment.postings.rows,
        segment.facet_bits["topic"][0],
    ):
        assert not column.flags.writeable
        assert isinstance(column.base, np.memmap) or isinstance(column.base.base, np.memmap)


def test_edits_on_a_loaded_index_go_to_a_delta_and_leave_the_files_alone(built, tmp_path):
    store.save_index(built, tmp_path, {})
    loaded, _metadata = store.load_index(tmp_path)

    changed = loaded.with_changes([doc(1, "Taller de cerámica", next_start=NOW + DAY)], [3])

    assert [hit.key for hit in answers(changed, Query(text="ceramica")).hits] == [1]
    assert answers(changed, Query(text="yoga")).total == 0
    reopened, _metadata = store.load_index(tmp_path)
    assert answers(reopened, Query(text="yoga")).total == 1


def test_an_empty_index_can_be_saved_and_loaded(tmp_path):
    store.save_index(build_index([], SCHEMA), tmp_path, {})

    loaded, _metadata = store.load_index(tmp_path)

    assert answers(loaded, Query(text="pintura")).total == 0


def test_files_of_another_format_are_refused(built, tmp_path):
    store.save_index(built, tmp_path, {})
    description = tmp_path / store.DESCRIPTION
    description.write_text(description.read_text().replace('"format": 1', '"format": 99'))

    with pytest.raises(store.IndexFormatError):
        store.load_index(tmp_path)


def test_a_reader_of_the_old_version_keeps_working_after_a_swap(built, tmp_path):
    first = store.publish(built, tmp_path, {"n": 1})
    old, _metadata = store.load_index(tmp_path / first)
    fewer = build_index(catalogue_documents()[:2], SCHEMA)

    second = store.publish(fewer, tmp_path, {"n": 2})
    for _ in range(store.KEEP_OLD_VERSIONS + 1):  # enough swaps to delete the first files
        second = store.publish(fewer, tmp_path, {"n": 2})

    assert store.current_version(tmp_path) == second
    assert not (tmp_path / first).exists()
    assert answers(old, Query()).total == 6  # still mapped, still answering
    new, metadata = store.load_index(tmp_path / second)
    assert answers(new, Query()).total == 2
    assert metadata == {"n": 2}


def test_without_a_pointer_there_is_no_current_version(tmp_path):
    assert store.current_version(tmp_path) is None
    assert store.current_version(tmp_path / "missing") is None


def test_a_failed_save_leaves_the_current_version_and_no_scratch(built, tmp_path, monkeypatch):
    first = store.publish(built, tmp_path, {})

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store, "save_index", broken)
    with pytest.raises(OSError):
        store.publish(built, tmp_path, {})

    assert store.current_version(tmp_path) == first
    assert not list(tmp_path.glob(".tmp-*"))


def test_packed_strings_find_what_they_hold():
    words = sorted(["árbol", "casa", "zoo", "日本", "a"])
    packed = store.PackedStrings.pack(words)

    assert list(packed) == words
    assert [packed.position(word) for word in words] == list(range(len(words)))
    assert packed.position("b") is None
    assert packed.position("zzz") is None


def test_distances_from_files_match(built, tmp_path):
    store.save_index(built, tmp_path, {})
    loaded, _metadata = store.load_index(tmp_path)
    query = Query(origin=Point(CENTRE.latitude, CENTRE.longitude), sort=Sort.NEAREST)

    assert [hit.distance_km for hit in answers(loaded, query).hits] == [
        hit.distance_km for hit in answers(built, query).hits
    ]

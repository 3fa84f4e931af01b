"""Text analysis: folding, stemming per language, CJK bigrams, typo matching."""

import pytest

from learningcity.engines.search.fuzzy import TrigramIndex, allowed_edits, edit_distance
from learningcity.engines.search.text import analyzer, fold, terms


@pytest.mark.parametrize(
    ("language", "a", "b"),
    [
        ("es", "cursos de programación", "curso programacion"),
        ("es", "Lecturas para niños", "lectura ninos"),
        ("en", "gardening classes", "garden class"),
        ("fr", "les ateliers de peinture", "atelier peintures"),
        ("pt", "cursos de informática", "curso informatica"),
        ("ru", "уроки английского языка", "урок английский язык"),
        ("ar", "المعلمون الكتاب", "معلم كتابة"),
    ],
)
def test_word_forms_in_each_language_share_their_stems(language, a, b):
    assert set(terms(a, language)) == set(terms(b, language))


def test_accents_and_case_are_folded_before_stemming():
    assert terms("INFORMACIÓN", "es") == terms("informacion", "es")


def test_russian_keeps_its_short_i_but_folds_yo():
    assert fold("Йога ёлка", "ru") == "йога елка"


def test_arabic_short_vowel_marks_are_dropped():
    assert fold("العَرَبِيَّة", "ar") == "العربية"


def test_chinese_runs_become_overlapping_bigrams():
    assert terms("学习中文", "zh-hans") == ["学习", "习中", "中文"]


def test_a_lone_chinese_character_is_still_a_term():
    assert terms("书", "zh-hans") == ["书"]


def test_stop_words_and_single_letters_are_not_terms():
    assert terms("el curso de la y a", "es") == ["curs"]


def test_a_language_without_a_stemmer_still_folds_words():
    assert terms("Kinyarwanda Amasomo", "rw") == ["kinyarwanda", "amasomo"]


def test_very_long_words_are_cut():
    (term,) = analyzer("xx").words("a" * 500)
    assert len(term) == 40


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("pintura", "pintura", 0),
        ("pintrua", "pintura", 1),
        ("pntura", "pintura", 1),
        ("pinturas", "pintura", 1),
        ("pinrura", "pintura", 1),
        ("programcoin", "programacion", 2),
    ],
)
def test_edit_distance_counts_insertions_deletions_substitutions_and_swaps(a, b, distance):
    assert edit_distance(a, b, 2) == distance


def test_edit_distance_stops_early_beyond_its_limit():
    assert edit_distance("yoga", "astronomia", 2) == 3


def test_short_words_are_never_corrected_and_long_ones_allow_two_edits():
    assert allowed_edits("mar") == 0
    assert allowed_edits("yoga") == 1
    assert allowed_edits("programacion") == 2


def test_trigram_index_finds_terms_one_or_two_edits_away():
    index = TrigramIndex.of(["pintur", "program", "programacion", "yoga"])
    assert index.near("pintru") == {"pintur": 1}
    assert index.near("yogi") == {"yoga": 1}
    assert index.near("programcion") == {"programacion": 1}
    assert index.near("progrmacoin") == {"programacion": 2}  # a letter missing, two swapped
    assert index.near("prgramacin") == {"programacion": 2}  # two letters missing
    assert index.near("cocina") == {}


def test_every_term_within_one_edit_is_found():
    vocabulary = ["casa", "cosa", "caso", "masa", "cazas", "pasta"]
    index = TrigramIndex.of(vocabulary)
    expected = {term: 1 for term in vocabulary if edit_distance("casa", term, 1) == 1}
    assert index.near("casa") == expected

"""Words counted the way a reader would, in English, Chinese, Japanese, mixed text and
scripts with marks (the pure function; the page's script follows the same rule)."""

import pytest

from learningcity.network.wordcount import count_words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("   \n\t ", 0),
        ("Learning cities learn together.", 4),
        ("well-being, lifelong learning and l'éducation", 5),
        ("2,000 adults (aged 25–64) joined: 3.5 % more.", 7),
        ("Reports: https://example.org/report?id=7 and www.city.example", 4),
        ("— • … - / *", 0),
        ("Hello  —  world", 2),
    ],
)
def test_english_counts_words_not_punctuation(text, expected):
    assert count_words(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("学习型城市", 5),
        ("我们的城市是学习型城市。", 11),
        ("终身学习，人人受益！", 8),
        ("「学びの街」へようこそ", 9),
        ("コンピューター", 7),
    ],
)
def test_each_chinese_or_japanese_character_is_a_word(text, expected):
    assert count_words(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("学习型城市 Learning City", 7),
        ("我们在2023年加入了GNLC。", 9),  # 我们在 + 2023 + 年加入了 + GNLC
        ("Medellín的图书馆", 5),  # Medellín + 的图书馆
        ("東京 Tokyo と大阪 Osaka", 7),
    ],
)
def test_mixed_scripts_count_each_part_as_a_reader_would(text, expected):
    assert count_words(text) == expected


def test_marks_and_joiners_stay_inside_their_word():
    assert count_words("التَّعَلُّم مدى الحياة") == 3  # Arabic with vowel marks
    assert count_words("आजीवन शिक्षा") == 2  # Devanagari vowel signs
    assert count_words("می‌خواهم یاد بگیرم") == 3  # Persian zero-width non-joiner
    assert count_words("평생 학습 도시") == 3  # Korean writes spaces between words


def test_the_limit_of_200_words_is_about_a_readers_200_words():
    assert count_words(" ".join(["word"] * 200)) == 200
    assert count_words("字" * 200) == 200

"""Turning text into index terms: fold, split, drop stop words, stem.

The same pipeline runs over documents and queries, so a term typed by a visitor
meets the term stored for a document whatever accents, case or word ending they
used. Diacritics are folded *before* stemming: Snowball stemmers are written for
accented text, but people type "informacion" as often as "información", and a
stemmer fed folded text on both sides stems both alike.

Chinese, Japanese and Korean have no spaces between words; their runs of
ideographs become overlapping character bigrams, the usual recall-friendly
substitute for a word segmenter.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

import snowballstemmer

# Language code (BCP 47 primary subtag) → Snowball algorithm.
SNOWBALL_ALGORITHMS = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
}

# Languages whose letters carry meaning in their marks (Russian "й" is not "и");
# only the conventional folding (ё → е) is applied to them.
KEEP_MARKS = frozenset({"ru", "uk", "bg", "el", "hi", "ne", "ta"})

# Very common words that carry no meaning for search. Short on purpose: BM25's
# inverse document frequency already discounts common words; these lists only stop
# "de" or "the" from making an AND query miss good documents.
STOP_WORDS = {
    "en": "a an and at by for from in into of on or the to with your you our is are",
    "es": "a al con de del el en la las lo los para por que su sus un una unos unas y o e",
    "fr": "a au aux avec de des du en et la le les ou par pour sur un une d l",
    "pt": "a ao aos as com da das de do dos e em na nas no nos o os ou para por um uma",
}
_STOP = {language: frozenset(words.split()) for language, words in STOP_WORDS.items()}

_WORD = re.compile(r"\w+")
# Han, Hiragana, Katakana, Hangul: scripts written without spaces between words.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")

MAX_TOKEN_CHARS = 40
# Words remembered per language with their stems: far more than a city's vocabulary.
STEM_CACHE_SIZE = 200_000


def _combining_marks() -> re.Pattern[str]:
    """A pattern matching the combining marks of the Basic Multilingual Plane
    (accents, Arabic short vowels, ...), as one character class of ranges."""
    ranges: list[str] = []
    start = previous = -2
    for code in range(0x10000):
        if not unicodedata.combining(chr(code)):
            continue
        if code != previous + 1:
            if start >= 0:
                ranges.append(f"\\u{start:04x}-\\u{previous:04x}")
            start = code
        previous = code
    ranges.append(f"\\u{start:04x}-\\u{previous:04x}")
    return re.compile(f"[{''.join(ranges)}]+")


_MARKS = _combining_marks()


def primary_subtag(language: str) -> str:
    """``"zh-hans"`` → ``"zh"``; ``"ES"`` → ``"es"``."""
    return language.split("-")[0].split("_")[0].lower()


def fold(text: str, language: str) -> str:
    """Lower case without diacritics (except where the marks make other letters)."""
    lowered = text.casefold()
    if lowered.isascii():
        return lowered
    if primary_subtag(language) in KEEP_MARKS:
        return unicodedata.normalize("NFC", lowered).replace("ё", "е")
    return _MARKS.sub("", unicodedata.normalize("NFKD", lowered))


class Analyzer:
    """The text pipeline of one language, with its stems remembered."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.stop_words = _STOP.get(primary_subtag(language), frozenset())
        algorithm = SNOWBALL_ALGORITHMS.get(primary_subtag(language))
        self._stemmer: Any = snowballstemmer.stemmer(algorithm) if algorithm else None
        self._stems: dict[str, str] = {}

    def stem(self, word: str) -> str:
        stemmed = self._stems.get(word)
        if stemmed is None:
            stemmed = (self._stemmer.stemWord(word) or word) if self._stemmer else word
            if len(self._stems) < STEM_CACHE_SIZE:
                self._stems[word] = stemmed
        return stemmed

    def is_stop_word(self, word: str) -> bool:
        """Stop words and single letters (a lone CJK character is a word, though)."""
        if len(word) < 2:
            return not _CJK.match(word)
        return word in self.stop_words

    def words(self, text: str) -> list[str]:
        """Folded words of ``text`` (CJK runs as bigrams), stop words left in."""
        found = _WORD.findall(fold(text, self.language))
        if not _CJK.search(text):
            return [word[:MAX_TOKEN_CHARS] for word in found]
        pieces: list[str] = []
        for word in found:
            for piece in _CJK_SPLIT.split(word):
                if _CJK.fullmatch(piece):
                    pieces.extend(bigrams(piece))
                elif len(piece) > 1:
                    pieces.append(piece[:MAX_TOKEN_CHARS])
        return pieces

    def terms(self, text: str) -> list[str]:
        """Index terms: folded, stop words dropped, stemmed."""
        stem, is_stop_word = self.stem, self.is_stop_word
        return [stem(word) for word in self.words(text) if not is_stop_word(word)]

    def words_and_terms(self, text: str) -> list[tuple[str, str]]:
        """(folded word, its term) for each word that is not a stop word."""
        stem, is_stop_word = self.stem, self.is_stop_word
        return [(word, stem(word)) for word in self.words(text) if not is_stop_word(word)]


_CJK_SPLIT = re.compile(f"({_CJK.pattern})")


@lru_cache(maxsize=64)
def analyzer(language: str) -> Analyzer:
    return Analyzer(language)


def bigrams(run: str) -> list[str]:
    """Overlapping character pairs of a CJK run; a lone character stands for itself."""
    if len(run) == 1:
        return [run]
    return [run[start : start + 2] for start in range(len(run) - 1)]


def terms(text: str, language: str) -> list[str]:
    """Index terms of ``text`` in ``language``."""
    return analyzer(language).terms(text)

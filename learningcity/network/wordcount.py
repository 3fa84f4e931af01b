"""Counting words the way a reader would, in any script (pure Python, no Django).

The rule, the same as ``static/network/word_count.js`` that shows the count as the
person types:

- each Chinese character (Han) and each Japanese kana is one word, since these
  scripts do not put spaces between words;
- otherwise a word is a run of letters, digits and combining marks (so Arabic with
  its vowel marks, or Hindi, stays whole), and runs joined by connecting characters
  with no space between them are one word: "well-being", "l'éducation", "2,000",
  "e.g.", "www.example.org/report";
- everything else (spaces, other punctuation, symbols, emoji) separates words and
  is not counted: a dash or a bullet standing alone is not a word.

Scripts written without spaces other than Chinese and Japanese (Thai, Lao, Khmer,
Burmese) count a whole phrase as one word; the application form's languages are
not among them."""

import unicodedata

# Han ideographs (with the compatibility and extension blocks), hiragana, katakana
# (with the prolonged sound mark) and half-width katakana, and the ideographic
# iteration marks; only letters and numbers among them count (not the kana
# middle dot or the kana punctuation).
CJK_RANGES = (
    (0x3005, 0x3007),
    (0x3040, 0x309F),
    (0x30A0, 0x30FF),
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF66, 0xFF9F),
    (0x20000, 0x3134F),
)

# Characters that keep the two runs on either side in one word when nothing else
# stands between them: apostrophes, hyphens and the en dash of ranges ("25–64"), the
# soft hyphen, the middle dot of Catalan "l·l", the joiners of Persian and Indic
# scripts, and the punctuation of numbers, abbreviations, addresses and links.
CONNECTORS = frozenset("'’ʼ-‐‑–\u00ad·\u200c\u200d._/:@,&+#%=?~")


def is_cjk(character: str) -> bool:
    code = ord(character)
    return (
        any(low <= code <= high for low, high in CJK_RANGES)
        and unicodedata.category(character)[0] in "LN"
    )


def _forms_words(character: str) -> bool:
    return unicodedata.category(character)[0] in "LNM"


def count_words(text: str) -> int:
    """How many words a reader would count in ``text``."""
    count = 0
    in_word = False  # inside a run of letters of a spaced script
    index, length = 0, len(text)
    while index < length:
        character = text[index]
        if is_cjk(character):
            count += 1
            in_word = False
        elif _forms_words(character):
            if unicodedata.category(character)[0] == "M":
                pass  # a vowel sign or accent belongs to the letter before it
            elif not in_word:
                count += 1
                in_word = True
        elif in_word and character in CONNECTORS:
            ahead = index
            while ahead < length and text[ahead] in CONNECTORS:
                ahead += 1
            following = text[ahead] if ahead < length else ""
            if following and _forms_words(following) and not is_cjk(following):
                index = ahead
                continue  # "well-being": the word goes on
            in_word = False
        else:
            in_word = False
        index += 1
    return count

"""Comparing two revisions of a practice field by field, with a word-level diff for
texts (difflib), so a reviewer sees exactly what changed."""

import difflib
import re
from dataclasses import dataclass
from typing import Any

from .practice_fields import FIELDS, normalised
from .vocabulary import PRACTICE_LANGUAGE_NAMES, SDG_NAMES, THEME_NAMES


@dataclass(frozen=True)
class Change:
    label: str
    # (kind, text) pieces: kind is "same", "removed" or "added"
    pieces: list[tuple[str, str]]


def _words(text: str) -> list[str]:
    return re.findall(r"\S+\s*", text)


def _text_pieces(old: str, new: str) -> list[tuple[str, str]]:
    a, b = _words(old), _words(new)
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("removed", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("added", "".join(b[j1:j2])))
    return pieces


def _label(name: str, code: Any) -> str:
    if name == "themes":
        return str(THEME_NAMES.get(code, code))
    if name == "sdgs":
        return f"{code}. {SDG_NAMES.get(int(code), '')}" if str(code).isdigit() else str(code)
    return str(code)


def compare(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The fields that differ between ``old`` and ``new`` (translations included)."""
    before, after = normalised(old), normalised(new)
    changes: list[Change] = []
    for field in FIELDS:
        a, b = before[field.name], after[field.name]
        if a == b:
            continue
        if field.kind == "multi":
            pieces = [("removed", _label(field.name, code)) for code in a if code not in b]
            pieces += [("added", _label(field.name, code)) for code in b if code not in a]
        elif field.kind == "choice":
            pieces = [
                ("removed", str(PRACTICE_LANGUAGE_NAMES.get(a, a))),
                ("added", str(PRACTICE_LANGUAGE_NAMES.get(b, b))),
            ]
        else:
            pieces = _text_pieces(str(a), str(b))
        changes.append(Change(str(field.label), pieces))
    old_translations = before.get("translations") or {}
    new_translations = after.get("translations") or {}
    for language in sorted(set(old_translations) | set(new_translations)):
        a_text = _translation_text(old_translations.get(language))
        b_text = _translation_text(new_translations.get(language))
        if a_text != b_text:
            name = str(PRACTICE_LANGUAGE_NAMES.get(language, language))
            changes.append(Change(f"⟨{name}⟩", _text_pieces(a_text, b_text)))
    return changes


def _translation_text(wording: Any) -> str:
    if not isinstance(wording, dict):
        return ""
    return "\n".join(
        str(wording.get(field.name, "")) for field in FIELDS if wording.get(field.name)
    )

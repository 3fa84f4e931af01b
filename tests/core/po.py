"""A small reader for gettext .po files, enough to check that catalogues are complete."""

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return not self.fuzzy and bool(self.msgstr) and all(self.msgstr.values())


def read_po(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry
        if entry.msgid:
            entries.append(entry)
        entry = Entry()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            target = None
        elif line.startswith("#,"):
            entry.fuzzy = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            _append(entry, target, ast.literal_eval(line))
        else:
            keyword, _, value = line.partition(" ")
            if keyword in {"msgctxt", "msgid"} and keyword == "msgctxt" and entry.msgid:
                finish()
            target = _target(keyword)
            _append(entry, target, ast.literal_eval(value), start=True)
    finish()
    return entries


def _target(keyword: str) -> tuple[str, int]:
    if keyword.startswith("msgstr["):
        return ("msgstr", int(keyword[7:-1]))
    return (keyword, 0)


def _append(entry: Entry, target: tuple[str, int] | None, text: str, start: bool = False) -> None:
    if target is None:
        return
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = ("" if start else entry.msgstr.get(index, "")) + text
    elif name == "msgctxt":
        entry.msgctxt = ("" if start or entry.msgctxt is None else entry.msgctxt) + text
    else:
        setattr(entry, name, ("" if start else getattr(entry, name)) + text)

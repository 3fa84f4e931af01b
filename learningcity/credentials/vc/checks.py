"""Checks beyond the signature: terms every context defines, the Open Badges 3.0
JSON Schema, validity dates."""

from datetime import UTC, datetime
from typing import Any

from jsonschema import Draft201909Validator
from pyld import jsonld

from .contexts import achievement_schema, document_loader

_validator: Draft201909Validator | None = None


def schema_errors(document: dict[str, Any]) -> list[str]:
    """Where the credential departs from the Open Badges 3.0 AchievementCredential
    JSON Schema (bundled), as "path: message"."""
    global _validator
    if _validator is None:
        _validator = Draft201909Validator(achievement_schema())
    errors = sorted(_validator.iter_errors(document), key=lambda error: list(error.path))
    return [
        f"{'/'.join(str(part) for part in error.path) or '(top)'}: {error.message}"[:300]
        for error in errors
    ]


def undefined_terms(document: dict[str, Any]) -> list[str]:
    """Keys JSON-LD would silently drop (no context defines them). A signature made
    over the canonical form does not cover them, so a credential carrying any is
    treated as changed. Found by expanding and compacting again with the document's
    own contexts and comparing the keys that survive."""
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    expanded = jsonld.expand(unsigned, {"documentLoader": document_loader})
    compacted = jsonld.compact(
        expanded, {"@context": unsigned.get("@context")}, {"documentLoader": document_loader}
    )
    missing: list[str] = []
    _compare(unsigned, compacted, "", missing)
    return missing


def _compare(original: Any, kept: Any, path: str, missing: list[str]) -> None:
    if isinstance(original, list):
        kept_list = kept if isinstance(kept, list) else [kept]
        for position, item in enumerate(original):
            if position < len(kept_list):
                _compare(item, kept_list[position], f"{path}/{position}", missing)
        return
    if not isinstance(original, dict):
        return
    if not isinstance(kept, dict):
        missing.append(path or "/")
        return
    for key, value in original.items():
        if key == "@context":
            continue
        if key not in kept:
            missing.append(f"{path}/{key}")
        else:
            _compare(value, kept[key], f"{path}/{key}", missing)


def parse_stamp(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

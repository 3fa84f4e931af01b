"""The JSON-LD contexts we sign and verify with, bundled in ``credentials/data``.

The document loader serves these and nothing else: no network look-up happens while
signing or verifying, and a credential naming any other context is refused."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld

DATA = Path(__file__).resolve().parent.parent / "data"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)

_FILES = {
    VC_V2: "contexts/credentials-v2.json",
    OB_V3: "contexts/ob-v3p0-context-3.0.3.json",
}


class UnknownContext(Exception):
    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


@cache
def bundled(url: str) -> dict[str, Any]:
    name = _FILES.get(url)
    if name is None:
        raise UnknownContext(url)
    document: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return document


@cache
def achievement_schema() -> dict[str, Any]:
    path = DATA / "schema" / "ob_v3p0_achievementcredential_schema.json"
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    try:
        document = bundled(url)
    except UnknownContext as error:
        raise jsonld.JsonLdError(
            f"context not bundled: {url}",
            "jsonld.LoadDocumentError",
            code="loading document failed",
        ) from error
    return {"contextUrl": None, "documentUrl": url, "document": document}


def is_bundled(url: object) -> bool:
    return isinstance(url, str) and url in _FILES

"""Places in an earlier app's pages where a later app adds a piece of its own.

The catalogue's opportunity page shows a rating that the quality app computes, and
"My learning" lists the quality app's feedback invitations; the catalogue must not load
the quality app's template tags (the dependencies run one way, core ← catalogue ← the
rest). So a page names a slot (``{% slot "catalogue.opportunity" opportunity %}``) and
each later app registers a function for it in ``AppConfig.ready()``, as it registers its
navigation sections. A slot with nothing registered renders as nothing."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

# A piece: the request and the slot's arguments in, safe HTML out ("" for nothing).
Piece = Callable[..., str]

_PIECES: dict[str, list[Piece]] = {}


def register_slot(name: str, piece: Piece) -> None:
    pieces = _PIECES.setdefault(name, [])
    if piece not in pieces:
        pieces.append(piece)


def render_slot(name: str, request: HttpRequest | None, *args: Any) -> SafeString:
    rendered = (piece(request, *args) for piece in _PIECES.get(name, []))
    return format_html_join("", "{}", ((html,) for html in rendered if html))

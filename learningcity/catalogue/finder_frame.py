"""The page around the finder's main part, rendered once and reused.

For a visitor without an account and without messages waiting, the page around the
results (``catalogue/finder.html`` and ``base.html``: header, navigation, language
switcher, footer, the save-search form) is the same for every question, except
for a few values: the address asked for (in the sign-in link and the language
switcher), the CSRF token, and the question a saved search would keep. So it is
rendered once per language and city with markers in place of those values, cut at
the markers, and each request only joins the pieces with its own values: rendering
it took about as long as rendering the results themselves.

The first time a frame is made it is checked against the page rendered the usual
way for the same request; a frame that differs (a template came to depend on the
request in another way) is never used, and that key is always rendered the usual way.
"""

import copy
import re
import threading
import time
from collections import OrderedDict
from typing import Any

from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.defaultfilters import urlencode
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language

from learningcity.core.models import City

TEMPLATE = "catalogue/finder.html"
# A frame is made again after this long, so that whatever else of the city the page
# comes to show is never older than that.
FRAME_SECONDS = 300
MAX_FRAMES = 64

# Markers rendered in place of the per-request values. The marker address holds a "?"
# so that the two ways templates print an address differ: ``|urlencode`` makes it
# "%3F", HTML escaping leaves it. Any other form left in a frame makes it unusable.
_PATH = "/lcframe-path/?lcframe=path"
_PATH_SEEN = "lcframe-path"
BODY = "lcframe-body"
QUERY = "lcframe-query"
CSRF = "lcframe-csrf"
PATH_URLENCODED = str(urlencode(_PATH))
PATH_ESCAPED = str(escape(_PATH))
_SLOTS = (BODY, QUERY, CSRF, PATH_URLENCODED, PATH_ESCAPED)
_SPLIT = re.compile("(" + "|".join(re.escape(slot) for slot in _SLOTS) + ")")
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# A frame: its pieces, literal text and slot names alternating (slots at odd places).
Frame = tuple[str, ...]


class _Frames:
    """Frames by key (language, city, whether the save form shows, time), per
    process, least recently used first out. ``None`` marks a key found unusable."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], Frame | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> tuple[bool, Frame | None]:
        with self._lock:
            if key not in self._items:
                return False, None
            self._items.move_to_end(key)
            return True, self._items[key]

    def put(self, key: tuple[Any, ...], frame: Frame | None) -> None:
        with self._lock:
            self._items[key] = frame
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


frames = _Frames(MAX_FRAMES)


@receiver(setting_changed)
def _forget_frames(**_kwargs: Any) -> None:
    """A frame holds what settings gave (the site's name, static addresses): tests
    that change them must not see an older frame."""
    frames.clear()


def finder_page(request: HttpRequest, city: City, body: str, saved_query: str) -> HttpResponse:
    """The finder's page around ``body`` (its rendered main part), as
    ``render(request, "catalogue/finder.html", ...)`` gives it."""
    context = {"city": city, "body": body, "saved_query": saved_query}
    if not _same_for_everyone(request):
        return render(request, TEMPLATE, context)
    key = (
        get_language(),
        city.pk,
        city.slug,
        city.name,
        city.is_demo,
        bool(saved_query),
        int(time.time()) // FRAME_SECONDS,
    )
    known, frame = frames.get(key)
    if known and frame is not None:
        return HttpResponse(_fill(frame, request, body, saved_query))
    response = render(request, TEMPLATE, context)
    if not known:
        made = _make(request, context)
        usable = made is not None and _same_page(
            _fill(made, request, body, saved_query), response.content.decode()
        )
        frames.put(key, made if usable else None)
    return response


def _same_for_everyone(request: HttpRequest) -> bool:
    """No account and no messages to show: the page around the results is then the
    same for every visitor (the template reads both; reading the messages here
    marks them shown exactly as the template would)."""
    if getattr(request, "user", None) is None or request.user.is_authenticated:
        return False
    return not any(True for _message in get_messages(request))


def _make(request: HttpRequest, context: dict[str, Any]) -> Frame | None:
    """The page rendered with markers for the per-request values, in pieces."""
    marked = copy.copy(request)
    marked.META = {**request.META, "QUERY_STRING": _PATH.partition("?")[2]}
    marked.META.pop("CSRF_COOKIE", None)
    marked.path = marked.path_info = _PATH.partition("?")[0]
    marked_context = {
        **context,
        "body": BODY,
        "saved_query": QUERY if context["saved_query"] else "",
    }
    html = str(render_to_string(TEMPLATE, marked_context, request=marked))
    token = _TOKEN.search(html)
    if token is not None:
        html = html.replace(token.group(1), CSRF)
    pieces = tuple(_SPLIT.split(html))
    literal = "".join(pieces[0::2])
    if _PATH_SEEN in literal or any(slot in literal for slot in _SLOTS):
        return None  # the address or a value printed in a way this does not know
    return pieces


def _fill(frame: Frame, request: HttpRequest, body: str, saved_query: str) -> str:
    values = {BODY: body, QUERY: str(escape(saved_query))}
    if CSRF in frame:
        values[CSRF] = get_token(request)
    if PATH_URLENCODED in frame or PATH_ESCAPED in frame:
        path = request.get_full_path()
        values[PATH_URLENCODED] = str(urlencode(path))
        values[PATH_ESCAPED] = str(escape(path))
    return "".join(values[piece] if number % 2 else piece for number, piece in enumerate(frame))


def _same_page(filled: str, rendered: str) -> bool:
    """Equal but for the CSRF token (masked afresh at each use)."""
    return _without_token(filled) == _without_token(rendered)


def _without_token(html: str) -> str:
    token = _TOKEN.search(html)
    return html.replace(token.group(1), CSRF) if token is not None else html

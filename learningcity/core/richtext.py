"""Rich text, the one way: Markdown (``Markdown``) rendered, then sanitised (``nh3``)
against a short allow-list. Later apps that let people write formatted text (programme
descriptions, outreach messages, …) store Markdown and show it with ``render_markdown``
or the ``{{ text|markdown }}`` filter (``{% load core_tags %}``); never ``|safe``.

Allowed: paragraphs, line breaks, emphasis, lists, headings (``#`` becomes ``h2``, down
to ``h4``), quotes, code, and links to http, https and mailto addresses only, which get
``rel="noopener nofollow"``. Everything else (raw HTML, images, scripts, styles, event
handlers, ``javascript:`` links) is removed; the text inside an unknown tag is kept."""

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "a",
        "em",
        "strong",
        "ul",
        "ol",
        "li",
        "h2",
        "h3",
        "h4",
        "blockquote",
        "code",
        "pre",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener nofollow"
# Elements whose content is dropped along with them (not shown as text).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "svg", "math"})
MAX_SOURCE_CHARS = 100_000  # longer input is cut: Markdown's cost grows with length


def sanitise_html(html: str) -> SafeString:
    """Keep only the allow-list; the result is safe to put in a page."""
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
        url_relative="deny",  # "/path" and "//host" links are removed too
    )
    return mark_safe(cleaned)  # sanitised by nh3 just above


def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML. NUL and other control characters are dropped."""
    source = "".join(ch for ch in str(text or "")[:MAX_SOURCE_CHARS] if ch in "\n\t" or ch >= " ")
    html = markdown.markdown(
        source,
        extensions=["fenced_code", "nl2br", "sane_lists", "toc"],
        # "#" is the page's h1 already: headings in people's text start at h2.
        extension_configs={"toc": {"baselevel": 2, "anchorlink": False, "permalink": False}},
        output_format="html",
    )
    return sanitise_html(html)

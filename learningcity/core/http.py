from django.conf import settings
from django.http import Http404


class PageNotFound(Http404):
    """A 404 whose message is written for the visitor (already translated)."""


def absolute_url(path: str) -> str:
    """The one rule for links that leave the site (emails, calendar files): they start
    with ``SITE_URL``, the address the site is served at, never with the Host header a
    request happened to carry."""
    return str(settings.SITE_URL).rstrip("/") + path

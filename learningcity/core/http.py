from django.http import Http404


class PageNotFound(Http404):
    """A 404 whose message is written for the visitor (already translated)."""

"""The public JSON API, mounted at ``/api/v1/`` (see catalogue/api.py): the
operations, ``openapi.json``, the docs page at ``docs``, and a JSON 404 for any
other address under the API."""

from django.urls import re_path

from . import api

app_name = "catalogue_api"

urlpatterns = [
    *api.api.urls[0],
    # Only addresses ending in "/": without one, Django's APPEND_SLASH redirect applies.
    re_path(r"^[\s\S]*/$", api.not_found, name="not_found"),
]

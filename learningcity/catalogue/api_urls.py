"""The public JSON API, mounted at ``/api/v1/`` (see catalogue/api.py)."""

from django.urls import path

from . import api

app_name = "catalogue_api"

urlpatterns = [
    path("openapi.json", api.openapi, name="openapi"),
    path("<slug:city_slug>/opportunities/", api.opportunities, name="opportunities"),
    path("<slug:city_slug>/opportunities/<slug:slug>/", api.opportunity, name="opportunity"),
    path("<slug:city_slug>/sessions/", api.sessions, name="sessions"),
    path("<slug:city_slug>/sites/", api.sites, name="sites"),
    path("<slug:city_slug>/sites/<slug:slug>/", api.site, name="site"),
    path("<slug:city_slug>/providers/", api.providers, name="providers"),
    path("<slug:city_slug>/providers/<slug:slug>/", api.provider, name="provider"),
]

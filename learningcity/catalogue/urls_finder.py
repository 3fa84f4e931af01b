"""The finder, opportunity pages, calendar files and the guided path; see
catalogue/urls.py (mounted at ``/<city_slug>/learn/``)."""

from django.urls import path

from . import views_finder

urlpatterns = [
    path("", views_finder.finder, name="finder"),
    path("for-me/", views_finder.guided, name="guided"),
    path("opportunities/<slug:slug>/", views_finder.opportunity_detail, name="opportunity"),
    path(
        "opportunities/<slug:slug>/calendar.ics",
        views_finder.opportunity_calendar,
        name="opportunity_calendar",
    ),
]

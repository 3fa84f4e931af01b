"""The finder, opportunity pages, calendar files and the guided path; see
catalogue/urls.py (mounted at ``/<city_slug>/learn/``)."""

from django.urls import path

from . import views_finder, views_resident

urlpatterns = [
    path("", views_finder.finder, name="finder"),
    path("for-me/", views_finder.guided, name="guided"),
    path("opportunities/<slug:slug>/", views_finder.opportunity_detail, name="opportunity"),
    path(
        "opportunities/<slug:slug>/calendar.ics",
        views_finder.opportunity_calendar,
        name="opportunity_calendar",
    ),
    path(
        "opportunities/<slug:slug>/ask/",
        views_resident.ask_question,
        name="ask_question",
    ),
    path("saved-searches/", views_resident.save_search, name="save_search"),
    path(
        "saved-searches/<uuid:saved_id>/confirm/",
        views_resident.saved_search_confirm,
        name="saved_search_confirm",
    ),
    path(
        "saved-searches/<uuid:saved_id>/stop/",
        views_resident.saved_search_stop,
        name="saved_search_stop",
    ),
]

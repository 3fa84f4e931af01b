"""Participation URLs, mounted at ``/<city-slug>/participate/``."""

from django.urls import path

from . import views, views_more

app_name = "participation"

P = "<slug:slug>/"
urlpatterns = [
    path("", views.process_list, name="processes"),
    path("verify/", views.verify, name="verify"),
    path("census/", views.census_upload, name="census"),
    path("notifications/", views.notifications, name="notifications"),
    path("panels/<slug:slug>/", views_more.sortition, name="sortition"),
    path("assemblies/<slug:slug>/", views_more.assembly, name="assembly"),
    path(P, views.process_detail, name="process"),
    path(P + "follow/", views.follow_toggle, name="follow"),
    path(P + "feed.atom", views.process_feed, name="feed"),
    path(P + "proposals/", views.proposal_list, name="proposals"),
    path(P + "proposals/new/", views.proposal_new, name="proposal_new"),
    path(P + "proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path(
        P + "proposals/<int:pk>/<slug:action>/",
        views.proposal_action,
        name="proposal_action",
    ),
    path(P + "debates/", views.debate_list, name="debates"),
    path(P + "debates/<int:pk>/", views.debate_detail, name="debate"),
    path(P + "budgets/<slug:budget_slug>/", views.budget_vote, name="budget"),
    path(P + "budgets/<slug:budget_slug>/results/", views.budget_results, name="budget_results"),
    path(P + "budgets/<slug:budget_slug>/ballots.pb", views.budget_export, name="budget_export"),
    path(P + "budgets/<slug:budget_slug>/tally/", views.budget_tally, name="budget_tally"),
    path(P + "surveys/<slug:survey_slug>/", views_more.survey, name="survey"),
    path(
        P + "surveys/<slug:survey_slug>/results/",
        views_more.survey_results,
        name="survey_results",
    ),
    path(P + "accountability/", views.accountability, name="accountability"),
    path(P + "moderation/", views.moderation, name="moderation"),
]

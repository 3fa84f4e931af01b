"""Participation URLs, mounted at ``/<city-slug>/participate/``."""

from django.urls import path

from . import views, views_assemblies, views_civic, views_manage, views_more

app_name = "participation"

P = "<slug:slug>/"
M = "manage/processes/<slug:slug>/"
urlpatterns = [
    path("", views.process_list, name="processes"),
    path("verify/", views.verify, name="verify"),
    path("census/", views.census_upload, name="census"),
    path("notifications/", views.notifications, name="notifications"),
    path("panels/<slug:slug>/", views_more.sortition, name="sortition"),
    path("assemblies/<slug:slug>/", views_more.assembly, name="assembly"),
    path(
        "assemblies/<slug:slug>/members/",
        views_assemblies.assembly_members,
        name="assembly_members",
    ),
    path(
        "assemblies/<slug:slug>/meetings/new/",
        views_assemblies.assembly_meeting_new,
        name="assembly_meeting_new",
    ),
    path(
        "assemblies/<slug:slug>/meetings/<int:pk>/minutes/",
        views_assemblies.assembly_minutes,
        name="assembly_minutes",
    ),
    # The coordinators' workspace (views_manage), before the process pages.
    path("manage/", views_manage.workspace, name="manage"),
    path("manage/proposals/", views_manage.queue, name="manage_queue"),
    path("manage/processes/new/", views_manage.process_new, name="manage_process_new"),
    path(M, views_manage.process_overview, name="manage_process"),
    path(M + "edit/", views_manage.process_edit, name="manage_process_edit"),
    path(M + "budgets/new/", views_manage.budget_new, name="manage_budget_new"),
    path(M + "budgets/import/", views_manage.budget_import, name="manage_budget_import"),
    path(M + "budgets/<slug:budget_slug>/", views_manage.budget_edit, name="manage_budget"),
    path(M + "results/new/", views_manage.result_new, name="manage_result_new"),
    path(M + "results/<int:pk>/", views_manage.result_edit, name="manage_result"),
    path(M + "surveys/new/", views_manage.survey_new, name="manage_survey_new"),
    path(M + "surveys/<slug:survey_slug>/", views_manage.survey_edit, name="manage_survey"),
    path(P, views.process_detail, name="process"),
    path(P + "follow/", views.follow_toggle, name="follow"),
    path(P + "feed.atom", views.process_feed, name="feed"),
    path(P + "proposals/", views.proposal_list, name="proposals"),
    path(P + "proposals/new/", views.proposal_new, name="proposal_new"),
    path(P + "proposals/map/", views_civic.proposal_map, name="proposal_map"),
    path(P + "proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path(
        P + "proposals/<int:pk>/pictures/",
        views_civic.proposal_pictures,
        name="proposal_pictures",
    ),
    path(
        P + "proposals/<int:pk>/images/<int:image_id>.jpg",
        views_civic.proposal_image,
        name="proposal_image",
    ),
    path(
        P + "proposals/<int:pk>/images/<int:image_id>/remove/",
        views_civic.proposal_image_remove,
        name="proposal_image_remove",
    ),
    path(
        P + "proposals/<int:pk>/<slug:action>/",
        views.proposal_action,
        name="proposal_action",
    ),
    path(P + "debates/", views.debate_list, name="debates"),
    path(P + "debates/<int:pk>/", views.debate_detail, name="debate"),
    path(P + "budgets/<slug:budget_slug>/", views.budget_vote, name="budget"),
    path(P + "budgets/<slug:budget_slug>/email/", views_civic.budget_email, name="budget_email"),
    path(
        P + "budgets/<slug:budget_slug>/email/<str:token>/",
        views_civic.budget_email_ballot,
        name="budget_email_ballot",
    ),
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

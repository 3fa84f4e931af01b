"""Enrolment, "my learning" and the provider workspace; see catalogue/urls.py.

Mounted at ``/<city_slug>/learn/``. Personal data is addressed by opaque ids only."""

from django.urls import path

from . import views_enrol, views_workspace

enrol_patterns = [
    path("sessions/<uuid:session_id>/enrol/", views_enrol.enrol, name="enrol"),
    path("enrolments/<uuid:enrolment_id>/", views_enrol.enrolment_detail, name="enrolment"),
    path(
        "enrolments/<uuid:enrolment_id>/cancel/",
        views_enrol.enrolment_cancel,
        name="enrolment_cancel",
    ),
    path(
        "enrolments/<uuid:enrolment_id>/calendar.ics",
        views_enrol.enrolment_calendar,
        name="enrolment_calendar",
    ),
    path("my/", views_enrol.my_learning, name="my_learning"),
    path(
        "my/<uuid:enrolment_id>/cancel/",
        views_enrol.my_enrolment_cancel,
        name="my_enrolment_cancel",
    ),
]

workspace_patterns = [
    path("workspace/", views_workspace.workspace, name="workspace"),
    path(
        "workspace/providers/<slug:provider_slug>/",
        views_workspace.provider_page,
        name="workspace_provider",
    ),
    path(
        "workspace/providers/<slug:provider_slug>/opportunities/new/",
        views_workspace.opportunity_new,
        name="workspace_opportunity_new",
    ),
    path(
        "workspace/providers/<slug:provider_slug>/places/new/",
        views_workspace.site_new,
        name="workspace_site_new",
    ),
    path(
        "workspace/providers/<slug:provider_slug>/import/",
        views_workspace.import_upload,
        name="workspace_import",
    ),
    path(
        "workspace/providers/<slug:provider_slug>/export.<str:file_format>",
        views_workspace.export,
        name="workspace_export",
    ),
    path(
        "workspace/opportunities/<slug:opportunity_slug>/",
        views_workspace.opportunity_page,
        name="workspace_opportunity",
    ),
    path(
        "workspace/opportunities/<slug:opportunity_slug>/edit/",
        views_workspace.opportunity_edit,
        name="workspace_opportunity_edit",
    ),
    path(
        "workspace/opportunities/<slug:opportunity_slug>/publish/",
        views_workspace.opportunity_publish,
        name="workspace_opportunity_publish",
    ),
    path(
        "workspace/opportunities/<slug:opportunity_slug>/duplicate/",
        views_workspace.opportunity_duplicate,
        name="workspace_opportunity_duplicate",
    ),
    path(
        "workspace/opportunities/<slug:opportunity_slug>/delete/",
        views_workspace.opportunity_delete,
        name="workspace_opportunity_delete",
    ),
    path(
        "workspace/opportunities/<slug:opportunity_slug>/message/",
        views_workspace.message_enrolled,
        name="workspace_message",
    ),
    path(
        "workspace/sessions/<uuid:session_id>/cancel/",
        views_workspace.session_cancel,
        name="workspace_session_cancel",
    ),
    path(
        "workspace/opportunities/<slug:opportunity_slug>/sessions/new/",
        views_workspace.session_new,
        name="workspace_session_new",
    ),
    path(
        "workspace/sessions/<uuid:session_id>/edit/",
        views_workspace.session_edit,
        name="workspace_session_edit",
    ),
    path(
        "workspace/sessions/<uuid:session_id>/enrolments/",
        views_workspace.enrolments,
        name="workspace_enrolments",
    ),
    path(
        "workspace/sessions/<uuid:session_id>/enrolments.csv",
        views_workspace.enrolments_csv,
        name="workspace_enrolments_csv",
    ),
    path(
        "workspace/sessions/<uuid:session_id>/attendance/",
        views_workspace.attendance,
        name="workspace_attendance",
    ),
    path(
        "workspace/places/<slug:site_slug>/edit/",
        views_workspace.site_edit,
        name="workspace_site_edit",
    ),
    path(
        "workspace/imports/<uuid:job_id>/",
        views_workspace.import_job,
        name="workspace_import_job",
    ),
    path(
        "workspace/imports/<uuid:job_id>/confirm/",
        views_workspace.import_confirm,
        name="workspace_import_confirm",
    ),
    path(
        "workspace/imports/<uuid:job_id>/errors.csv",
        views_workspace.import_errors_csv,
        name="workspace_import_errors",
    ),
]

urlpatterns = [*enrol_patterns, *workspace_patterns]

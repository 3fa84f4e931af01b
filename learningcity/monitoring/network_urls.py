"""Network-wide monitoring URLs, mounted at ``/network/monitoring/`` by the project's
URL map: ``path("network/monitoring/", include("learningcity.monitoring.network_urls"))``
(before core's ``/<city-slug>/`` patterns)."""

from django.urls import path

from . import network_views as views

app_name = "monitoring_network"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", views.report, name="report"),
    path("runs/", views.runs, name="runs"),
    path("runs/new/", views.run_new, name="run_new"),
    path("runs/<uuid:public_id>/", views.run, name="run"),
    path("runs/<uuid:public_id>/results.csv", views.run_export, {"fmt": "csv"}, name="run_csv"),
    path("runs/<uuid:public_id>/results.xlsx", views.run_export, {"fmt": "xlsx"}, name="run_xlsx"),
    path("runs/<uuid:public_id>/inputs/<str:name>", views.run_input, name="run_input"),
    path("frameworks/", views.frameworks_list, name="frameworks"),
    path("frameworks/import/", views.framework_import, name="framework_import"),
    path("frameworks/<slug:slug>/", views.framework, name="framework"),
    path("frameworks/<slug:slug>/iMeta.csv", views.framework_imeta, name="framework_imeta"),
    path("frameworks/<slug:slug>/add/", views.framework_add, name="framework_add"),
    path("frameworks/<slug:slug>/rows/<str:code>/", views.framework_edit, name="framework_edit"),
]

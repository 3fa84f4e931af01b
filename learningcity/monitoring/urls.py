"""Monitoring URLs, mounted at ``/<city-slug>/monitoring/``."""

from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.city, name="city"),
    path("report/", views.city_report, name="city_report"),
    path("results.csv", views.city_results, {"fmt": "csv"}, name="city_results_csv"),
    path("results.xlsx", views.city_results, {"fmt": "xlsx"}, name="city_results_xlsx"),
    path("preview/", views.preview, name="preview"),
    path("indicators/<str:code>/", views.indicator, name="indicator"),
    path("computed/", views.derived, name="derived"),
    path("framework/", views.framework, name="framework"),
    path("framework/iMeta.csv", views.framework_imeta, name="framework_imeta"),
    path("framework/add/", views.framework_add, name="framework_add"),
    path("framework/import/", views.framework_import, name="framework_import"),
    path("framework/rows/<str:code>/", views.framework_edit, name="framework_edit"),
    path("frameworks/<slug:slug>/", views.own_framework, name="own_framework"),
    path("frameworks/<slug:slug>/iMeta.csv", views.own_framework_imeta, name="own_framework_imeta"),
    path("data/", views.data, name="data"),
    path("data/enter/", views.value_entry, name="value_entry"),
    path("data/validate/", views.validate, name="validate"),
    path("data/import/", views.import_values, name="import_values"),
    path("data/values.csv", views.export_values, {"fmt": "csv"}, name="export_csv"),
    path("data/values.xlsx", views.export_values, {"fmt": "xlsx"}, name="export_xlsx"),
]

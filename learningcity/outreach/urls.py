"""Outreach URLs, mounted at ``/<city-slug>/outreach/``."""

from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("", views.timetable, name="timetable"),
    path("stops/<slug:slug>/", views.stop, name="stop"),
    path("stops/<slug:slug>/calendar.ics", views.stop_calendar, name="stop_calendar"),
    path("print/<slug:district_slug>/", views.print_district, name="print"),
    path("desk/", views.desk, name="desk"),
    path("desk/import/", views.import_places, name="import"),
    path("desk/deserts/", views.deserts, name="deserts"),
    path("desk/vehicles/add/", views.vehicle_add, name="vehicle_add"),
    path("desk/vehicles/<int:vehicle_id>/delete/", views.vehicle_delete, name="vehicle_delete"),
    path("desk/plan/", views.plan, name="plan"),
    path("desk/runs/<uuid:run_id>/", views.run_detail, name="run"),
    path("desk/runs/<uuid:run_id>/publish/", views.run_publish, name="run_publish"),
    path("desk/visits/<uuid:visit_id>/cancel/", views.visit_cancel, name="visit_cancel"),
]

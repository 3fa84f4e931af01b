"""Festivals, mounted at ``/<city-slug>/festivals/``."""

from django.urls import path

from . import views, views_manage

app_name = "festivals"

urlpatterns = [
    path("", views.festival_list, name="list"),
    path("manage/", views_manage.manage, name="manage"),
    path("manage/new/", views_manage.festival_new, name="new"),
    path("<slug:slug>/", views.programme_page, name="programme"),
    path("<slug:slug>/print/", views.print_page, name="print"),
    path("<slug:slug>/booklet/", views.booklet_page, name="booklet"),
    path("<slug:slug>/booklet.pdf", views.booklet_file, name="booklet_file"),
    path("<slug:slug>/calendar.ics", views.calendar_feed, name="calendar"),
    path("<slug:slug>/figures/", views.figures_page, name="figures"),
    path("<slug:slug>/figures.csv", views.figures_csv, name="figures_csv"),
    path("<slug:slug>/submit/", views_manage.submit, name="submit"),
    path("<slug:slug>/manage/", views_manage.entries, name="entries"),
    path("<slug:slug>/manage/edit/", views_manage.festival_edit, name="edit"),
    path(
        "<slug:slug>/manage/entries/<uuid:entry_id>/decide/",
        views_manage.decide,
        name="decide",
    ),
]

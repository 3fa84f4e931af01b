"""Quality URLs, mounted at ``/<city-slug>/quality/``."""

from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("feedback/<uuid:invitation_id>/", views.feedback, name="feedback"),
    path("providers/", views.providers, name="providers"),
    path("providers/<slug:provider_slug>/", views.provider_quality, name="provider"),
    path("", views.city_quality, name="city"),
    path("quality.csv", views.city_export, name="city_export"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<int:feedback_id>/", views.moderate, name="moderate"),
]

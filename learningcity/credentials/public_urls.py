from django.urls import path

from . import views_public

app_name = "credentials_public"
urlpatterns = [
    path("verify/", views_public.verify, name="verify"),
    path("c/<uuid:public_id>/", views_public.credential_link, name="credential_link"),
    path(
        "c/<uuid:public_id>/credential.json", views_public.credential_json, name="credential_json"
    ),
    path("status/<uuid:public_id>", views_public.status_list, name="status_list"),
    path("achievements/<uuid:public_id>", views_public.achievement, name="achievement"),
    path("issuers/<str:did>/", views_public.did_document, name="did_document"),
]

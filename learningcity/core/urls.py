from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "core"

account_patterns = [
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/me/", views.profile, name="profile"),
    path("accounts/me/export/", views.export_my_data, name="export_my_data"),
    path("accounts/me/erase/", views.erase_me, name="erase_me"),
    path(
        "accounts/password-reset/",
        views.SiteLinkPasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("core:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("network/", views.network, name="network"),
    *account_patterns,
    # City pages last: ``/<city>/`` must not shadow the fixed prefixes above.
    path("<slug:city_slug>/", views.city_home, name="city"),
    path("<slug:city_slug>/manage/", views.city_manage, name="city_manage"),
    path(
        "<slug:city_slug>/manage/description/",
        views.city_description_edit,
        name="city_description_edit",
    ),
    path(
        "<slug:city_slug>/manage/districts/<slug:district_slug>/",
        views.district_edit,
        name="district_edit",
    ),
]

"""Core pages: the network, each city's front page, the coordinator's desk, accounts.

Views stay thin: they read the request, call a permission check and a service,
and render."""

import sys
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, PasswordResetView
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from . import city_search, permissions, ratelimits, services
from .forms import (
    CityDescriptionForm,
    DistrictForm,
    EraseAccountForm,
    LoginForm,
    ProfileForm,
    SignUpForm,
    SiteLinkPasswordResetForm,
)
from .http import PageNotFound
from .models import AuditEvent, City, District, UnescoRegion
from .navigation import Link, links_for
from .tenancy import for_city, get_city, get_in_city


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    cities = list(
        City.objects.only(
            "slug", "name", "country", "country_code", "region", "is_demo", "latitude", "longitude"
        )
    )
    if len(cities) == 1:
        return redirect("core:city", city_slug=cities[0].slug)
    # Find a city by name, or the nearest to where the visitor is (GET, no JS needed).
    typed = request.GET.get("city", "")
    point = city_search.parse_point(request.GET.get("lat", ""), request.GET.get("lng", ""))
    found = None
    if point is not None:
        found = city_search.nearest(cities, *point)
    elif typed.strip():
        found = city_search.by_name(cities, typed)
    context = {"cities": cities, "found": found, "typed": typed[:100], "near_me": point}
    return render(request, "core/home.html", context)


@require_safe
def network(request: HttpRequest) -> HttpResponse:
    cities = list(City.objects.all())
    by_region = [
        (label, [city for city in cities if city.region == value])
        for value, label in UnescoRegion.choices
    ]
    countries = {city.country_code for city in cities}
    return render(
        request,
        "core/network.html",
        {
            "cities": cities,
            "by_region": [(label, group) for label, group in by_region if group],
            "country_count": len(countries),
            "sections": links_for("network", request.user),
            "map_points": [
                {"name": c.name, "lat": c.latitude, "lng": c.longitude, "url": f"/{c.slug}/"}
                for c in cities
            ],
        },
    )


@require_safe
def city_home(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    districts = list(for_city(District, city))
    return render(
        request,
        "core/city.html",
        {
            "city": city,
            "districts": districts,
            "can_manage": permissions.can_manage_city(request.user, city),
            "sections": links_for("city", request.user, city),
            "map_points": [
                {"name": d.name, "lat": d.latitude, "lng": d.longitude} for d in districts
            ],
        },
    )


@require_safe
@login_required
def city_manage(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    permissions.require(permissions.can_manage_city(request.user, city))
    return render(
        request,
        "core/manage.html",
        {
            "city": city,
            "districts": list(for_city(District, city)),
            "sections": links_for("desk", request.user, city),
            # Labels in plain words: {{ event.action|event_label }} (core.audit).
            "events": list(for_city(AuditEvent, city).select_related("actor")[:20]),
        },
    )


@login_required
def district_edit(request: HttpRequest, city_slug: str, district_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    permissions.require(permissions.can_manage_city(request.user, city))
    district = get_in_city(District, city, slug=district_slug)
    form = DistrictForm(request.POST or None, instance=District.objects.get(pk=district.pk))
    if request.method == "POST" and form.is_valid():
        services.update_district(
            actor=request.user,  # type: ignore[arg-type]
            district=district,
            changes={field: form.cleaned_data[field] for field in form.changed_data},
        )
        messages.success(request, _("District saved."))
        return redirect("core:city_manage", city_slug=city.slug)
    return render(
        request, "core/district_edit.html", {"city": city, "district": district, "form": form}
    )


@login_required
def city_description_edit(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    permissions.require(permissions.can_manage_city(request.user, city))
    form = CityDescriptionForm(request.POST or None, city=city)
    if request.method == "POST" and form.is_valid():
        services.update_city_description(
            actor=request.user,  # type: ignore[arg-type]
            city=city,
            description=form.cleaned_data["description"],
            translations=form.translations(),
        )
        messages.success(request, _("The description is saved."))
        return redirect("core:city_manage", city_slug=city.slug)
    return render(request, "core/city_description_edit.html", {"city": city, "form": form})


class SignInView(LoginView):
    """Email and password; django-axes (see core.signin) pauses repeated failures."""

    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # LoginView puts the request's host in "site_name"; the page title and header
        # show the platform's own name, in the reader's language.
        context["site_name"] = settings.SITE_NAME
        return context


@method_decorator(ratelimits.limit("password_reset", email_field="email"), name="dispatch")
class SiteLinkPasswordResetView(PasswordResetView):
    """Password reset: the link in the email starts with SITE_URL; at most
    ``RATELIMIT_RATES["password_reset"]`` emails per client address and per address."""

    form_class = SiteLinkPasswordResetForm
    success_url = reverse_lazy("core:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"

    def form_valid(self, form: Any) -> HttpResponse:
        if ratelimits.is_limited(self.request):
            form.add_error(None, ratelimits.LIMITED_MESSAGE)
            response = self.form_invalid(form)
            response.status_code = ratelimits.LIMITED_STATUS
            return response
        return super().form_valid(form)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    """``next`` from the query or form if it stays on this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@ratelimits.limit("signup")
def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and ratelimits.is_limited(request):
        form.is_valid()  # keep what was typed on the page
        form.add_error(None, ratelimits.LIMITED_MESSAGE)
        return render(
            request,
            "registration/signup.html",
            {"form": form},
            status=ratelimits.LIMITED_STATUS,
        )
    if request.method == "POST" and form.is_valid():
        user = services.register_resident(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            display_name=form.cleaned_data["display_name"],
            language=request.LANGUAGE_CODE,
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect(_safe_next(request, reverse("core:home")))
    return render(request, "registration/signup.html", {"form": form})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details are saved."))
        return redirect("core:profile")
    return render(
        request,
        "registration/profile.html",
        {
            "form": form,
            "coordinated": permissions.coordinated_cities(request.user),
            "sections": _account_links(request.user),
        },
    )


def _account_links(user: Any) -> list[tuple[City, list[Link]]]:
    """Per city the person belongs to (home city or coordinated), the apps' links."""
    cities = {city.pk: city for city in permissions.coordinated_cities(user)}
    if user.home_city is not None:
        cities.setdefault(user.home_city.pk, user.home_city)
    return [(city, links_for("account", user, city)) for city in cities.values()]


@login_required
@require_POST
def export_my_data(request: HttpRequest) -> HttpResponse:
    payload = services.export_personal_data(request.user)  # type: ignore[arg-type]
    response = HttpResponse(payload, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-learningcity-data.json"'
    return response


@login_required
@never_cache
def erase_me(request: HttpRequest) -> HttpResponse:
    form = EraseAccountForm(
        request.POST or None,
        user=request.user,  # type: ignore[arg-type]
        request=request,
    )
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.erase_account(user)  # type: ignore[arg-type]
        messages.success(request, _("Your account and your personal data are deleted."))
        return redirect("core:home")
    return render(request, "registration/erase.html", {"form": form})


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages without <link rel=icon> (the admin, files)."""
    return redirect(static("core/favicon.svg"), permanent=True)


@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, PageNotFound) and exception.args:
        message = str(exception.args[0])
    else:
        message = _("We could not find this page.")
    return render(request, "404.html", {"message": message}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500 handler; a database that cannot be reached is a 503 ("try again soon").

    Rendered without context processors: they may need the database that just failed."""
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError) and _database_unreachable():
        html = render_to_string("503.html", _error_context(request))
        return HttpResponse(html, status=503, headers={"Retry-After": "60"})
    return HttpResponse(render_to_string("500.html", _error_context(request)), status=500)


def _database_unreachable() -> bool:
    try:
        connection.close()
        connection.ensure_connection()
    except DatabaseError:
        return True
    return False


def _error_context(request: HttpRequest) -> dict[str, Any]:
    from django.utils.translation import get_language, get_language_bidi

    return {
        "LANGUAGE_CODE": get_language(),
        "LANGUAGE_BIDI": get_language_bidi(),
        "site_name": settings.SITE_NAME,
    }

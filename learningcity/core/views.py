"""Core pages: the network, each city's front page, the coordinator's desk, accounts.

Views stay thin: they read the request, call a permission check and a service,
and render."""

import sys
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import permissions, services
from .forms import DistrictForm, EraseAccountForm, LoginForm, ProfileForm, SignUpForm
from .http import PageNotFound
from .models import AuditEvent, City, District, UnescoRegion
from .navigation import Link, links_for
from .tenancy import for_city, get_city, get_in_city


def home(request: HttpRequest) -> HttpResponse:
    cities = list(City.objects.only("slug", "name", "country", "region", "is_demo"))
    if len(cities) == 1:
        return redirect("core:city", city_slug=cities[0].slug)
    return render(request, "core/home.html", {"cities": cities})


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


class ThrottledLoginView(LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.register_resident(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            display_name=form.cleaned_data["display_name"],
            language=request.LANGUAGE_CODE,
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! Your account is ready."))
        return redirect(request.GET.get("next") or "core:home")
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
    form = EraseAccountForm(request.POST or None, user=request.user)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.erase_account(user)  # type: ignore[arg-type]
        messages.success(request, _("Your account and your personal data are deleted."))
        return redirect("core:home")
    return render(request, "registration/erase.html", {"form": form})


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

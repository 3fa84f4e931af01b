"""Member directory, city profiles, membership status, clusters, import and export.
Thin views: read the request, check permissions, call search or services, render."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from learningcity.core.audit import record_event
from learningcity.core.countries import country_name
from learningcity.core.http import PageNotFound
from learningcity.core.models import City, UnescoRegion
from learningcity.core.permissions import coordinated_cities
from learningcity.core.tenancy import get_city

from . import importer, partner_services, permissions, search, services
from .forms import DirectoryFilterForm, ImportForm, ProfileForm, StatusForm
from .models import CityProfile, Cluster, MembershipChange
from .vocabulary import SIZE_BANDS, MembershipStatus

PAGE_SIZE = 40


def query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return f"{query.urlencode()}&" if query else ""


def _profile_city(city_slug: str) -> tuple[City, CityProfile]:
    city = get_city(city_slug)
    profile = CityProfile.objects.filter(city=city).first()
    if profile is None:
        raise PageNotFound(_("This city is not in the network's directory."))
    return city, profile


def _facet(
    name: str,
    legend: str,
    options: list[tuple[str, Any]],
    counts: dict[str, int],
    chosen: list[str],
) -> dict[str, Any]:
    return {
        "name": name,
        "legend": legend,
        "options": [
            {
                "value": value,
                "label": label,
                "count": counts.get(value, 0),
                "checked": value in chosen,
            }
            for value, label in options
        ],
    }


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    include_applicants = permissions.is_network_coordinator(request.user)
    statuses = [
        (value, label)
        for value, label in MembershipStatus.choices
        if include_applicants or value != MembershipStatus.APPLICANT
    ]
    codes = sorted(
        set(CityProfile.objects.values_list("city__country_code", flat=True)),
    )
    countries = sorted(((code, country_name(code)) for code in codes), key=lambda pair: pair[1])
    clusters = [(cluster.slug, cluster.label) for cluster in Cluster.objects.all()]
    form = DirectoryFilterForm(
        request.GET, countries=countries, clusters=clusters, statuses=statuses
    )
    form.is_valid()  # a value not in a list is dropped with its message; the rest applies
    data = form.cleaned_data
    filters = {
        name: frozenset(data.get(name) or []) for name in search.DIRECTORY_FACETS if data.get(name)
    }
    result = search.search_directory(
        search.DirectoryQuery(
            text=data.get("q", ""), filters=filters, include_applicants=include_applicants
        )
    )
    page = Paginator(result.city_ids, PAGE_SIZE).get_page(request.GET.get("page"))
    by_id = {
        city.pk: city
        for city in City.objects.filter(pk__in=list(page.object_list)).select_related(
            "network_profile"
        )
    }
    cities = [by_id[pk] for pk in page.object_list if pk in by_id]
    facets = [
        _facet(
            "region",
            _("UNESCO region"),
            list(UnescoRegion.choices),
            result.facets["region"],
            data.get("region") or [],
        ),
        _facet(
            "size",
            _("Size"),
            [(code, label) for code, _l, label in SIZE_BANDS],
            result.facets["size"],
            data.get("size") or [],
        ),
        _facet(
            "cluster", _("Cluster"), clusters, result.facets["cluster"], data.get("cluster") or []
        ),
        _facet("status", _("Status"), statuses, result.facets["status"], data.get("status") or []),
    ]
    country_facet = _facet(
        "country", _("Country"), countries, result.facets["country"], data.get("country") or []
    )
    return render(
        request,
        "network/directory.html",
        {
            "form": form,
            "facets": facets,
            "country_facet": country_facet,
            "cities": cities,
            "page_obj": page,
            "total": result.total,
            "query_without_page": query_without_page(request),
            "can_manage": permissions.can_manage_directory(request.user),
            "map_points": [
                {
                    "name": c.name,
                    "lat": c.latitude,
                    "lng": c.longitude,
                    "url": f"/network/cities/{c.slug}/",
                }
                for c in cities
            ],
        },
    )


@require_safe
def profile(request: HttpRequest, city_slug: str) -> HttpResponse:
    city, city_profile = _profile_city(city_slug)
    can_edit = permissions.can_edit_profile(request.user, city)
    if city_profile.status == MembershipStatus.APPLICANT and not can_edit:
        raise PageNotFound(_("This city is not in the network's directory."))
    practices = city.practices.published().only("id", "title", "summary")[:20]
    return render(
        request,
        "network/profile.html",
        {
            "city": city,
            "profile": city_profile,
            "history": list(MembershipChange.objects.filter(city=city)[:50]),
            "clusters": list(Cluster.objects.filter(memberships__city=city)),
            "practices": list(practices),
            "partnerships": list(partner_services.partnerships_of(city=city)[:30]),
            "can_edit": can_edit,
            "can_see_contact": permissions.can_see_contact(request.user, city),
            "can_change_status": permissions.can_change_status(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile_edit(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    permissions.require(permissions.can_edit_profile(request.user, city))
    city_profile = services.ensure_profile(city)
    form = ProfileForm(request.POST or None, instance=city_profile, city=city)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.fields}
        try:
            services.update_city_profile(
                actor=request.user,  # type: ignore[arg-type]
                city=city,
                changes=changes,
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(request, _("The profile is saved."))
            return redirect("network:profile", city_slug=city.slug)
    return render(request, "network/profile_edit.html", {"city": city, "form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def status_change(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    permissions.require(permissions.can_change_status(request.user))
    city_profile = services.ensure_profile(city)
    form = StatusForm(request.POST or None, initial={"status": city_profile.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.change_membership_status(
                actor=request.user,  # type: ignore[arg-type]
                city=city,
                status=form.cleaned_data["status"],
                effective_on=form.cleaned_data["effective_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(request, _("The membership status is changed."))
            return redirect("network:profile", city_slug=city.slug)
    return render(
        request, "network/status_change.html", {"city": city, "form": form, "profile": city_profile}
    )


@require_safe
def clusters(request: HttpRequest) -> HttpResponse:
    from django.db.models import Count

    found = Cluster.objects.annotate(size=Count("memberships")).select_related("coordinating_city")
    return render(request, "network/clusters.html", {"clusters": found})


@require_http_methods(["GET", "HEAD", "POST"])
def cluster(request: HttpRequest, slug: str) -> HttpResponse:
    found = Cluster.objects.filter(slug=slug[:60].replace("\x00", "")).first()
    if found is None:
        raise PageNotFound(_("There is no such cluster."))
    own = (
        [
            city
            for city in coordinated_cities(request.user)
            if CityProfile.objects.filter(city=city).exists()
        ]
        if request.user.is_authenticated
        else []
    )
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        chosen = next((c for c in own if c.slug == request.POST.get("city")), None)
        permissions.require(chosen is not None)
        assert chosen is not None
        services.set_cluster_membership(
            actor=request.user,  # type: ignore[arg-type]
            cluster=found,
            city=chosen,
            member=request.POST.get("member") == "yes",
        )
        messages.success(request, _("The cluster's members are updated."))
        return redirect("network:cluster", slug=found.slug)
    members = list(City.objects.filter(cluster_memberships__cluster=found).order_by("name"))
    member_ids = {city.pk for city in members}
    return render(
        request,
        "network/cluster.html",
        {
            "cluster": found,
            "members": members,
            "own": [(city, city.pk in member_ids) for city in own],
            "can_discuss": permissions.can_read_cluster_threads(request.user, found),
            "partnerships": list(partner_services.partnerships_of(cluster=found)[:30]),
        },
    )


@login_required
@require_safe
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    permissions.require(permissions.can_manage_directory(request.user))
    record_event(request.user, "network.directory_exported", format=fmt)  # type: ignore[arg-type]
    if fmt == "xlsx":
        response = HttpResponse(
            importer.export_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(importer.export_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="member-cities.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_directory(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_manage_directory(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[importer.RowError] = []
    unreadable = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        file_format = importer.file_format_for(upload.name)
        if upload.size > importer.MAX_BYTES:
            unreadable = _("The file is too large: at most 5 MB.")
        else:
            try:
                plan = importer.check_file(upload.read(), file_format)
                errors = plan.errors
                if not errors:
                    counts = importer.apply_plan(plan, actor=request.user)  # type: ignore[arg-type]
                    messages.success(
                        request,
                        _("Imported: %(created)s new cities, %(updated)s updated.") % counts,
                    )
                    return redirect("network:directory")
            except importer.UnreadableFile as error:
                unreadable = error.message
            except importer.ImportRefused as refused:
                errors = refused.errors
    return render(
        request,
        "network/import.html",
        {
            "form": form,
            "errors": errors,
            "unreadable": unreadable,
            "columns": importer.LAYOUT,
        },
        status=400 if (errors or unreadable) else 200,
    )

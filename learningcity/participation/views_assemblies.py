"""Coordinators' pages of an assembly: members, meetings, minutes
(``/<city-slug>/participate/assemblies/<slug>/...``)."""

from typing import cast
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from learningcity.core.forms import show_service_errors
from learningcity.core.models import City, User
from learningcity.core.permissions import require
from learningcity.core.tenancy import get_city, get_in_city

from . import assemblies, permissions
from .forms_civic import MeetingForm, MemberForm, MinutesForm
from .models import Assembly, AssemblyMeeting


def _assembly(request: HttpRequest, city_slug: str, slug: str) -> tuple[City, Assembly]:
    city = get_city(city_slug)
    assembly = get_in_city(Assembly, city, slug=slug)
    require(permissions.can_manage_assembly(request.user, assembly))
    return city, assembly


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assembly_members(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, assembly = _assembly(request, city_slug, slug)
    actor = cast(User, request.user)
    form = MemberForm(request.POST if request.POST.get("action") == "add" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if request.POST.get("action") == "remove":
            member = assembly.members.filter(pk=_int(request.POST.get("member"))).first()
            if member is not None:
                assemblies.remove_assembly_member(actor=actor, assembly=assembly, member=member)
                messages.success(request, _("The member is removed."))
            return redirect("participation:assembly_members", city.slug, assembly.slug)
        if form.is_valid():
            try:
                assemblies.add_assembly_member(
                    actor=actor, assembly=assembly, email=form.cleaned_data["email"]
                )
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, _("The member is added."))
                return redirect("participation:assembly_members", city.slug, assembly.slug)
    return render(
        request,
        "participation/assembly_members.html",
        {
            "city": city,
            "assembly": assembly,
            "members": list(assembly.members.order_by("display_name", "pk")),
            "form": form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assembly_meeting_new(request: HttpRequest, city_slug: str, slug: str) -> HttpResponse:
    city, assembly = _assembly(request, city_slug, slug)
    status = 200
    # Times are typed in the city's time zone.
    with timezone.override(ZoneInfo(city.time_zone)):
        form = MeetingForm(request.POST or None, city=city)
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    assemblies.schedule_assembly_meeting(
                        actor=cast(User, request.user), assembly=assembly, **form.cleaned_data
                    )
                except ValidationError as error:
                    show_service_errors(form, error)
                else:
                    messages.success(
                        request,
                        _("The meeting is scheduled and listed in the learning catalogue."),
                    )
                    return redirect("participation:assembly", city.slug, assembly.slug)
        return render(
            request,
            "participation/assembly_meeting_form.html",
            {"city": city, "assembly": assembly, "form": form},
            status=status,
        )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def assembly_minutes(request: HttpRequest, city_slug: str, slug: str, pk: int) -> HttpResponse:
    city, assembly = _assembly(request, city_slug, slug)
    meeting = get_in_city(AssemblyMeeting.objects.filter(assembly=assembly), city, pk=pk)
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                assemblies.record_meeting_minutes(
                    actor=cast(User, request.user),
                    meeting=meeting,
                    minutes=form.cleaned_data["minutes"],
                )
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, _("The minutes are published."))
                return redirect("participation:assembly", city.slug, assembly.slug)
    return render(
        request,
        "participation/assembly_minutes.html",
        {"city": city, "assembly": assembly, "meeting": meeting, "form": form},
        status=status,
    )


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0

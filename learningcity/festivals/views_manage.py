"""Working pages: the city's coordinators plan festivals and decide on submissions;
providers' staff submit their opportunities. Access is checked first in every view,
through ``festivals.permissions``."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from learningcity.catalogue.models import Opportunity, Provider, Session
from learningcity.core import permissions as core_permissions
from learningcity.core.forms import show_service_errors
from learningcity.core.models import City, User
from learningcity.core.tenancy import for_city, get_in_city

from . import permissions, services
from .forms import DecisionForm, FestivalForm, SubmissionForm
from .models import Entry, EntryStatus, Festival
from .views import city_page

DECISION_PAGE_SIZE = 50


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # views are login_required


def _managed_festival(request: HttpRequest, city: City, slug: str) -> Festival:
    core_permissions.require(permissions.can_manage_festivals(request.user, city))
    return get_in_city(Festival.objects.select_related("city"), city, slug=slug)


# ---------------------------------------------------------------------------
# The city's coordinators


@login_required
@city_page
def manage(request: HttpRequest, city: City) -> HttpResponse:
    core_permissions.require(permissions.can_manage_festivals(request.user, city))
    festivals = for_city(Festival, city).annotate(
        pending=Count("entries", filter=Q(entries__status=EntryStatus.PENDING)),
        accepted=Count("entries", filter=Q(entries__status=EntryStatus.ACCEPTED)),
    )
    return render(request, "festivals/manage.html", {"city": city, "festivals": festivals})


def _festival_form(
    request: HttpRequest,
    city: City,
    form: FestivalForm,
    save: Callable[[], Festival],
    context: dict[str, Any],
) -> HttpResponse:
    """The festival's form: saved through ``save`` when posted and valid, then on to the
    festival's submissions; otherwise shown again with what to change."""
    if request.method == "POST" and form.is_valid():
        try:
            festival = save()
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Festival saved."))
            return redirect("festivals:entries", city_slug=city.slug, slug=festival.slug)
    return render(request, "festivals/festival_form.html", {"city": city, "form": form, **context})


@login_required
@city_page
def festival_new(request: HttpRequest, city: City) -> HttpResponse:
    core_permissions.require(permissions.can_manage_festivals(request.user, city))
    form = FestivalForm(request.POST or None)

    def save() -> Festival:
        return services.create_festival(actor=_actor(request), city=city, fields=form.cleaned_data)

    return _festival_form(request, city, form, save, {"title": _("New learning festival")})


@login_required
@city_page
def festival_edit(request: HttpRequest, city: City, slug: str) -> HttpResponse:
    festival = _managed_festival(request, city, slug)
    form = FestivalForm(request.POST or None, instance=festival)

    def save() -> Festival:
        # Validating the form wrote its values onto ``festival``: the service compares
        # them with the row as it is stored.
        original = Festival.objects.get(pk=festival.pk)
        return services.update_festival(
            actor=_actor(request), festival=original, changes=form.cleaned_data
        )

    return _festival_form(request, city, form, save, {"festival": festival, "title": festival.name})


@login_required
@city_page
def entries(request: HttpRequest, city: City, slug: str) -> HttpResponse:
    """The submissions, waiting ones first, each with accept / do not accept."""
    festival = _managed_festival(request, city, slug)
    status = request.GET.get("status", EntryStatus.PENDING)
    if status not in EntryStatus.values:
        status = EntryStatus.PENDING
    counts = dict(
        festival.entries.order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    shown = (
        festival.entries.filter(status=status)
        .select_related("opportunity__site", "provider", "submitted_by")
        .annotate(session_count=Count("sessions"), event_count=Count("events", distinct=True))
        .order_by("submitted_at", "id")[:DECISION_PAGE_SIZE]
    )
    return render(
        request,
        "festivals/entries.html",
        {
            "city": city,
            "festival": festival,
            "entries": shown,
            "status": status,
            "statuses": [
                (value, label, counts.get(value, 0)) for value, label in EntryStatus.choices
            ],
            "form": DecisionForm(),
        },
    )


@login_required
@require_POST
@city_page
def decide(request: HttpRequest, city: City, slug: str, entry_id: UUID) -> HttpResponse:
    festival = _managed_festival(request, city, slug)
    entry = get_in_city(
        Entry.objects.select_related("festival__city", "opportunity", "provider"),
        city,
        public_id=entry_id,
        festival=festival,
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to accept it, and keep the reason short."))
    else:
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.decide_entry(
                actor=_actor(request),
                entry=entry,
                accept=accept,
                reason=form.cleaned_data["reason"],
            )
        except services.FestivalRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                (
                    _("Accepted: “%(title)s” is in the programme.")
                    if accept
                    else _("Not accepted: the provider is told your reason.")
                )
                % {"title": entry.opportunity.title},
            )
    back = request.POST.get("back", "")
    page = reverse("festivals:entries", args=[city.slug, festival.slug])
    return redirect(f"{page}?status={back}" if back in EntryStatus.values else page)


# ---------------------------------------------------------------------------
# Providers' staff


@login_required
@city_page
def submit(request: HttpRequest, city: City, slug: str) -> HttpResponse:
    """Submit one of your provider's opportunities with its sessions during the
    festival. Step one (GET) chooses the opportunity; step two (POST) the sessions."""
    festival = get_in_city(Festival.objects.select_related("city"), city, slug=slug)
    providers = list(permissions.submitting_providers(request.user, city))
    core_permissions.require(
        bool(providers) and permissions.can_see_festival(request.user, festival)
    )
    provider = _chosen_provider(request, providers)
    opportunities = for_city(Opportunity, city).filter(provider=provider, is_published=True)
    data = request.POST if request.method == "POST" else request.GET
    chosen = _chosen_opportunity(opportunities, data.get("opportunity", ""))
    sessions = (
        Session.objects.filter(opportunity=chosen, is_cancelled=False).select_related(
            "opportunity__city"
        )
        if chosen is not None
        else None
    )
    # Step two shown after a GET starts unbound, with the festival's sessions ticked.
    form = SubmissionForm(
        request.POST if request.method == "POST" else None,
        opportunities=opportunities,
        sessions=sessions,
        initial={
            "opportunity": chosen.slug if chosen else None,
            **_initial_sessions(festival, sessions),
        },
    )
    if request.method == "POST" and form.is_valid():
        submission = services.Submission(
            festival=festival,
            provider=provider,
            opportunity=form.cleaned_data["opportunity"],
            sessions=list(form.cleaned_data["sessions"]),
            note=form.cleaned_data["note"],
        )
        try:
            services.submit_opportunity(actor=_actor(request), submission=submission)
        except services.FestivalRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request, _("Submitted. The city will tell you by e-mail whether it is accepted.")
            )
            return redirect(f"{request.path}?provider={provider.slug}")
    return render(
        request,
        "festivals/submit.html",
        {
            "city": city,
            "festival": festival,
            "providers": providers,
            "provider": provider,
            "form": form,
            "chosen": chosen,
            "window_problem": services._window_problem(festival),
            "submitted": Entry.objects.filter(festival=festival, provider=provider)
            .select_related("opportunity")
            .order_by("-submitted_at")[:100],
        },
    )


def _chosen_provider(request: HttpRequest, providers: list[Provider]) -> Provider:
    wanted = request.POST.get("provider") or request.GET.get("provider", "")
    return next((provider for provider in providers if provider.slug == wanted), providers[0])


def _chosen_opportunity(opportunities, slug: str) -> Opportunity | None:  # type: ignore[no-untyped-def]
    slug = slug.strip()
    if not slug or len(slug) > 120 or "\x00" in slug:
        return None
    return opportunities.filter(slug=slug).first()


def _initial_sessions(festival: Festival, sessions) -> dict[str, object]:  # type: ignore[no-untyped-def]
    if sessions is None:
        return {}
    return {
        "sessions": [session.pk for session in sessions if services.dates_within(session, festival)]
    }

"""The provider workspace: opportunities, sessions, places, enrolments, attendance,
imports and exports. For provider staff (their own providers) and the city's
coordinators (every provider of their city).

Every view checks access first, through one of the ``_get_*`` helpers below, which
find the object in the URL's city (another city's object is a 404) and then ask
``catalogue.permissions`` whether this person may manage its provider (403 if not)."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from learningcity.core import permissions as core_permissions
from learningcity.core.forms import show_service_errors
from learningcity.core.http import PageNotFound
from learningcity.core.models import City, User
from learningcity.core.tenancy import for_city, get_in_city

from . import importer, permissions, services
from . import repeat as rules
from .forms_workspace import (
    ImportForm,
    MessageForm,
    OpportunityForm,
    SessionForm,
    SiteForm,
    free_opportunity_slug,
    service_fields,
)
from .models import (
    LIVE_STATUSES,
    SEAT_STATUSES,
    ImportJob,
    LearningSite,
    Opportunity,
    Provider,
    Session,
)
from .views_enrol import city_page

# ---------------------------------------------------------------------------
# Access


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # views are login_required


def _get_provider(request: HttpRequest, city: City, provider_slug: str) -> Provider:
    provider = get_in_city(Provider.objects.select_related("city"), city, slug=provider_slug)
    core_permissions.require(permissions.can_manage_provider(request.user, provider))
    return provider


def _get_opportunity(request: HttpRequest, city: City, opportunity_slug: str) -> Opportunity:
    opportunities = Opportunity.objects.select_related("provider__city", "city", "site")
    opportunity = get_in_city(opportunities, city, slug=opportunity_slug)
    core_permissions.require(permissions.can_manage_provider(request.user, opportunity.provider))
    return opportunity


def _get_session(request: HttpRequest, city: City, session_id: UUID) -> Session:
    sessions = Session.objects.select_related(
        "opportunity__provider__city", "opportunity__site", "site"
    )
    session = get_in_city(sessions, city, public_id=session_id)
    provider = session.opportunity.provider
    core_permissions.require(permissions.can_manage_provider(request.user, provider))
    return session


def _get_site(request: HttpRequest, city: City, site_slug: str) -> LearningSite:
    site = get_in_city(
        LearningSite.objects.select_related("provider__city", "city"), city, slug=site_slug
    )
    core_permissions.require(permissions.can_manage_site(request.user, site))
    return site


def _get_job(request: HttpRequest, city: City, job_id: UUID) -> ImportJob:
    jobs = ImportJob.objects.defer("data").select_related("provider__city")
    job = get_in_city(jobs, city, public_id=job_id)
    core_permissions.require(permissions.can_manage_provider(request.user, job.provider))
    return job


def _form_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "catalogue/workspace/form.html", context)


def _is_search(request: HttpRequest, form: BaseForm) -> bool:
    """A search button was pressed: show the form again with the matching choices,
    without checking or saving it (the person has not finished)."""
    if request.method != "POST" or request.POST.get("search") not in form.fields:
        return False
    form.errors.clear()  # not finished yet, so nothing is wrong yet
    return True


def _submitted(request: HttpRequest, form: BaseForm) -> bool:
    return request.method == "POST" and not _is_search(request, form) and form.is_valid()


# ---------------------------------------------------------------------------
# Overview pages


@login_required
@city_page
def workspace(request: HttpRequest, city: City) -> HttpResponse:
    providers = permissions.managed_providers(request.user, city).annotate(
        opportunity_count=Count("opportunities", distinct=True)
    )
    is_coordinator = core_permissions.can_manage_city(request.user, city)
    providers_list = list(providers)
    core_permissions.require(is_coordinator or bool(providers_list))
    return render(
        request,
        "catalogue/workspace/home.html",
        {"city": city, "providers": providers_list, "is_coordinator": is_coordinator},
    )


@login_required
@city_page
def provider_page(request: HttpRequest, city: City, provider_slug: str) -> HttpResponse:
    provider = _get_provider(request, city, provider_slug)
    opportunities = (
        for_city(Opportunity, city)
        .filter(provider=provider)
        .annotate(session_count=Count("sessions"))
        .order_by("title")
    )
    sites = for_city(LearningSite, city).filter(provider=provider)
    shared_sites = for_city(LearningSite, city).filter(provider__isnull=True)
    is_coordinator = core_permissions.can_manage_city(request.user, city)
    return render(
        request,
        "catalogue/workspace/provider.html",
        {
            "city": city,
            "provider": provider,
            "opportunities": list(opportunities),
            "sites": list(sites),
            "shared_sites": list(shared_sites) if is_coordinator else [],
            "jobs": list(for_city(ImportJob, city).filter(provider=provider).defer("data")[:5]),
        },
    )


@login_required
@city_page
def opportunity_page(request: HttpRequest, city: City, opportunity_slug: str) -> HttpResponse:
    opportunity = _get_opportunity(request, city, opportunity_slug)
    sessions = opportunity.sessions.select_related("site").with_seat_counts()
    # Each session with its repeat rule in plain words.
    rows = [(s, rules.describe_rule(s.recurrence, s.starts_at, city.tzinfo)) for s in sessions]
    return render(
        request,
        "catalogue/workspace/opportunity.html",
        {
            "city": city,
            "opportunity": opportunity,
            "rows": rows,
            "people": services.has_enrolments(opportunity),
        },
    )


# ---------------------------------------------------------------------------
# Opportunities, sessions, places


@login_required
@city_page
def opportunity_new(request: HttpRequest, city: City, provider_slug: str) -> HttpResponse:
    provider = _get_provider(request, city, provider_slug)
    form = OpportunityForm(
        request.POST or None,
        instance=Opportunity(city=city, provider=provider),
        city=city,
        provider=provider,
    )
    if _submitted(request, form):
        try:
            opportunity = services.create_opportunity(
                actor=_actor(request), provider=provider, fields=form.values()
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Opportunity saved. Now add its sessions."))
            return redirect(
                "catalogue:workspace_opportunity",
                city_slug=city.slug,
                opportunity_slug=opportunity.slug,
            )
    return _form_page(
        request,
        {
            "city": city,
            "form": form,
            "title": _("New opportunity for %(provider)s") % {"provider": provider.name},
            "back_url": provider_url(city, provider),
        },
    )


@login_required
@city_page
def opportunity_edit(request: HttpRequest, city: City, opportunity_slug: str) -> HttpResponse:
    opportunity = _get_opportunity(request, city, opportunity_slug)
    # The form validates a copy, so a refused change never alters the object we save.
    form = OpportunityForm(
        request.POST or None,
        instance=Opportunity.objects.get(pk=opportunity.pk),
        city=city,
        provider=opportunity.provider,
    )
    if _submitted(request, form):
        try:
            services.update_opportunity(
                actor=_actor(request), opportunity=opportunity, changes=form.changes()
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Opportunity saved."))
            return redirect(
                "catalogue:workspace_opportunity",
                city_slug=city.slug,
                opportunity_slug=opportunity.slug,
            )
    return _form_page(
        request,
        {
            "city": city,
            "form": form,
            "title": _("Edit %(title)s") % {"title": opportunity.title},
            "back_url": opportunity_url(city, opportunity),
        },
    )


@login_required
@city_page
def session_new(request: HttpRequest, city: City, opportunity_slug: str) -> HttpResponse:
    opportunity = _get_opportunity(request, city, opportunity_slug)
    form = SessionForm(request.POST or None, instance=Session(opportunity=opportunity), city=city)
    if _submitted(request, form):
        try:
            services.create_session(
                actor=_actor(request), opportunity=opportunity, fields=form.values()
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Session added."))
            return redirect(opportunity_url(city, opportunity))
    return _form_page(
        request,
        {
            "city": city,
            "form": form,
            "title": _("New session of %(title)s") % {"title": opportunity.title},
            "back_url": opportunity_url(city, opportunity),
        },
    )


@login_required
@city_page
def session_edit(request: HttpRequest, city: City, session_id: UUID) -> HttpResponse:
    session = _get_session(request, city, session_id)
    form = SessionForm(request.POST or None, instance=Session.objects.get(pk=session.pk), city=city)
    if _submitted(request, form):
        try:
            services.update_session(actor=_actor(request), session=session, changes=form.changes())
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Session saved."))
            return redirect(opportunity_url(city, session.opportunity))
    return _form_page(
        request,
        {
            "city": city,
            "form": form,
            "title": _("Edit session of %(title)s") % {"title": session.opportunity.title},
            "back_url": opportunity_url(city, session.opportunity),
        },
    )


@login_required
@city_page
def site_new(request: HttpRequest, city: City, provider_slug: str) -> HttpResponse:
    provider = _get_provider(request, city, provider_slug)
    form = SiteForm(request.POST or None, instance=LearningSite(city=city), city=city)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_site(
                actor=_actor(request), city=city, provider=provider, fields=service_fields(form)
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Place saved."))
            return redirect(provider_url(city, provider))
    return _form_page(
        request,
        {
            "city": city,
            "form": form,
            "title": _("New place for %(provider)s") % {"provider": provider.name},
            "back_url": provider_url(city, provider),
        },
    )


@login_required
@city_page
def site_edit(request: HttpRequest, city: City, site_slug: str) -> HttpResponse:
    site = _get_site(request, city, site_slug)
    form = SiteForm(request.POST or None, instance=LearningSite.objects.get(pk=site.pk), city=city)
    back_url = provider_url(city, site.provider) if site.provider else workspace_url(city)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_site(
                actor=_actor(request), site=site, changes=service_fields(form, form.changed_data)
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Place saved."))
            return redirect(back_url)
    return _form_page(
        request,
        {
            "city": city,
            "form": form,
            "title": _("Edit %(name)s") % {"name": site.name},
            "back_url": back_url,
        },
    )


# ---------------------------------------------------------------------------
# Publishing, copying, deleting, cancelling, messaging


@login_required
@require_POST
@city_page
def opportunity_publish(request: HttpRequest, city: City, opportunity_slug: str) -> HttpResponse:
    opportunity = _get_opportunity(request, city, opportunity_slug)
    if request.POST.get("published") == "yes":
        services.publish_opportunity(actor=_actor(request), opportunity=opportunity)
        messages.success(request, _("Published: residents can find it and join."))
    else:
        services.unpublish_opportunity(actor=_actor(request), opportunity=opportunity)
        messages.success(
            request, _("Unpublished: residents no longer see it. People enrolled keep their place.")
        )
    return redirect(opportunity_url(city, opportunity))


@login_required
@require_POST
@city_page
def opportunity_duplicate(request: HttpRequest, city: City, opportunity_slug: str) -> HttpResponse:
    opportunity = _get_opportunity(request, city, opportunity_slug)
    copy = services.duplicate_opportunity(
        actor=_actor(request),
        opportunity=opportunity,
        slug=free_opportunity_slug(city, f"{opportunity.slug[:110]}-copy"),
    )
    messages.success(
        request,
        _("This is the copy. It is not published yet: check its details, then add sessions."),
    )
    return redirect(opportunity_url(city, copy))


@login_required
@city_page
def opportunity_delete(request: HttpRequest, city: City, opportunity_slug: str) -> HttpResponse:
    opportunity = _get_opportunity(request, city, opportunity_slug)
    has_people = services.has_enrolments(opportunity)
    if request.method == "POST" and not has_people:
        services.delete_opportunity(actor=_actor(request), opportunity=opportunity)
        messages.success(request, _("“%(title)s” is deleted.") % {"title": opportunity.title})
        return redirect(provider_url(city, opportunity.provider))
    return render(
        request,
        "catalogue/workspace/delete.html",
        {"city": city, "opportunity": opportunity, "has_people": has_people},
    )


@login_required
@city_page
def session_cancel(request: HttpRequest, city: City, session_id: UUID) -> HttpResponse:
    session = _get_session(request, city, session_id)
    if request.method == "POST" and not session.is_cancelled:
        services.cancel_session(actor=_actor(request), session=session)
        messages.success(request, _("Session cancelled. Everyone enrolled gets an email."))
        return redirect(opportunity_url(city, session.opportunity))
    people = session.enrolments.filter(status__in=LIVE_STATUSES).count()
    return render(
        request,
        "catalogue/workspace/session_cancel.html",
        {"city": city, "session": session, "opportunity": session.opportunity, "people": people},
    )


@login_required
@city_page
def message_enrolled(request: HttpRequest, city: City, opportunity_slug: str) -> HttpResponse:
    opportunity = _get_opportunity(request, city, opportunity_slug)
    sessions = list(opportunity.sessions.filter(is_cancelled=False).order_by("starts_at"))
    form = MessageForm(request.POST or None, sessions=sessions, initial=_session_initial(request))
    if request.method == "POST" and form.is_valid():
        try:
            count = services.message_enrolled(
                actor=_actor(request),
                opportunity=opportunity,
                session=form.chosen_session(),
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["message"],
                include_waitlisted=form.cleaned_data["include_waitlisted"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Your message is on its way to %(count)s person.",
                    "Your message is on its way to %(count)s people.",
                    count,
                )
                % {"count": count},
            )
            return redirect(opportunity_url(city, opportunity))
    return render(
        request,
        "catalogue/workspace/message.html",
        {"city": city, "opportunity": opportunity, "form": form},
    )


def _session_initial(request: HttpRequest) -> dict[str, str]:
    """``?session=<id>`` (from a session's row) preselects that session."""
    wanted = request.GET.get("session", "")
    return {"session": wanted} if wanted else {}


# ---------------------------------------------------------------------------
# Enrolments and attendance


@login_required
@city_page
def enrolments(request: HttpRequest, city: City, session_id: UUID) -> HttpResponse:
    session = _get_session(request, city, session_id)
    people = services.list_enrolments(actor=_actor(request), session=session)
    return render(
        request,
        "catalogue/workspace/enrolments.html",
        {
            "city": city,
            "session": session,
            "opportunity": session.opportunity,
            "enrolments": people,
            "with_seat": [e for e in people if e.status in SEAT_STATUSES],
        },
    )


@login_required
@require_POST
@city_page
def attendance(request: HttpRequest, city: City, session_id: UUID) -> HttpResponse:
    session = _get_session(request, city, session_id)
    attended = set()
    for value in request.POST.getlist("attended"):
        try:
            attended.add(UUID(value))
        except ValueError:
            continue  # a tampered value simply matches nobody
    count = services.mark_attendance(actor=_actor(request), session=session, attended=attended)
    messages.success(request, _("Attendance saved: %(count)s people came.") % {"count": count})
    return redirect("catalogue:workspace_enrolments", city_slug=city.slug, session_id=session_id)


@login_required
@city_page
def enrolments_csv(request: HttpRequest, city: City, session_id: UUID) -> HttpResponse:
    session = _get_session(request, city, session_id)
    payload = services.export_enrolments(actor=_actor(request), session=session)
    response = HttpResponse(payload, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="enrolments-{session.public_id}.csv"'
    return response


# ---------------------------------------------------------------------------
# Import and export


@login_required
@city_page
def import_upload(request: HttpRequest, city: City, provider_slug: str) -> HttpResponse:
    provider = _get_provider(request, city, provider_slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = services.start_import(
            actor=_actor(request), provider=provider, file_name=upload.name, data=upload.read()
        )
        return redirect("catalogue:workspace_import_job", city_slug=city.slug, job_id=job.public_id)
    return render(
        request,
        "catalogue/workspace/import.html",
        {
            "city": city,
            "provider": provider,
            "form": form,
            "columns": importer.layout(),
        },
    )


# Errors shown on the page; the full list is always in the downloadable CSV.
ERRORS_SHOWN = 500


@login_required
@city_page
def import_job(request: HttpRequest, city: City, job_id: UUID) -> HttpResponse:
    job = _get_job(request, city, job_id)
    context = {
        "city": city,
        "job": job,
        "provider": job.provider,
        "errors": job.errors[:ERRORS_SHOWN],
        "more_errors": max(len(job.errors) - ERRORS_SHOWN, 0),
    }
    if request.headers.get("HX-Request"):
        return render(request, "catalogue/workspace/_import_progress.html", context)
    return render(request, "catalogue/workspace/import_job.html", context)


@login_required
@require_POST
@city_page
def import_confirm(request: HttpRequest, city: City, job_id: UUID) -> HttpResponse:
    """The second step: the person saw the preview and confirms it."""
    job = _get_job(request, city, job_id)
    if not services.confirm_import(actor=_actor(request), job=job):
        messages.error(request, _("This import is not waiting for a confirmation any more."))
    return redirect("catalogue:workspace_import_job", city_slug=city.slug, job_id=job.public_id)


@login_required
@city_page
def import_errors_csv(request: HttpRequest, city: City, job_id: UUID) -> HttpResponse:
    job = _get_job(request, city, job_id)
    rows = [(0, [str(e["row"]), e["column"], e["message"]]) for e in job.errors]
    payload = importer.write_csv(importer.Table(header=["row", "column", "message"], rows=rows))
    response = HttpResponse(payload, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-errors-{job.public_id}.csv"'
    return response


EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", importer.write_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        importer.write_xlsx,
    ),
}


@login_required
@city_page
def export(request: HttpRequest, city: City, provider_slug: str, file_format: str) -> HttpResponse:
    provider = _get_provider(request, city, provider_slug)
    if file_format not in EXPORT_TYPES:
        raise PageNotFound(_("Exports are available as CSV or XLSX."))
    content_type, write = EXPORT_TYPES[file_format]
    opportunities = (
        for_city(Opportunity, city)
        .filter(provider=provider)
        .select_related("site")
        .prefetch_related("sessions__site")
        .order_by("slug")
    )
    payload = write(importer.export_table(opportunities, city))
    response = HttpResponse(payload, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{provider.slug}.{file_format}"'
    return response


# ---------------------------------------------------------------------------
# Addresses used by several views


def workspace_url(city: City) -> str:
    return reverse("catalogue:workspace", kwargs={"city_slug": city.slug})


def provider_url(city: City, provider: Provider) -> str:
    return reverse(
        "catalogue:workspace_provider",
        kwargs={"city_slug": city.slug, "provider_slug": provider.slug},
    )


def opportunity_url(city: City, opportunity: Opportunity) -> str:
    return reverse(
        "catalogue:workspace_opportunity",
        kwargs={"city_slug": city.slug, "opportunity_slug": opportunity.slug},
    )

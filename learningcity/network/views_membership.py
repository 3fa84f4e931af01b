"""The membership lifecycle's pages: calls, applying, the National Commission's
endorsement, jurors and their scores, the decision, and biennial reports. Thin views:
read the request, check ``permissions``, call ``services``, render."""

import uuid
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms import Form
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learningcity.core.forms import show_service_errors
from learningcity.core.http import PageNotFound
from learningcity.core.models import User
from learningcity.core.permissions import coordinated_cities
from learningcity.core.tenancy import for_city, get_city

from . import permissions, report_data, services
from .forms_membership import (
    ApplicationForm,
    CallForm,
    CommissionGrantForm,
    DecisionForm,
    EndorsementForm,
    JurorForm,
    ReportForm,
    ScoreForm,
)
from .models import (
    CommissionGrant,
    JurorAssignment,
    MembershipApplication,
    MembershipCall,
    MembershipReport,
)
from .vocabulary import (
    CHALLENGES,
    ENDORSED_STATUSES,
    RUBRIC,
    ApplicationStatus,
    MembershipStatus,
    ReportStatus,
)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _call(pk: int) -> MembershipCall:
    found = MembershipCall.objects.filter(pk=pk).first()
    if found is None:
        raise PageNotFound(_("There is no such membership call."))
    return found


def _visible_application(request: HttpRequest, public_id: uuid.UUID) -> MembershipApplication:
    """The application, if this person may see it; otherwise a 404 (an application
    not one's own is not confirmed to exist)."""
    found = permissions.visible_applications(request.user).filter(public_id=public_id).first()
    if found is None:
        raise PageNotFound(_("There is no such application, or it is not yours to see."))
    return found


# -- calls ------------------------------------------------------------------------


@require_safe
def membership(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    calls = list(MembershipCall.objects.annotate(size=Count("applications")))
    can_manage = permissions.can_manage_calls(request.user)
    reports: list[MembershipReport] = []
    if can_manage:
        reports = list(
            MembershipReport.objects.filter(status=ReportStatus.DUE)
            .filter(due_on__lte=today + timedelta(days=90))
            .select_related("city")
            .order_by("due_on")[:100]
        )
    return render(
        request,
        "network/membership.html",
        {
            "calls": calls,
            "today": today,
            "can_manage": can_manage,
            "is_commission": permissions.is_commission(request.user),
            "is_juror": permissions.is_juror(request.user),
            "own_cities": coordinated_cities(request.user) if not can_manage else [],
            "reports": reports,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def call_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    permissions.require(permissions.can_manage_calls(request.user))
    found = _call(pk) if pk is not None else None
    today = timezone.localdate()
    initial = (
        {}
        if found
        else {
            "opens_on": today,
            "closes_on": today + timedelta(days=60),
            "endorsements_close_on": today + timedelta(days=90),
        }
    )
    form = CallForm(request.POST or None, instance=found, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.CALL_FIELDS}
        try:
            if found is None:
                found = services.create_call(actor=_user(request), data=data)
            else:
                services.update_call(actor=_user(request), call=found, changes=data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The call is saved."))
            return redirect("network:call", pk=found.pk)
    return render(
        request,
        "network/call_form.html",
        {"form": form, "call": found},
        status=400 if form.errors else 200,
    )


@require_safe
def call(request: HttpRequest, pk: int) -> HttpResponse:
    found = _call(pk)
    today = timezone.localdate()
    applications = list(
        permissions.visible_applications(request.user)
        .filter(call=found)
        .order_by("city__country_code", "city__name")
    )
    countries = permissions.commission_countries(request.user)
    endorsed = Counter(
        MembershipApplication.objects.filter(
            call=found, city__country_code__in=countries, status__in=ENDORSED_STATUSES
        ).values_list("city__country_code", flat=True)
    )
    applied = {application.city_id for application in applications}
    can_manage = permissions.can_manage_calls(request.user)
    can_apply = [
        city
        for city in ([] if can_manage else coordinated_cities(request.user))
        if city.pk not in applied
        and getattr(getattr(city, "network_profile", None), "status", "") != MembershipStatus.MEMBER
    ]
    return render(
        request,
        "network/call.html",
        {
            "call": found,
            "applications": applications,
            "commission_counts": sorted((code, endorsed.get(code, 0)) for code in countries),
            "can_manage": can_manage,
            "can_apply": can_apply if found.is_open(today) else [],
            "today": today,
        },
    )


# -- applying -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest, pk: int, city_slug: str) -> HttpResponse:
    found = _call(pk)
    city = get_city(city_slug)
    permissions.require(permissions.can_apply_for(request.user, city))
    profile = services.ensure_profile(city)
    form = ApplicationForm(
        request.POST or None,
        request.FILES or None,
        call=found,
        language=profile.communication_language,
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.apply_for_membership(
                actor=_user(request),
                call=found,
                city=city,
                data=form.application_data(),
                endorsement=form.endorsement_bytes,
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The application is sent. The National Commission decides on it next."),
            )
            return redirect("network:application", public_id=application.public_id)
    return render(
        request,
        "network/apply.html",
        {
            "call": found,
            "city": city,
            "form": form,
            "is_open": found.is_open(timezone.localdate()),
        },
        status=400 if form.errors else 200,
    )


# -- one application ----------------------------------------------------------------


def _application_page(
    request: HttpRequest,
    application: MembershipApplication,
    forms: dict[str, Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    forms = forms or {}
    can_manage = permissions.can_manage_calls(user)
    own = permissions.assignment_of(user, application)
    waiting = application.status == ApplicationStatus.SUBMITTED
    in_review = application.status == ApplicationStatus.IN_REVIEW
    open_for_jurors = application.status in services.OPEN_FOR_JURORS
    assignments = list(application.assignments.select_related("juror"))
    if own is not None and in_review and "score" not in forms:
        initial = {f"score_{code}": value for code, value in own.scores.items()}
        initial |= {"comment": own.comment, "recommendation": own.recommendation}
        forms["score"] = ScoreForm(initial=initial)
    context: dict[str, Any] = {
        "application": application,
        "call": application.call,
        "city": application.city,
        "challenges": [(label, application.challenges.get(code)) for code, label in CHALLENGES],
        "steps": list(application.steps.select_related("actor")),
        "can_manage": can_manage,
        "endorse_form": forms.get("endorse")
        or (EndorsementForm() if waiting and permissions.can_endorse(user, application) else None),
        "juror_form": forms.get("jurors")
        or (JurorForm() if can_manage and open_for_jurors else None),
        "assignments": assignments if can_manage else [],
        "can_remove_jurors": can_manage and open_for_jurors,
        "score_form": forms.get("score") if own is not None and in_review else None,
        "own": own,
        "scored": sum(1 for a in assignments if a.scored_at is not None),
        "rubric": RUBRIC,
        "all_scores": [
            (a, [a.scores.get(code) for code, _label in RUBRIC])
            for a in assignments
            if a.scored_at is not None
        ]
        if permissions.can_see_all_scores(user)
        else [],
        "decide_form": forms.get("decide")
        or (DecisionForm() if can_manage and in_review else None),
    }
    return render(request, "network/application.html", context, status=status)


def _step_on_application(
    request: HttpRequest,
    application: MembershipApplication,
    name: str,
    form: Form,
    take_step: Callable[[], object],
    done: str,
) -> HttpResponse:
    """One posted step on an application: ``take_step`` runs if the form is valid, then
    ``done`` is said and the application shown; otherwise its page again with the form
    (named ``name`` there) and what to change."""
    if form.is_valid():
        try:
            take_step()
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("network:application", public_id=application.public_id)
    return _application_page(request, application, {name: form}, status=400)


@login_required
@require_safe
def application(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _application_page(request, _visible_application(request, public_id))


@login_required
@require_safe
def endorsement_file(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    found = _visible_application(request, public_id)
    response = FileResponse(
        found.endorsement.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"endorsement-{found.city.slug}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def application_endorse(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = _visible_application(request, public_id)
    permissions.require(permissions.can_endorse(request.user, found))
    form = EndorsementForm(request.POST)
    return _step_on_application(
        request,
        found,
        "endorse",
        form,
        lambda: services.endorse_application(
            actor=_user(request),
            application=found,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        ),
        _("The National Commission's decision is recorded."),
    )


@login_required
@require_POST
def application_jurors(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = _visible_application(request, public_id)
    permissions.require(permissions.can_manage_calls(request.user))
    form = JurorForm(request.POST)
    remove = request.POST.get("remove", "")
    if remove:
        assignment = JurorAssignment.objects.filter(
            application=found, pk=int(remove) if remove.isdigit() else 0
        ).first()
        if assignment is None:
            raise PageNotFound(_("There is no such juror on this application."))
        try:
            services.remove_juror(actor=_user(request), assignment=assignment)
        except ValidationError as error:
            form = JurorForm()
            show_service_errors(form, error)
            return _application_page(request, found, {"jurors": form}, status=400)
        messages.success(request, _("The juror is removed."))
        return redirect("network:application", public_id=found.public_id)
    return _step_on_application(
        request,
        found,
        "jurors",
        form,
        lambda: services.assign_juror(
            actor=_user(request), application=found, email=form.cleaned_data["email"]
        ),
        _("The juror is assigned."),
    )


@login_required
@require_POST
def application_score(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = _visible_application(request, public_id)
    own = permissions.assignment_of(request.user, found)
    permissions.require(own is not None)
    assert own is not None
    form = ScoreForm(request.POST)
    return _step_on_application(
        request,
        found,
        "score",
        form,
        lambda: services.score_application(
            actor=_user(request),
            assignment=own,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
            recommendation=form.cleaned_data["recommendation"],
        ),
        _("Your scores are saved."),
    )


@login_required
@require_POST
def application_decide(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = _visible_application(request, public_id)
    permissions.require(permissions.can_manage_calls(request.user))
    form = DecisionForm(request.POST)
    return _step_on_application(
        request,
        found,
        "decide",
        form,
        lambda: services.decide_application(
            actor=_user(request),
            application=found,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
        ),
        _("The decision is recorded and the city is told."),
    )


# -- queues of the National Commissions and the jurors -----------------------------------


@login_required
@require_safe
def commission_queue(request: HttpRequest) -> HttpResponse:
    countries = permissions.commission_countries(request.user)
    permissions.require(bool(countries))
    applications = (
        MembershipApplication.objects.filter(city__country_code__in=countries)
        .select_related("call", "city")
        .order_by("-call__opens_on", "city__name")
    )
    return render(
        request,
        "network/application_list.html",
        {
            "title": _("Applications for the National Commission"),
            "applications": applications,
            "countries": sorted(countries),
        },
    )


@login_required
@require_safe
def juror_queue(request: HttpRequest) -> HttpResponse:
    assignments = (
        JurorAssignment.objects.filter(juror=_user(request))
        .select_related("application__call", "application__city")
        .order_by("-assigned_at")
    )
    return render(
        request,
        "network/application_list.html",
        {
            "title": _("Applications assigned to me"),
            "applications": [assignment.application for assignment in assignments],
            "scored": {a.application_id for a in assignments if a.scored_at is not None},
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def commissions(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.can_manage_calls(request.user))
    form = CommissionGrantForm(request.POST or None)
    if request.method == "POST":
        revoke = request.POST.get("revoke", "")
        if revoke:
            grant = CommissionGrant.objects.filter(
                pk=int(revoke) if revoke.isdigit() else 0
            ).first()
            if grant is None:
                raise PageNotFound(_("There is no such National Commission account."))
            services.revoke_commission_access(actor=_user(request), grant=grant)
            messages.success(
                request, _("The account no longer speaks for the National Commission.")
            )
            return redirect("network:commissions")
        if form.is_valid():
            try:
                services.grant_commission_access(
                    actor=_user(request),
                    email=form.cleaned_data["email"],
                    country_code=form.cleaned_data["country_code"],
                )
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, _("The account speaks for the National Commission now."))
                return redirect("network:commissions")
    return render(
        request,
        "network/commissions.html",
        {"form": form, "grants": CommissionGrant.objects.select_related("user")},
        status=400 if form.errors else 200,
    )


# -- a city's membership: applications and biennial reports ------------------------------


@login_required
@require_safe
def city_membership(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    permissions.require(permissions.can_see_lifecycle(request.user, city))
    today = timezone.localdate()
    open_calls = [
        found
        for found in MembershipCall.objects.filter(opens_on__lte=today, closes_on__gte=today)
        if not found.applications.filter(city=city).exists()
    ]
    profile = services.ensure_profile(city)
    return render(
        request,
        "network/city_membership.html",
        {
            "city": city,
            "profile": profile,
            "applications": city.membership_applications.select_related("call"),
            "reports": city.membership_reports.all(),
            "open_calls": open_calls if profile.status != MembershipStatus.MEMBER else [],
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest, city_slug: str, pk: int) -> HttpResponse:
    city = get_city(city_slug)
    found = for_city(MembershipReport, city).filter(pk=pk).first()
    if found is None:
        raise PageNotFound(_("There is no such report."))
    permissions.require(permissions.can_view_report(request.user, found))
    can_write = found.status == ReportStatus.DUE and permissions.can_write_report(
        request.user, found
    )
    form = ReportForm(request.POST or None) if can_write else None
    if request.method == "POST":
        permissions.require(form is not None)
        assert form is not None
        if form.is_valid():
            try:
                services.submit_report(
                    actor=_user(request),
                    report=found,
                    achievements=form.cleaned_data["achievements"],
                    next_steps=form.cleaned_data["next_steps"],
                )
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, _("The report is received. Thank you."))
                return redirect("network:report", city_slug=city.slug, pk=found.pk)
    data = found.data if found.status == ReportStatus.SUBMITTED else None
    return render(
        request,
        "network/report.html",
        {
            "city": city,
            "report": found,
            "form": form,
            # What is sent: the kept copy once received, otherwise what monitoring holds now.
            "pulled": report_data.readable(data or report_data.pull_monitoring(city)),
            "steps": list(found.steps.all()),
        },
        status=400 if form is not None and form.errors else 200,
    )

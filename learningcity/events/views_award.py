"""The award's pages: cycles and their rules, applying, the National Commission's
nominations, the jury (seats, ties, assignments, scores), the ranking and decision,
published winners and the archive. Thin views: permissions, services, render."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learningcity.core.forms import show_service_errors
from learningcity.core.http import PageNotFound
from learningcity.core.models import City, User
from learningcity.core.permissions import coordinated_cities
from learningcity.core.tenancy import get_city
from learningcity.network.permissions import commission_countries

from . import permissions, services
from .forms import AssignForm, CycleForm, DossierForm, NominationForm, ScoreForm, SeatForm, TieForm
from .models import (
    CRITERIA,
    AwardApplication,
    AwardCycle,
    CyclePhase,
    DossierStatus,
    JurorProfile,
    JuryAssignment,
)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _cycle(pk: int) -> AwardCycle:
    found = AwardCycle.objects.filter(pk=pk).first()
    if found is None:
        raise PageNotFound(_("There is no such award cycle."))
    return found


def _dossier(request: HttpRequest, public_id: uuid.UUID) -> AwardApplication:
    found = permissions.visible_dossiers(request.user).filter(public_id=public_id).first()
    if found is None:
        raise PageNotFound(_("There is no such dossier, or it is not yours to see."))
    return found


@require_safe
def award_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    cycles = list(AwardCycle.objects.all())
    return render(
        request,
        "events/award_home.html",
        {
            "cycles": cycles,
            "published": [c for c in cycles if c.phase == CyclePhase.PUBLISHED],
            "current": [c for c in cycles if c.phase != CyclePhase.PUBLISHED],
            "can_manage": permissions.can_manage_award(user),
            "my_cities": coordinated_cities(user) if user.is_authenticated else [],
            "is_commission": permissions.is_commission(user),
            "is_juror": permissions.is_award_juror(user),
        },
    )


@require_safe
def archive(request: HttpRequest) -> HttpResponse:
    cycles = [
        (cycle, services.winners_of(cycle))
        for cycle in AwardCycle.objects.filter(phase=CyclePhase.PUBLISHED).order_by("-year")
    ]
    return render(request, "events/award_archive.html", {"cycles": cycles})


@login_required
@require_http_methods(["GET", "POST"])
def cycle_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    permissions.require(permissions.can_manage_award(request.user))
    cycle = _cycle(pk) if pk else None
    today = timezone.localdate()
    instance = cycle or AwardCycle(
        title=_("Learning City Award %(year)s") % {"year": today.year}, year=today.year
    )
    form = CycleForm(request.POST if request.method == "POST" else None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            if cycle is None:
                cycle = services.create_cycle(actor=_user(request), data=form.cycle_data())
            else:
                cycle = services.update_cycle(
                    actor=_user(request), cycle=cycle, changes=form.cycle_data()
                )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The cycle's rules are saved."))
            return redirect("events:cycle", pk=cycle.pk)
    return render(
        request,
        "events/cycle_form.html",
        {"form": form, "cycle": cycle},
        status=400 if form.errors else 200,
    )


@require_safe
def cycle(request: HttpRequest, pk: int) -> HttpResponse:
    found = _cycle(pk)
    user = request.user
    can_manage = permissions.can_manage_award(user)
    my_cities = coordinated_cities(user) if user.is_authenticated else []
    eligibility = {city: services.eligibility_problems(found, city) for city in my_cities}
    return render(
        request,
        "events/cycle.html",
        {
            "cycle": found,
            "criteria": [(label, found.weights.get(code, 0)) for code, label in CRITERIA],
            "can_manage": can_manage,
            "dossiers": (
                list(found.applications.select_related("city").order_by("city__name"))
                if can_manage
                else []
            ),
            "eligibility": eligibility,
            "winners": services.winners_of(found) if found.phase == CyclePhase.PUBLISHED else [],
            "is_open": found.phase == CyclePhase.APPLICATIONS
            and found.opens_on <= timezone.localdate() <= found.closes_on,
            "next_phase": services.NEXT_PHASE.get(CyclePhase(found.phase)),
        },
    )


@login_required
@require_POST
def advance(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(permissions.can_manage_award(request.user))
    try:
        services.advance_cycle(actor=_user(request), cycle=_cycle(pk))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The cycle moved to its next phase."))
    return redirect("events:cycle", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, pk: int, city_slug: str) -> HttpResponse:
    found = _cycle(pk)
    city = get_city(city_slug)
    permissions.require(permissions.can_apply_for(request.user, city))
    practices = services.eligible_practices(city)
    form = DossierForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        cycle=found,
        practices=practices,
    )
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.apply_for_award(
                actor=_user(request),
                cycle=found,
                city=city,
                data=form.dossier_data(),
                mayor_form=form.upload("mayor_form"),
                consent_form=form.upload("consent_form"),
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request, _("The dossier is sent. Your National Commission decides on it next.")
            )
            return redirect("events:dossier", public_id=dossier.public_id)
    return render(
        request,
        "events/apply.html",
        {
            "cycle": found,
            "city": city,
            "form": form,
            "problems": services.eligibility_problems(found, city),
        },
        status=400 if form.errors else 200,
    )


def _dossier_page(
    request: HttpRequest,
    dossier: AwardApplication,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_manage = permissions.can_manage_award(user)
    assignment = permissions.assignment_of(user, dossier)
    cycle = dossier.cycle
    seats = list(JurorProfile.objects.filter(cycle=cycle).select_related("juror"))
    forms = forms or {}
    context = {
        "dossier": dossier,
        "cycle": cycle,
        "texts": [(label, dossier.texts.get(code, "")) for code, label in CRITERIA],
        "practices": list(dossier.practices.all()),
        "evidence": [line for line in dossier.evidence.splitlines() if line.strip()],
        "can_manage": can_manage,
        "can_see_jury": permissions.can_see_jury(user),
        "assignments": (list(dossier.assignments.select_related("juror")) if can_manage else []),
        "assignment": assignment,
        "nominate_form": (
            forms.get("nominate") or NominationForm()
            if permissions.can_nominate(user, dossier) and dossier.status == DossierStatus.SUBMITTED
            else None
        ),
        "assign_form": (
            forms.get("assign") or AssignForm(seats=seats)
            if can_manage and dossier.status == DossierStatus.NOMINATED
            else None
        ),
        "score_form": (
            forms.get("score")
            or ScoreForm(
                cycle=cycle,
                initial={
                    **{f"score_{c}": v for c, v in assignment.scores.items()},
                    **{f"comment_{c}": v for c, v in assignment.comments.items()},
                },
            )
            if assignment is not None and cycle.phase == CyclePhase.JURY
            else None
        ),
    }
    return render(request, "events/dossier.html", context, status=status)


@login_required
@require_safe
def dossier(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _dossier_page(request, _dossier(request, public_id))


@login_required
@require_safe
def dossier_file(request: HttpRequest, public_id: uuid.UUID, field: str) -> HttpResponseBase:
    """A signed form of the dossier, for whoever may see the dossier; served only as a
    PDF download (the content was checked to be a PDF when it came in)."""
    found = _dossier(request, public_id)
    if field not in ("mayor_form", "consent_form") or not getattr(found, field):
        raise PageNotFound(_("There is no such file."))
    response = FileResponse(
        getattr(found, field).open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{found.city.slug}-{field.replace('_', '-')}.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def nominate(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = _dossier(request, public_id)
    permissions.require(permissions.can_nominate(request.user, found))
    form = NominationForm(request.POST)
    if form.is_valid():
        try:
            services.nominate_application(
                actor=_user(request),
                application=found,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Your decision is recorded."))
            return redirect("events:dossier", public_id=public_id)
    return _dossier_page(request, found, {"nominate": form}, status=400)


@login_required
@require_POST
def assign(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    permissions.require(permissions.can_manage_award(request.user))
    found = _dossier(request, public_id)
    seats = list(JurorProfile.objects.filter(cycle=found.cycle).select_related("juror"))
    form = AssignForm(request.POST, seats=seats)
    if form.is_valid():
        seat = next(s for s in seats if str(s.pk) == form.cleaned_data["juror"])
        try:
            services.assign_juror(actor=_user(request), application=found, seat=seat)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The juror is assigned."))
            return redirect("events:dossier", public_id=public_id)
    return _dossier_page(request, found, {"assign": form}, status=400)


@login_required
@require_POST
def score(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    found = _dossier(request, public_id)
    assignment = permissions.assignment_of(request.user, found)
    permissions.require(assignment is not None)
    assert assignment is not None
    form = ScoreForm(request.POST, cycle=found.cycle)
    if form.is_valid():
        try:
            services.score_dossier(
                actor=_user(request),
                assignment=assignment,
                scores=form.scores(),
                comments=form.comments(),
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Your scores are saved."))
            return redirect("events:juror_queue")
    return _dossier_page(request, found, {"score": form}, status=400)


@login_required
@require_safe
def commission_queue(request: HttpRequest) -> HttpResponse:
    countries = commission_countries(request.user)
    permissions.require(bool(countries))
    dossiers = (
        AwardApplication.objects.filter(city__country_code__in=countries)
        .select_related("cycle", "city")
        .order_by("-cycle__year", "city__name")
    )
    return render(
        request,
        "events/dossier_list.html",
        {"title": _("Award dossiers for the National Commission"), "dossiers": dossiers},
    )


@login_required
@require_safe
def juror_queue(request: HttpRequest) -> HttpResponse:
    assignments = list(
        JuryAssignment.objects.filter(juror_id=request.user.pk)
        .select_related("application__city", "application__cycle")
        .order_by("-application__cycle__year", "application__city__name")
    )
    permissions.require(bool(assignments))
    return render(request, "events/juror_queue.html", {"assignments": assignments})


@login_required
@require_http_methods(["GET", "POST"])
def jury(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(permissions.can_manage_award(request.user))
    found = _cycle(pk)
    seats = list(JurorProfile.objects.filter(cycle=found).select_related("juror"))
    cities = list(City.objects.filter(award_applications__cycle=found).order_by("name"))
    seat_form = SeatForm(request.POST if "seat" in request.POST else None)
    tie_form = TieForm(request.POST if "tie" in request.POST else None, seats=seats, cities=cities)
    if request.method == "POST":
        try:
            if "seat" in request.POST and seat_form.is_valid():
                services.seat_juror(
                    actor=_user(request),
                    cycle=found,
                    email=seat_form.cleaned_data["email"],
                    country_code=seat_form.cleaned_data["country_code"],
                )
                messages.success(request, _("The juror is on the jury."))
                return redirect("events:jury", pk=pk)
            if "tie" in request.POST and tie_form.is_valid():
                seat = next(s for s in seats if str(s.pk) == tie_form.cleaned_data["juror"])
                city = next(c for c in cities if c.slug == tie_form.cleaned_data["city"])
                services.declare_tie(
                    actor=_user(request), seat=seat, city=city, note=tie_form.cleaned_data["note"]
                )
                messages.success(request, _("The tie is recorded."))
                return redirect("events:jury", pk=pk)
        except ValidationError as error:
            show_service_errors(seat_form if "seat" in request.POST else tie_form, error)
    return render(
        request,
        "events/jury.html",
        {
            "cycle": found,
            "seats": seats,
            "ties": list(found.ties.select_related("juror", "city")),
            "seat_form": seat_form,
            "tie_form": tie_form,
        },
        status=400 if seat_form.errors or tie_form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(permissions.can_manage_award(request.user))
    found = _cycle(pk)
    rows = services.ranking(found)
    suggested = set(services.suggested_winners(found, rows))
    errors: list[str] = []
    if request.method == "POST":
        winners = {
            row.application.pk: request.POST.get(f"citation_{row.application.pk}", "")
            for row in rows
            if request.POST.get(f"winner_{row.application.pk}") == "on"
        }
        try:
            services.decide_cycle(
                actor=_user(request),
                cycle=found,
                winners=winners,
                note=request.POST.get("note", "")[:5000],
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("events:cycle", pk=pk)
    from learningcity.engines.jury import TIE_BREAK_RULE

    return render(
        request,
        "events/ranking.html",
        {
            "cycle": found,
            "entries": [
                (
                    row,
                    request.POST.get(f"winner_{row.application.pk}") == "on"
                    if request.method == "POST"
                    else row.application.pk in suggested,
                    request.POST.get(f"citation_{row.application.pk}", "")[:2000],
                )
                for row in rows
            ],
            "errors": errors,
            "tie_break": TIE_BREAK_RULE,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require(permissions.can_manage_award(request.user))
    try:
        services.publish_winners(actor=_user(request), cycle=_cycle(pk))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The winners are published."))
    return redirect("events:cycle", pk=pk)

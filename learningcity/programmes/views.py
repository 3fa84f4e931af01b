"""Befriending pages (``/<city-slug>/programmes/...``): the overview, referral and
volunteering for residents, the pair's page, and the coordinator's desk. Views stay
thin: access check (``permissions``), then a selector or a service, then a template."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from learningcity.catalogue.services import EnrolmentRefused
from learningcity.core.forms import show_service_errors
from learningcity.core.models import City, User
from learningcity.core.permissions import require
from learningcity.core.tenancy import for_city, get_city, get_in_city

from . import figures, forms, matching, permissions, selectors, services
from .models import Concern, Pair, PairStatus, Resident, Volunteer
from .vocabulary import INTERESTS, languages_text


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def coordinator_city(request: HttpRequest, city_slug: str) -> City:
    city = get_city(city_slug)
    require(permissions.can_coordinate(request.user, city))
    return city


def _without_slots(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if not key.startswith("slot_")}


# ---- residents and volunteers ------------------------------------------------------


@require_safe
def overview(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    volunteer = None
    if request.user.is_authenticated:
        volunteer = for_city(Volunteer, city).filter(user=_actor(request)).first()
    return render(
        request,
        "programmes/overview.html",
        {
            "city": city,
            "volunteer": volunteer,
            "is_coordinator": permissions.can_coordinate(request.user, city),
        },
    )


@login_required
def refer(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    form = forms.ReferralForm(request.POST or None, city=city)
    if request.method == "POST" and form.is_valid():
        data = _without_slots(form.cleaned_data)
        try:
            services.refer_resident(actor=_actor(request), city=city, fields=data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Thank you. The referral is with the coordinators, who will be in touch."),
            )
            return redirect("programmes:overview", city.slug)
    return render(request, "programmes/refer.html", {"city": city, "form": form})


@login_required
def volunteer_form(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    volunteer = for_city(Volunteer, city).filter(user=_actor(request)).first()
    initial = {}
    if volunteer is not None:
        initial = {
            "languages": volunteer.languages,
            "interests": volunteer.interests,
            "district": volunteer.district,
            "travel_km": volunteer.travel_km,
            "gender": volunteer.gender,
            "capacity": volunteer.capacity,
        }
    form = forms.VolunteerForm(
        request.POST or None,
        city=city,
        initial=initial,
        initial_slots=volunteer.availability if volunteer else None,
    )
    if request.method == "POST" and form.is_valid():
        data = _without_slots(form.cleaned_data)
        try:
            if volunteer is None:
                services.register_volunteer(actor=_actor(request), city=city, fields=data)
                messages.success(
                    request,
                    _(
                        "Thank you for volunteering. A coordinator will invite you to the "
                        "training and the safeguarding check; after that you can be matched."
                    ),
                )
            else:
                services.update_volunteer(actor=_actor(request), volunteer=volunteer, fields=data)
                messages.success(request, _("Your details are saved."))
        except ValidationError as error:
            show_service_errors(form, error)
        except services.Refused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("programmes:mine", city.slug)
    return render(
        request,
        "programmes/volunteer_form.html",
        {"city": city, "form": form, "volunteer": volunteer},
    )


@login_required
@require_safe
def mine(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    volunteer = (
        for_city(Volunteer, city).filter(user=_actor(request)).prefetch_related("checks").first()
    )
    return render(
        request,
        "programmes/mine.html",
        {
            "city": city,
            "volunteer": volunteer,
            "missing_checks": services.missing_checks(volunteer) if volunteer else [],
            "pairs": selectors.pairs_of_volunteer(_actor(request), city),
        },
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    volunteer = for_city(Volunteer, city).filter(user=_actor(request)).first()
    if volunteer is not None:
        services.withdraw_volunteer(actor=_actor(request), volunteer=volunteer)
        messages.success(request, _("You no longer take new people; your pairs have ended."))
    return redirect("programmes:mine", city.slug)


# ---- a pair ------------------------------------------------------------------------


def _pair(request: HttpRequest, city: City, pair_id: UUID) -> Pair:
    pair = get_in_city(
        Pair.objects.select_related("resident", "volunteer__user"), city, public_id=pair_id
    )
    require(permissions.can_see_pair(request.user, pair))
    return pair


@login_required
@require_safe
def pair_page(request: HttpRequest, city_slug: str, pair_id: UUID) -> HttpResponse:
    city = get_city(city_slug)
    pair = _pair(request, city, pair_id)
    return render(request, "programmes/pair.html", _pair_context(request, city, pair))


def _pair_context(
    request: HttpRequest, city: City, pair: Pair, **forms_given: Any
) -> dict[str, Any]:
    plan = list(pair.plan_items.select_related("opportunity"))
    planned = [item.opportunity for item in plan]
    planned_ids = [o.pk for o in planned]
    topics = dict(INTERESTS.choices)
    resident = pair.resident
    return {
        "city": city,
        "pair": pair,
        "resident_languages": languages_text(resident.languages),
        "resident_interests": [topics.get(i, i) for i in resident.interests],
        "resident_access": resident.accessibility_needs,
        "plan": plan,
        "visits": pair.visits.select_related("opportunity")[:20],
        "can_work": permissions.can_work_with_pair(request.user, pair),
        "plan_form": forms_given.get("plan_form")
        or forms.PlanItemForm(
            opportunities=selectors.accompanied_opportunities(city).exclude(pk__in=planned_ids)
        ),
        "join_form": forms_given.get("join_form")
        or forms.JoinForm(sessions=selectors.upcoming_sessions(planned_ids)),
        "visit_form": forms_given.get("visit_form")
        or forms.VisitForm(
            initial={"visited_on": timezone.localdate()},
            opportunities=for_city(selectors.Opportunity, city).filter(pk__in=planned_ids),
        ),
    }


@login_required
@require_POST
def pair_plan(request: HttpRequest, city_slug: str, pair_id: UUID) -> HttpResponse:
    city = get_city(city_slug)
    pair = _pair(request, city, pair_id)
    require(permissions.can_work_with_pair(request.user, pair))
    form = forms.PlanItemForm(request.POST, opportunities=selectors.accompanied_opportunities(city))
    if form.is_valid():
        try:
            services.add_plan_item(
                actor=_actor(request), pair=pair, opportunity=form.cleaned_data["opportunity"]
            )
        except services.Refused as refused:
            form.add_error("opportunity", str(refused))
        else:
            messages.success(request, _("Added to your plan."))
            return redirect("programmes:pair", city.slug, pair.public_id)
    return render(
        request,
        "programmes/pair.html",
        _pair_context(request, city, pair, plan_form=form),
        status=400,
    )


@login_required
@require_POST
def pair_join(request: HttpRequest, city_slug: str, pair_id: UUID) -> HttpResponse:
    city = get_city(city_slug)
    pair = _pair(request, city, pair_id)
    require(permissions.can_work_with_pair(request.user, pair))
    planned = list(pair.plan_items.values_list("opportunity_id", flat=True))
    form = forms.JoinForm(request.POST, sessions=selectors.upcoming_sessions(planned))
    if form.is_valid():
        try:
            enrolments = services.join_together(
                actor=_actor(request), pair=pair, session=form.cleaned_data["session"]
            )
        except (services.Refused, EnrolmentRefused) as refused:
            form.add_error("session", str(refused))
        else:
            if len(enrolments) < 2:
                messages.warning(
                    request,
                    _(
                        "You are booked. The person has no account or e-mail address here, so "
                        "ask the coordinator to book their seat."
                    ),
                )
            else:
                messages.success(request, _("You are both booked."))
            return redirect("programmes:pair", city.slug, pair.public_id)
    return render(
        request,
        "programmes/pair.html",
        _pair_context(request, city, pair, join_form=form),
        status=400,
    )


@login_required
@require_POST
def pair_visit(request: HttpRequest, city_slug: str, pair_id: UUID) -> HttpResponse:
    city = get_city(city_slug)
    pair = _pair(request, city, pair_id)
    require(permissions.can_work_with_pair(request.user, pair))
    planned = for_city(selectors.Opportunity, city).filter(
        pk__in=pair.plan_items.values_list("opportunity_id", flat=True)
    )
    form = forms.VisitForm(request.POST, opportunities=planned)
    if form.is_valid():
        try:
            services.log_visit(actor=_actor(request), pair=pair, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Visit logged. Thank you."))
            return redirect("programmes:pair", city.slug, pair.public_id)
    return render(
        request,
        "programmes/pair.html",
        _pair_context(request, city, pair, visit_form=form),
        status=400,
    )


@login_required
def pair_concern(request: HttpRequest, city_slug: str, pair_id: UUID) -> HttpResponse:
    city = get_city(city_slug)
    pair = _pair(request, city, pair_id)
    require(permissions.can_raise_concern(request.user, pair))
    form = forms.ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.raise_concern(
            actor=_actor(request),
            pair=pair,
            text=form.cleaned_data["text_private"],
            urgent=form.cleaned_data["is_urgent"],
        )
        messages.success(request, _("Thank you. The coordinators have been told."))
        return redirect("programmes:pair", city.slug, pair.public_id)
    return render(request, "programmes/concern.html", {"city": city, "pair": pair, "form": form})


# ---- the coordinator's desk ----------------------------------------------------------


@login_required
@require_safe
def desk(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = coordinator_city(request, city_slug)
    today = timezone.localdate()
    return render(
        request,
        "programmes/desk.html",
        {
            "city": city,
            "dashboard": figures.befriending_dashboard(city, today),
            "waiting": selectors.waiting_list(city),
            "proposals": selectors.proposals(city),
            "pairs": selectors.live_pairs(city),
            "concerns": selectors.open_concerns(city),
            "expiring": selectors.expiring_checks(city),
            "volunteers": selectors.volunteers(city),
            "last_run": for_city(services.MatchRun, city).filter(programme="befriending").first(),
            "today": today,
        },
    )


@login_required
@require_POST
def run_match(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = coordinator_city(request, city_slug)
    run = services.run_befriending_match(actor=_actor(request), city=city)
    messages.success(
        request,
        _(
            "Matching done: %(matched)s of %(waiting)s people have a volunteer "
            "(optimal: %(optimal)s)."
        )
        % {
            "matched": run.matched,
            "waiting": run.waiting,
            "optimal": _("yes") if run.optimal else _("no"),
        },
    )
    return redirect("programmes:desk", city.slug)


def _desk_pair(request: HttpRequest, city_slug: str, pair_id: UUID) -> tuple[City, Pair]:
    city = coordinator_city(request, city_slug)
    return city, get_in_city(
        Pair.objects.select_related("resident", "volunteer"), city, public_id=pair_id
    )


@login_required
@require_POST
def accept(request: HttpRequest, city_slug: str, pair_id: UUID) -> HttpResponse:
    city, pair = _desk_pair(request, city_slug, pair_id)
    try:
        services.accept_pair(actor=_actor(request), pair=pair)
    except services.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Pair accepted."))
    return redirect("programmes:desk", city.slug)


@login_required
@require_POST
def decline(request: HttpRequest, city_slug: str, pair_id: UUID) -> HttpResponse:
    city, pair = _desk_pair(request, city_slug, pair_id)
    try:
        services.decline_pair(actor=_actor(request), pair=pair)
    except services.Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Proposal declined; the person is waiting again."))
    return redirect("programmes:desk", city.slug)


@login_required
def end(request: HttpRequest, city_slug: str, pair_id: UUID) -> HttpResponse:
    city, pair = _desk_pair(request, city_slug, pair_id)
    form = forms.ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.end_pair(actor=_actor(request), pair=pair, reason=form.cleaned_data["reason"])
        messages.success(request, _("Pair ended; the person is waiting again."))
        return redirect("programmes:desk", city.slug)
    return render(request, "programmes/end.html", {"city": city, "pair": pair, "form": form})


@login_required
def resident_record(request: HttpRequest, city_slug: str, resident_id: UUID) -> HttpResponse:
    city = coordinator_city(request, city_slug)
    resident = get_in_city(Resident.objects.select_related("district"), city, public_id=resident_id)
    require(permissions.can_see_full_record(request.user, resident))
    loneliness_form = forms.LonelinessForm(
        request.POST if "loneliness" in request.POST else None,
        initial={"taken_on": timezone.localdate()},
    )
    volunteers = selectors.volunteers(city).filter(is_active=True)
    override_form = forms.OverrideForm(
        request.POST if "override" in request.POST else None, volunteers=volunteers
    )
    if request.method == "POST":
        done = _record_action(request, resident, loneliness_form, override_form)
        if done:
            return redirect("programmes:resident", city.slug, resident.public_id)
    resident = selectors.read_resident_record(_actor(request), resident)
    topics = dict(INTERESTS.choices)
    return render(
        request,
        "programmes/resident.html",
        {
            "city": city,
            "resident": resident,
            "languages": languages_text(resident.languages),
            "interests": [topics.get(i, i) for i in resident.interests],
            "scores": list(resident.loneliness.all()),
            "due": services.loneliness_due(resident),
            "concerns": resident.concerns.all(),
            "pairs": resident.pairs.select_related("volunteer__user"),
            "loneliness_form": loneliness_form,
            "override_form": override_form,
            "warnings": _override_warnings(resident, volunteers),
        },
        status=400 if request.method == "POST" else 200,
    )


def _override_warnings(resident: Resident, volunteers: Any) -> dict[int, list[str]]:
    return {
        volunteer.pk: matching.blockers_text(matching.assess_pair(resident, volunteer))
        for volunteer in volunteers
    }


def _record_action(
    request: HttpRequest, resident: Resident, loneliness_form: Any, override_form: Any
) -> bool:
    actor = _actor(request)
    try:
        if "loneliness" in request.POST and loneliness_form.is_valid():
            data = loneliness_form.cleaned_data
            services.record_loneliness(
                actor=actor,
                resident=resident,
                taken_on=data["taken_on"],
                answers=(data["lack_companionship"], data["left_out"], data["isolated"]),
            )
            messages.success(request, _("Answers recorded."))
            return True
        if "override" in request.POST and override_form.is_valid():
            services.override_pair(
                actor=actor, resident=resident, volunteer=override_form.cleaned_data["volunteer"]
            )
            messages.success(request, _("Pair set."))
            return True
        if "close" in request.POST:
            services.close_resident(
                actor=actor, resident=resident, reason="closed by a coordinator"
            )
            messages.success(request, _("The person has left the programme."))
            return True
    except ValidationError as error:
        show_service_errors(
            loneliness_form if "loneliness" in request.POST else override_form, error
        )
    except services.Refused as refused:
        (override_form if "override" in request.POST else loneliness_form).add_error(
            None, str(refused)
        )
    return False


@login_required
def volunteer_record(request: HttpRequest, city_slug: str, volunteer_id: UUID) -> HttpResponse:
    city = coordinator_city(request, city_slug)
    volunteer = get_in_city(
        Volunteer.objects.select_related("user", "district").prefetch_related("checks"),
        city,
        public_id=volunteer_id,
    )
    form = forms.CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_check(actor=_actor(request), volunteer=volunteer, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Check recorded."))
            return redirect("programmes:volunteer", city.slug, volunteer.public_id)
    return render(
        request,
        "programmes/volunteer.html",
        {
            "city": city,
            "volunteer": volunteer,
            "languages": languages_text(volunteer.languages),
            "missing": services.missing_checks(volunteer),
            "pairs": volunteer.pairs.select_related("resident"),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def resolve(request: HttpRequest, city_slug: str, concern_id: int) -> HttpResponse:
    city = coordinator_city(request, city_slug)
    concern = get_in_city(Concern.objects.select_related("resident", "pair"), city, pk=concern_id)
    record = selectors.read_resident_record(_actor(request), concern.resident)
    form = forms.ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resolve_concern(
                actor=_actor(request), concern=concern, resolution=form.cleaned_data["resolution"]
            )
        except services.Refused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Concern resolved."))
            return redirect("programmes:desk", city.slug)
    return render(
        request,
        "programmes/resolve.html",
        {"city": city, "concern": concern, "resident": record, "form": form},
    )


def pair_status_label(status: str) -> str:
    return str(dict(PairStatus.choices).get(status, status))

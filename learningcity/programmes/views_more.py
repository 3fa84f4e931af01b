"""Intergenerational learning, career guidance and mentoring pages."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from learningcity.catalogue.models import Session
from learningcity.core.forms import show_service_errors
from learningcity.core.models import City, User
from learningcity.core.permissions import require
from learningcity.core.tenancy import for_city, get_city, get_in_city

from . import figures, forms, guidance, intergenerational, permissions
from .models import (
    AppointmentSlot,
    Counsellor,
    GroupPair,
    GuidanceNote,
    MatchRun,
    Mentee,
    Mentor,
    MentoringGoal,
    Mentorship,
    PairStatus,
)
from .services import Refused
from .views import _actor, _without_slots, coordinator_city

# ---- intergenerational ---------------------------------------------------------------


@login_required
def together(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = coordinator_city(request, city_slug)
    form = forms.GroupForm(request.POST or None, city=city)
    if request.method == "POST" and form.is_valid():
        try:
            intergenerational.register_group(
                actor=_actor(request), city=city, fields=_without_slots(form.cleaned_data)
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Group added."))
            return redirect("programmes:together", city.slug)
    return render(
        request,
        "programmes/together.html",
        {
            "city": city,
            "form": form,
            "groups": for_city(intergenerational.Group, city).select_related("site"),
            "pairs": for_city(GroupPair, city)
            .select_related("children", "older", "opportunity")
            .order_by("-created_at"),
            "last_run": for_city(MatchRun, city).filter(programme="intergenerational").first(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def together_match(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = coordinator_city(request, city_slug)
    run = intergenerational.run_group_match(actor=_actor(request), city=city)
    messages.success(request, _("%(n)s pairs of groups proposed.") % {"n": run.matched})
    return redirect("programmes:together", city.slug)


@login_required
@require_POST
def together_accept(request: HttpRequest, city_slug: str, pair_id: UUID) -> HttpResponse:
    city = coordinator_city(request, city_slug)
    pair = get_in_city(
        GroupPair.objects.select_related("children__site", "older"), city, public_id=pair_id
    )
    try:
        intergenerational.accept_group_pair(actor=_actor(request), pair=pair)
    except (Refused, ValidationError) as refused:
        messages.error(request, " ".join(getattr(refused, "messages", [str(refused)])))
    else:
        messages.success(request, _("Accepted: the sessions are in the catalogue."))
    return redirect("programmes:together_pair", city.slug, pair.public_id)


@login_required
def together_pair(request: HttpRequest, city_slug: str, pair_id: UUID) -> HttpResponse:
    city = coordinator_city(request, city_slug)
    pair = get_in_city(
        GroupPair.objects.select_related("children", "older", "opportunity"),
        city,
        public_id=pair_id,
    )
    sessions = (
        Session.objects.filter(opportunity=pair.opportunity).order_by("starts_at")
        if pair.opportunity is not None
        else Session.objects.none()
    )
    form = forms.GroupAttendanceForm(request.POST or None, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        try:
            intergenerational.log_group_attendance(
                actor=_actor(request), pair=pair, **form.cleaned_data
            )
        except ValidationError as error:
            show_service_errors(form, error)
        except Refused as refused:
            form.add_error("session", str(refused))
        else:
            messages.success(request, _("Attendance logged."))
            return redirect("programmes:together_pair", city.slug, pair.public_id)
    attendance = {a.session_id: a for a in pair.attendance.all()}
    return render(
        request,
        "programmes/together_pair.html",
        {
            "city": city,
            "pair": pair,
            "sessions": [(s, attendance.get(s.pk)) for s in sessions],
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


# ---- career guidance -------------------------------------------------------------------


@require_safe
def guidance_page(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    now = timezone.now()
    free = (
        for_city(AppointmentSlot, city)
        .filter(
            booked_by__isnull=True,
            is_cancelled=False,
            starts_at__gt=now,
            counsellor__is_active=True,
        )
        .select_related("counsellor__user")[:60]
    )
    context: dict[str, object] = {"city": city, "free": free}
    if request.user.is_authenticated:
        context["mine"] = (
            for_city(AppointmentSlot, city)
            .filter(booked_by=request.user, starts_at__gt=now)
            .select_related("counsellor__user")
        )
        context["notes"] = (
            for_city(GuidanceNote, city)
            .filter(person=request.user)
            .select_related("counsellor__user")
        )
        context["counsellor"] = (
            for_city(Counsellor, city).filter(user=request.user, is_active=True).first()
        )
    context["is_coordinator"] = permissions.can_coordinate(request.user, city)
    return render(request, "programmes/guidance.html", context)


def _slot(city: City, slot_id: UUID) -> AppointmentSlot:
    return get_in_city(
        AppointmentSlot.objects.select_related("counsellor__user", "booked_by"),
        city,
        public_id=slot_id,
    )


@login_required
@require_POST
def book(request: HttpRequest, city_slug: str, slot_id: UUID) -> HttpResponse:
    city = get_city(city_slug)
    slot = _slot(city, slot_id)
    try:
        guidance.book_slot(actor=_actor(request), slot=slot)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Booked. You will get an e-mail with the details."))
    return redirect("programmes:guidance", city.slug)


@login_required
@require_POST
def cancel(request: HttpRequest, city_slug: str, slot_id: UUID) -> HttpResponse:
    city = get_city(city_slug)
    slot = _slot(city, slot_id)
    require(permissions.can_cancel_booking(request.user, slot))
    try:
        guidance.cancel_booking(actor=_actor(request), slot=slot)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("The appointment is cancelled."))
    if permissions.is_counsellor(request.user, slot.counsellor):
        return redirect("programmes:counsellor", city.slug)
    return redirect("programmes:guidance", city.slug)


@login_required
def counsellor_page(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    counsellor = get_in_city(
        Counsellor.objects.select_related("user"), city, user=request.user, is_active=True
    )
    form = forms.SlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        zone = ZoneInfo(city.time_zone)
        try:
            guidance.publish_slot(
                actor=_actor(request),
                counsellor=counsellor,
                starts_at=datetime.combine(data["day"], data["start"], tzinfo=zone),
                ends_at=datetime.combine(data["day"], data["end"], tzinfo=zone),
                mode=data["mode"],
                place=data["place"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The time is published."))
            return redirect("programmes:counsellor", city.slug)
    slots = counsellor.slots.filter(ends_at__gt=timezone.now(), is_cancelled=False).select_related(
        "booked_by"
    )
    return render(
        request,
        "programmes/counsellor.html",
        {"city": city, "counsellor": counsellor, "slots": slots, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def slot_note(request: HttpRequest, city_slug: str, slot_id: UUID) -> HttpResponse:
    city = get_city(city_slug)
    slot = _slot(city, slot_id)
    require(permissions.can_write_note(request.user, slot))
    form = forms.NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        guidance.write_guidance_note(
            actor=_actor(request), slot=slot, text=form.cleaned_data["text_private"]
        )
        messages.success(request, _("Note saved."))
        return redirect("programmes:counsellor", city.slug)
    notes = GuidanceNote.objects.filter(counsellor=slot.counsellor, person=slot.booked_by)
    return render(
        request, "programmes/note.html", {"city": city, "slot": slot, "form": form, "notes": notes}
    )


@login_required
def counsellor_add(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = coordinator_city(request, city_slug)
    form = forms.CounsellorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if user is None:
            form.add_error(
                "email", _("No account has this e-mail address; ask the person to sign up first.")
            )
        else:
            guidance.appoint_counsellor(
                actor=_actor(request),
                city=city,
                user=user,
                languages=form.cleaned_data["languages"],
                about=form.cleaned_data["about"],
            )
            messages.success(request, _("Counsellor added."))
            return redirect("programmes:guidance", city.slug)
    return render(
        request,
        "programmes/simple_form.html",
        {"city": city, "form": form, "title": _("Add a counsellor")},
    )


# ---- mentoring ---------------------------------------------------------------------------


@require_safe
def mentoring_page(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    context: dict[str, object] = {
        "city": city,
        "is_coordinator": permissions.can_coordinate(request.user, city),
    }
    if request.user.is_authenticated:
        context["mentee"] = for_city(Mentee, city).filter(user=request.user).first()
        context["mentorships"] = for_city(Mentorship, city).filter(
            status__in=[PairStatus.ACTIVE, PairStatus.ENDED]
        ).filter(mentor__user=request.user).select_related("mentee__user") | for_city(
            Mentorship, city
        ).filter(status__in=[PairStatus.ACTIVE, PairStatus.ENDED]).filter(
            mentee__user=request.user
        ).select_related("mentor__user")
    return render(request, "programmes/mentoring.html", context)


@login_required
def mentoring_apply(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = get_city(city_slug)
    form = forms.MenteeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            guidance.apply_for_mentoring(
                actor=_actor(request),
                city=city,
                fields={
                    "aim": data["aim"],
                    "fields": data["fields_wanted"],
                    "languages": data["languages"],
                    "goals_private": data["goals_private"],
                },
            )
        except Refused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Thank you. We will propose a mentor to you."))
            return redirect("programmes:mentoring", city.slug)
    return render(
        request,
        "programmes/simple_form.html",
        {"city": city, "form": form, "title": _("Ask for a mentor")},
    )


@login_required
def mentoring_desk(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = coordinator_city(request, city_slug)
    form = forms.MentorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = User.objects.filter(email__iexact=data["email"]).first()
        if user is None:
            form.add_error(
                "email", _("No account has this e-mail address; ask the person to sign up first.")
            )
        else:
            guidance.register_mentor(
                actor=_actor(request),
                city=city,
                user=user,
                fields={
                    "languages": data["languages"],
                    "fields": data["fields_known"],
                    "aims": data["aims"],
                    "capacity": data["capacity"],
                },
            )
            messages.success(request, _("Mentor added."))
            return redirect("programmes:mentoring_desk", city.slug)
    return render(
        request,
        "programmes/mentoring_desk.html",
        {
            "city": city,
            "form": form,
            "mentors": for_city(Mentor, city).select_related("user"),
            "waiting": for_city(Mentee, city)
            .exclude(mentorships__status__in=[PairStatus.PROPOSED, PairStatus.ACTIVE])
            .count(),
            "proposals": for_city(Mentorship, city)
            .filter(status=PairStatus.PROPOSED)
            .select_related("mentor__user", "mentee__user"),
            "totals": figures.mentoring_totals(city),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def mentoring_match(request: HttpRequest, city_slug: str) -> HttpResponse:
    city = coordinator_city(request, city_slug)
    run = guidance.run_mentoring_match(actor=_actor(request), city=city)
    messages.success(request, _("%(n)s mentorships proposed.") % {"n": run.matched})
    return redirect("programmes:mentoring_desk", city.slug)


@login_required
@require_POST
def mentoring_accept(request: HttpRequest, city_slug: str, mentorship_id: UUID) -> HttpResponse:
    city = coordinator_city(request, city_slug)
    mentorship = get_in_city(
        Mentorship.objects.select_related("mentee"), city, public_id=mentorship_id
    )
    try:
        guidance.accept_mentorship(actor=_actor(request), mentorship=mentorship)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Mentorship started."))
    return redirect("programmes:mentoring_desk", city.slug)


@login_required
def mentorship_page(request: HttpRequest, city_slug: str, mentorship_id: UUID) -> HttpResponse:
    city = get_city(city_slug)
    mentorship = get_in_city(
        Mentorship.objects.select_related("mentor__user", "mentee__user"),
        city,
        public_id=mentorship_id,
    )
    require(permissions.can_see_mentorship(request.user, mentorship))
    can_work = permissions.can_work_on_mentorship(request.user, mentorship)
    action = request.POST.get("action", "")
    goal_form = forms.GoalForm(request.POST if action == "goal" else None)
    meeting_form = forms.MeetingForm(request.POST if action == "meeting" else None)
    outcome_form = forms.OutcomeForm(request.POST if action == "outcome" else None)
    if request.method == "POST":
        require(can_work)
        if _mentorship_action(request, mentorship, action, goal_form, meeting_form, outcome_form):
            return redirect("programmes:mentorship", city.slug, mentorship.public_id)
    return render(
        request,
        "programmes/mentorship.html",
        {
            "city": city,
            "mentorship": mentorship,
            "can_work": can_work,
            "show_notes": permissions.can_read_mentoring_notes(request.user, mentorship),
            "goals": mentorship.goals.all(),
            "meetings": mentorship.meetings.all(),
            "outcomes": mentorship.outcomes.all(),
            "goal_form": goal_form,
            "meeting_form": meeting_form,
            "outcome_form": outcome_form,
        },
        status=400 if request.method == "POST" else 200,
    )


def _mentorship_action(
    request: HttpRequest,
    mentorship: Mentorship,
    action: str,
    goal_form: forms.GoalForm,
    meeting_form: forms.MeetingForm,
    outcome_form: forms.OutcomeForm,
) -> bool:
    actor = _actor(request)
    try:
        if action == "goal" and goal_form.is_valid():
            guidance.add_goal(
                actor=actor, mentorship=mentorship, title=goal_form.cleaned_data["title"]
            )
        elif action == "meeting" and meeting_form.is_valid():
            data = meeting_form.cleaned_data
            guidance.log_meeting(
                actor=actor,
                mentorship=mentorship,
                met_on=data["met_on"],
                minutes=data["minutes"],
                note=data["note_private"],
            )
        elif action == "outcome" and outcome_form.is_valid():
            guidance.record_outcome(actor=actor, mentorship=mentorship, **outcome_form.cleaned_data)
        elif action == "progress":
            goal = MentoringGoal.objects.filter(
                mentorship=mentorship, pk=request.POST.get("goal") or 0
            ).first()
            progress_form = forms.ProgressForm(request.POST)
            if goal is None or not progress_form.is_valid():
                messages.error(request, _("Progress is a number from 0 to 100."))
                return True
            guidance.update_goal_progress(
                actor=actor, goal=goal, progress=progress_form.cleaned_data["progress"]
            )
        else:
            return False
    except ValidationError as error:
        form = {"goal": goal_form, "meeting": meeting_form, "outcome": outcome_form}.get(action)
        if form is None:
            messages.error(request, " ".join(error.messages))
            return True
        show_service_errors(form, error)
        return False
    messages.success(request, _("Saved."))
    return True

"""Joining a session, the opaque link to one's enrolment, and "my learning".

``/<city>/learn/enrolments/<public_id>/`` is a capability link: it is sent only to the
person (by email, or shown right after joining) and is all a light sign-up has to
manage their place. Cancelling needs a POST, because mail scanners open links."""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from learningcity.core import ratelimits
from learningcity.core.models import City, User
from learningcity.core.tenancy import for_city, get_city, get_in_city

from . import calendars, services
from .forms_enrol import LightSignUpForm
from .models import Enrolment, EnrolmentStatus, Session
from .views_finder import JOINED_IN_THIS_BROWSER, calendar_response

P = ParamSpec("P")


def city_page(
    view: Callable[Concatenate[HttpRequest, City, P], HttpResponse],
) -> Callable[..., HttpResponse]:
    """Resolve ``city_slug`` to the city (404 if unknown) and show and read dates and
    times in the city's time zone while the view runs."""

    @wraps(view)
    def wrapper(
        request: HttpRequest, city_slug: str, *args: P.args, **kwargs: P.kwargs
    ) -> HttpResponse:
        city = get_city(city_slug)
        with timezone.override(city.tzinfo):
            return view(request, city, *args, **kwargs)

    return wrapper


def _open_session(city: City, session_id: UUID) -> Session:
    sessions = Session.objects.select_related(
        "opportunity__provider", "opportunity__site", "site"
    ).with_seat_counts()
    return get_in_city(sessions, city, public_id=session_id, opportunity__is_published=True)


@ratelimits.limit("guest_enrolment", email_field="email")
@city_page
def enrol(request: HttpRequest, city: City, session_id: UUID) -> HttpResponse:
    session = _open_session(city, session_id)
    signed_in = request.user.is_authenticated
    form = None if signed_in else LightSignUpForm(request.POST or None)
    if request.method == "POST" and not signed_in and ratelimits.is_limited(request):
        # Each guest enrolment emails the typed address: refuse, change nothing.
        messages.error(request, ratelimits.LIMITED_MESSAGE)
    elif request.method == "POST" and (form is None or form.is_valid()):
        details = {} if form is None else form.cleaned_data
        try:
            enrolment = services.enrol_person(
                session=session,
                user=request.user if signed_in else None,  # type: ignore[arg-type]
                name=details.get("name", ""),
                email=details.get("email", ""),
                needs=details.get("needs", ""),
                language=request.LANGUAGE_CODE,
            )
        except services.EnrolmentRefused as refusal:
            messages.error(request, refusal.message)
        except services.AlreadyEnrolled as already:
            return _already_enrolled(request, city, session, already.enrolment)
        else:
            _say_where_they_stand(request, enrolment)
            if not signed_in:
                _remember_in_this_browser(request, enrolment)
            return redirect(
                "catalogue:enrolment", city_slug=city.slug, enrolment_id=enrolment.public_id
            )
    return render(
        request,
        "catalogue/enrol/enrol.html",
        {"city": city, "session": session, "opportunity": session.opportunity, "form": form},
    )


def _remember_in_this_browser(request: HttpRequest, enrolment: Enrolment) -> None:
    """So that the opportunity's page can say "You have joined" to a light sign-up
    too, in the browser they joined from (the link in the e-mail works anywhere)."""
    joined = [*request.session.get(JOINED_IN_THIS_BROWSER, []), str(enrolment.public_id)]
    request.session[JOINED_IN_THIS_BROWSER] = joined[-50:]


def _already_enrolled(
    request: HttpRequest, city: City, session: Session, enrolment: Enrolment
) -> HttpResponse:
    if enrolment.user_id is not None:
        messages.info(request, _("You already have a place in this session, or are in line."))
        return redirect(
            "catalogue:enrolment", city_slug=city.slug, enrolment_id=enrolment.public_id
        )
    # Never hand out the existing enrolment's link to whoever typed the same email.
    messages.info(
        request,
        _(
            "This email address is already enrolled in this session. The confirmation "
            "email we sent has a link to see or cancel the place."
        ),
    )
    return redirect("catalogue:enrol", city_slug=city.slug, session_id=session.public_id)


def _say_where_they_stand(request: HttpRequest, enrolment: Enrolment) -> None:
    if enrolment.status == EnrolmentStatus.CONFIRMED:
        messages.success(request, _("You have a place. We have sent you an email about it."))
    else:
        messages.info(
            request,
            _(
                "This session is full. You are number %(position)s on the waiting list; "
                "we will email you if a place becomes free."
            )
            % {"position": services.waitlist_position(enrolment)},
        )


@never_cache
@city_page
def enrolment_detail(request: HttpRequest, city: City, enrolment_id: UUID) -> HttpResponse:
    enrolment = _enrolment_by_link(city, enrolment_id)
    return render(request, "catalogue/enrol/enrolment.html", _enrolment_context(city, enrolment))


@never_cache
@city_page
def enrolment_cancel(request: HttpRequest, city: City, enrolment_id: UUID) -> HttpResponse:
    """GET asks to confirm (the link in every email); POST cancels."""
    enrolment = _enrolment_by_link(city, enrolment_id)
    if request.method == "POST":
        actor = request.user if request.user.is_authenticated else None
        _cancel(request, enrolment, actor)  # type: ignore[arg-type]
        return redirect(
            "catalogue:enrolment", city_slug=city.slug, enrolment_id=enrolment.public_id
        )
    return render(request, "catalogue/enrol/cancel.html", _enrolment_context(city, enrolment))


@never_cache
@city_page
def enrolment_calendar(request: HttpRequest, city: City, enrolment_id: UUID) -> HttpResponse:
    """The person's own session as a calendar file ("Add to calendar")."""
    enrolment = _enrolment_by_link(city, enrolment_id)
    session = enrolment.session
    body = calendars.sessions_calendar(session.opportunity, [session])
    return calendar_response(body, session.opportunity.slug)


@login_required
@city_page
def my_learning(request: HttpRequest, city: City) -> HttpResponse:
    mine = Enrolment.objects.with_waitlist_positions().filter(user=_signed_in(request))
    enrolments = (
        for_city(mine, city)
        .select_related("session__opportunity__site", "session__site")
        .order_by("-session__starts_at")
    )
    now = timezone.now()
    enrolments_list = list(enrolments)
    return render(
        request,
        "catalogue/enrol/my_learning.html",
        {
            "city": city,
            "upcoming": [e for e in enrolments_list if e.session.starts_at >= now][::-1],
            "past": [e for e in enrolments_list if e.session.starts_at < now],
        },
    )


@login_required
@require_POST
@city_page
def my_enrolment_cancel(request: HttpRequest, city: City, enrolment_id: UUID) -> HttpResponse:
    # Only the signed-in person's own enrolments: anyone else's id is a 404.
    mine = Enrolment.objects.filter(user=_signed_in(request))
    enrolment = get_in_city(mine, city, public_id=enrolment_id)
    _cancel(request, enrolment, _signed_in(request))
    return redirect("catalogue:my_learning", city_slug=city.slug)


def _signed_in(request: HttpRequest) -> User:
    return cast(User, request.user)  # the view is login_required


def _cancel(request: HttpRequest, enrolment: Enrolment, actor: User | None) -> None:
    if enrolment.status not in (EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITLISTED):
        messages.info(request, _("This place was already cancelled or used."))
        return
    services.cancel_enrolment(enrolment=enrolment, actor=actor)
    messages.success(request, _("Your place is cancelled. Thank you for letting us know."))


def _enrolment_by_link(city: City, enrolment_id: UUID) -> Enrolment:
    enrolments = Enrolment.objects.select_related(
        "session__opportunity__provider",
        "session__opportunity__site",
        "session__opportunity__city",
        "session__site",
        "user",
    ).with_waitlist_positions()
    return get_in_city(enrolments, city, public_id=enrolment_id)


def _enrolment_context(city: City, enrolment: Enrolment) -> dict[str, Any]:
    return {
        "city": city,
        "enrolment": enrolment,
        "session": enrolment.session,
        "opportunity": enrolment.session.opportunity,
        "is_live": enrolment.status in (EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITLISTED),
    }

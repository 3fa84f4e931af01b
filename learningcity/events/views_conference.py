"""The conference's pages: registration, letters, badges and check-in, the programme
and personal agenda, site visits, the manifesto and the report. Thin views."""

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learningcity.catalogue.schedule import CalendarEvent, calendar
from learningcity.core import jobs
from learningcity.core.forms import show_service_errors
from learningcity.core.http import PageNotFound, absolute_url
from learningcity.core.models import User

from . import conference_services as services
from . import permissions, printing
from .forms_conference import (
    AmendmentDecisionForm,
    CodeForm,
    ProposalForm,
    RegistrationForm,
    SearchForm,
    SessionForm,
    SignForm,
    TranslationForm,
    VisitForm,
)
from .models import (
    AgendaItem,
    Amendment,
    BadgePrint,
    Conference,
    Manifesto,
    ManifestoParagraph,
    ManifestoStatus,
    ProgrammeSession,
    Registration,
    SiteVisit,
)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _conference(slug: str) -> Conference:
    found = Conference.objects.select_related("city").filter(slug=slug).first()
    if found is None:
        raise PageNotFound(_("There is no such conference."))
    return found


def _organiser(request: HttpRequest, slug: str) -> Conference:
    conference = _conference(slug)
    permissions.require(permissions.is_organiser(request.user, conference))
    return conference


@require_safe
def conferences(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/conferences.html",
        {"conferences": Conference.objects.select_related("city")},
    )


@require_safe
def conference(request: HttpRequest, slug: str) -> HttpResponse:
    found = _conference(slug)
    today = timezone.localdate()
    return render(
        request,
        "events/conference.html",
        {
            "conference": found,
            "registration": permissions.registration_of(request.user, found),
            "is_open": services.registration_open(found, today),
            "is_organiser": permissions.is_organiser(request.user, found),
            "attendance": services.attendance(found),
            "has_manifesto": Manifesto.objects.filter(conference=found).exists(),
        },
    )


# -- registration -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, slug: str) -> HttpResponse:
    found = _conference(slug)
    existing = permissions.registration_of(request.user, found)
    if existing is not None:
        messages.info(request, _("You are already registered for this conference."))
        return redirect("events:my_registration", slug=slug)
    form = RegistrationForm(request.POST if request.method == "POST" else None, conference=found)
    if request.method == "POST" and form.is_valid():
        try:
            services.register_participant(
                actor=_user(request),
                conference=found,
                user=_user(request),
                data=form.registration_data(),
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("You are registered. Your badge is printed at the venue."))
            return redirect("events:my_registration", slug=slug)
    return render(
        request,
        "events/register.html",
        {
            "conference": found,
            "form": form,
            "is_open": services.registration_open(found, timezone.localdate()),
        },
        status=400 if form.errors else 200,
    )


def _own_registration(request: HttpRequest, conference: Conference) -> Registration:
    registration = permissions.registration_of(request.user, conference)
    if registration is None:
        raise PageNotFound(_("You are not registered for this conference."))
    return registration


@login_required
@require_safe
def my_registration(request: HttpRequest, slug: str) -> HttpResponse:
    found = _conference(slug)
    registration = _own_registration(request, found)
    agenda = list(
        ProgrammeSession.objects.filter(
            pk__in=AgendaItem.objects.filter(registration=registration).values("session")
        ).select_related("room")
    )
    return render(
        request,
        "events/my_registration.html",
        {"conference": found, "registration": registration, "agenda": agenda},
    )


@login_required
@require_safe
def letter(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    found = _conference(slug)
    registration = _own_registration(request, found)
    if kind not in ("confirmation", "invitation"):
        raise PageNotFound(_("There is no such letter."))
    if kind == "invitation" and not registration.needs_visa:
        messages.error(
            request,
            _("You did not ask for an invitation letter; write to the organisers to add one."),
        )
        return redirect("events:my_registration", slug=slug)
    pdf = printing.render_letter(registration, kind, translation.get_language() or "en")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.slug}-{kind}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- badges and check-in ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def badges(request: HttpRequest, slug: str) -> HttpResponse:
    found = _organiser(request, slug)
    language = translation.get_language() or "en"
    if request.method == "POST":
        printing.request_badges(found, language)
        return redirect("events:badges", slug=slug)
    job = BadgePrint.objects.filter(
        conference=found, stamp=printing.badge_stamp(found, language)
    ).first()
    if job is not None:
        from .tasks import print_badges

        job = jobs.revive_if_stalled(job, print_badges)
    context = {"conference": found, "job": job, "count": found.registrations.count()}
    if request.headers.get("HX-Request"):
        return render(request, "events/_badges_status.html", context)
    return render(request, "events/badges.html", context)


@login_required
@require_safe
def badges_file(request: HttpRequest, slug: str) -> HttpResponseBase:
    found = _organiser(request, slug)
    job = BadgePrint.objects.filter(
        conference=found, stamp=printing.badge_stamp(found, translation.get_language() or "en")
    ).first()
    if job is None or job.status != jobs.FileJobStatus.DONE or not job.file:
        messages.info(request, _("The badges are not ready yet."))
        return redirect("events:badges", slug=slug)
    return FileResponse(
        job.file.open("rb"), content_type="application/pdf", filename=f"{slug}-badges.pdf"
    )


def _check_in_page(
    request: HttpRequest,
    conference: Conference,
    *,
    found: Registration | None = None,
    just_now: bool | None = None,
    code_form: CodeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    search = SearchForm(request.GET or None)
    results = (
        services.search_participants(conference, search.cleaned_data["q"])
        if search.is_valid()
        else []
    )
    return render(
        request,
        "events/check_in.html",
        {
            "conference": conference,
            "code_form": code_form or CodeForm(),
            "search_form": search,
            "results": results,
            "searched": bool(request.GET.get("q")),
            "found": found,
            "just_now": just_now,
            "attendance": services.attendance(conference),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, slug: str) -> HttpResponse:
    """Type or scan a badge's code (a scanner that types), or search a name."""
    found = _organiser(request, slug)
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            registration = services.find_by_code(found, form.cleaned_data["code"])
            if registration is not None:
                registration, now = services.check_in(
                    actor=_user(request), registration=registration
                )
                return _check_in_page(request, found, found=registration, just_now=now)
            form.add_error(
                "code",
                _("No badge of this conference has this code. Check it, or search the name."),
            )
        return _check_in_page(request, found, code_form=form, status=400)
    return _check_in_page(request, found)


@login_required
@require_http_methods(["GET", "POST"])
def check_in_code(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """Where the badge's QR code leads: the participant, and one button to check in."""
    found = _organiser(request, slug)
    registration = services.find_by_code(found, code)
    if registration is None:
        raise PageNotFound(_("No badge of this conference has this code."))
    if request.method == "POST":
        registration, now = services.check_in(actor=_user(request), registration=registration)
        return _check_in_page(request, found, found=registration, just_now=now)
    return render(
        request, "events/check_in_code.html", {"conference": found, "registration": registration}
    )


@login_required
@require_POST
def check_in_person(request: HttpRequest, slug: str, public_id: str) -> HttpResponse:
    found = _organiser(request, slug)
    registration = Registration.objects.filter(conference=found, public_id=public_id).first()
    if registration is None:
        raise PageNotFound(_("There is no such participant."))
    registration, now = services.check_in(actor=_user(request), registration=registration)
    return _check_in_page(request, found, found=registration, just_now=now)


# -- programme and agenda ----------------------------------------------------------------


@require_safe
def programme(request: HttpRequest, slug: str) -> HttpResponse:
    found = _conference(slug)
    registration = permissions.registration_of(request.user, found)
    chosen = (
        set(
            AgendaItem.objects.filter(registration=registration).values_list(
                "session_id", flat=True
            )
        )
        if registration
        else set()
    )
    sessions = list(
        found.programme.select_related("room", "catalogue_session__opportunity").prefetch_related(
            "speakers"
        )
    )
    with timezone.override(found.city.tzinfo):
        return render(
            request,
            "events/programme.html",
            {
                "conference": found,
                "sessions": sessions,
                "registration": registration,
                "chosen": chosen,
            },
        )


@login_required
@require_http_methods(["GET", "POST"])
def programme_add(request: HttpRequest, slug: str) -> HttpResponse:
    found = _organiser(request, slug)
    with timezone.override(found.city.tzinfo):
        form = SessionForm(request.POST if request.method == "POST" else None, conference=found)
        if request.method == "POST" and form.is_valid():
            try:
                services.add_programme_session(
                    actor=_user(request), conference=found, data=form.session_data()
                )
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, _("The session is in the programme."))
                return redirect("events:programme", slug=slug)
        return render(
            request,
            "events/organiser_form.html",
            {"conference": found, "form": form, "title": _("Add a session to the programme")},
            status=400 if form.errors else 200,
        )


@login_required
@require_http_methods(["GET", "POST"])
def visit_add(request: HttpRequest, slug: str) -> HttpResponse:
    found = _organiser(request, slug)
    with timezone.override(found.city.tzinfo):
        form = VisitForm(
            request.POST if request.method == "POST" else None,
            initial={"latitude": found.city.latitude, "longitude": found.city.longitude},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.create_site_visit(
                    actor=_user(request),
                    conference=found,
                    title=data["title"],
                    description=data.get("description", ""),
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    places=data["places"],
                    meeting_point=data["meeting_point"],
                    accessibility=list(data.get("accessibility") or []),
                    accessibility_note=data.get("accessibility_note", ""),
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                )
            except ValidationError as error:
                show_service_errors(form, error)
            else:
                messages.success(request, _("The visit is open for booking."))
                return redirect("events:visits", slug=slug)
        return render(
            request,
            "events/organiser_form.html",
            {"conference": found, "form": form, "title": _("Add a site visit")},
            status=400 if form.errors else 200,
        )


@login_required
@require_POST
def agenda_toggle(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _conference(slug)
    registration = _own_registration(request, found)
    session = ProgrammeSession.objects.filter(conference=found, pk=pk).first()
    if session is None:
        raise PageNotFound(_("There is no such session."))
    added = services.toggle_agenda(registration=registration, session=session)
    messages.success(
        request,
        _("Added to your agenda.") if added else _("Taken out of your agenda."),
    )
    return redirect(reverse("events:programme", kwargs={"slug": slug}) + f"#session-{pk}")


@login_required
@require_safe
def agenda_ics(request: HttpRequest, slug: str) -> HttpResponse:
    found = _conference(slug)
    registration = _own_registration(request, found)
    sessions = ProgrammeSession.objects.filter(
        pk__in=AgendaItem.objects.filter(registration=registration).values("session")
    ).select_related("room")
    url = absolute_url(reverse("events:programme", kwargs={"slug": slug}))
    events = [
        CalendarEvent(
            uid=f"conference-session-{session.pk}@learningcity",
            title=session.title,
            description=session.description,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            recurrence="",
            location=", ".join(
                p for p in (session.room.name if session.room else "", found.venue) if p
            ),
            url=f"{url}#session-{session.pk}",
        )
        for session in sessions
    ]
    response = HttpResponse(
        calendar(events, found.city.tzinfo, found.title),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-agenda.ics"'
    return response


# -- site visits -------------------------------------------------------------------------


@require_safe
def visits(request: HttpRequest, slug: str) -> HttpResponse:
    found = _conference(slug)
    rows = services.visits_with_counts(found)
    bookings = {}
    if request.user.is_authenticated:
        for visit in rows:
            bookings[visit.pk] = services.booking_of(visit, _user(request))
    with timezone.override(found.city.tzinfo):
        return render(
            request,
            "events/visits.html",
            {
                "conference": found,
                "rows": [(visit, bookings.get(visit.pk)) for visit in rows],
                "map_points": [
                    {
                        "name": visit.opportunity.title,
                        "lat": visit.latitude,
                        "lng": visit.longitude,
                        "url": f"#visit-{visit.pk}",
                    }
                    for visit in rows
                ],
            },
        )


@login_required
@require_POST
def book(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _conference(slug)
    visit = SiteVisit.objects.filter(conference=found, pk=pk).select_related("session").first()
    if visit is None:
        raise PageNotFound(_("There is no such visit."))
    try:
        enrolment = services.book_visit(visit=visit, user=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if enrolment.status == "waitlisted":
            messages.success(
                request,
                _(
                    "The visit is full: you are on its waiting list and hear by e-mail "
                    "if a place frees up."
                ),
            )
        else:
            messages.success(request, _("Your place on the visit is booked."))
    return redirect(reverse("events:visits", kwargs={"slug": slug}) + f"#visit-{pk}")


# -- manifesto ------------------------------------------------------------------------------


def _manifesto(conference: Conference) -> Manifesto:
    found = Manifesto.objects.filter(conference=conference).first()
    if found is None:
        raise PageNotFound(_("This conference has no manifesto yet."))
    return found


def _manifesto_page(
    request: HttpRequest,
    conference: Conference,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    manifesto = _manifesto(conference)
    forms = forms or {}
    registration = permissions.registration_of(request.user, conference)
    committee = permissions.is_drafting_committee(request.user, manifesto)
    paragraphs = list(manifesto.paragraphs.prefetch_related("amendments"))
    language = translation.to_locale(translation.get_language() or "en")
    translated = manifesto.translations.get(language) if manifesto.translations else None
    cities = permissions.signing_cities(request.user)
    signed = set(manifesto.signatories.values_list("city_id", flat=True))
    cities = [c for c in cities if c.pk not in signed]
    versions = list(manifesto.versions.all())
    return render(
        request,
        "events/manifesto.html",
        {
            "conference": conference,
            "manifesto": manifesto,
            "paragraphs": [
                (
                    paragraph,
                    translated[index] if translated and index < len(translated) else "",
                    forms.get(f"propose_{paragraph.pk}") or ProposalForm(prefix=f"p{paragraph.pk}"),
                )
                for index, paragraph in enumerate(paragraphs)
            ],
            "registration": registration,
            "committee": committee,
            "decision_forms": {
                amendment.pk: forms.get(f"decide_{amendment.pk}")
                or AmendmentDecisionForm(prefix=f"a{amendment.pk}")
                for paragraph in paragraphs
                for amendment in paragraph.amendments.all()
            },
            "drafting": manifesto.status == ManifestoStatus.DRAFTING,
            "sign_form": forms.get("sign") or (SignForm(cities=cities) if cities else None),
            "signatories": list(manifesto.signatories.select_related("city")),
            "versions": versions,
            "errors": forms.get("errors", []),
            "languages": [
                (code, LANGUAGE_NAMES[code], code in (manifesto.translations or {}))
                for code in services.MANIFESTO_LANGUAGES
            ],
        },
        status=status,
    )


@require_safe
def manifesto(request: HttpRequest, slug: str) -> HttpResponse:
    return _manifesto_page(request, _conference(slug))


@login_required
@require_POST
def propose(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _conference(slug)
    registration = permissions.registration_of(request.user, found)
    permissions.require(registration is not None)
    assert registration is not None
    paragraph = ManifestoParagraph.objects.filter(manifesto__conference=found, pk=pk).first()
    if paragraph is None:
        raise PageNotFound(_("There is no such paragraph."))
    form = ProposalForm(request.POST, prefix=f"p{pk}")
    if form.is_valid():
        try:
            services.propose(
                registration=registration,
                paragraph=paragraph,
                kind=form.cleaned_data["kind"],
                comment=form.cleaned_data["comment"],
                proposed_text=form.cleaned_data["proposed_text"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Your proposal is sent to the drafting committee."))
            return redirect(reverse("events:manifesto", kwargs={"slug": slug}) + f"#paragraph-{pk}")
    return _manifesto_page(request, found, {f"propose_{pk}": form}, status=400)


@login_required
@require_POST
def decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    found = _conference(slug)
    manifesto_row = _manifesto(found)
    permissions.require(permissions.is_drafting_committee(request.user, manifesto_row))
    amendment = Amendment.objects.filter(paragraph__manifesto=manifesto_row, pk=pk).first()
    if amendment is None:
        raise PageNotFound(_("There is no such proposal."))
    form = AmendmentDecisionForm(request.POST, prefix=f"a{pk}")
    if form.is_valid():
        try:
            services.decide_amendment(
                actor=_user(request),
                amendment=amendment,
                accept=form.cleaned_data["decision"] == "accept",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("events:manifesto", slug=slug)
    return _manifesto_page(request, found, {f"decide_{pk}": form}, status=400)


@login_required
@require_POST
def adopt(request: HttpRequest, slug: str) -> HttpResponse:
    found = _conference(slug)
    manifesto_row = _manifesto(found)
    permissions.require(permissions.is_drafting_committee(request.user, manifesto_row))
    try:
        services.adopt_manifesto(actor=_user(request), manifesto=manifesto_row)
    except ValidationError as error:
        return _manifesto_page(request, found, {"errors": error.messages}, status=400)
    messages.success(request, _("The manifesto is adopted. Cities may now sign it."))
    return redirect("events:manifesto", slug=slug)


@login_required
@require_POST
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    found = _conference(slug)
    manifesto_row = _manifesto(found)
    cities = permissions.signing_cities(request.user)
    permissions.require(bool(cities))
    form = SignForm(request.POST, cities=cities)
    if form.is_valid():
        city = next(c for c in cities if c.slug == form.cleaned_data["city"])
        try:
            services.sign_manifesto(
                actor=_user(request),
                manifesto=manifesto_row,
                city=city,
                on_behalf_of=form.cleaned_data["on_behalf_of"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The city's signature is recorded."))
            return redirect("events:manifesto", slug=slug)
    return _manifesto_page(request, found, {"sign": form}, status=400)


LANGUAGE_NAMES = {
    "ar": "العربية",
    "zh_Hans": "中文",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}


@login_required
@require_http_methods(["GET", "POST"])
def translate(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    found = _conference(slug)
    manifesto_row = _manifesto(found)
    permissions.require(permissions.is_drafting_committee(request.user, manifesto_row))
    if language not in services.MANIFESTO_LANGUAGES:
        raise PageNotFound(_("There is no such language."))
    originals = list(manifesto_row.paragraphs.values_list("text", flat=True))
    form = TranslationForm(
        request.POST if request.method == "POST" else None,
        originals=originals,
        initial_texts=(manifesto_row.translations or {}).get(language, []),
        language=language,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.translate_manifesto(
                actor=_user(request),
                manifesto=manifesto_row,
                language=language,
                paragraphs=form.texts(),
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("The translation is saved."))
            return redirect("events:manifesto", slug=slug)
    return render(
        request,
        "events/translate.html",
        {
            "conference": found,
            "manifesto": manifesto_row,
            "form": form,
            "language": language,
            "language_name": LANGUAGE_NAMES[language],
        },
        status=400 if form.errors else 200,
    )


@require_safe
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    found = _conference(slug)
    manifesto_row = _manifesto(found)
    versions = {v.number: v for v in manifesto_row.versions.all()}
    try:
        older = versions[int(request.GET.get("from", "1"))]
        newer = versions[int(request.GET.get("to", str(max(versions))))]
    except (KeyError, ValueError):
        raise PageNotFound(_("There is no such version.")) from None
    return render(
        request,
        "events/compare.html",
        {
            "conference": found,
            "manifesto": manifesto_row,
            "older": older,
            "newer": newer,
            "rows": services.compare_versions(older, newer),
            "versions": sorted(versions.values(), key=lambda v: v.number),
        },
    )


# -- report ------------------------------------------------------------------------------------


@login_required
@require_safe
def report(request: HttpRequest, slug: str) -> HttpResponse:
    found = _organiser(request, slug)
    return render(
        request,
        "events/report.html",
        {"conference": found, "figures": services.report_figures(found)},
    )


@login_required
@require_safe
def report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    found = _organiser(request, slug)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in services.report_rows(found, translation.get_language() or "en"):
        # A cell starting with = + - @ would be a formula in a spreadsheet.
        writer.writerow(["'" + cell if cell[:1] in "=+-@" else cell for cell in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slug}-report.csv"'
    return response

"""Writes of conferences: registration, check-in, the programme and agendas, site
visits (catalogue opportunities booked with the catalogue's enrolment) and the
manifesto. Each validates first, writes in one transaction and records an event."""

import difflib
import re
from datetime import date, datetime
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from learningcity.catalogue import services as catalogue_services
from learningcity.catalogue.models import (
    ACCESSIBILITY,
    Enrolment,
    EnrolmentStatus,
    Format,
    LearningSite,
    Level,
    OpportunityKind,
    SiteKind,
)
from learningcity.core.audit import record_event
from learningcity.core.countries import country_name
from learningcity.core.models import City, UnescoRegion, User
from learningcity.network.partner_services import ensure_network_provider

from .models import (
    AgendaItem,
    Amendment,
    AmendmentKind,
    AmendmentStatus,
    Conference,
    Manifesto,
    ManifestoParagraph,
    ManifestoStatus,
    ManifestoVersion,
    ProgrammeSession,
    Registration,
    RegistrationCategory,
    Signatory,
    SiteVisit,
)

FIELD_KINDS = ("text", "choice", "yes_no")
CODE_PATTERN = re.compile(r"[A-Z2-9]{10}")


def _person(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _clean_text(value: Any, limit: int) -> str:
    text = str(value or "").strip()
    if "\x00" in text:
        raise ValueError(_("This text contains an invisible NUL character."))
    if len(text) > limit:
        raise ValueError(_("At most %(count)s characters.") % {"count": limit})
    return text


# -- registration ---------------------------------------------------------------------


def form_field_problem(fields: Any) -> str:
    """What is wrong with a conference's extra questions ("" when nothing)."""
    if not isinstance(fields, list):
        return _("The questions are a list.")
    names = set()
    for row in fields:
        if not isinstance(row, dict) or not str(row.get("name", "")).isidentifier():
            return _("Each question has a name of letters, digits and underscores.")
        if row.get("kind") not in FIELD_KINDS:
            return _("Each question is text, a choice or yes/no.")
        if row.get("kind") == "choice" and not row.get("choices"):
            return _("A choice question lists its choices.")
        if row["name"] in names:
            return _("Two questions have the same name.")
        names.add(row["name"])
    return ""


def answer_problems(conference: Conference, answers: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for row in conference.form_fields:
        name, value = row["name"], answers.get(row["name"])
        key = f"answer_{name}"
        if row["kind"] == "yes_no":
            if row.get("required") and value is not True:
                errors[key] = _("Tick this box to register.")
            continue
        text = str(value or "").strip()
        if row.get("required") and not text:
            errors[key] = _("Answer this question.")
        elif row["kind"] == "choice" and text and text not in row["choices"]:
            errors[key] = _("Choose one of the answers listed.")
        elif "\x00" in text or len(text) > 500:
            errors[key] = _("At most %(count)s characters.") % {"count": 500}
    return errors


def registration_open(conference: Conference, today: date) -> bool:
    return conference.registration_opens_on <= today <= conference.registration_closes_on


def register_participant(
    *,
    actor: User | None,
    conference: Conference,
    user: User,
    data: dict[str, Any],
    today: date | None = None,
) -> Registration:
    """One registration per account per conference, within the conference's and the
    category's places, while registration is open."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    try:
        full_name = _clean_text(data.get("full_name"), 160)
        if not full_name:
            errors["full_name"] = _("Write your full name as in your passport.")
    except ValueError as error:
        errors["full_name"] = str(error)
        full_name = ""
    try:
        organisation = _clean_text(data.get("organisation"), 200)
    except ValueError as error:
        errors["organisation"] = str(error)
        organisation = ""
    country = str(data.get("country_code") or "").strip().upper()
    if len(country) != 2 or not country.isalpha():
        errors["country_code"] = _("Choose your country from the list.")
    category = conference.categories.filter(code=str(data.get("category") or "")).first()
    if category is None:
        errors["category"] = _("Choose how you take part.")
    city = data.get("city")
    if city is not None and not isinstance(city, City):
        errors["city"] = _("Choose a city from the list.")
    needs_visa = data.get("needs_visa") is True
    passport = str(data.get("passport_number") or "").strip()
    nationality = str(data.get("nationality") or "").strip().upper()
    if needs_visa:
        if not passport or len(passport) > 40 or "\x00" in passport:
            errors["passport_number"] = _("For an invitation letter, write your passport number.")
        if len(nationality) != 2 or not nationality.isalpha():
            errors["nationality"] = _("For an invitation letter, choose your nationality.")
    answers = data.get("answers") or {}
    errors.update(answer_problems(conference, answers))
    if errors:
        raise ValidationError(errors)
    assert category is not None
    with transaction.atomic():
        locked = Conference.objects.select_for_update().get(pk=conference.pk)
        if not registration_open(locked, today):
            raise ValidationError(
                _("Registration is open from %(opens)s to %(closes)s.")
                % {
                    "opens": date_format(locked.registration_opens_on, "DATE_FORMAT"),
                    "closes": date_format(locked.registration_closes_on, "DATE_FORMAT"),
                }
            )
        if Registration.objects.filter(conference=locked, user=user).exists():
            raise ValidationError(
                _("You are already registered for this conference; see your registration.")
            )
        if locked.registrations.count() >= locked.capacity:
            raise ValidationError(
                _("The conference is full (%(count)s participants).") % {"count": locked.capacity}
            )
        if category.capacity is not None and category.registrations.count() >= category.capacity:
            raise ValidationError(
                {
                    "category": _("The places for %(category)s are taken; choose another way.")
                    % {"category": category.name}
                }
            )
        registration = Registration.objects.create(
            conference=locked,
            user=user,
            category=category,
            full_name=full_name,
            organisation=organisation,
            country_code=country,
            city=city,
            answers={
                row["name"]: (
                    answers.get(row["name"]) is True
                    if row["kind"] == "yes_no"
                    else str(answers.get(row["name"]) or "").strip()
                )
                for row in locked.form_fields
            },
            needs_visa=needs_visa,
            passport_number=passport if needs_visa else "",
            nationality=nationality if needs_visa else "",
        )
        record_event(
            actor,
            "conference.registered",
            target=str(registration.public_id),
            category=category.code,
        )
    return registration


def find_by_code(conference: Conference, code: str) -> Registration | None:
    cleaned = code.strip().upper().replace("-", "").replace(" ", "")
    if not CODE_PATTERN.fullmatch(cleaned):
        return None
    return (
        Registration.objects.filter(conference=conference, badge_code=cleaned)
        .select_related("category", "city")
        .first()
    )


def search_participants(conference: Conference, query: str) -> "list[Registration]":
    query = query.strip()[:80]
    if len(query) < 2:
        return []
    return list(
        conference.registrations.filter(
            Q(full_name__icontains=query) | Q(organisation__icontains=query)
        )
        .select_related("category")
        .order_by("full_name")[:30]
    )


@transaction.atomic
def check_in(*, actor: User | None, registration: Registration) -> tuple[Registration, bool]:
    """Mark the participant arrived; True when this call did (a second scan says when)."""
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.checked_in_at is not None:
        return locked, False
    locked.checked_in_at = timezone.now()
    locked.checked_in_by = _person(actor)
    locked.save(update_fields=["checked_in_at", "checked_in_by"])
    record_event(actor, "conference.checked_in", target=str(locked.public_id))
    return locked, True


def attendance(conference: Conference) -> dict[str, int]:
    counts = conference.registrations.aggregate(
        registered=Count("pk"), arrived=Count("pk", filter=Q(checked_in_at__isnull=False))
    )
    return {"registered": counts["registered"], "arrived": counts["arrived"]}


# -- programme and agenda ----------------------------------------------------------------


def _lecture_slug(session: ProgrammeSession) -> str:
    return f"{session.conference.slug}-{slugify(session.title)[:60]}-{session.pk}"[:120]


@transaction.atomic
def add_programme_session(
    *, actor: User | None, conference: Conference, data: dict[str, Any]
) -> ProgrammeSession:
    """A session of the programme; a streamed one is also an online lecture in the
    host city's catalogue (the network's provider), so anyone can find and join it."""
    speakers = data.pop("speakers", [])
    session = ProgrammeSession(conference=conference, **data)
    session.full_clean()
    session.save()
    session.speakers.set(speakers)
    if session.stream_url:
        provider = ensure_network_provider(city=conference.city)
        opportunity = catalogue_services.create_opportunity(
            actor=cast(User, actor),
            provider=provider,
            fields={
                "slug": _lecture_slug(session),
                "kind": OpportunityKind.LECTURE,
                "title": session.title,
                "description": session.description or conference.title,
                "level": Level.NON_FORMAL,
                "format": Format.ONLINE,
                "languages": ["en"],
            },
        )
        lecture = catalogue_services.create_session(
            actor=cast(User, actor),
            opportunity=opportunity,
            fields={
                "starts_at": session.starts_at,
                "ends_at": session.ends_at,
                "live_url": session.stream_url,
            },
        )
        session.catalogue_session = lecture
        session.save(update_fields=["catalogue_session"])
    record_event(actor, "conference.session_added", target=session.title)
    return session


@transaction.atomic
def toggle_agenda(*, registration: Registration, session: ProgrammeSession) -> bool:
    """Add the session to the participant's agenda, or take it out; True: it is in."""
    if session.conference_id != registration.conference_id:
        raise ValidationError(_("This session is not in this conference's programme."))
    removed, _rows = AgendaItem.objects.filter(registration=registration, session=session).delete()
    if removed:
        return False
    AgendaItem.objects.create(registration=registration, session=session)
    return True


# -- site visits ---------------------------------------------------------------------------


@transaction.atomic
def create_site_visit(
    *,
    actor: User | None,
    conference: Conference,
    title: str,
    description: str,
    starts_at: datetime,
    ends_at: datetime,
    places: int,
    meeting_point: str,
    accessibility: list[str],
    accessibility_note: str,
    latitude: float,
    longitude: float,
) -> SiteVisit:
    """A visit of a host-city programme: a catalogue opportunity (event, in person)
    with one session of ``places`` seats, at a learning site at the meeting point."""
    city = conference.city
    provider = ensure_network_provider(city=city)
    slug = f"{conference.slug}-visit-{slugify(title)[:60]}"[:100]
    site = LearningSite(
        city=city,
        provider=provider,
        slug=slug,
        name=meeting_point[:160],
        kind=SiteKind.COMMUNITY_CENTRE,
        address=meeting_point[:240],
        latitude=latitude,
        longitude=longitude,
        accessibility=ACCESSIBILITY.to_mask(accessibility),
    )
    site.full_clean()
    site.save()
    opportunity = catalogue_services.create_opportunity(
        actor=cast(User, actor),
        provider=provider,
        fields={
            "slug": slug,
            "kind": OpportunityKind.EVENT,
            "title": title,
            "description": description,
            "level": Level.NON_FORMAL,
            "format": Format.IN_PERSON,
            "languages": ["en"],
            "site": site,
            "capacity": places,
            "accessibility": ACCESSIBILITY.to_mask(accessibility),
        },
    )
    session = catalogue_services.create_session(
        actor=cast(User, actor),
        opportunity=opportunity,
        fields={"starts_at": starts_at, "ends_at": ends_at, "capacity": places},
    )
    visit = SiteVisit(
        conference=conference,
        opportunity=opportunity,
        session=session,
        meeting_point=meeting_point,
        accessibility=accessibility_note,
        latitude=latitude,
        longitude=longitude,
    )
    visit.full_clean()
    visit.save()
    record_event(actor, "conference.visit_added", city=city, target=title)
    return visit


def book_visit(*, visit: SiteVisit, user: User) -> Enrolment:
    """A place on the visit, or on its waiting list, through the catalogue's
    enrolment (which locks the session: never more bookings than seats)."""
    try:
        return catalogue_services.enrol_person(session=visit.session, user=user)
    except catalogue_services.AlreadyEnrolled as already:
        raise ValidationError(_("You have already booked this visit.")) from already
    except catalogue_services.EnrolmentRefused as refused:
        raise ValidationError(str(refused)) from refused


def visits_with_counts(conference: Conference) -> "list[SiteVisit]":
    visits: list[SiteVisit] = list(
        conference.visits.select_related("opportunity", "session__opportunity").annotate(
            booked=Count(
                "session__enrolments",
                filter=Q(session__enrolments__status__in=["confirmed", "attended"]),
            ),
            waiting=Count(
                "session__enrolments",
                filter=Q(session__enrolments__status=EnrolmentStatus.WAITLISTED),
            ),
        )
    )
    return visits


def booking_of(visit: SiteVisit, user: User) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return (
        Enrolment.objects.with_waitlist_positions()
        .filter(
            session=visit.session, user=user, status__in=["confirmed", "waitlisted", "attended"]
        )
        .first()
    )


# -- manifesto -------------------------------------------------------------------------------


@transaction.atomic
def start_manifesto(
    *, actor: User | None, conference: Conference, title: str, paragraphs: list[str]
) -> Manifesto:
    texts = [text.strip() for text in paragraphs if text.strip()]
    if not texts or not title.strip():
        raise ValidationError(_("A draft has a title and at least one paragraph."))
    manifesto = Manifesto.objects.create(conference=conference, title=title.strip())
    for position, text in enumerate(texts, start=1):
        ManifestoParagraph.objects.create(manifesto=manifesto, position=position, text=text)
    ManifestoVersion.objects.create(
        manifesto=manifesto, number=1, paragraphs=texts, note=_("First draft")
    )
    record_event(actor, "manifesto.started", target=manifesto.title)
    return manifesto


def propose(
    *,
    registration: Registration,
    paragraph: ManifestoParagraph,
    kind: str,
    comment: str,
    proposed_text: str = "",
) -> Amendment:
    """A registered participant comments on a paragraph or proposes a new wording."""
    errors: dict[str, str] = {}
    if kind not in AmendmentKind.values:
        errors["kind"] = _("Choose a comment or an amendment.")
    if paragraph.manifesto.conference_id != registration.conference_id:
        errors["kind"] = _("Only the conference's participants take part in its manifesto.")
    if paragraph.manifesto.status != ManifestoStatus.DRAFTING:
        errors["kind"] = _("The manifesto is adopted; it no longer takes proposals.")
    try:
        comment = _clean_text(comment, 2000)
    except ValueError as error:
        errors["comment"] = str(error)
    try:
        proposed_text = _clean_text(proposed_text, 3000)
    except ValueError as error:
        errors["proposed_text"] = str(error)
    if kind == AmendmentKind.AMENDMENT and not errors.get("proposed_text"):
        if not proposed_text:
            errors["proposed_text"] = _("Write the paragraph as you propose it.")
        elif proposed_text == paragraph.text:
            errors["proposed_text"] = _("The proposed wording is the same as the draft's.")
    if kind == AmendmentKind.COMMENT and not comment and "comment" not in errors:
        errors["comment"] = _("Write your comment.")
    if errors:
        raise ValidationError(errors)
    amendment = Amendment.objects.create(
        paragraph=paragraph,
        registration=registration,
        kind=kind,
        comment=comment,
        proposed_text=proposed_text if kind == AmendmentKind.AMENDMENT else "",
    )
    record_event(registration.user, f"manifesto.{kind}", target=str(paragraph.pk))
    return amendment


def _snapshot(manifesto: Manifesto, note: str) -> ManifestoVersion:
    last = manifesto.versions.order_by("-number").first()
    return ManifestoVersion.objects.create(
        manifesto=manifesto,
        number=(last.number if last else 0) + 1,
        paragraphs=list(manifesto.paragraphs.order_by("position").values_list("text", flat=True)),
        note=note[:300],
    )


@transaction.atomic
def decide_amendment(
    *, actor: User | None, amendment: Amendment, accept: bool, reason: str
) -> Amendment:
    """The drafting committee accepts (the paragraph takes the new wording, a new
    version is kept) or declines, always with a reason."""
    amendment = (
        Amendment.objects.select_for_update()
        .select_related("paragraph__manifesto")
        .get(pk=amendment.pk)
    )
    if amendment.status != AmendmentStatus.OPEN:
        raise ValidationError(_("The committee has already decided on this proposal."))
    if amendment.paragraph.manifesto.status != ManifestoStatus.DRAFTING:
        raise ValidationError(_("The manifesto is adopted; it no longer changes."))
    try:
        reason = _clean_text(reason, 2000)
    except ValueError as error:
        raise ValidationError({"reason": str(error)}) from error
    if not reason:
        raise ValidationError({"reason": _("Give the reason, for the participant.")})
    amendment.status = AmendmentStatus.ACCEPTED if accept else AmendmentStatus.DECLINED
    amendment.reason = reason
    amendment.decided_at = timezone.now()
    amendment.save()
    if accept and amendment.kind == AmendmentKind.AMENDMENT:
        paragraph = amendment.paragraph
        paragraph.text = amendment.proposed_text
        paragraph.save(update_fields=["text"])
        _snapshot(
            paragraph.manifesto, _("Amendment to paragraph %(n)s") % {"n": paragraph.position}
        )
    record_event(
        actor, "manifesto.accepted" if accept else "manifesto.declined", target=reason[:80]
    )
    return amendment


@transaction.atomic
def adopt_manifesto(
    *, actor: User | None, manifesto: Manifesto, translations: dict[str, list[str]] | None = None
) -> Manifesto:
    manifesto = Manifesto.objects.select_for_update().get(pk=manifesto.pk)
    if manifesto.status == ManifestoStatus.ADOPTED:
        raise ValidationError(_("The manifesto is already adopted."))
    open_count = Amendment.objects.filter(
        paragraph__manifesto=manifesto, status=AmendmentStatus.OPEN, kind=AmendmentKind.AMENDMENT
    ).count()
    if open_count:
        raise ValidationError(
            _("%(count)s amendment(s) still wait for the committee; decide them first.")
            % {"count": open_count}
        )
    manifesto.status = ManifestoStatus.ADOPTED
    manifesto.adopted_at = timezone.now()
    paragraphs = list(manifesto.paragraphs.order_by("position").values_list("text", flat=True))
    manifesto.translations = {
        language: texts
        for language, texts in (translations or {}).items()
        if language in ("ar", "zh_Hans", "fr", "ru", "es") and len(texts) == len(paragraphs)
    }
    manifesto.save()
    _snapshot(manifesto, _("Adopted text"))
    record_event(actor, "manifesto.adopted", target=manifesto.title)
    return manifesto


MANIFESTO_LANGUAGES = ("ar", "zh_Hans", "fr", "ru", "es")


@transaction.atomic
def translate_manifesto(
    *, actor: User | None, manifesto: Manifesto, language: str, paragraphs: list[str]
) -> Manifesto:
    """The adopted text in another UNESCO language, paragraph by paragraph."""
    manifesto = Manifesto.objects.select_for_update().get(pk=manifesto.pk)
    if manifesto.status != ManifestoStatus.ADOPTED:
        raise ValidationError(_("The manifesto is translated once it is adopted."))
    if language not in MANIFESTO_LANGUAGES:
        raise ValidationError(_("Choose one of the UNESCO languages."))
    count = manifesto.paragraphs.count()
    errors: dict[str, str] = {}
    texts = []
    for index in range(count):
        text = paragraphs[index] if index < len(paragraphs) else ""
        try:
            cleaned = _clean_text(text, 3000)
        except ValueError as error:
            errors[f"paragraph_{index + 1}"] = str(error)
            continue
        if not cleaned:
            errors[f"paragraph_{index + 1}"] = _("Translate this paragraph.")
        texts.append(cleaned)
    if errors:
        raise ValidationError(errors)
    manifesto.translations = {**(manifesto.translations or {}), language: texts}
    manifesto.save(update_fields=["translations"])
    record_event(actor, "manifesto.translated", target=manifesto.title, language=language)
    return manifesto


@transaction.atomic
def sign_manifesto(
    *, actor: User, manifesto: Manifesto, city: City, on_behalf_of: str
) -> Signatory:
    """A city signs the adopted manifesto on behalf of its mayor (once)."""
    if manifesto.status != ManifestoStatus.ADOPTED:
        raise ValidationError(_("Cities sign the manifesto once it is adopted."))
    try:
        name = _clean_text(on_behalf_of, 200)
    except ValueError as error:
        raise ValidationError({"on_behalf_of": str(error)}) from error
    if not name:
        raise ValidationError({"on_behalf_of": _("Write the mayor's name and title.")})
    if Signatory.objects.filter(manifesto=manifesto, city=city).exists():
        raise ValidationError({"city": _("%(city)s has already signed.") % {"city": city.name}})
    signatory = Signatory.objects.create(
        manifesto=manifesto, city=city, on_behalf_of=name, signed_by=actor
    )
    record_event(actor, "manifesto.signed", city=city, target=manifesto.title)
    return signatory


def compare_versions(older: ManifestoVersion, newer: ManifestoVersion) -> list[dict[str, Any]]:
    """Paragraph by paragraph: unchanged, or the words taken out and put in."""
    rows: list[dict[str, Any]] = []
    count = max(len(older.paragraphs), len(newer.paragraphs))
    for index in range(count):
        before = older.paragraphs[index] if index < len(older.paragraphs) else ""
        after = newer.paragraphs[index] if index < len(newer.paragraphs) else ""
        if before == after:
            rows.append({"position": index + 1, "same": True, "text": after, "parts": []})
            continue
        parts = []
        a, b = before.split(), after.split()
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b).get_opcodes():
            if tag == "equal":
                parts.append(("same", " ".join(a[i1:i2])))
            if tag in ("delete", "replace"):
                parts.append(("out", " ".join(a[i1:i2])))
            if tag in ("insert", "replace"):
                parts.append(("in", " ".join(b[j1:j2])))
        rows.append({"position": index + 1, "same": False, "text": after, "parts": parts})
    return rows


# -- reporting --------------------------------------------------------------------------------


def report_figures(conference: Conference) -> dict[str, Any]:
    registrations = conference.registrations
    by_region: dict[str, dict[str, Any]] = {}
    for row in registrations.values("city__region").annotate(
        registered=Count("pk"), arrived=Count("pk", filter=Q(checked_in_at__isnull=False))
    ):
        code = row["city__region"] or ""
        by_region[code] = {
            "label": str(UnescoRegion(code).label) if code in UnescoRegion.values else "",
            "registered": row["registered"],
            "arrived": row["arrived"],
        }
    by_category = list(
        RegistrationCategory.objects.filter(conference=conference)
        .annotate(
            registered=Count("registrations"),
            arrived=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False)),
        )
        .order_by("position")
    )
    manifesto = Manifesto.objects.filter(conference=conference).first()
    amendments = (
        Amendment.objects.filter(paragraph__manifesto=manifesto)
        .values("kind", "status")
        .annotate(count=Count("pk"))
        if manifesto
        else []
    )
    return {
        "attendance": attendance(conference),
        "by_region": by_region,
        "by_category": by_category,
        "sessions": conference.programme.count(),
        "streamed": conference.programme.exclude(stream_url="").count(),
        "visits": visits_with_counts(conference),
        "amendments": list(amendments),
        "signatories": list(manifesto.signatories.select_related("city")) if manifesto else [],
        "manifesto": manifesto,
    }


def report_rows(conference: Conference, language: str = "en") -> list[list[str]]:
    """The report as CSV rows: section, item, registered, arrived/booked, other."""
    figures = report_figures(conference)
    rows = [["section", "item", "count", "second_count"]]
    rows.append(
        [
            "attendance",
            "all",
            str(figures["attendance"]["registered"]),
            str(figures["attendance"]["arrived"]),
        ]
    )
    for region, counts in sorted(figures["by_region"].items()):
        rows.append(["region", region or "-", str(counts["registered"]), str(counts["arrived"])])
    for category in figures["by_category"]:
        rows.append(["category", category.code, str(category.registered), str(category.arrived)])
    rows.append(["programme", "sessions", str(figures["sessions"]), str(figures["streamed"])])
    for visit in figures["visits"]:
        rows.append(["visit", visit.opportunity.title, str(visit.booked), str(visit.waiting)])
    for row in figures["amendments"]:
        rows.append(["amendments", f"{row['kind']}:{row['status']}", str(row["count"]), ""])
    for signatory in figures["signatories"]:
        rows.append(
            [
                "signatory",
                signatory.city.name,
                country_name(signatory.city.country_code, language),
                signatory.on_behalf_of,
            ]
        )
    return rows

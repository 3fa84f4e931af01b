"""Assemblies: members, meetings and minutes, written by the city's coordinators.

A meeting is a catalogue session: ``schedule_assembly_meeting`` creates the meeting
and, in the same transaction, a published, free catalogue opportunity ("event") of the
assembly's provider (one verified public provider per assembly, created on first use)
with one session at the meeting's time and place, so residents find and join it like
any other learning (as the programmes' intergenerational pairs and the conferences'
streamed sessions become catalogue opportunities). Minutes are Markdown, shown through
``core.richtext`` (the ``markdown`` filter), which removes anything but plain
formatting."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from learningcity.catalogue import services as catalogue_services
from learningcity.catalogue.models import (
    Cost,
    Format,
    LearningSite,
    Level,
    OpportunityKind,
    Provider,
    Sector,
)
from learningcity.core.audit import record_event
from learningcity.core.models import User

from .models import Assembly, AssemblyMeeting

MINUTES_MAX = 20_000
TITLE_MAX = 200
PLACE_MAX = 200
LONGEST_MEETING = 12 * 60
# How far ahead a meeting may be scheduled (a date near the year 9999 overflows).
FURTHEST_YEARS = 10


def _text(value: str, field: str, message: str, max_length: int, required: bool) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ValidationError({field: message})
    if len(value) > max_length:
        raise ValidationError(
            {
                field: _("At most %(max)s characters; you wrote %(n)s.")
                % {"max": max_length, "n": len(value)}
            }
        )
    return value


# ---- members ------------------------------------------------------------------------


def add_assembly_member(*, actor: User, assembly: Assembly, email: str) -> User:
    """Add the person whose account has this e-mail address."""
    address = (email or "").strip()
    person = User.objects.filter(email__iexact=address, is_active=True).first() if address else None
    if person is None:
        raise ValidationError(
            {
                "email": _(
                    "No account has this e-mail address. Ask the person to sign up first, "
                    "then add them."
                )
            }
        )
    if assembly.members.filter(pk=person.pk).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    with transaction.atomic():
        assembly.members.add(person)
        record_event(
            actor, "participation.assembly_member_added", city=assembly.city, target=assembly.name
        )
    return person


def remove_assembly_member(*, actor: User, assembly: Assembly, member: User) -> None:
    if not assembly.members.filter(pk=member.pk).exists():
        raise ValidationError(_("This person is not a member."))
    with transaction.atomic():
        assembly.members.remove(member)
        record_event(
            actor,
            "participation.assembly_member_removed",
            city=assembly.city,
            target=assembly.name,
        )


# ---- meetings -----------------------------------------------------------------------


def assembly_provider(assembly: Assembly) -> Provider:
    """The city's catalogue provider for the assembly (created on first use)."""
    provider, _created = Provider.objects.get_or_create(
        city=assembly.city,
        slug=f"assembly-{assembly.slug}"[:80],
        defaults={
            "name": assembly.name[:160],
            "sector": Sector.PUBLIC,
            "description": assembly.purpose,
            "is_verified": True,
        },
    )
    return provider


def _meeting_slug(assembly: Assembly, meeting: AssemblyMeeting) -> str:
    return f"{slugify(assembly.slug)[:50]}-{slugify(meeting.title)[:50]}-{meeting.pk}"[:120]


def schedule_assembly_meeting(
    *,
    actor: User | None,
    assembly: Assembly,
    title: str,
    starts_at: datetime,
    minutes_long: int = 120,
    place: str = "",
    site: LearningSite | None = None,
    minutes: str = "",
) -> AssemblyMeeting:
    """The meeting and its published catalogue opportunity with one session, together."""
    title = _text(title, "title", _("Give the meeting a title."), TITLE_MAX, True)
    place = _text(place, "place", "", PLACE_MAX, False)
    minutes = _text(minutes, "minutes", "", MINUTES_MAX, False)
    if starts_at is None:
        raise ValidationError({"starts_at": _("Give the day and time the meeting starts.")})
    _refuse_far_future(starts_at)
    if not 15 <= minutes_long <= LONGEST_MEETING:
        raise ValidationError(
            {"minutes_long": _("A meeting lasts between 15 minutes and 12 hours.")}
        )
    if site is not None and site.city_id != assembly.city_id:
        raise ValidationError({"site": _("Choose a place in this city.")})
    if not place and site is not None:
        place = site.name[:PLACE_MAX]
    with transaction.atomic():
        meeting = AssemblyMeeting.objects.create(
            assembly=assembly, title=title, starts_at=starts_at, place=place, minutes=minutes
        )
        opportunity = catalogue_services.create_opportunity(
            actor=actor,  # type: ignore[arg-type]
            provider=assembly_provider(assembly),
            fields=_opportunity_fields(assembly, meeting, site),
        )
        session = catalogue_services.create_session(
            actor=actor,  # type: ignore[arg-type]
            opportunity=opportunity,
            fields={
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(minutes=minutes_long),
                "site": site,
            },
        )
        meeting.session = session
        meeting.save(update_fields=["session"])
        record_event(
            actor,
            "participation.assembly_meeting_scheduled",
            city=assembly.city,
            target=f"{assembly.name}: {meeting.title}",
            opportunity=opportunity.slug,
        )
    return meeting


def _refuse_far_future(starts_at: datetime) -> None:
    if starts_at > timezone.now() + timedelta(days=365 * FURTHEST_YEARS + 3):
        raise ValidationError(
            {
                "starts_at": _(
                    "A meeting can be scheduled at most %(years)s years ahead: check the year."
                )
                % {"years": FURTHEST_YEARS}
            }
        )


def _opportunity_fields(
    assembly: Assembly, meeting: AssemblyMeeting, site: LearningSite | None
) -> dict[str, Any]:
    where = (
        _("Where: %(place)s.") % {"place": meeting.place}
        if meeting.place
        else _("The place will be announced.")
    )
    intro = _(
        "An open meeting of %(assembly)s. Anyone may come and listen; the minutes are "
        "published on the assembly's page."
    ) % {"assembly": assembly.name}
    return {
        "slug": _meeting_slug(assembly, meeting),
        "kind": OpportunityKind.EVENT,
        "title": f"{assembly.name}: {meeting.title}"[:200],
        "description": "\n\n".join(p for p in (intro, assembly.purpose, where) if p),
        "site": site,
        "level": Level.NON_FORMAL,
        "format": Format.IN_PERSON,
        "cost": Cost.FREE,
        "languages": list(assembly.city.languages or [])[:5],
        "is_published": True,
    }


def record_meeting_minutes(*, actor: User, meeting: AssemblyMeeting, minutes: str) -> None:
    """The minutes (Markdown; shown sanitised by ``core.richtext``)."""
    meeting.minutes = _text(minutes, "minutes", _("Write the minutes."), MINUTES_MAX, True)
    with transaction.atomic():
        meeting.save(update_fields=["minutes"])
        record_event(
            actor,
            "participation.assembly_minutes_recorded",
            city=meeting.assembly.city,
            target=f"{meeting.assembly.name}: {meeting.title}",
        )

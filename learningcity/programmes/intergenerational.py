"""Intergenerational learning: children's groups paired with older adults' groups.

Matching uses the same engine (each group pairs with one other; the older group
travels to the children's site, or the other way round, within its distance). An
accepted pair gets a catalogue opportunity with weekly sessions at the first time
both groups are free, so its sessions are ordinary catalogue sessions (calendar,
cancellation, attendance), held at the children's site."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from learningcity.catalogue import services as catalogue_services
from learningcity.catalogue.models import (
    TARGET_GROUPS,
    TOPICS,
    Format,
    Level,
    OpportunityKind,
    Provider,
    Sector,
    Session,
    TargetGroup,
)
from learningcity.core.audit import record_event
from learningcity.core.models import City, User
from learningcity.core.tenancy import for_city
from learningcity.engines.matching.fit import WeeklySlot

from . import matching
from .models import Group, GroupAttendance, GroupKind, GroupPair, MatchRun, PairStatus
from .services import Refused
from .vocabulary import weekly_slots

SESSIONS_PER_TERM = 8
SESSION_MINUTES = 60
PROVIDER_SLUG = "intergenerational-learning"


def register_group(*, actor: User, city: City, fields: dict[str, Any]) -> Group:
    site = fields.get("site")
    if site is None or site.city_id != city.pk:
        raise ValidationError({"site": _("Choose a place in this city.")})
    group = Group(city=city, contact=actor, **fields)
    group.full_clean(exclude=["city", "contact"])
    group.save()
    record_event(actor, "programmes.group_registered", city=city, target=str(group.public_id))
    return group


def run_group_match(*, actor: User | None, city: City) -> MatchRun:
    groups = list(for_city(Group, city).select_related("site"))
    busy = set(
        for_city(GroupPair, city)
        .filter(status__in=[PairStatus.PROPOSED, PairStatus.ACTIVE])
        .values_list("children_id", "older_id")
    )
    busy_ids = {pk for pair in busy for pk in pair}
    children = [g for g in groups if g.kind == GroupKind.CHILDREN and g.pk not in busy_ids]
    older = [g for g in groups if g.kind == GroupKind.OLDER and g.pk not in busy_ids]
    instance = matching.build_instance(
        [matching.group_profile(g, travels=False) for g in children],
        [(matching.group_profile(g, travels=True), 1) for g in older],
    )
    result = instance.solve()
    by_id = {str(g.public_id): g for g in groups}
    with transaction.atomic():
        for match in result.matches:
            GroupPair.objects.create(
                children=by_id[match.person],
                older=by_id[match.helper],
                status=PairStatus.PROPOSED,
                score=match.score,
                reasons=matching.reasons_of(instance.fits[(match.person, match.helper)]),
            )
        run = MatchRun.objects.create(
            city=city,
            programme="intergenerational",
            started_by=actor,
            waiting=len(children),
            matched=result.matched,
            total_score=result.total_score,
            optimal=result.optimal,
        )
    return run


def _provider(city: City) -> Provider:
    provider, _created = Provider.objects.get_or_create(
        city=city,
        slug=PROVIDER_SLUG,
        defaults={
            "name": _("Intergenerational learning programme"),
            "sector": Sector.PUBLIC,
            "is_verified": True,
        },
    )
    return provider


def first_common_slot(a: Group, b: Group) -> WeeklySlot | None:
    for first in weekly_slots(a.availability):
        for second in weekly_slots(b.availability):
            start, end = max(first.start, second.start), min(first.end, second.end)
            if first.day == second.day and end - start >= SESSION_MINUTES:
                return WeeklySlot(first.day, start, start + SESSION_MINUTES)
    return None


def _next_dates(city: City, slot: WeeklySlot, count: int) -> list[datetime]:
    zone = ZoneInfo(city.time_zone)
    today = timezone.now().astimezone(zone).date() + timedelta(days=1)
    first = today + timedelta(days=(slot.day - today.weekday()) % 7)
    return [
        datetime(d.year, d.month, d.day, slot.start // 60, slot.start % 60, tzinfo=zone)
        for d in (first + timedelta(weeks=i) for i in range(count))
    ]


def accept_group_pair(*, actor: User, pair: GroupPair) -> GroupPair:
    """The pair starts: an opportunity with a term of weekly sessions in the catalogue."""
    if pair.status != PairStatus.PROPOSED:
        raise Refused(_("Only a proposed pair can be accepted."))
    slot = first_common_slot(pair.children, pair.older)
    if slot is None:
        raise Refused(_("The two groups have no hour in common in the week."))
    city = pair.children.city
    with transaction.atomic():
        opportunity = catalogue_services.create_opportunity(
            actor=actor,
            provider=_provider(city),
            fields={
                "slug": slugify(f"together-{pair.children.name}-{pair.older.name}")[:100]
                + f"-{str(pair.public_id)[:8]}",
                "kind": OpportunityKind.CLUB,
                "title": _("Learning together: %(children)s and %(older)s")
                % {"children": pair.children.name, "older": pair.older.name},
                "description": _(
                    "Weekly sessions where a children's group and an older adults' group "
                    "learn together."
                ),
                "site": pair.children.site,
                "topics": TOPICS.to_mask(
                    sorted(set(pair.children.interests) & set(pair.older.interests))
                ),
                "level": Level.NON_FORMAL,
                "format": Format.IN_PERSON,
                "languages": sorted(set(pair.children.languages) & set(pair.older.languages)),
                "target_groups": TARGET_GROUPS.to_mask(
                    [TargetGroup.CHILDREN, TargetGroup.OLDER_PEOPLE]
                ),
                "capacity": pair.children.size + pair.older.size,
                # The groups come as groups: nobody enrols on their own.
                "is_published": False,
            },
        )
        for starts_at in _next_dates(city, slot, SESSIONS_PER_TERM):
            catalogue_services.create_session(
                actor=actor,
                opportunity=opportunity,
                fields={
                    "starts_at": starts_at,
                    "ends_at": starts_at + timedelta(minutes=SESSION_MINUTES),
                    "site": pair.children.site,
                },
            )
        pair.status = PairStatus.ACTIVE
        pair.opportunity = opportunity
        pair.save(update_fields=["status", "opportunity"])
        record_event(actor, "programmes.group_pair_accepted", city=city, target=str(pair.public_id))
    return pair


def log_group_attendance(
    *, actor: User, pair: GroupPair, session: Session, children_present: int, older_present: int
) -> GroupAttendance:
    if session.opportunity_id != pair.opportunity_id:
        raise Refused(_("This session is not one of the pair's."))
    if session.starts_at > timezone.now():
        raise Refused(_("Attendance is logged once the session has started."))
    errors = {}
    if not 0 <= children_present <= pair.children.size:
        errors["children_present"] = _("At most %(n)s children.") % {"n": pair.children.size}
    if not 0 <= older_present <= pair.older.size:
        errors["older_present"] = _("At most %(n)s older adults.") % {"n": pair.older.size}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            attendance, _created = GroupAttendance.objects.update_or_create(
                pair=pair,
                session=session,
                defaults={
                    "children_present": children_present,
                    "older_present": older_present,
                    "logged_by": actor,
                },
            )
    except IntegrityError:
        raise Refused(_("Someone logged this session at the same moment. Try again.")) from None
    return attendance

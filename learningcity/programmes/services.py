"""Every write of the inclusion programmes. Views call these after ``permissions``;
each raises ``ValidationError`` (naming the field) or ``Refused`` and saves nothing
when the input is wrong."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learningcity.catalogue import services as catalogue_services
from learningcity.catalogue.models import Enrolment, Opportunity, Session
from learningcity.core.audit import record_event
from learningcity.core.models import City, User
from learningcity.core.tenancy import for_city

from . import matching, notifications
from .models import (
    LIVE_PAIR_STATUSES,
    REQUIRED_CHECKS,
    CheckKind,
    Concern,
    ConcernStatus,
    LonelinessScore,
    MatchRun,
    Pair,
    PairStatus,
    PlanItem,
    Resident,
    ResidentStatus,
    Visit,
    Volunteer,
    VolunteerCheck,
)

REMIND_DAYS_BEFORE_EXPIRY = 30
LONELINESS_EVERY_DAYS = 91  # "every three months"


class Refused(Exception):
    """A request that cannot be done as asked; the message says why, plainly."""


def _validated(instance: Any, exclude: Iterable[str] = ()) -> None:
    instance.full_clean(exclude=list(exclude), validate_unique=False)


# ---- volunteers --------------------------------------------------------------------


def register_volunteer(*, actor: User, city: City, fields: dict[str, Any]) -> Volunteer:
    """The signed-in person offers to volunteer (matched only once checks are valid)."""
    if for_city(Volunteer, city).filter(user=actor).exists():
        raise Refused(_("You are already registered as a volunteer in this city."))
    volunteer = Volunteer(city=city, user=actor, **fields)
    _validated(volunteer, exclude=["city", "user"])
    volunteer.save()
    record_event(
        actor, "programmes.volunteer_registered", city=city, target=str(volunteer.public_id)
    )
    return volunteer


def update_volunteer(*, actor: User, volunteer: Volunteer, fields: dict[str, Any]) -> Volunteer:
    for name, value in fields.items():
        setattr(volunteer, name, value)
    _validated(volunteer, exclude=["city", "user"])
    volunteer.save()
    record_event(
        actor, "programmes.volunteer_updated", city=volunteer.city, target=str(volunteer.public_id)
    )
    return volunteer


def record_check(
    *,
    actor: User,
    volunteer: Volunteer,
    kind: str,
    checked_on: date,
    expires_on: date,
    reference: str = "",
) -> VolunteerCheck:
    """A coordinator records a training or safeguarding check; a valid new check lifts
    the suspension of the volunteer's pairs (once both checks are valid)."""
    if kind not in CheckKind.values:
        raise ValidationError({"kind": _("Choose the kind of check.")})
    if expires_on <= checked_on:
        raise ValidationError({"expires_on": _("The check must expire after the day it was done.")})
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": _("The check cannot be done in the future.")})
    with transaction.atomic():
        check = VolunteerCheck.objects.create(
            volunteer=volunteer,
            kind=kind,
            checked_on=checked_on,
            expires_on=expires_on,
            reference=reference.strip()[:80],
            recorded_by=actor,
        )
        record_event(
            actor,
            "programmes.check_recorded",
            city=volunteer.city,
            target=str(volunteer.public_id),
            kind=kind,
            expires_on=expires_on.isoformat(),
        )
        if matching.checks_valid_on(volunteer, timezone.localdate()):
            volunteer.pairs.filter(status=PairStatus.SUSPENDED).update(
                status=PairStatus.ACTIVE, suspended_reason=""
            )
    return check


def suspend_pairs_with_expired_checks(*, today: date | None = None) -> int:
    """Suspend every live pair whose volunteer lacks a valid check, and tell the
    coordinators (one e-mail per city). Safe to run twice."""
    today = today or timezone.localdate()
    suspended_by_city: dict[int, tuple[City, set[int]]] = {}
    live = (
        Pair.objects.filter(status__in=[PairStatus.ACTIVE, PairStatus.PROPOSED])
        .select_related("volunteer__city")
        .prefetch_related("volunteer__checks")
    )
    for pair in live:
        if matching.checks_valid_on(pair.volunteer, today):
            continue
        with transaction.atomic():
            if pair.status == PairStatus.PROPOSED:
                pair.status = PairStatus.ENDED
                pair.ended_at = timezone.now()
                pair.end_reason = "checks expired before acceptance"
                Resident.objects.filter(pk=pair.resident_id).update(status=ResidentStatus.WAITING)
            else:
                pair.status = PairStatus.SUSPENDED
                pair.suspended_reason = "checks expired"
            pair.save(update_fields=["status", "ended_at", "end_reason", "suspended_reason"])
            record_event(
                None,
                "programmes.pair_suspended",
                city=pair.volunteer.city,
                target=str(pair.public_id),
            )
        city = pair.volunteer.city
        suspended_by_city.setdefault(city.pk, (city, set()))[1].add(pair.volunteer_id)
    for city, volunteers in suspended_by_city.values():
        notifications.tell_coordinators_of_suspension(city, len(volunteers))
    return sum(len(volunteers) for _city, volunteers in suspended_by_city.values())


def send_check_reminders(*, today: date | None = None) -> int:
    """Tell the volunteer and the coordinators once, 30 days before a check expires."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=REMIND_DAYS_BEFORE_EXPIRY)
    due = VolunteerCheck.objects.filter(
        expires_on__gt=today, expires_on__lte=soon, reminded_on__isnull=True
    ).select_related("volunteer__user", "volunteer__city")
    sent = 0
    for check in due:
        # A newer check of the same kind makes the reminder pointless.
        newer = check.volunteer.checks.filter(kind=check.kind, expires_on__gt=soon).exists()
        claimed = VolunteerCheck.objects.filter(pk=check.pk, reminded_on__isnull=True).update(
            reminded_on=today
        )
        if newer or not claimed:
            continue
        days = (check.expires_on - today).days
        city = check.volunteer.city
        for person in [check.volunteer.user, *notifications.coordinators(city)]:
            sent += notifications.remind_of_expiry(person, city, days)
    return sent


# ---- residents ---------------------------------------------------------------------


def refer_resident(*, actor: User, city: City, fields: dict[str, Any]) -> Resident:
    """A referral, by the person, their family or a social worker. Without consent
    nothing is kept."""
    if not fields.pop("consent", False):
        raise ValidationError(
            {"consent": _("We can only keep a referral when the person has agreed to it.")}
        )
    if not str(fields.get("consent_how", "")).strip():
        raise ValidationError({"consent_how": _("Say how the person gave their consent.")})
    resident = Resident(
        city=city,
        consent_given_at=timezone.now(),
        referrer_user=actor,
        **fields,
    )
    if resident.referred_by == "self":
        resident.user = actor
    _validated(resident, exclude=["city", "referrer_user", "user"])
    resident.save()
    record_event(
        actor,
        "programmes.resident_referred",
        city=city,
        target=str(resident.public_id),
        referred_by=resident.referred_by,
    )
    return resident


def close_resident(*, actor: User, resident: Resident, reason: str) -> Resident:
    """The resident leaves the programme: any live pair ends."""
    with transaction.atomic():
        for pair in resident.pairs.filter(status__in=LIVE_PAIR_STATUSES):
            _end(pair, reason or "resident left the programme")
        resident.status = ResidentStatus.CLOSED
        resident.save(update_fields=["status"])
        record_event(
            actor, "programmes.resident_closed", city=resident.city, target=str(resident.public_id)
        )
    return resident


def record_loneliness(
    *, actor: User, resident: Resident, taken_on: date, answers: tuple[int, int, int]
) -> LonelinessScore:
    if any(answer not in (1, 2, 3) for answer in answers):
        raise ValidationError(
            _("Each answer is 1 (hardly ever), 2 (some of the time) or 3 (often).")
        )
    if taken_on > timezone.localdate():
        raise ValidationError({"taken_on": _("The date cannot be in the future.")})
    score = LonelinessScore.objects.create(
        resident=resident,
        taken_on=taken_on,
        lack_companionship=answers[0],
        left_out=answers[1],
        isolated=answers[2],
        recorded_by=actor,
    )
    record_event(
        actor, "programmes.loneliness_recorded", city=resident.city, target=str(resident.public_id)
    )
    return score


# ---- matching ----------------------------------------------------------------------


def _live_pairs(city: City) -> list[Pair]:
    return list(
        for_city(Pair, city)
        .filter(status__in=LIVE_PAIR_STATUSES)
        .select_related("resident__district", "volunteer__district")
    )


def run_befriending_match(*, actor: User | None, city: City) -> MatchRun:
    """Propose pairs for everyone waiting: as many matched as possible, then the best
    total score; existing pairs stay unless moving one matches more people (the run
    records each move and its gain). Volunteers without valid checks are left out."""
    today = timezone.localdate()
    volunteers = list(
        for_city(Volunteer, city)
        .filter(is_active=True)
        .select_related("district", "user")
        .prefetch_related("checks")
    )
    live = _live_pairs(city)
    by_resident = {pair.resident_id: pair for pair in live}
    residents = list(
        for_city(Resident, city)
        .filter(status__in=[ResidentStatus.WAITING, ResidentStatus.MATCHED])
        .select_related("district")
    )
    # Suspended pairs stay as they are (their volunteer is waiting for a check).
    candidates = [
        r for r in residents if r.pk not in by_resident or by_resident[r.pk].status != "suspended"
    ]
    valid = {v.pk: matching.checks_valid_on(v, today) for v in volunteers}
    room = {
        v.pk: v.capacity
        - sum(1 for p in live if p.volunteer_id == v.pk and p.status == "suspended")
        for v in volunteers
    }
    people = [matching.resident_profile(r) for r in candidates]
    helpers = [
        (matching.volunteer_profile(v, today), max(0, room[v.pk]))
        for v in volunteers
        if valid[v.pk]
    ]
    instance = matching.build_instance(people, helpers)
    existing = {
        str(pair.resident.public_id): str(pair.volunteer.public_id)
        for pair in live
        if pair.status in (PairStatus.ACTIVE, PairStatus.PROPOSED)
    }
    result = instance.solve(existing=existing)
    resident_of = {str(r.public_id): r for r in candidates}
    volunteer_of = {str(v.public_id): v for v in volunteers}
    created = 0
    with transaction.atomic():
        for move in result.moves:
            pair = by_resident[resident_of[move.person].pk]
            reason = ngettext(
                "moved so that %(n)s more person could be matched",
                "moved so that %(n)s more people could be matched",
                result.gained_by_moves,
            ) % {"n": result.gained_by_moves}
            _end(pair, reason)
        for match in result.matches:
            if match.kept:
                continue
            resident = resident_of[match.person]
            fit = instance.fits[(match.person, match.helper)]
            Pair.objects.create(
                resident=resident,
                volunteer=volunteer_of[match.helper],
                status=PairStatus.PROPOSED,
                score=match.score,
                reasons=matching.reasons_of(fit),
            )
            created += 1
        run = MatchRun.objects.create(
            city=city,
            programme="befriending",
            started_by=actor,
            waiting=len(candidates),
            matched=result.matched,
            total_score=result.total_score,
            optimal=result.optimal,
            summary={
                "proposed": created,
                "kept": sum(1 for m in result.matches if m.kept),
                "moved": [
                    {"resident": resident_of[m.person].first_name, "gain": result.gained_by_moves}
                    for m in result.moves
                ],
                "volunteers_without_checks": sum(1 for ok in valid.values() if not ok),
            },
        )
        record_event(
            actor, "programmes.match_run", city=city, target=str(run.pk), matched=run.matched
        )
    return run


def _end(pair: Pair, reason: str) -> None:
    pair.status = PairStatus.ENDED
    pair.ended_at = timezone.now()
    pair.end_reason = reason[:200]
    pair.save(update_fields=["status", "ended_at", "end_reason"])
    still_live = pair.resident.pairs.filter(status__in=LIVE_PAIR_STATUSES).exists()
    if not still_live and pair.resident.status == ResidentStatus.MATCHED:
        Resident.objects.filter(pk=pair.resident_id).update(status=ResidentStatus.WAITING)


def _require_valid_checks(volunteer: Volunteer) -> None:
    if not matching.checks_valid_on(volunteer, timezone.localdate()):
        raise Refused(
            _(
                "%(name)s has no valid training and safeguarding check: record the checks "
                "before matching."
            )
            % {"name": volunteer}
        )


def accept_pair(*, actor: User, pair: Pair) -> Pair:
    if pair.status != PairStatus.PROPOSED:
        raise Refused(_("Only a proposed pair can be accepted."))
    _require_valid_checks(pair.volunteer)
    with transaction.atomic():
        now = timezone.now()
        pair.status = PairStatus.ACTIVE
        pair.accepted_at = now
        pair.save(update_fields=["status", "accepted_at"])
        resident = pair.resident
        resident.status = ResidentStatus.MATCHED
        resident.first_matched_at = resident.first_matched_at or now
        resident.save(update_fields=["status", "first_matched_at"])
        record_event(
            actor, "programmes.pair_accepted", city=resident.city, target=str(pair.public_id)
        )
    return pair


def decline_pair(*, actor: User, pair: Pair) -> Pair:
    if pair.status != PairStatus.PROPOSED:
        raise Refused(_("Only a proposed pair can be declined."))
    with transaction.atomic():
        _end(pair, "declined by a coordinator")
        record_event(
            actor, "programmes.pair_declined", city=pair.resident.city, target=str(pair.public_id)
        )
    return pair


def override_pair(*, actor: User, resident: Resident, volunteer: Volunteer) -> Pair:
    """A coordinator pairs by hand. The checks still must be valid and the volunteer
    must have room; the other constraints are the coordinator's call (shown as
    warnings on the page)."""
    if resident.city_id != volunteer.city_id:
        raise Refused(_("The volunteer is not in this city."))
    if resident.status == ResidentStatus.CLOSED:
        raise Refused(_("This person has left the programme."))
    _require_valid_checks(volunteer)
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        taken = (
            locked.pairs.filter(status__in=LIVE_PAIR_STATUSES).exclude(resident=resident).count()
        )
        if taken >= locked.capacity:
            raise Refused(_("%(name)s has no room for another person.") % {"name": volunteer})
        for pair in resident.pairs.filter(status__in=LIVE_PAIR_STATUSES):
            _end(pair, "replaced by a coordinator's choice")
        fit = matching.assess_pair(resident, volunteer)
        now = timezone.now()
        pair = Pair.objects.create(
            resident=resident,
            volunteer=volunteer,
            status=PairStatus.ACTIVE,
            score=fit.score,
            reasons=[_("chosen by a coordinator"), *matching.reasons_of(fit)],
            set_by_hand=True,
            accepted_at=now,
        )
        resident.status = ResidentStatus.MATCHED
        resident.first_matched_at = resident.first_matched_at or now
        resident.save(update_fields=["status", "first_matched_at"])
        record_event(
            actor, "programmes.pair_overridden", city=resident.city, target=str(pair.public_id)
        )
    return pair


def end_pair(*, actor: User, pair: Pair, reason: str) -> Pair:
    """A volunteer withdraws, or the pair stops: the resident waits again and the next
    run re-matches them (keeping every other pair where it can)."""
    if pair.status == PairStatus.ENDED:
        return pair
    with transaction.atomic():
        _end(pair, reason.strip() or "ended")
        record_event(
            actor, "programmes.pair_ended", city=pair.resident.city, target=str(pair.public_id)
        )
    return pair


def withdraw_volunteer(*, actor: User, volunteer: Volunteer) -> int:
    with transaction.atomic():
        pairs = list(
            volunteer.pairs.filter(status__in=LIVE_PAIR_STATUSES).select_related("resident")
        )
        for pair in pairs:
            _end(pair, "the volunteer withdrew")
        volunteer.is_active = False
        volunteer.save(update_fields=["is_active"])
        record_event(
            actor,
            "programmes.volunteer_withdrew",
            city=volunteer.city,
            target=str(volunteer.public_id),
        )
    return len(pairs)


# ---- what a pair does --------------------------------------------------------------


def add_plan_item(*, actor: User, pair: Pair, opportunity: Opportunity) -> PlanItem:
    if opportunity.city_id != pair.resident.city_id or not opportunity.is_published:
        raise Refused(_("Choose an activity published in this city."))
    try:
        with transaction.atomic():
            item = PlanItem.objects.create(pair=pair, opportunity=opportunity)
    except IntegrityError:
        raise Refused(_("This activity is already in the plan.")) from None
    record_event(
        actor, "programmes.plan_item_added", city=opportunity.city, target=str(pair.public_id)
    )
    return item


def join_together(*, actor: User, pair: Pair, session: Session) -> list[Enrolment]:
    """Book the volunteer and the resident into a session with the catalogue's own
    enrolment (seats, waiting list, reminders). A resident without an account is
    booked with their e-mail address; without either, only the volunteer is booked."""
    if not pair.plan_items.filter(opportunity_id=session.opportunity_id).exists():
        raise Refused(_("Add the activity to the pair's plan first."))
    resident = pair.resident
    enrolments = []
    with transaction.atomic():
        for kwargs in _enrolment_people(pair):
            try:
                enrolments.append(catalogue_services.enrol_person(session=session, **kwargs))
            except catalogue_services.AlreadyEnrolled as already:
                enrolments.append(already.enrolment)
    record_event(
        actor, "programmes.joined_together", city=resident.city, target=str(pair.public_id)
    )
    return enrolments


def _enrolment_people(pair: Pair) -> list[dict[str, Any]]:
    people: list[dict[str, Any]] = [{"user": pair.volunteer.user}]
    resident = pair.resident
    if resident.user_id:
        people.append({"user": resident.user})
    elif "@" in resident.contact_private:
        people.append({"name": resident.first_name, "email": resident.contact_private})
    return people


def log_visit(
    *, actor: User, pair: Pair, visited_on: date, hours: Decimal, opportunity: Opportunity | None
) -> Visit:
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("A visit cannot be logged before it happens.")})
    if pair.accepted_at and visited_on < timezone.localdate(pair.accepted_at) - timedelta(days=1):
        raise ValidationError({"visited_on": _("This date is before the pair started.")})
    visit = Visit(
        city=pair.resident.city,
        pair=pair,
        visited_on=visited_on,
        hours=hours,
        opportunity=opportunity,
        logged_by=actor,
    )
    _validated(visit, exclude=["city", "pair", "logged_by"])
    visit.save()
    record_event(
        actor, "programmes.visit_logged", city=pair.resident.city, target=str(pair.public_id)
    )
    return visit


def raise_concern(*, actor: User, pair: Pair, text: str, urgent: bool) -> Concern:
    text = text.strip()
    if not text:
        raise ValidationError({"text_private": _("Say what worries you.")})
    concern = Concern.objects.create(
        resident=pair.resident,
        pair=pair,
        raised_by=actor,
        text_private=text[:5000],
        is_urgent=urgent,
    )
    record_event(
        actor, "programmes.concern_raised", city=pair.resident.city, target=str(concern.pk)
    )
    city = pair.resident.city
    transaction.on_commit(lambda: notifications.tell_coordinators_of_concern(city, urgent))
    return concern


def resolve_concern(*, actor: User, concern: Concern, resolution: str) -> Concern:
    if concern.status == ConcernStatus.RESOLVED:
        raise Refused(_("This concern is already resolved."))
    if not resolution.strip():
        raise ValidationError({"resolution": _("Say what was done.")})
    concern.status = ConcernStatus.RESOLVED
    concern.resolved_at = timezone.now()
    concern.resolution_private = resolution.strip()[:5000]
    concern.save(update_fields=["status", "resolved_at", "resolution_private"])
    record_event(
        actor, "programmes.concern_resolved", city=concern.resident.city, target=str(concern.pk)
    )
    return concern


def loneliness_due(resident: Resident, today: date | None = None) -> bool:
    """Intake before the first pair, then every three months while in the programme."""
    today = today or timezone.localdate()
    scores = list(resident.loneliness.all())
    if not scores:
        return True
    return (today - scores[-1].taken_on).days >= LONELINESS_EVERY_DAYS


def prefetch_checks() -> Prefetch:
    return Prefetch("checks", queryset=VolunteerCheck.objects.order_by("kind", "-expires_on"))


def missing_checks(volunteer: Volunteer, today: date | None = None) -> list[str]:
    today = today or timezone.localdate()
    valid = {check.kind for check in volunteer.checks.all() if check.is_valid_on(today)}
    labels = dict(CheckKind.choices)
    return [str(labels[kind]) for kind in REQUIRED_CHECKS if kind not in valid]

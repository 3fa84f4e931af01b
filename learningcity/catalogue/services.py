"""Every write in the catalogue goes through one of these functions (``verb_noun``).

Each one validates, writes inside one transaction, records an audit event and sends
its emails only once the transaction has committed, so a write that is rolled back
never emails anyone. Reads of personal data (enrolment lists, exports) also come
through here, because they are audited too.

Seats: every function that counts or moves seats first locks the session row
(``select_for_update`` on PostgreSQL; on SQLite the IMMEDIATE transaction mode takes
the database write lock at ``BEGIN``), so two people can never take the last seat and
the waiting list is served strictly in the order the lock was granted.
"""

import csv
import io
import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcity.core.audit import record_event
from learningcity.core.db import refresh_planner_statistics
from learningcity.core.models import AuditEvent, City, User
from learningcity.core.tenancy import for_city

from . import importer, jobs, notifications
from .models import (
    LIVE_STATUSES,
    SEAT_STATUSES,
    Enrolment,
    EnrolmentStatus,
    ImportJob,
    ImportJobStatus,
    LearningSite,
    Opportunity,
    Provider,
    Session,
)
from .schedule import derive_schedule, refresh_schedule

logger = logging.getLogger(__name__)

# Files with more rows than this wait for the background worker; smaller ones are
# imported while the person waits for the page.
INLINE_IMPORT_ROWS = 500
# How often (in rows) a running import writes its progress.
PROGRESS_EVERY = 250


class EnrolmentRefused(Exception):
    """The session cannot be joined; ``message`` says why, for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AlreadyEnrolled(Exception):
    """The person already has a place (or a place in line) in this session."""

    def __init__(self, enrolment: Enrolment) -> None:
        super().__init__(str(enrolment.public_id))
        self.enrolment = enrolment


# ---------------------------------------------------------------------------
# Opportunities, sessions and sites


@transaction.atomic
def create_opportunity(*, actor: User, provider: Provider, fields: dict[str, Any]) -> Opportunity:
    fields = dict(fields)
    co_providers = fields.pop("co_providers", None)
    opportunity = Opportunity(city=provider.city, provider=provider, **fields)
    _save_validated(opportunity)
    if co_providers is not None:
        opportunity.co_providers.set(co_providers)
    record_event(actor, "opportunity.created", city=provider.city, target=opportunity.slug)
    return opportunity


@transaction.atomic
def update_opportunity(
    *, actor: User | None, opportunity: Opportunity, changes: dict[str, Any]
) -> Opportunity:
    changes = dict(changes)
    co_providers = changes.pop("co_providers", None)
    old_capacity = opportunity.capacity
    for name, value in changes.items():
        setattr(opportunity, name, value)
    _save_validated(opportunity)
    if co_providers is not None:
        opportunity.co_providers.set(co_providers)
    if _capacity_grew(old_capacity, opportunity.capacity):
        # Sessions without their own limit share the opportunity's: more places there
        # may let people in from those sessions' waiting lists.
        for session in opportunity.sessions.filter(capacity__isnull=True):
            promote_waitlist(session)
    record_event(
        actor,
        "opportunity.updated",
        city=opportunity.city,
        target=opportunity.slug,
        fields=sorted([*changes, *(["co_providers"] if co_providers is not None else [])]),
    )
    return opportunity


@transaction.atomic
def create_session(*, actor: User, opportunity: Opportunity, fields: dict[str, Any]) -> Session:
    session = Session(opportunity=opportunity, **fields)
    _check_site_in_city(session.site, opportunity.city)
    _save_validated(session)
    refresh_schedule(opportunity)
    record_event(
        actor,
        "session.created",
        city=opportunity.city,
        target=str(session.public_id),
        opportunity=opportunity.slug,
    )
    return session


@transaction.atomic
def update_session(*, actor: User | None, session: Session, changes: dict[str, Any]) -> Session:
    locked = _lock_session(session.pk)
    was_cancelled, old_seats, old_start = locked.is_cancelled, locked.seats, locked.starts_at
    for name, value in changes.items():
        setattr(locked, name, value)
    _check_site_in_city(locked.site, locked.opportunity.city)
    _save_validated(locked)
    if locked.starts_at != old_start:
        locked.enrolments.update(reminder_sent_at=None)  # remind again before the new date
    if locked.is_cancelled and not was_cancelled:
        _notify_all(_live_enrolments(locked), "session_cancelled")
    elif _capacity_grew(old_seats, locked.seats) or (was_cancelled and not locked.is_cancelled):
        _promote_locked(locked)
    refresh_schedule(locked.opportunity)
    record_event(
        actor,
        "session.updated",
        city=locked.opportunity.city,
        target=str(locked.public_id),
        fields=sorted(changes),
    )
    return locked


@transaction.atomic
def create_site(
    *, actor: User, city: City, provider: Provider | None, fields: dict[str, Any]
) -> LearningSite:
    site = LearningSite(city=city, provider=provider, **fields)
    _save_validated(site)
    record_event(actor, "site.created", city=city, target=site.slug)
    return site


@transaction.atomic
def update_site(*, actor: User, site: LearningSite, changes: dict[str, Any]) -> LearningSite:
    for name, value in changes.items():
        setattr(site, name, value)
    _save_validated(site)
    record_event(actor, "site.updated", city=site.city, target=site.slug, fields=sorted(changes))
    return site


@transaction.atomic
def publish_opportunity(*, actor: User, opportunity: Opportunity) -> Opportunity:
    return _set_published(actor, opportunity, True)


@transaction.atomic
def unpublish_opportunity(*, actor: User, opportunity: Opportunity) -> Opportunity:
    """Hide it from residents. People already enrolled keep their places."""
    return _set_published(actor, opportunity, False)


def _set_published(actor: User, opportunity: Opportunity, published: bool) -> Opportunity:
    if opportunity.is_published != published:
        opportunity.is_published = published
        opportunity.save(update_fields=["is_published", "updated_at"])
        action = "opportunity.published" if published else "opportunity.unpublished"
        record_event(actor, action, city=opportunity.city, target=opportunity.slug)
    return opportunity


@transaction.atomic
def duplicate_opportunity(*, actor: User, opportunity: Opportunity, slug: str) -> Opportunity:
    """A copy to reuse (next term, another group): same details and co-providers, no
    sessions, not published until its sessions are added. ``slug`` is the copy's."""
    copy = Opportunity.objects.get(pk=opportunity.pk)
    co_providers = list(opportunity.co_providers.all())
    copy.pk = None
    copy.slug = slug
    copy.title = (_("%(title)s (copy)") % {"title": opportunity.title})[:200]
    copy.is_published = False
    copy.weekdays, copy.times_of_day, copy.next_start = 0, 0, None
    copy.created_at = timezone.now()
    _save_validated(copy)
    copy.co_providers.set(co_providers)
    record_event(
        actor, "opportunity.duplicated", city=copy.city, target=copy.slug, source=opportunity.slug
    )
    return copy


def has_enrolments(opportunity: Opportunity) -> bool:
    return Enrolment.objects.filter(session__opportunity=opportunity).exists()


@transaction.atomic
def delete_opportunity(*, actor: User, opportunity: Opportunity) -> None:
    """Only while nobody has ever enrolled: enrolments are people's records. Otherwise
    unpublish it, or cancel its sessions (which tells the people enrolled)."""
    locked = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if has_enrolments(locked):
        raise ValidationError(
            _(
                "People have enrolled in this opportunity, so it cannot be deleted. "
                "Unpublish it instead, or cancel its sessions."
            )
        )
    record_event(actor, "opportunity.deleted", city=locked.city, target=locked.slug)
    locked.delete()


@transaction.atomic
def cancel_session(*, actor: User, session: Session) -> Session:
    """Everyone enrolled is told, with a link to the next session (see notifications)."""
    return update_session(actor=actor, session=session, changes={"is_cancelled": True})


# A provider may write to the people of one opportunity this often (per 24 hours).
MESSAGES_PER_DAY = 5


def message_enrolled(
    *,
    actor: User,
    opportunity: Opportunity,
    session: Session | None,
    subject: str,
    body: str,
    include_waitlisted: bool,
) -> int:
    """E-mail the people with a place (and, if asked, those waiting) in one session or
    in every session of the opportunity, once each. Audited; at most MESSAGES_PER_DAY
    messages per opportunity a day. Returns how many people it goes to."""
    since = timezone.now() - timedelta(days=1)
    sent_today = AuditEvent.objects.filter(
        action="enrolled.messaged",
        city=opportunity.city,
        target=opportunity.slug,
        created_at__gte=since,
    ).count()
    if sent_today >= MESSAGES_PER_DAY:
        raise ValidationError(
            _(
                "You have already sent %(count)s messages about this opportunity today. "
                "Please wait until tomorrow."
            )
            % {"count": sent_today}
        )
    statuses = ["confirmed", "waitlisted"] if include_waitlisted else ["confirmed"]
    enrolments = (
        Enrolment.objects.filter(
            session__opportunity=opportunity,
            session__is_cancelled=False,
            status__in=statuses,
        )
        .select_related("user", "session__opportunity__city", "session__opportunity__provider")
        .order_by("created_at", "pk")
    )
    if session is not None:
        enrolments = enrolments.filter(session=session)
    recipients: dict[str, Enrolment] = {}
    for enrolment in enrolments:
        recipients.setdefault(enrolment.email.lower(), enrolment)  # once per person
    with transaction.atomic():
        record_event(
            actor,
            "enrolled.messaged",
            city=opportunity.city,
            target=opportunity.slug,
            session=str(session.public_id) if session else "",
            recipients=len(recipients),
            subject=subject,
        )
        for enrolment in recipients.values():
            transaction.on_commit(
                partial(notifications.send_provider_message, enrolment, subject, body)
            )
    return len(recipients)


def _save_validated(instance: Opportunity | Session | LearningSite) -> None:
    """full_clean (fields, choices, unique slugs, check constraints) then save; a race
    that slips past the checks becomes the same kind of ValidationError."""
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise ValidationError(
            _("Someone saved a conflicting change at the same moment. Please try again.")
        ) from None


def _check_site_in_city(site: LearningSite | None, city: City) -> None:
    if site is not None and site.city_id != city.pk:
        raise ValidationError({"site": _("Choose a place in this city.")})


def _capacity_grew(before: int | None, after: int | None) -> bool:
    if after is None:
        return before is not None
    return before is not None and after > before


# ---------------------------------------------------------------------------
# Enrolment


def enrol_person(
    *,
    session: Session,
    user: User | None = None,
    name: str = "",
    email: str = "",
    needs: str = "",
    language: str = "",
) -> Enrolment:
    """Give the person a seat, or a place on the waiting list when the session is full.

    Either ``user`` (signed in) or ``name`` and ``email`` (light sign-up). Raises
    EnrolmentRefused (cancelled, started or unpublished) or AlreadyEnrolled."""
    if user is None and not email:
        raise ValueError("enrol_person needs a user or an email address")
    email = email.strip().lower()
    with transaction.atomic():
        locked = _lock_session(session.pk)
        _check_open(locked)
        existing = _existing_enrolment(locked, user, email)
        if existing is not None:
            raise AlreadyEnrolled(existing)
        full = locked.seats is not None and _seats_taken(locked) >= locked.seats
        # created_at is read now, while the lock is held: arrival order is lock order.
        enrolment = Enrolment(
            session=locked,
            user=user,
            guest_name="" if user else name.strip(),
            guest_email="" if user else email,
            needs=needs.strip(),
            language=language,
            status=EnrolmentStatus.WAITLISTED if full else EnrolmentStatus.CONFIRMED,
        )
        try:
            with transaction.atomic():
                enrolment.save()
        except IntegrityError:
            # A double submit that raced past the check above: the partial unique
            # constraints keep one live enrolment per person.
            raced = _existing_enrolment(locked, user, email)
            if raced is None:
                raise
            raise AlreadyEnrolled(raced) from None
        record_event(
            user,
            "enrolment.created",
            city=locked.opportunity.city,
            target=str(enrolment.public_id),
            status=enrolment.status,
        )
        kind = "waitlisted" if full else "confirmed"
        transaction.on_commit(partial(notifications.send_enrolment_email, enrolment, kind))
    return enrolment


def cancel_enrolment(*, enrolment: Enrolment, actor: User | None = None) -> Enrolment:
    """Give the seat back (the first person waiting gets it). Cancelling twice is harmless."""
    with transaction.atomic():
        locked = _lock_session(enrolment.session_id)
        current = Enrolment.objects.get(pk=enrolment.pk)
        if current.status not in LIVE_STATUSES:
            return current
        freed_a_seat = current.status == EnrolmentStatus.CONFIRMED
        _set_status(current, EnrolmentStatus.CANCELLED)
        record_event(
            actor,
            "enrolment.cancelled",
            city=locked.opportunity.city,
            target=str(current.public_id),
        )
        if freed_a_seat:
            _promote_locked(locked)
    return current


def promote_waitlist(session: Session) -> list[Enrolment]:
    """Move people from the waiting list into free seats, first in line first."""
    with transaction.atomic():
        return _promote_locked(_lock_session(session.pk))


def _promote_locked(session: Session) -> list[Enrolment]:
    if session.is_cancelled:
        return []
    waiting = session.enrolments.filter(status=EnrolmentStatus.WAITLISTED).order_by(
        "created_at", "pk"
    )
    if session.seats is not None:
        free = session.seats - _seats_taken(session)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting.select_related("user"))
    for enrolment in promoted:
        enrolment.session = session  # the email reads the session and its opportunity
        _set_status(enrolment, EnrolmentStatus.CONFIRMED)
        record_event(
            None,
            "enrolment.promoted",
            city=session.opportunity.city,
            target=str(enrolment.public_id),
        )
    _notify_all(promoted, "promoted")
    return promoted


def waitlist_position(enrolment: Enrolment) -> int | None:
    """1 for the next person in line; None when not on the waiting list."""
    if enrolment.status != EnrolmentStatus.WAITLISTED:
        return None
    return Enrolment.objects.with_waitlist_positions().get(pk=enrolment.pk).waitlist_position


def _lock_session(session_pk: int) -> Session:
    session = Session.objects.select_for_update().get(pk=session_pk)
    # Loaded after the lock: the opportunity's capacity is the fallback seat count.
    session.opportunity = Opportunity.objects.select_related("city").get(pk=session.opportunity_id)
    return session


def _check_open(session: Session) -> None:
    if session.is_cancelled:
        raise EnrolmentRefused(_("This session is cancelled, so it cannot be joined."))
    if session.has_started:
        raise EnrolmentRefused(_("This session has already started, so it cannot be joined."))
    if not session.opportunity.is_published:
        raise EnrolmentRefused(_("This opportunity is not open for enrolment."))


def _existing_enrolment(session: Session, user: User | None, email: str) -> Enrolment | None:
    taking_part = session.enrolments.filter(status__in=[*LIVE_STATUSES, "attended"])
    if user is not None:
        return taking_part.filter(user=user).first()
    return taking_part.filter(user__isnull=True, guest_email=email).first()


def _seats_taken(session: Session) -> int:
    return session.enrolments.filter(status__in=SEAT_STATUSES).count()


def _set_status(enrolment: Enrolment, status: str) -> None:
    enrolment.status = status
    enrolment.status_changed_at = timezone.now()
    enrolment.save(update_fields=["status", "status_changed_at"])


def _live_enrolments(session: Session) -> list[Enrolment]:
    return list(session.enrolments.filter(status__in=LIVE_STATUSES).select_related("user"))


def _notify_all(enrolments: Iterable[Enrolment], kind: str) -> None:
    for enrolment in enrolments:
        transaction.on_commit(partial(notifications.send_enrolment_email, enrolment, kind))


# ---------------------------------------------------------------------------
# Attendance, enrolment lists and reminders


@transaction.atomic
def mark_attendance(*, actor: User, session: Session, attended: Collection[UUID]) -> int:
    """Mark who came (``attended`` holds enrolment public ids); everyone else with a
    seat goes back to confirmed. Returns how many people attended."""
    locked = _lock_session(session.pk)
    changed = []
    for enrolment in locked.enrolments.filter(status__in=SEAT_STATUSES):
        wanted = (
            EnrolmentStatus.ATTENDED
            if enrolment.public_id in attended
            else EnrolmentStatus.CONFIRMED
        )
        if enrolment.status != wanted:
            enrolment.status = wanted
            enrolment.status_changed_at = timezone.now()
            changed.append(enrolment)
    Enrolment.objects.bulk_update(changed, ["status", "status_changed_at"])
    count = locked.enrolments.filter(status=EnrolmentStatus.ATTENDED).count()
    record_event(
        actor,
        "attendance.marked",
        city=locked.opportunity.city,
        target=str(locked.public_id),
        attended=count,
        changed=len(changed),
    )
    return count


def list_enrolments(*, actor: User, session: Session) -> list[Enrolment]:
    """The people in a session, in arrival order, with waiting-list positions. Looking
    at personal data is recorded."""
    enrolments = list(
        session.enrolments.with_waitlist_positions()
        .select_related("user")
        .order_by("created_at", "pk")
    )
    record_event(
        actor,
        "enrolments.viewed",
        city=session.opportunity.city,
        target=str(session.public_id),
        count=len(enrolments),
    )
    return enrolments


ENROLMENT_CSV_COLUMNS = ["name", "email", "status", "waitlist_position", "joined", "needs"]


def export_enrolments(*, actor: User, session: Session) -> str:
    """The session's enrolments as CSV; the export itself is recorded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ENROLMENT_CSV_COLUMNS)
    enrolments = (
        session.enrolments.with_waitlist_positions()
        .select_related("user")
        .order_by("created_at", "pk")
    )
    for enrolment in enrolments:
        writer.writerow(
            importer.safe_cells(
                [
                    enrolment.name,
                    enrolment.email,
                    enrolment.status,
                    enrolment.waitlist_position or "",
                    enrolment.created_at.isoformat(timespec="seconds"),
                    enrolment.needs,
                ]
            )
        )
    record_event(
        actor,
        "enrolments.exported",
        city=session.opportunity.city,
        target=str(session.public_id),
    )
    return buffer.getvalue()


def send_reminders(*, now: datetime | None = None) -> int:
    """Email everyone with a seat in a session starting within 24 hours, once each.

    The reminder is claimed (``reminder_sent_at`` set) before sending, so two runs at
    the same time never send it twice; if sending fails the claim is released and the
    next run tries again. Returns how many reminders went out."""
    now = now or timezone.now()
    due = Enrolment.objects.filter(
        status=EnrolmentStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        session__is_cancelled=False,
        session__starts_at__gt=now,
        session__starts_at__lte=now + timedelta(hours=24),
    ).select_related("user", "session__opportunity__city", "session__site")
    sent = 0
    for enrolment in due:
        claimed = Enrolment.objects.filter(pk=enrolment.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        )
        if not claimed:
            continue
        if notifications.send_enrolment_email(enrolment, "reminder"):
            sent += 1
        else:
            Enrolment.objects.filter(pk=enrolment.pk).update(reminder_sent_at=None)
    return sent


# ---------------------------------------------------------------------------
# Personal data: export and erasure (registered with core in CatalogueConfig.ready)


def export_enrolments_of(user: User) -> dict[str, Any]:
    enrolments = (
        Enrolment.objects.filter(user=user)
        .with_waitlist_positions()
        .select_related("session__opportunity__city")
    )
    return {
        "enrolments": [
            {
                "city": enrolment.session.opportunity.city.slug,
                "opportunity": enrolment.session.opportunity.title,
                "session_starts_at": enrolment.session.starts_at.isoformat(),
                "status": enrolment.status,
                "waitlist_position": enrolment.waitlist_position,
                "joined_at": enrolment.created_at.isoformat(),
                "needs": enrolment.needs,
            }
            for enrolment in enrolments
        ]
    }


def erase_enrolments_of(user: User) -> None:
    """Delete the person's enrolments; their seats go to the people waiting."""
    with transaction.atomic():
        live = Enrolment.objects.filter(user=user, status__in=LIVE_STATUSES)
        pairs = list(live.values_list("pk", "session_id"))
        for enrolment_pk, session_pk in pairs:
            locked = _lock_session(session_pk)
            current = Enrolment.objects.get(pk=enrolment_pk)  # read again under the lock
            current.delete()
            if current.status == EnrolmentStatus.CONFIRMED:
                _promote_locked(locked)
        rest, _deleted = Enrolment.objects.filter(user=user).delete()
        record_event(None, "enrolments.erased", count=len(pairs) + rest)


# ---------------------------------------------------------------------------
# Imports


@dataclass
class ImportOutcome:
    errors: list[importer.RowError] = field(default_factory=list)
    opportunities_created: int = 0
    sessions_created: int = 0
    # What the file creates, changes and leaves alone (importer.ChangePlan.summary).
    summary: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = ""
    # The catalogue changed between the preview and the confirmation: nothing was
    # written, and ``summary`` is the new preview.
    stale: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.stale


def _plan_import(
    provider: Provider,
    table: importer.Table,
    on_progress: Callable[[int], None] | None,
) -> tuple[list[importer.RowError], importer.ChangePlan]:
    """Check every row, then compare with the provider's catalogue. No writes."""
    city = provider.city
    own = for_city(Opportunity, city).filter(provider=provider)
    plan = importer.check_table(
        table,
        city=city,
        sites={site.slug: site for site in for_city(LearningSite, city)},
        # Other providers' slugs: a file cannot change their opportunities.
        taken_slugs=set(
            for_city(Opportunity, city).exclude(provider=provider).values_list("slug", flat=True)
        ),
        on_progress=on_progress,
        progress_every=PROGRESS_EVERY,
    )
    if plan.errors:
        return plan.errors, importer.ChangePlan()
    return [], importer.plan_changes(plan, own.prefetch_related("sessions"))


def preview_import(
    *,
    provider: Provider,
    table: importer.Table,
    on_progress: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """What importing ``table`` would create, change and leave alone; writes nothing."""
    errors, changes = _plan_import(provider, table, on_progress)
    if errors:
        return ImportOutcome(errors=errors)
    return ImportOutcome(summary=changes.summary(), fingerprint=changes.fingerprint())


def import_opportunities(
    *,
    actor: User | None,
    provider: Provider,
    table: importer.Table,
    on_progress: Callable[[int], None] | None = None,
    before_saving: Callable[[], None] | None = None,
    expected_fingerprint: str = "",
    on_saved: Callable[[ImportOutcome], None] | None = None,
) -> ImportOutcome:
    """Check every row first; create or update all of them in one transaction, or none.

    ``on_progress(rows_checked)`` is called while checking; ``before_saving`` once
    every row has passed, just before the (single) write transaction. With
    ``expected_fingerprint`` (the confirmed preview's), a plan that differs from the
    preview is not applied: the outcome is ``stale`` and carries the new preview.
    ``on_saved(outcome)`` runs inside the write transaction, after the rows: what it
    writes commits with them (a background job's "done", see ``catalogue.jobs``), and
    if it raises, nothing is saved."""
    city = provider.city
    errors, changes = _plan_import(provider, table, on_progress)
    if errors:
        record_event(
            actor,
            "opportunities.import_refused",
            city=city,
            target=provider.slug,
            errors=len(errors),
        )
        return ImportOutcome(errors=errors)
    fingerprint = changes.fingerprint()
    if expected_fingerprint and fingerprint != expected_fingerprint:
        return ImportOutcome(summary=changes.summary(), fingerprint=fingerprint, stale=True)
    if before_saving is not None:
        before_saving()
    try:
        with transaction.atomic():
            outcome = _save_import(actor, provider, changes)
            if on_saved is not None:
                on_saved(outcome)  # a job's "done" commits with the rows, or neither does
    except (IntegrityError, ValidationError):
        return ImportOutcome(
            errors=[
                importer.RowError(
                    0,
                    "",
                    _(
                        "Someone changed these opportunities while the file was being "
                        "checked. Nothing was imported; please try again."
                    ),
                )
            ]
        )
    outcome.fingerprint = fingerprint
    return outcome


# After this many new rows the planner's statistics are refreshed (see core.db).
LARGE_IMPORT_ROWS = 1000


@transaction.atomic
def _save_import(
    actor: User | None, provider: Provider, changes: importer.ChangePlan
) -> ImportOutcome:
    created = _create_imported(provider, changes.of("create"))
    updated = changes.of("change")
    for change in updated:
        _update_imported(actor, change)
    sessions_created = sum(len(change.new_sessions) for change in changes.opportunities)
    if sessions_created >= LARGE_IMPORT_ROWS:
        transaction.on_commit(refresh_planner_statistics)
    summary = changes.summary()
    record_event(
        actor,
        "opportunities.imported",
        city=provider.city,
        target=provider.slug,
        opportunities=created,
        sessions=sessions_created,
        opportunities_changed=len(updated),
        sessions_changed=summary["sessions"]["change"],
    )
    return ImportOutcome(
        opportunities_created=created, sessions_created=sessions_created, summary=summary
    )


def _create_imported(provider: Provider, creates: list[importer.OpportunityChange]) -> int:
    now, zone = timezone.now(), provider.city.tzinfo
    opportunities, sessions = [], []
    for change in creates:
        own_sessions = [Session(**fields) for fields in change.new_sessions]
        # The finder's schedule fields are worked out before the insert, from the
        # sessions in memory: cheaper than refreshing 10,000 rows afterwards.
        facts = derive_schedule(own_sessions, zone, now)
        opportunity = Opportunity(
            city=provider.city,
            provider=provider,
            weekdays=facts.weekdays,
            times_of_day=facts.times_of_day,
            next_start=facts.next_start,
            **change.fields,
        )
        opportunities.append(opportunity)
        sessions.append((opportunity, own_sessions))
    Opportunity.objects.bulk_create(opportunities, batch_size=1000)
    for opportunity, own_sessions in sessions:
        for session in own_sessions:
            session.opportunity = opportunity
    Session.objects.bulk_create([s for _o, own in sessions for s in own], batch_size=1000)
    return len(opportunities)


def _update_imported(actor: User | None, change: importer.OpportunityChange) -> None:
    """Through the same services as the workspace's forms: seats freed by a larger
    capacity go to the waiting list, a moved session is reminded again, and each
    change is audited."""
    opportunity = change.existing
    assert opportunity is not None  # a "change" always has its opportunity
    if change.changed_fields:
        update_opportunity(actor=actor, opportunity=opportunity, changes=change.changes)
    for item in change.changed_sessions:
        update_session(actor=actor, session=item.session, changes=item.changes)
    new_sessions = [Session(opportunity=opportunity, **fields) for fields in change.new_sessions]
    Session.objects.bulk_create(new_sessions)
    refresh_schedule(opportunity)


def start_import(
    *, actor: User | None, provider: Provider, file_name: str, data: bytes
) -> ImportJob:
    """Record an upload as a job. Small files are checked at once; large ones are queued
    for the background worker and report progress on the job page. Either way the job
    then waits (status ready) for the person to confirm its preview: ``confirm_import``."""
    file_format = importer.file_format_for(file_name)
    job = ImportJob.objects.create(
        city=provider.city,
        provider=provider,
        created_by=actor if actor is not None and actor.is_authenticated else None,
        file_name=file_name[:200],
        file_format=file_format or "",
        data=data,
    )
    record_event(actor, "import.started", city=provider.city, target=str(job.public_id))
    try:
        table = importer.read_table(data, file_format)
    except importer.UnreadableFile as problem:
        _finish_job(job, ImportOutcome(errors=[importer.RowError(0, "", problem.message)]))
        return job
    ImportJob.objects.filter(pk=job.pk).update(total=len(table.rows))
    job.total = len(table.rows)
    if job.total <= INLINE_IMPORT_ROWS:
        run_import_job(job)
        job.refresh_from_db()
    else:
        jobs.queue(job)
    return job


def run_import_job(job: ImportJob) -> bool:
    """Check one pending job and plan it: it ends ready (the preview) or refused.
    Returns False when another worker already took it."""
    if not jobs.claim(job, ImportJobStatus.CHECKING):
        return False
    outcome = _run_safely(
        job,
        lambda table: preview_import(
            provider=job.provider, table=table, on_progress=partial(_record_progress, job.pk)
        ),
    )
    if outcome.ok:
        _ready_job(job, outcome)
    else:
        _finish_job(job, outcome)
    return True


def confirm_import(*, actor: User, job: ImportJob) -> bool:
    """The person confirmed the preview. Small files are saved at once; large ones wait
    for the worker (``apply_import_job``). False when the job was not waiting for this."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.READY).update(
        status=ImportJobStatus.CONFIRMED, progress=0
    )
    if not claimed:
        return False
    record_event(actor, "import.confirmed", city=job.city, target=str(job.public_id))
    job.refresh_from_db()
    if job.total <= INLINE_IMPORT_ROWS:
        apply_import_job(job)
        job.refresh_from_db()
    else:
        jobs.queue(job)
    return True


def apply_import_job(job: ImportJob) -> bool:
    """Save one confirmed job: checked and planned again, and saved only if the plan is
    still the one previewed (otherwise it is ready again, with the new preview).
    Returns False when another worker already took it."""
    if not jobs.claim(job, ImportJobStatus.SAVING):
        return False
    outcome = _run_safely(
        job,
        lambda table: import_opportunities(
            actor=job.created_by,
            provider=job.provider,
            table=table,
            on_progress=partial(_record_progress, job.pk),
            expected_fingerprint=job.plan_fingerprint,
            on_saved=partial(_finish_saved_job, job),
        ),
    )
    if outcome.stale:
        outcome.summary["changed_since_preview"] = True
        _ready_job(job, outcome)
    else:
        _finish_job(job, outcome)
    return True


def _run_safely(job: ImportJob, step: Callable[[importer.Table], ImportOutcome]) -> ImportOutcome:
    try:
        table = importer.read_table(bytes(job.data), job.file_format or None)
        ImportJob.objects.filter(pk=job.pk).update(total=len(table.rows))
        return step(table)
    except importer.UnreadableFile as problem:
        return ImportOutcome(errors=[importer.RowError(0, "", problem.message)])
    except Exception:
        # A job that crashes must still end (the page would poll for ever otherwise).
        logger.exception("import job %s failed", job.public_id)
        return ImportOutcome(
            errors=[
                importer.RowError(
                    0, "", _("Something went wrong on our side. Nothing was imported.")
                )
            ]
        )


def _record_progress(job_pk: int, rows_checked: int) -> None:
    jobs.renew(job_pk, progress=rows_checked)


def _ready_job(job: ImportJob, outcome: ImportOutcome) -> None:
    jobs.held(job).update(
        status=ImportJobStatus.READY,
        summary=outcome.summary,
        plan_fingerprint=outcome.fingerprint,
        progress=job.total,
        lease_expires_at=None,
    )
    job.refresh_from_db()


def _finish_job(job: ImportJob, outcome: ImportOutcome) -> bool:
    """End the job, if this attempt still holds it (``catalogue.jobs.finish``)."""
    finished: dict[str, Any] = {}
    if outcome.ok:
        finished["summary"] = outcome.summary
    written = jobs.finish(
        job,
        status=ImportJobStatus.DONE if outcome.ok else ImportJobStatus.REFUSED,
        errors=[error.as_dict() for error in outcome.errors],
        opportunities_created=outcome.opportunities_created,
        sessions_created=outcome.sessions_created,
        data=b"",  # the file is not needed any more
        **finished,
    )
    job.refresh_from_db()
    return written


def _finish_saved_job(job: ImportJob, outcome: ImportOutcome) -> None:
    """The job's "done", inside the transaction that saved its rows: if another attempt
    has taken the job over, this one's rows are rolled back (never imported twice)."""
    if not _finish_job(job, outcome):
        raise jobs.LeaseLost(str(job.public_id))

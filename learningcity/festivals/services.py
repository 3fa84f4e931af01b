"""Every write of the festivals app goes through one of these functions (``verb_noun``).

Each validates first and raises ``FestivalRefused`` (a message for the person, nothing
saved) or ``ValidationError`` (per field), writes inside one transaction, records an
audit event, and sends its e-mails only after the commit."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from learningcity.catalogue import schedule
from learningcity.catalogue.models import Opportunity, Provider, Session
from learningcity.core import jobs
from learningcity.core.audit import record_event
from learningcity.core.dates import format_when
from learningcity.core.http import absolute_url
from learningcity.core.models import City, User

from . import permissions
from .models import (
    Entry,
    EntryStatus,
    Festival,
    FestivalEvent,
    PrintStatus,
    ProgrammePrint,
)

logger = logging.getLogger(__name__)

# At most this many dates of one session go into a festival (a daily rule over a
# long festival is still a readable programme).
MAX_DATES_PER_SESSION = 60


class FestivalRefused(Exception):
    """The action cannot be done; ``message`` says why, in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------
# Festivals

# In the order the form shows them (festivals.forms reads this list).
FESTIVAL_FIELDS = (
    "name",
    "slug",
    "description",
    "starts_on",
    "ends_on",
    "submissions_open_on",
    "submissions_close_on",
    "status",
)


@transaction.atomic
def create_festival(*, actor: User, city: City, fields: dict[str, Any]) -> Festival:
    _require_coordinator(actor, city)
    festival = Festival(city=city, **_only_festival_fields(fields))
    _save_checked(festival)
    record_event(actor, "festival.created", city=city, target=festival.slug)
    return festival


@transaction.atomic
def update_festival(*, actor: User, festival: Festival, changes: dict[str, Any]) -> Festival:
    _require_coordinator(actor, festival.city)
    changes = _only_festival_fields(changes)
    dates_changed = any(
        getattr(festival, name) != changes[name]
        for name in ("starts_on", "ends_on")
        if name in changes
    )
    for name, value in changes.items():
        setattr(festival, name, value)
    festival.programme_version += 1
    _save_checked(festival)
    if dates_changed:
        # Dates outside the new days leave the programme; dates now inside join it.
        for entry in festival.entries.filter(status=EntryStatus.ACCEPTED):
            _rebuild_events(entry)
    record_event(
        actor, "festival.updated", city=festival.city, target=festival.slug, fields=sorted(changes)
    )
    return festival


def _only_festival_fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name in FESTIVAL_FIELDS}


def _save_checked(festival: Festival) -> None:
    errors: dict[str, str] = {}
    if festival.starts_on and festival.ends_on and festival.ends_on < festival.starts_on:
        errors["ends_on"] = _("The last day cannot be before the first day.")
    if (
        festival.submissions_open_on
        and festival.submissions_close_on
        and festival.submissions_close_on < festival.submissions_open_on
    ):
        errors["submissions_close_on"] = _("Submissions cannot close before they open.")
    elif (
        festival.submissions_close_on
        and festival.ends_on
        and festival.submissions_close_on > festival.ends_on
    ):
        errors["submissions_close_on"] = _("Submissions must close by the festival's last day.")
    if errors:
        raise ValidationError(errors)
    try:
        festival.full_clean()
    except ValidationError as error:
        if "__all__" in getattr(error, "error_dict", {}) and "slug" not in error.error_dict:
            raise ValidationError(
                {"slug": _("Another festival of this city already uses this address name.")}
            ) from None
        raise
    festival.save()


def _require_coordinator(actor: User, city: City) -> None:
    if not permissions.can_manage_festivals(actor, city):
        raise FestivalRefused(_("Only the city's coordinators can do this."))


def _bump(festival_id: int) -> None:
    Festival.objects.filter(pk=festival_id).update(programme_version=F("programme_version") + 1)


# ---------------------------------------------------------------------------
# Dates within a festival


def festival_window(festival: Festival) -> tuple[datetime, datetime]:
    """From the first day's midnight to the midnight after the last day, in the city's
    time zone."""
    zone = festival.city.tzinfo
    start = datetime.combine(festival.starts_on, time.min, tzinfo=zone)
    end = datetime.combine(festival.ends_on + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def dates_within(session: Session, festival: Festival) -> list[schedule.Occurrence]:
    """The dates of ``session`` that begin during the festival."""
    start, end = festival_window(festival)
    found = schedule.occurrences(
        session, festival.city.tzinfo, start=start, end=end, limit=MAX_DATES_PER_SESSION
    )
    return [occurrence for occurrence in found if occurrence.starts_at >= start]


# ---------------------------------------------------------------------------
# Submissions


@dataclass(frozen=True)
class Submission:
    festival: Festival
    provider: Provider
    opportunity: Opportunity
    sessions: list[Session]
    note: str = ""


def submission_problem(actor: User, submission: Submission) -> str | None:
    """Why this submission cannot be made, in plain words; None when it can."""
    festival, provider, opportunity = (
        submission.festival,
        submission.provider,
        submission.opportunity,
    )
    if provider.city_id != festival.city_id:
        return _("This festival belongs to another city.")
    if not permissions.can_submit_for(actor, provider):
        return _("Only the staff of %(provider)s can submit its events.") % {
            "provider": provider.name
        }
    if opportunity.city_id != festival.city_id:
        return _("This opportunity belongs to another city.")
    if opportunity.provider_id != provider.pk:
        return _(
            "This opportunity is offered by another provider: only its own staff can submit it."
        )
    return _window_problem(festival) or _opportunity_problem(submission)


def _window_problem(festival: Festival) -> str | None:
    if not festival.is_published:
        return _("This festival is not taking submissions.")
    today = festival.local_today()
    if today < festival.submissions_open_on:
        return _("Submissions open on %(date)s.") % {
            "date": format_when(festival.submissions_open_on)
        }
    if today > festival.submissions_close_on:
        return _("Submissions closed on %(date)s: the programme is being finished.") % {
            "date": format_when(festival.submissions_close_on)
        }
    return None


def _opportunity_problem(submission: Submission) -> str | None:
    festival, opportunity = submission.festival, submission.opportunity
    if not opportunity.is_published:
        return _("Publish this opportunity first: the programme links to its page.")
    existing = Entry.objects.filter(festival=festival, opportunity=opportunity).first()
    if existing is not None:
        return _("“%(title)s” was already submitted to this festival (%(status)s).") % {
            "title": opportunity.title,
            "status": existing.get_status_display(),
        }
    if not submission.sessions:
        return _("Choose at least one session that takes place during the festival.")
    first, last = format_when(festival.starts_on), format_when(festival.ends_on)
    for session in submission.sessions:
        if session.opportunity_id != opportunity.pk:
            return _("A chosen session belongs to another opportunity.")
        starts = format_when(session.starts_at.astimezone(festival.city.tzinfo), "medium")
        if session.is_cancelled:
            return _("The session of %(date)s is cancelled.") % {"date": starts}
        if not dates_within(session, festival):
            return _(
                "The session of %(date)s has no date during the festival (%(first)s to %(last)s)."
            ) % {"date": starts, "first": first, "last": last}
    return None


def submit_opportunity(*, actor: User, submission: Submission) -> Entry:
    """Submit an opportunity with some of its sessions; refused with a message (and
    nothing saved) when anything is wrong."""
    problem = submission_problem(actor, submission)
    if problem:
        raise FestivalRefused(problem)
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                festival=submission.festival,
                opportunity=submission.opportunity,
                provider=submission.provider,
                note=submission.note[:500],
                submitted_by=actor,
            )
            entry.sessions.set(submission.sessions)
            record_event(
                actor,
                "festival.submitted",
                city=submission.festival.city,
                target=submission.festival.slug,
                opportunity=submission.opportunity.slug,
            )
    except IntegrityError:
        # Two submits at once: the unique constraint keeps one, this one says why.
        raise FestivalRefused(
            _("“%(title)s” was already submitted to this festival.")
            % {"title": submission.opportunity.title}
        ) from None
    return entry


@transaction.atomic
def decide_entry(*, actor: User, entry: Entry, accept: bool, reason: str = "") -> Entry:
    """Accept or refuse a submission; a refusal needs a reason, which the provider is
    told by e-mail (an acceptance too)."""
    festival = entry.festival
    _require_coordinator(actor, festival.city)
    reason = " ".join(str(reason or "").split())
    if not accept and not reason:
        raise FestivalRefused(_("Say why it is not accepted: the provider is told your reason."))
    if len(reason) > 500:
        raise FestivalRefused(_("Keep the reason under 500 characters."))
    if "\x00" in reason:
        raise FestivalRefused(_("The reason contains a character that cannot be saved."))
    locked = Entry.objects.select_for_update().get(pk=entry.pk)
    was_accepted = locked.status == EntryStatus.ACCEPTED
    entry.status = EntryStatus.ACCEPTED if accept else EntryStatus.REJECTED
    entry.reason = reason
    entry.decided_by = actor
    entry.decided_at = timezone.now()
    entry.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    _rebuild_events(entry)
    if accept or was_accepted:
        _bump(festival.pk)
    record_event(
        actor,
        "festival.accepted" if accept else "festival.rejected",
        city=festival.city,
        target=festival.slug,
        opportunity=entry.opportunity.slug,
    )
    transaction.on_commit(partial(send_decision_email, entry.pk))
    return entry


def _rebuild_events(entry: Entry) -> int:
    """The entry's programme dates, from its sessions as they are now (none unless
    accepted). Returns how many there are."""
    FestivalEvent.objects.filter(entry=entry).delete()
    if entry.status != EntryStatus.ACCEPTED:
        return 0
    festival = entry.festival
    opportunity = entry.opportunity
    zone = festival.city.tzinfo
    rows = []
    sessions = entry.sessions.select_related("site__district", "opportunity__site__district")
    for session in sessions:
        if session.is_cancelled:
            continue
        place = session.place
        for occurrence in dates_within(session, festival):
            rows.append(
                FestivalEvent(
                    festival=festival,
                    entry=entry,
                    session=session,
                    site=place,
                    district=place.district if place is not None else None,
                    day=occurrence.starts_at.astimezone(zone).date(),
                    starts_at=occurrence.starts_at,
                    ends_at=occurrence.ends_at,
                    topics=opportunity.topics,
                    target_groups=opportunity.target_groups,
                )
            )
    FestivalEvent.objects.bulk_create(rows)
    return len(rows)


def rebuild_festival_events(festival: Festival) -> int:
    """Every accepted entry's dates again (after bulk changes made without signals)."""
    total = 0
    for entry in festival.entries.filter(status=EntryStatus.ACCEPTED).select_related(
        "opportunity", "festival__city"
    ):
        total += _rebuild_events(entry)
    _bump(festival.pk)
    return total


def session_saved(sender: type, instance: Session, raw: bool = False, **kwargs: Any) -> None:
    """Signal: a session was saved; the festivals it is accepted in follow it."""
    if raw:
        return
    entries = Entry.objects.filter(sessions=instance, status=EntryStatus.ACCEPTED).select_related(
        "festival__city", "opportunity"
    )
    for entry in entries:
        _rebuild_events(entry)
        _bump(entry.festival_id)


def opportunity_saved(
    sender: type, instance: Opportunity, raw: bool = False, **kwargs: Any
) -> None:
    """Signal: an opportunity was saved; its festival dates keep its topics and groups,
    and the printed programmes that show it are out of date."""
    if raw:
        return
    accepted = Entry.objects.filter(opportunity=instance, status=EntryStatus.ACCEPTED)
    festival_ids = list(accepted.values_list("festival_id", flat=True))
    if not festival_ids:
        return
    FestivalEvent.objects.filter(entry__in=accepted).update(
        topics=instance.topics, target_groups=instance.target_groups
    )
    Festival.objects.filter(pk__in=festival_ids).update(
        programme_version=F("programme_version") + 1
    )


# ---------------------------------------------------------------------------
# E-mail to the provider


def _recipients(entry: Entry) -> list[str]:
    addresses = [entry.provider.email]
    if entry.submitted_by is not None:
        addresses.append(entry.submitted_by.email)
    return list(dict.fromkeys(address for address in addresses if address))


def _email_language(entry: Entry) -> str:
    known = {code for code, _name in settings.LANGUAGES}
    preferred = entry.submitted_by.preferred_language if entry.submitted_by else ""
    for code in (preferred, entry.festival.city.primary_language):
        if code in known:
            return code
    return str(settings.LANGUAGE_CODE)


def send_decision_email(entry_pk: int) -> bool:
    """Tell the provider (its contact address and the person who submitted) what the
    city decided. A mail failure is logged; the decision is already saved."""
    entry = (
        Entry.objects.select_related("festival__city", "opportunity", "provider", "submitted_by")
        .filter(pk=entry_pk)
        .first()
    )
    if entry is None:
        return False
    recipients = _recipients(entry)
    if not recipients:
        return False
    festival = entry.festival
    from django.urls import reverse

    with translation.override(_email_language(entry)):
        context = {
            "entry": entry,
            "festival": festival,
            "accepted": entry.status == EntryStatus.ACCEPTED,
            "site_name": settings.SITE_NAME,
            "programme_url": absolute_url(
                reverse("festivals:programme", args=[festival.city.slug, festival.slug])
            ),
            "submit_url": absolute_url(
                reverse("festivals:submit", args=[festival.city.slug, festival.slug])
            ),
        }
        subject = render_to_string("festivals/emails/decision_subject.txt", context)
        body = render_to_string("festivals/emails/decision.txt", context)
    message = EmailMessage(subject=" ".join(subject.split()), body=body, to=recipients)
    try:
        message.send()
    except Exception:
        logger.exception("could not send the festival decision for entry %s", entry.public_id)
        return False
    return True


# ---------------------------------------------------------------------------
# The printable programme


def programme_stamp(festival: Festival) -> str:
    """Which state of the festival a printed programme shows: every service that
    changes the programme bumps ``programme_version``."""
    fresh = Festival.objects.filter(pk=festival.pk).values_list("programme_version", flat=True)
    version = fresh.first() or festival.programme_version
    return f"v{version}"


def current_print(festival: Festival, language: str) -> ProgrammePrint | None:
    """The newest print of this festival in ``language`` for its current state."""
    return (
        ProgrammePrint.objects.filter(
            festival=festival, language=language, stamp=programme_stamp(festival)
        )
        .exclude(status=PrintStatus.FAILED)
        .first()
    )


def request_programme_print(*, festival: Festival, language: str) -> ProgrammePrint:
    """The ready or running print for the festival's current state, or a new one
    queued for the task queue (after the commit, so the worker finds the row)."""
    existing = current_print(festival, language)
    if existing is not None:
        return existing
    with transaction.atomic():
        job = jobs.request_file(
            ProgrammePrint,
            _queue_print,
            festival=festival,
            language=language,
            stamp=programme_stamp(festival),
        )
        record_event(None, "festival.print_requested", city=festival.city, target=festival.slug)
    return job


def _queue_print(job_pk: int) -> None:
    from .tasks import print_programme

    print_programme(job_pk)


def revive_stalled_print(job: ProgrammePrint) -> ProgrammePrint:
    """A print whose worker stopped renewing its lease (killed, or its task lost) is
    queued again, or failed after ``JOB_ATTEMPTS`` tries. Called when its page is
    looked at, so a waiting visitor never depends on the schedule."""
    return jobs.revive_if_stalled(job, _queue_print)


def reap_stalled_prints() -> int:
    """Prints whose worker died, found every minute from ``periodic.py`` even when
    nobody looks at their page: queued again, or failed with the reason "stalled"."""
    return jobs.reap_stalled(ProgrammePrint, _queue_print)


def delete_old_prints(festival: Festival, language: str, keep: Iterable[int]) -> None:
    """Files of earlier states of the festival are not needed any more."""
    jobs.delete_files(
        ProgrammePrint.objects.filter(festival=festival, language=language).exclude(
            pk__in=list(keep)
        )
    )

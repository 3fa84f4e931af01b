"""Demo festivals for the demo city, built from the demo catalogue's opportunities:

- a past festival (two weeks ago), its accepted events with people who joined and
  who attended, so its figures have something to show;
- an upcoming festival (in about three weeks) taking submissions now, with accepted,
  waiting and one refused submission (with its reason).

Written directly (no e-mails to the invented providers); the programme dates are
made by the same function the services use."""

from datetime import timedelta

from django.utils import timezone

from learningcity.catalogue.models import Enrolment, EnrolmentStatus, Opportunity, Session
from learningcity.core.demo import DEMO_EMAIL_DOMAIN, DemoContext

from . import services
from .models import Entry, EntryStatus, Festival, FestivalStatus

SIZES = {"small": (60, 90, 12), "large": (200, 300, 25)}  # past, upcoming accepted, pending

DESCRIPTION = (
    "A week of free learning all over the city: libraries, parks, museums and "
    "community centres open their doors.\n\n"
    "- talks, workshops and walks for every age\n"
    "- most events need no booking\n"
)


def seed_demo(context: DemoContext) -> None:
    city = context.demo_city
    if not Opportunity.objects.filter(city=city).exists():
        return
    today = timezone.now().astimezone(city.tzinfo).date()
    coordinator = context.accounts.get("coordinator")
    past_count, upcoming_count, pending_count = SIZES[context.size]
    past = Festival.objects.create(
        city=city,
        slug="festival-del-aprendizaje-pasado",
        name="Festival del Aprendizaje (past edition)",
        description=DESCRIPTION,
        starts_on=today - timedelta(days=14),
        ends_on=today - timedelta(days=8),
        submissions_open_on=today - timedelta(days=45),
        submissions_close_on=today - timedelta(days=20),
        status=FestivalStatus.PUBLISHED,
    )
    upcoming = Festival.objects.create(
        city=city,
        slug="festival-del-aprendizaje",
        name="Festival del Aprendizaje",
        description=DESCRIPTION,
        starts_on=today + timedelta(days=20),
        ends_on=today + timedelta(days=26),
        submissions_open_on=today - timedelta(days=10),
        submissions_close_on=today + timedelta(days=12),
        status=FestivalStatus.PUBLISHED,
    )
    past_entries = _entries(context, past, past_count, 0, coordinator)
    _attendance(context, past_entries)
    _entries(context, upcoming, upcoming_count, pending_count, coordinator)
    context.log(
        f"festivals: {past.name}: {past.events.count()} events; "
        f"{upcoming.name}: {upcoming.events.count()} events, "
        f"{upcoming.entries.filter(status=EntryStatus.PENDING).count()} waiting"
    )


def _candidates(festival: Festival) -> list[tuple[Opportunity, list[Session]]]:
    """Published opportunities of the city with sessions during the festival."""
    start, end = services.festival_window(festival)
    sessions = (
        Session.objects.filter(
            opportunity__city=festival.city,
            opportunity__is_published=True,
            is_cancelled=False,
            starts_at__lt=end,
        )
        .select_related("opportunity", "opportunity__site", "site")
        .order_by("opportunity_id", "starts_at")
    )
    found: dict[int, tuple[Opportunity, list[Session]]] = {}
    for session in sessions.iterator(chunk_size=2000):
        if session.recurrence == "" and session.starts_at < start:
            continue
        if services.dates_within(session, festival):
            found.setdefault(session.opportunity_id, (session.opportunity, []))[1].append(session)
    return list(found.values())


def _entries(
    context: DemoContext, festival: Festival, accepted: int, pending: int, coordinator: object
) -> list[Entry]:
    candidates = _candidates(festival)
    order = context.rng.permutation(len(candidates))
    chosen = [candidates[int(index)] for index in order[: accepted + pending + 1]]
    staff = context.accounts.get("provider")
    made = []
    for number, (opportunity, sessions) in enumerate(chosen):
        if number < accepted:
            status, reason = EntryStatus.ACCEPTED, ""
        elif number < accepted + pending:
            status, reason = EntryStatus.PENDING, ""
        else:
            status = EntryStatus.REJECTED
            reason = (
                "The festival's programme is full on that evening; please offer a daytime date."
            )
        entry = Entry.objects.create(
            festival=festival,
            opportunity=opportunity,
            provider=opportunity.provider,
            status=status,
            reason=reason,
            submitted_by=staff,
            decided_by=coordinator if status != EntryStatus.PENDING else None,  # type: ignore[misc]
            decided_at=timezone.now() if status != EntryStatus.PENDING else None,
        )
        entry.sessions.set(sessions)
        services._rebuild_events(entry)
        made.append(entry)
    return [entry for entry in made if entry.status == EntryStatus.ACCEPTED]


def _attendance(context: DemoContext, entries: list[Entry]) -> None:
    """People who joined the past festival's sessions; most came."""
    rows = []
    number = 0
    for entry in entries:
        for session in entry.sessions.all():
            for _person in range(int(context.rng.integers(2, 12))):
                number += 1
                came = context.rng.random() < 0.72
                rows.append(
                    Enrolment(
                        session=session,
                        guest_name=f"Festival visitor {number}",
                        guest_email=f"festival-visitor-{number}@{DEMO_EMAIL_DOMAIN}",
                        status=EnrolmentStatus.ATTENDED if came else EnrolmentStatus.CONFIRMED,
                        language="es",
                    )
                )
    Enrolment.objects.bulk_create(rows, batch_size=2000)

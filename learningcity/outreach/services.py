"""Every write of the outreach app: imports, vehicles, plan runs, publishing, cancelling."""

import logging
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from learningcity.catalogue import services as catalogue_services
from learningcity.catalogue.models import LearningSite, Session, SiteKind
from learningcity.core.audit import record_event
from learningcity.core.models import City, District, User
from learningcity.core.tenancy import for_city
from learningcity.engines.outreach.inputs import InputError
from learningcity.engines.outreach.routing import RoutingError

from . import importer, jobs, planner
from .models import CandidateStop, DemandBlock, PlanRun, RunStatus, Stage, Vehicle, Visit

logger = logging.getLogger(__name__)

MAX_WEEKS = 26


# ---- imports -------------------------------------------------------------------------


def import_places(
    *, actor: User, city: City, kind: str, data: bytes, file_name: str
) -> tuple[int, list[dict[str, Any]]]:
    """Replace the city's demand blocks (``kind="demand"``) or candidate stops with the
    file's rows: all of them, or none when any row has a fault. Returns the count
    saved and the faults (row, column, message)."""
    checked = importer.check_file(data, file_name, kind, city)
    if checked.errors:
        return 0, [asdict(error) for error in checked.errors]
    with transaction.atomic():
        if kind == "demand":
            for_city(DemandBlock, city).delete()
            DemandBlock.objects.bulk_create(
                [DemandBlock(city=city, **fields) for fields in checked.rows]
            )
            event = "outreach.demand_imported"
        else:
            for_city(CandidateStop, city).delete()
            CandidateStop.objects.bulk_create(
                [CandidateStop(city=city, **fields) for fields in checked.rows]
            )
            event = "outreach.candidates_imported"
        record_event(actor, event, city=city, target=file_name, rows=len(checked.rows))
    return len(checked.rows), []


@transaction.atomic
def create_vehicle(*, actor: User, city: City, fields: dict[str, Any]) -> Vehicle:
    vehicle = Vehicle(city=city, **fields)
    vehicle.full_clean()
    km = importer.km_between(
        vehicle.depot_latitude, vehicle.depot_longitude, city.latitude, city.longitude
    )
    if km > importer.MAX_KM_FROM_CITY:
        raise ValidationError(
            {
                "depot_latitude": _(
                    "The depot is %(km)s km from %(city)s. Check its latitude and longitude "
                    "(are they swapped, or is a minus sign missing?)."
                )
                % {"km": round(km), "city": city.name}
            }
        )
    if vehicle.ends_at <= vehicle.starts_at:
        raise ValidationError({"ends_at": _("The working day must end after it starts.")})
    if not vehicle.days:
        raise ValidationError({"days": _("Choose at least one day.")})
    vehicle.save()
    record_event(actor, "outreach.vehicle_created", city=city, target=vehicle.name)
    return vehicle


@transaction.atomic
def delete_vehicle(*, actor: User, vehicle: Vehicle) -> None:
    record_event(actor, "outreach.vehicle_deleted", city=vehicle.city, target=vehicle.name)
    vehicle.delete()


# ---- plan runs -----------------------------------------------------------------------


def start_plan_run(*, actor: User | None, city: City, parameters: dict[str, Any]) -> PlanRun:
    """Check the inputs (``planner.PlanProblem`` names the one to change), then store
    the run and queue it for a worker once the request commits."""
    planner.check_inputs(city, planner.Parameters.from_json(parameters))
    with transaction.atomic():
        run = PlanRun.objects.create(
            city=city,
            created_by=actor,
            parameters=parameters,
            stage=Stage.WAITING,
        )
        record_event(actor, "outreach.plan_started", city=city, target=str(run.public_id))
        jobs.queue(run)
    return run


def run_plan(run: PlanRun) -> PlanRun:
    """Solve a waiting run (the worker's side). Does nothing if another worker has it."""
    if not jobs.claim(run):
        return run

    def progress(percent: int, stage: Stage) -> None:
        jobs.renew(run, progress_percent=percent, stage=stage)

    try:
        result = planner.solve(run.city, planner.Parameters.from_json(run.parameters), progress)
    except (planner.PlanProblem, InputError, RoutingError) as problem:
        jobs.finish(run, status=RunStatus.FAILED, error=str(problem), stage="")
    except Exception:  # a bug must not leave the run "solving" for ever
        logger.exception("outreach plan run %s failed", run.public_id)
        jobs.finish(
            run,
            status=RunStatus.FAILED,
            error=_("The planner stopped with an unexpected error. Try again later."),
            stage="",
        )
    else:
        jobs.finish(
            run,
            status=RunStatus.DONE,
            result=result,
            progress_percent=100,
            stage=Stage.DONE,
        )
    run.refresh_from_db()
    return run


# ---- publishing ------------------------------------------------------------------------


def _nearest_district(city: City, latitude: float, longitude: float) -> District | None:
    districts = list(for_city(District, city))
    if not districts:
        return None
    return min(
        districts,
        key=lambda d: importer.km_between(latitude, longitude, d.latitude, d.longitude),
    )


def _stop_site(actor: User, city: City, stop: dict[str, Any]) -> LearningSite:
    """The catalogue site of a chosen stop: created once, found again next time."""
    candidate = for_city(CandidateStop, city).filter(pk=stop["candidate"]).first()
    name = candidate.name if candidate else str(stop["name"])
    slug = f"stop-{slugify(name)[:80] or 'place'}"
    existing = for_city(LearningSite, city).filter(slug=slug).first()
    fields = {
        "name": name[:160],
        "kind": SiteKind.MOBILE_LIBRARY_STOP,
        "address": (candidate.address if candidate else "")[:240],
        "latitude": float(stop["lat"]),
        "longitude": float(stop["lon"]),
        "district": _nearest_district(city, float(stop["lat"]), float(stop["lon"])),
    }
    if existing is not None:
        return catalogue_services.update_site(actor=actor, site=existing, changes=fields)
    return catalogue_services.create_site(
        actor=actor, city=city, provider=None, fields={"slug": slug, **fields}
    )


def _at(city: City, day: date, hhmm: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=city.tzinfo)


@transaction.atomic
def publish_run(*, actor: User, run: PlanRun, weeks: int, first_day: date | None = None) -> int:
    """Make the run's stops catalogue sites and their visits for the next ``weeks``
    weeks (from tomorrow). Upcoming visits of earlier plans are replaced; past and
    cancelled ones stay (a cancellation notice must not vanish). Returns the visits."""
    if run.status != RunStatus.DONE:
        raise ValidationError(_("Only a finished plan can be published."))
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValidationError(
            {"weeks": _("Publish between 1 and %(max)s weeks.") % {"max": MAX_WEEKS}}
        )
    city = run.city
    first_day = first_day or timezone.localdate(timezone=city.tzinfo) + timedelta(days=1)
    first_moment = _at(city, first_day, "00:00")
    for_city(Visit, city).filter(starts_at__gte=first_moment, is_cancelled=False).exclude(
        run=run
    ).delete()
    for_city(Visit, city).filter(run=run, starts_at__gte=first_moment).delete()
    sites = {stop["candidate"]: _stop_site(actor, city, stop) for stop in run.result["chosen"]}
    vehicles = {v.pk: v for v in for_city(Vehicle, city)}
    visits = []
    for offset in range(weeks * 7):
        day = first_day + timedelta(days=offset)
        for route in run.result["routes"]:
            if route["day"] != day.weekday():
                continue
            for stop in route["visits"]:
                visits.append(
                    Visit(
                        site=sites[stop["candidate"]],
                        run=run,
                        vehicle=vehicles.get(route["vehicle"]),
                        starts_at=_at(city, day, stop["arrive"]),
                        ends_at=_at(city, day, stop["depart"]),
                    )
                )
    Visit.objects.bulk_create(visits)
    PlanRun.objects.filter(pk=run.pk).update(published_at=timezone.now())
    record_event(
        actor, "outreach.plan_published", city=city, target=str(run.public_id), visits=len(visits)
    )
    return len(visits)


@transaction.atomic
def cancel_visit(*, actor: User, visit: Visit, reason: str) -> int:
    """Cancel a visit with the reason residents see; learning sessions held at the
    stop during the visit are cancelled with it (the catalogue tells the people
    enrolled). A repeating session is left alone: one of its dates cannot be
    cancelled on its own. Returns how many sessions were cancelled."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": _("Say why, so residents know what happened.")})
    visit = Visit.objects.select_for_update().select_related("site__city").get(pk=visit.pk)
    if visit.is_cancelled:
        return 0
    visit.is_cancelled = True
    visit.cancel_reason = reason[:300]
    visit.save(update_fields=["is_cancelled", "cancel_reason"])
    city = visit.site.city
    during = for_city(Session, city).filter(
        Q(site=visit.site) | Q(site__isnull=True, opportunity__site=visit.site),
        starts_at__lt=visit.ends_at,
        ends_at__gt=visit.starts_at,
        recurrence="",
        is_cancelled=False,
    )
    sessions = list(during)
    for session in sessions:
        catalogue_services.cancel_session(actor=actor, session=session)
    record_event(
        actor,
        "outreach.visit_cancelled",
        city=city,
        target=str(visit.public_id),
        sessions=len(sessions),
    )
    return len(sessions)


# ---- personal data -----------------------------------------------------------------------


def export_plan_runs_of(user: User) -> dict[str, Any]:
    """The plans a person started (the only personal link the app keeps)."""
    runs = PlanRun.objects.filter(created_by=user).select_related("city")
    return {
        "outreach_plans": [
            {
                "city": run.city.slug,
                "plan": str(run.public_id),
                "started_at": run.created_at.isoformat(),
                "published": run.published_at is not None,
            }
            for run in runs
        ]
    }


def erase_plan_runs_of(user: User) -> None:
    """A plan is the city's record: it stays, without the link to who started it."""
    count = PlanRun.objects.filter(created_by=user).update(created_by=None)
    record_event(None, "outreach.plans_unlinked", count=count)

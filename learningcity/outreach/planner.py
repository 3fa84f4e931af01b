"""From the city's rows to the engine and back: one plan, stops then routes.

The engine (``engines.outreach``) knows nothing of cities: here demand blocks become
demand points (one per block and group, with the group's weight and walking radius),
candidate stops become candidates (globe coordinates, haversine distances), and for
routing every place is projected onto a local plane in metres around the city's
centre (an equirectangular projection: within a city's few tens of kilometres it is
right to a fraction of a percent, far below what a street network changes).
The result is a plain dict, stored on the ``PlanRun`` as JSON.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import time
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from learningcity.core.models import City, District
from learningcity.core.tenancy import for_city
from learningcity.engines.outreach import routing
from learningcity.engines.outreach.geometry import EARTH_RADIUS_M, Frame, Points
from learningcity.engines.outreach.inputs import Demand
from learningcity.engines.outreach.stops import Objective, plan_stops

from .models import CandidateStop, DemandBlock, Group, Stage, Vehicle

Progress = Callable[[int, Stage], None]

WHOLE_DAY = (0, 24 * 3600 - 1)
# PyVRP searches until its time limit: two seconds a day finds a city's few dozen
# stops a day well within a minute for the week; a plan may ask for more.
ROUTE_SECONDS_PER_DAY = 2.0


class PlanProblem(ValueError):
    """Input the coordinator must change; the message names it."""


@dataclass(frozen=True)
class Parameters:
    radius: float  # metres, for every group without its own
    stops: int
    objective: str = "coverage"
    weights: tuple[tuple[str, float], ...] = ()
    radius_by_group: tuple[tuple[str, float], ...] = ()
    time_limit: float = 30.0
    route_seconds_per_day: float = ROUTE_SECONDS_PER_DAY

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Parameters":
        return cls(
            radius=float(data["radius"]),
            stops=int(data["stops"]),
            objective=str(data.get("objective", "coverage")),
            weights=tuple((str(k), float(v)) for k, v in data.get("weights", {}).items()),
            radius_by_group=tuple(
                (str(k), float(v)) for k, v in data.get("radius_by_group", {}).items() if v
            ),
            time_limit=float(data.get("time_limit", 30.0)),
            route_seconds_per_day=float(data.get("route_seconds_per_day", ROUTE_SECONDS_PER_DAY)),
        )

    def weight(self, group: str) -> float:
        return dict(self.weights).get(group, 1.0)

    def radius_for(self, group: str) -> float:
        return dict(self.radius_by_group).get(group, self.radius)


@dataclass(frozen=True)
class Resident:
    """People of one group at one place (a demand block, or a district's centre)."""

    latitude: float
    longitude: float
    district: str
    group: str
    people: int


def residents(city: City) -> list[Resident]:
    """Demand blocks by group; a city without blocks falls back to its districts'
    centres (children under five estimated as a third of the 0–14 count)."""
    rows: list[Resident] = []
    blocks = list(for_city(DemandBlock, city).select_related("district"))
    if blocks:
        for block in blocks:
            district = block.district.name if block.district else _("No district")
            for group in Group.values:
                people = int(getattr(block, group))
                if people:
                    rows.append(Resident(block.latitude, block.longitude, district, group, people))
        return rows
    for d in for_city(District, city):
        for group, people in (
            (Group.OLDER.value, d.population_65_plus),
            (Group.DISABLED.value, d.people_with_disabilities),
            (Group.UNDER_FIVE.value, round(d.population_0_14 / 3)),
        ):
            if people:
                rows.append(Resident(d.latitude, d.longitude, d.name, group, people))
    return rows


def check_inputs(city: City, params: Parameters) -> None:
    """Refuse what cannot be planned, naming the input to change."""
    if not (params.radius > 0) or any(not (r > 0) for _g, r in params.radius_by_group):
        raise PlanProblem(_("Walking radius: it must be more than 0 metres."))
    if all(params.weight(group) <= 0 for group in Group.values):
        raise PlanProblem(_("Weights: give at least one group a weight above 0."))
    candidates = for_city(CandidateStop, city).count()
    if candidates == 0:
        raise PlanProblem(_("Candidate stops: import the places a stop could be first."))
    if params.stops < 1:
        raise PlanProblem(_("Number of stops: choose at least 1 stop."))
    if params.stops > candidates:
        raise PlanProblem(
            _(
                "Number of stops: %(stops)s stops asked for but there are only %(count)s "
                "candidate stops. Ask for fewer stops or import more candidates."
            )
            % {"stops": params.stops, "count": candidates}
        )
    required = for_city(CandidateStop, city).filter(required=True).count()
    if required > params.stops:
        raise PlanProblem(
            _(
                "Number of stops: %(required)s candidates must always be stops, so choose "
                "at least %(required)s stops."
            )
            % {"required": required}
        )
    if not for_city(Vehicle, city).exists():
        raise PlanProblem(
            _("Vehicles: add at least one vehicle, with its depot, working hours and days.")
        )
    if not residents(city):
        raise PlanProblem(
            _(
                "Demand blocks: import where older people, people with disabilities and small "
                "children live (or give the city's districts their population)."
            )
        )


def _seconds(value: time) -> int:
    return value.hour * 3600 + value.minute * 60


def _hhmm(seconds: int) -> str:
    seconds = max(0, min(int(seconds), 24 * 3600 - 60))
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def project(city: City, latitude: float, longitude: float) -> tuple[float, float]:
    """Metres east and north of the city's centre."""
    x = (
        math.radians(longitude - city.longitude)
        * EARTH_RADIUS_M
        * math.cos(math.radians(city.latitude))
    )
    y = math.radians(latitude - city.latitude) * EARTH_RADIUS_M
    return (x, y)


def solve(city: City, params: Parameters, progress: Progress) -> dict[str, Any]:
    """Choose the stops, then route the vehicles through them; the result as JSON."""
    check_inputs(city, params)
    progress(5, Stage.READING)
    people = residents(city)
    candidates = list(for_city(CandidateStop, city).order_by("pk"))
    vehicles = list(for_city(Vehicle, city).order_by("pk"))
    demand = Demand(
        Points(
            tuple(str(i) for i in range(len(people))),
            np.array([r.latitude for r in people]),
            np.array([r.longitude for r in people]),
            Frame.GLOBE,
        ),
        np.array([r.people * params.weight(r.group) for r in people], dtype=np.float64),
        np.array([params.radius_for(r.group) for r in people], dtype=np.float64),
    )
    sites = Points(
        tuple(str(c.pk) for c in candidates),
        np.array([c.latitude for c in candidates]),
        np.array([c.longitude for c in candidates]),
        Frame.GLOBE,
    )
    progress(15, Stage.STOPS)
    plan = plan_stops(
        demand,
        sites,
        params.radius,
        params.stops,
        Objective(params.objective),
        required=[str(c.pk) for c in candidates if c.required],
        time_limit=params.time_limit,
    )
    chosen = [candidates[j] for j in plan.chosen]
    covered_people = _covered_by_group(people, demand, sites, list(plan.chosen), params)
    progress(55, Stage.ROUTES)
    week = routing.plan_week(
        [_stop(city, c, vehicles) for c in chosen],
        [_vehicle(city, v) for v in vehicles],
        time_limit_per_day=params.route_seconds_per_day,
    )
    progress(95, Stage.WRITING)
    names = {str(c.pk): c.name for c in candidates}
    vehicle_names = {str(v.pk): v.name for v in vehicles}
    return {
        "chosen": [
            {
                "candidate": c.pk,
                "name": c.name,
                "lat": c.latitude,
                "lon": c.longitude,
                "required": c.required,
            }
            for c in chosen
        ],
        "covered_weight": plan.covered_weight,
        "total_weight": plan.total_weight,
        "coverage_percent": 100 * plan.covered_weight / plan.total_weight
        if plan.total_weight
        else 0.0,
        "covered_by_group": covered_people,
        "objective_value": plan.objective_value,
        "optimal": plan.optimal,
        "gap": plan.gap,
        "seconds": round(plan.seconds, 2),
        "routes": [
            {
                "day": r.day,
                "vehicle": int(r.vehicle_id),
                "vehicle_name": vehicle_names[r.vehicle_id],
                "distance_km": round(r.distance / 1000, 1),
                "start": _hhmm(r.start),
                "end": _hhmm(r.end),
                "visits": [
                    {
                        "candidate": int(v.stop_id),
                        "name": names[v.stop_id],
                        "arrive": _hhmm(v.arrive),
                        "depart": _hhmm(v.depart),
                    }
                    for v in r.visits
                ],
            }
            for r in sorted(week.routes, key=lambda r: (r.day, r.vehicle_id))
        ],
        "unserved": [
            {
                "candidate": int(u.stop_id),
                "name": names[u.stop_id],
                "reason": u.reason,
            }
            for u in week.unserved
        ],
    }


def unserved_message(reason: str, name: str) -> str:
    if reason == "window":
        return _(
            "No vehicle can reach “%(name)s” within its time window and get back to the "
            "depot. Change the stop's time window (or its group) or a vehicle's working hours."
        ) % {"name": name}
    if reason == "no_vehicle":
        return _(
            "No vehicle works on the days “%(name)s” can be visited. Add days to a vehicle."
        ) % {"name": name}
    return _(
        "The vehicles' days are full: “%(name)s” fits in no route. Add a vehicle or working "
        "days, or choose fewer stops."
    ) % {"name": name}


def _covered_by_group(
    people: Sequence[Resident], demand: Demand, sites: Points, chosen: list[int], params: Parameters
) -> dict[str, int]:
    from learningcity.engines.outreach.geometry import distance_matrix

    out = {g: 0 for g in Group.values}
    if not chosen:
        return out
    near = distance_matrix(demand.points, sites.subset(np.asarray(chosen))).min(axis=1)
    for r, d in zip(people, near, strict=True):
        if d <= params.radius_for(r.group):
            out[r.group] += r.people
    return out


def _stop(city: City, candidate: CandidateStop, vehicles: Sequence[Vehicle]) -> routing.Stop:
    window = candidate.window()
    early, late = (_seconds(window[0]), _seconds(window[1])) if window else WHOLE_DAY
    return routing.Stop(
        id=str(candidate.pk),
        point=project(city, candidate.latitude, candidate.longitude),
        early=early,
        late=late,
    )


def _vehicle(city: City, vehicle: Vehicle) -> routing.Vehicle:
    return routing.Vehicle(
        id=str(vehicle.pk),
        depot=project(city, vehicle.depot_latitude, vehicle.depot_longitude),
        start=_seconds(vehicle.starts_at),
        end=_seconds(vehicle.ends_at),
        stop_seconds=int(vehicle.stop_minutes) * 60,
        days=tuple(int(d) for d in vehicle.days),
    )

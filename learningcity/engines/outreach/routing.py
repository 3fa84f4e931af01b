"""Daily routes with time windows (PyVRP) and a weekly plan.

A week is planned in two steps: every stop gets a day (the days its time window and
a vehicle allow, fewest choices first, least-loaded day), then each day is one VRPTW
solved by PyVRP's iterated local search. A stop no route can serve (its window is
shorter than the drive from the depot allows, or no vehicle works on its days) is
reported with the reason; a stop that fits alone but not in its day's routes is
moved to another allowed day, and reported only when no day takes it. Nothing is
dropped silently.

Times are whole seconds from midnight; distances whole metres on a plane.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve
from pyvrp.stop import MaxRuntime

IntMatrix = npt.NDArray[np.int64]

WEEK = tuple(range(7))  # 0 = Monday


@dataclass(frozen=True)
class Vehicle:
    id: str
    depot: tuple[float, float]  # metres
    start: int  # working hours, seconds from midnight
    end: int
    stop_seconds: int  # how long it stays at each stop
    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    speed: float = 25 / 3.6  # metres per second (25 km/h in town)


@dataclass(frozen=True)
class Stop:
    id: str
    point: tuple[float, float]  # metres
    early: int  # time window for the visit's start, seconds from midnight
    late: int
    days: tuple[int, ...] = WEEK  # days this stop may be visited


@dataclass(frozen=True)
class ScheduledVisit:
    stop_id: str
    arrive: int  # seconds from midnight
    depart: int


@dataclass(frozen=True)
class Route:
    vehicle_id: str
    day: int
    visits: tuple[ScheduledVisit, ...]
    distance: int  # metres
    start: int
    end: int


@dataclass(frozen=True)
class Unserved:
    stop_id: str
    reason: str  # "window" | "no_vehicle" | "no_room"


@dataclass
class WeekPlan:
    routes: list[Route] = field(default_factory=list)
    unserved: list[Unserved] = field(default_factory=list)

    @property
    def distance(self) -> int:
        return sum(r.distance for r in self.routes)


class RoutingError(ValueError):
    """Bad routing input: the message says which input to change."""


def _matrix(points: Sequence[tuple[float, float]]) -> IntMatrix:
    xy = np.asarray(points, dtype=np.float64)
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    return np.asarray(np.rint(d), dtype=np.int64)


def fits_alone(stop: Stop, vehicle: Vehicle) -> bool:
    """Can this vehicle drive out, serve the stop inside its window, and be back?"""
    d = math.hypot(stop.point[0] - vehicle.depot[0], stop.point[1] - vehicle.depot[1])
    travel = math.ceil(d / vehicle.speed)
    arrive = max(vehicle.start + travel, stop.early)
    return arrive <= stop.late and arrive + vehicle.stop_seconds + travel <= vehicle.end


def route_day(
    stops: Sequence[Stop], vehicles: Sequence[Vehicle], day: int, time_limit: float, seed: int = 0
) -> tuple[list[Route], list[str]]:
    """Route one day: all vehicles share one depot location list; every stop is
    optional with a prize far above any route's length, so the solver serves all it
    can and the rest come back as unrouted ids (never lost)."""
    if not stops:
        return [], []
    depots = [v.depot for v in vehicles]
    points = depots + [s.point for s in stops]
    dist = _matrix(points)
    # One duration matrix for all: vehicles share the slowest speed (conservative).
    speed = min(v.speed for v in vehicles)
    dur = np.asarray(np.ceil(dist / speed), dtype=np.int64)
    big = int(dist.max()) * (len(points) + 1) + 1
    locations = [Location(x=float(x), y=float(y)) for x, y in points]
    depot_objs = [Depot(location=i) for i in range(len(vehicles))]
    clients = [
        Client(
            location=len(vehicles) + i,
            service_duration=min(v.stop_seconds for v in vehicles),
            tw_early=s.early,
            tw_late=s.late,
            prize=big,
            required=False,
            name=s.id,
        )
        for i, s in enumerate(stops)
    ]
    types = [
        VehicleType(
            num_available=1,
            start_depot=i,
            end_depot=i,
            tw_early=v.start,
            tw_late=v.end,
            name=v.id,
        )
        for i, v in enumerate(vehicles)
    ]
    data = ProblemData(
        locations,
        clients,
        depot_objs,
        types,
        [dist],  # type: ignore[list-item]
        [dur],  # type: ignore[list-item]
    )
    result = solve(data, stop=MaxRuntime(time_limit), seed=seed, collect_stats=False, display=False)
    best = result.best
    routes: list[Route] = []
    served: set[int] = set()
    if best.is_feasible():
        for route in best.routes():
            visits = []
            for act in route.schedule():
                if act.is_client():
                    served.add(act.idx)
                    visits.append(ScheduledVisit(stops[act.idx].id, act.start_time, act.end_time))
            vt = route.vehicle_type()
            routes.append(
                Route(
                    vehicles[vt].id,
                    day,
                    tuple(visits),
                    route.distance(),
                    route.start_time(),
                    route.end_time(),
                )
            )
    unrouted = [s.id for i, s in enumerate(stops) if i not in served]
    return routes, unrouted


def plan_week(
    stops: Sequence[Stop], vehicles: Sequence[Vehicle], time_limit_per_day: float = 5.0
) -> WeekPlan:
    """Assign each stop one visit day, route every day, retry leftovers on other days."""
    if not vehicles:
        raise RoutingError("vehicles: add at least one vehicle (with a depot, hours and days)")
    for v in vehicles:
        if v.end <= v.start:
            raise RoutingError(f"vehicle {v.id}: working hours must end after they start")
        if v.stop_seconds < 0 or v.speed <= 0:
            raise RoutingError(f"vehicle {v.id}: stop duration and speed must be positive")
    seen: set[str] = set()
    for s in stops:
        if s.id in seen:
            raise RoutingError(f"stops: {s.id} appears twice")
        seen.add(s.id)
        if s.late < s.early:
            raise RoutingError(f"stop {s.id}: its time window ends before it starts")

    plan = WeekPlan()
    options: dict[str, list[int]] = {}
    for s in stops:
        days = [d for d in s.days if any(d in v.days for v in vehicles)]
        if not days:
            plan.unserved.append(Unserved(s.id, "no_vehicle"))
            continue
        days = [d for d in days if any(fits_alone(s, v) for v in vehicles if d in v.days)]
        if not days:
            plan.unserved.append(Unserved(s.id, "window"))
            continue
        options[s.id] = days
    by_id = {s.id: s for s in stops}
    load = {d: 0 for d in WEEK}
    assigned: dict[int, list[Stop]] = {d: [] for d in WEEK}
    for sid in sorted(options, key=lambda k: (len(options[k]), k)):
        day = min(options[sid], key=lambda d: (load[d], d))
        assigned[day].append(by_id[sid])
        load[day] += 1
    leftovers: list[str] = []
    routes_by_day: dict[int, list[Route]] = {}
    for day in WEEK:
        todays = [v for v in vehicles if day in v.days]
        if not assigned[day]:
            continue
        routes, unrouted = route_day(assigned[day], todays, day, time_limit_per_day)
        routes_by_day[day] = routes
        leftovers += unrouted
        assigned[day] = [s for s in assigned[day] if s.id not in set(unrouted)]
    # Leftovers: try the other allowed days, re-routing that day with the stop added.
    for sid in leftovers:
        placed = False
        for day in options[sid]:
            todays = [v for v in vehicles if day in v.days]
            trial = assigned[day] + [by_id[sid]]
            routes, unrouted = route_day(trial, todays, day, time_limit_per_day)
            if not unrouted:
                assigned[day] = trial
                routes_by_day[day] = routes
                placed = True
                break
        if not placed:
            plan.unserved.append(Unserved(sid, "no_room"))
    for day in sorted(routes_by_day):
        plan.routes += [r for r in routes_by_day[day] if r.visits]
    return plan

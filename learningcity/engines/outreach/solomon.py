"""Solomon (1987) VRPTW instances, solved with PyVRP for the benchmark.

Distances are Euclidean and not rounded (the convention of ``best_known.csv``); PyVRP
needs whole numbers, so coordinates and times are scaled by ``SCALE`` and rounded,
and the distance is reported back in the instance's units from the real coordinates.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve
from pyvrp.stop import MaxRuntime

SCALE = 1000


@dataclass(frozen=True)
class SolomonInstance:
    name: str
    vehicles: int
    capacity: int
    rows: list[tuple[int, float, float, int, int, int, int]]  # id x y demand ready due service


@dataclass(frozen=True)
class SolomonResult:
    distance: float
    vehicles: int
    feasible: bool


def read_solomon(path: Path) -> SolomonInstance:
    lines = [ln.split() for ln in path.read_text().splitlines()]
    name = lines[0][0]
    vehicles = capacity = 0
    rows = []
    for i, parts in enumerate(lines):
        if parts[:2] == ["NUMBER", "CAPACITY"]:
            nxt = next(p for p in lines[i + 1 :] if p)
            vehicles, capacity = int(nxt[0]), int(nxt[1])
        if len(parts) == 7 and all(p.replace(".", "", 1).isdigit() for p in parts):
            c, x, y, q, r, d, s = (float(p) for p in parts)
            rows.append((int(c), x, y, int(q), int(r), int(d), int(s)))
    return SolomonInstance(name, vehicles, capacity, rows)


def solve_solomon(inst: SolomonInstance, time_limit: float, seed: int = 0) -> SolomonResult:
    xy = np.asarray([(r[1], r[2]) for r in inst.rows])
    real = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    scaled = np.asarray(np.rint(real * SCALE), dtype=np.int64)
    locations = [Location(x=float(x), y=float(y)) for x, y in xy]
    depot = inst.rows[0]
    clients = [
        Client(
            location=i,
            delivery=[r[3]],
            service_duration=r[6] * SCALE,
            tw_early=r[4] * SCALE,
            tw_late=r[5] * SCALE,
        )
        for i, r in enumerate(inst.rows)
        if i > 0
    ]
    vt = VehicleType(
        num_available=inst.vehicles,
        capacity=[inst.capacity],
        tw_early=depot[4] * SCALE,
        tw_late=depot[5] * SCALE,
    )
    data = ProblemData(
        locations,
        clients,
        [Depot(location=0, tw_early=depot[4] * SCALE, tw_late=depot[5] * SCALE)],
        [vt],
        [scaled],  # type: ignore[list-item]
        [scaled],  # type: ignore[list-item]
    )
    result = solve(data, stop=MaxRuntime(time_limit), seed=seed, collect_stats=False, display=False)
    best = result.best
    total = 0.0
    for route in best.routes():
        path = [0] + [a.idx + 1 for a in route.schedule() if a.is_client()] + [0]
        total += sum(float(real[a, b]) for a, b in itertools.pairwise(path))
    return SolomonResult(total, best.num_routes(), bool(best.is_feasible()))


def read_best_known(path: Path) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in path.read_text().splitlines()[1:]:
        parts = line.split(",")
        if len(parts) >= 3:
            out[parts[0]] = float(parts[2])
    return out


def gap(found: float, best: float) -> float:
    return (found - best) / best if best else math.inf

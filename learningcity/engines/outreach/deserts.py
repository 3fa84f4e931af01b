"""Learning deserts: residents beyond walking distance of every learning site.

The analysis behind the coverage page (not yet built): demand blocks (or districts'
centres) with population by group, the learning sites, one walking radius per group;
back come, per group and per district, the residents with no site within reach.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .geometry import Points, distance_matrix

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class DesertReport:
    groups: tuple[str, ...]
    # group → residents beyond reach (city total), and group → district → residents
    beyond: dict[str, float]
    total: dict[str, float]
    by_district: dict[str, dict[str, float]]
    nearest: FloatArray  # metres from each block to its nearest site (inf: no sites)


def learning_deserts(
    blocks: Points,
    population: Mapping[str, Sequence[float]],
    district: Sequence[str],
    sites: Points,
    radius: Mapping[str, float],
) -> DesertReport:
    if len(district) != len(blocks):
        raise ValueError("one district per block")
    if len(sites):
        nearest = distance_matrix(blocks, sites).min(axis=1)
    else:
        nearest = np.full(len(blocks), np.inf)
    names = sorted(set(district))
    beyond: dict[str, float] = {}
    total: dict[str, float] = {}
    by_district: dict[str, dict[str, float]] = {}
    codes = np.asarray([names.index(d) for d in district], dtype=np.int64)
    for group, values in population.items():
        pop = np.asarray(values, dtype=np.float64)
        if len(pop) != len(blocks):
            raise ValueError(f"population of {group}: one value per block")
        far = nearest > radius[group]
        beyond[group] = float(pop[far].sum())
        total[group] = float(pop.sum())
        sums = np.bincount(codes, weights=np.where(far, pop, 0.0), minlength=len(names))
        by_district[group] = {name: float(sums[i]) for i, name in enumerate(names)}
    return DesertReport(tuple(population), beyond, total, by_district, nearest)

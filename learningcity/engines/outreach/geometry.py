"""Points on a plane (metres) or on the globe (degrees), and distances between them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# The mean Earth radius (IUGG), as the finder uses: distances between lat/lon points
# are great-circle (haversine) distances in metres.
EARTH_RADIUS_M = 6_371_008.8


class Frame(Enum):
    """How a point set's two coordinates are read."""

    PLANE = "plane"  # x, y in metres
    GLOBE = "globe"  # lat, lon in degrees


@dataclass(frozen=True)
class Points:
    """Named points: ``a`` is x (plane) or latitude (globe), ``b`` is y or longitude."""

    ids: tuple[str, ...]
    a: FloatArray
    b: FloatArray
    frame: Frame

    def __len__(self) -> int:
        return len(self.ids)

    def subset(self, rows: npt.NDArray[np.intp]) -> Points:
        return Points(tuple(self.ids[int(r)] for r in rows), self.a[rows], self.b[rows], self.frame)


def distance_matrix(origins: Points, targets: Points) -> FloatArray:
    """Distances in metres from every origin (rows) to every target (columns)."""
    if origins.frame is not targets.frame:
        raise ValueError("both point sets must use the same coordinates (x,y or lat,lon)")
    if origins.frame is Frame.PLANE:
        plane: FloatArray = np.hypot(
            origins.a[:, None] - targets.a[None, :], origins.b[:, None] - targets.b[None, :]
        )
        return plane
    lat1 = np.radians(origins.a)[:, None]
    lat2 = np.radians(targets.a)[None, :]
    dlat = lat2 - lat1
    dlon = np.radians(targets.b)[None, :] - np.radians(origins.b)[:, None]
    h = np.sin(dlat / 2.0) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2.0) ** 2
    globe: FloatArray = 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return globe

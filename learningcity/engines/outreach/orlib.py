"""OR-Library p-median instances (Beasley 1990): ``n m p`` then ``m`` edges ``i j c``.

Distances are all-pairs shortest paths over the undirected graph. An edge listed more
than once keeps its LAST cost (the published optima are computed that way)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_array
from scipy.sparse.csgraph import shortest_path


@dataclass(frozen=True)
class PMedInstance:
    name: str
    n: int
    p: int
    dist: npt.NDArray[np.float64]  # n × n shortest-path distances


def parse_pmed(text: str, name: str = "pmed") -> PMedInstance:
    numbers = text.split()
    n, m, p = (int(v) for v in numbers[:3])
    edges = np.asarray(numbers[3 : 3 + 3 * m], dtype=np.int64).reshape(m, 3)
    cost: dict[tuple[int, int], int] = {}
    for i, j, c in edges.tolist():
        a, b = (i - 1, j - 1) if i <= j else (j - 1, i - 1)
        cost[(a, b)] = c  # a later line replaces an earlier one
    rows = np.fromiter((k[0] for k in cost), dtype=np.int64, count=len(cost))
    cols = np.fromiter((k[1] for k in cost), dtype=np.int64, count=len(cost))
    vals = np.fromiter(cost.values(), dtype=np.float64, count=len(cost))
    graph = csr_array((vals, (rows, cols)), shape=(n, n))
    dist = np.asarray(shortest_path(graph, method="D", directed=False), dtype=np.float64)
    if np.isinf(dist).any():
        raise ValueError(f"{name}: the graph is not connected")
    return PMedInstance(name, n, p, dist)


def read_pmed(path: Path) -> PMedInstance:
    return parse_pmed(path.read_text(), path.stem)


def read_optima(path: Path) -> dict[str, int]:
    optima: dict[str, int] = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            optima[parts[0]] = int(parts[1])
    return optima

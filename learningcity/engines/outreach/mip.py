"""One small door to HiGHS (highspy): a MIP in row-wise sparse form, a time limit, an
optional starting solution; back come the values, whether optimality is proven, and
the gap HiGHS reports when the time limit stopped it first."""

from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

INF = highspy.kHighsInf


@dataclass(frozen=True)
class Mip:
    """minimise cost·x + offset, row_lower ≤ A x ≤ row_upper, lower ≤ x ≤ upper."""

    cost: FloatArray
    lower: FloatArray
    upper: FloatArray
    integer: npt.NDArray[np.bool_]
    row_start: IntArray  # CSR: row r holds entries row_start[r]:row_start[r+1]
    row_index: IntArray
    row_value: FloatArray
    row_lower: FloatArray
    row_upper: FloatArray
    offset: float = 0.0
    # Every plan's objective is a whole number (whole weights and distances): a gap
    # below 1 then proves optimality.
    integral: bool = False
    # Presolve costs more than it saves on the p-median radius formulation (measured:
    # 1.6 s of 2.1 s on pmed1) but helps coverage models with dominated candidates.
    presolve: bool = True


@dataclass(frozen=True)
class MipResult:
    x: FloatArray
    optimal: bool
    gap: float  # relative gap between the best plan and the bound; 0 when proven
    seconds: float
    bound: float = -INF  # HiGHS's lower bound on the objective (with the offset)


class NoSolution(RuntimeError):
    """The solver found no feasible plan within its limit."""


def csr(
    rows: IntArray, cols: IntArray, vals: FloatArray, n_rows: int
) -> tuple[IntArray, IntArray, FloatArray]:
    """Row-wise arrays from (row, column, value) triples."""
    order = np.argsort(rows, kind="stable")
    counts = np.bincount(rows, minlength=n_rows)
    start = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    return start, cols[order].astype(np.int64), vals[order].astype(np.float64)


def solve(
    mip: Mip, *, time_limit: float, start: FloatArray | None = None, log: bool = False
) -> MipResult:
    began = time.perf_counter()
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", log)
    h.setOptionValue("time_limit", float(max(time_limit, 0.01)))
    # Proven optimality means no tolerated gap: HiGHS's default stops at 0.01 %.
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1.0 - 1e-6 if mip.integral else 1e-7)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("presolve", "on" if mip.presolve else "off")
    n = len(mip.cost)
    nnz = len(mip.row_index)
    h.passModel(
        n,
        len(mip.row_lower),
        nnz,
        int(highspy.MatrixFormat.kRowwise),
        int(highspy.ObjSense.kMinimize),
        float(mip.offset),
        mip.cost,
        mip.lower,
        mip.upper,
        mip.row_lower,
        mip.row_upper,
        mip.row_start[:-1].astype(np.int32),
        mip.row_index.astype(np.int32),
        mip.row_value,
        mip.integer.astype(np.int32),
    )
    if start is not None:
        h.setSolution(n, np.arange(n, dtype=np.int32), start.astype(np.float64))
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if info.primal_solution_status != 2:  # kSolutionStatusFeasible
        raise NoSolution(h.modelStatusToString(status))
    x = np.asarray(h.getSolution().col_value, dtype=np.float64)
    optimal = status == highspy.HighsModelStatus.kOptimal
    gap = 0.0 if optimal else float(info.mip_gap)
    bound = float(info.mip_dual_bound)
    return MipResult(x, optimal, gap, time.perf_counter() - began, bound)

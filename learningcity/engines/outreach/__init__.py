"""Outreach planning engine: plain typed Python (NumPy, HiGHS, PyVRP), no Django.

``stops``: where a mobile library should stop (maximal covering, p-median) as MIPs
solved to proven optimality by HiGHS. ``routing``: daily routes with time windows
(PyVRP) and a weekly plan. ``orlib`` and ``solomon`` read the reference instances.
"""

from .geometry import Frame, Points, distance_matrix
from .inputs import Demand, InputError, read_candidates, read_demand
from .stops import Objective, StopPlan, plan_coverage, plan_median, plan_stops

__all__ = [
    "Demand",
    "Frame",
    "InputError",
    "Objective",
    "Points",
    "StopPlan",
    "distance_matrix",
    "plan_coverage",
    "plan_median",
    "plan_stops",
    "read_candidates",
    "read_demand",
]

"""Unit screening by data availability, mirroring COINr ``Screen()``.

For each unit COINr computes the share of non-missing indicators (``Dat_Avail``) and
the share of non-zero values among the non-missing ones (``Non_Zero``). A unit is
kept when

* ``unit_screen = "byNA"``: ``Dat_Avail >= dat_thresh`` (default 2/3);
* ``"byzeros"``: ``Non_Zero >= nonzero_thresh`` (default 0.05);
* ``"byNAandzeros"``: both hold.

``Force`` overrides the rule for named units (``{"uCode": ..., "Include": true}``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .data import Dataset
from .errors import IndexInputError, Problem
from .numeric import BoolArray
from .table import Table

if TYPE_CHECKING:
    import pandas as pd

UNIT_SCREENS = ("byNA", "byzeros", "byNAandzeros")


@dataclass(frozen=True)
class ScreenResult:
    """Screened data set plus COINr's ``DataSummary`` table and removed units."""

    data: Dataset
    table: Table
    removed: tuple[str, ...]

    @property
    def summary(self) -> pd.DataFrame:
        """COINr's ``DataSummary`` as a data frame."""
        return self.table.to_frame()


def data_availability(data: Dataset) -> pd.DataFrame:
    """COINr ``get_data_avail()``: per-unit counts and shares of missing and zero values."""
    return availability_table(data).to_frame()


def availability_table(data: Dataset) -> Table:
    """:func:`data_availability` as a plain :class:`~compindex.table.Table`."""
    x = data.values
    n_missing = np.isnan(x).sum(axis=1)
    n_zero = (x == 0).sum(axis=1)
    k = x.shape[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        non_zero = 1 - n_zero / (k - n_missing)
    return Table(
        {
            "uCode": list(data.ucodes),
            "N_missing": n_missing,
            "N_zero": n_zero,
            "N_miss_or_zero": n_missing + n_zero,
            "Dat_Avail": 1 - n_missing / k,
            "Non_Zero": non_zero,
        }
    )


def screen_units(
    data: Dataset,
    unit_screen: str,
    dat_thresh: float | None = None,
    nonzero_thresh: float | None = None,
    force: Sequence[Mapping[str, object]] | None = None,
) -> ScreenResult:
    """Drop units failing the availability rule; see the module docstring."""
    if unit_screen not in UNIT_SCREENS:
        raise IndexInputError(
            [
                Problem(
                    "screen",
                    f"unit_screen '{unit_screen}' unknown; use one of {', '.join(UNIT_SCREENS)}",
                )
            ]
        )
    dat_thresh = 2 / 3 if dat_thresh is None else float(dat_thresh)
    nonzero_thresh = 0.05 if nonzero_thresh is None else float(nonzero_thresh)
    for name, val in (("dat_thresh", dat_thresh), ("nonzero_thresh", nonzero_thresh)):
        if not 0 <= val <= 1:
            raise IndexInputError([Problem("screen", f"{name} must be between 0 and 1")])
    summ = availability_table(data)
    low_data = np.asarray(summ.values("Dat_Avail")) < dat_thresh
    nz = np.asarray(summ.values("Non_Zero"))
    low_nonzero = ~(nz >= nonzero_thresh)
    summ["LowData"] = low_data
    summ["LowNonZero"] = low_nonzero
    summ["LowDatOrZeroFlag"] = low_data | low_nonzero
    included: BoolArray = {
        "byNA": ~low_data,
        "byzeros": ~low_nonzero,
        "byNAandzeros": ~(low_data | low_nonzero),
    }[unit_screen]
    included = _apply_force(included, data.ucodes, force)
    summ["Included"] = included
    removed = tuple(u for u, keep in zip(data.ucodes, included, strict=True) if not keep)
    return ScreenResult(data.subset_rows(included), summ, removed)


def _apply_force(
    included: BoolArray, ucodes: Sequence[str], force: Sequence[Mapping[str, object]] | None
) -> BoolArray:
    if not force:
        return included
    out = included.copy()
    problems: list[Problem] = []
    pos = {u: i for i, u in enumerate(ucodes)}
    for k, item in enumerate(force):
        code = item.get("uCode")
        inc = item.get("Include")
        if not isinstance(code, str) or not isinstance(inc, bool):
            problems.append(
                Problem(
                    f"screen: Force entry {k + 1}",
                    "needs 'uCode' (text) and 'Include' (true/false)",
                )
            )
        elif code not in pos:
            problems.append(Problem(f"screen: Force entry {k + 1}", f"uCode '{code}' not found"))
        else:
            out[pos[code]] = inc
    if problems:
        raise IndexInputError(problems)
    return out

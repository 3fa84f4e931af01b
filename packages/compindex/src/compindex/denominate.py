"""Denomination: divide indicators by a unit-level scaling variable.

Mirrors COINr ``Denominate()``: each indicator ``i`` listed in ``denomby`` becomes
``x_i / (d / ScaleFactor)`` where ``d`` is the denominator column (e.g. GDP,
population) of the same unit. By default ``denomby`` comes from the ``Denominator``
column of ``iMeta`` with ``ScaleFactor = 1``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .data import Dataset
from .errors import IndexInputError, Problem
from .meta import IndexMeta
from .numeric import FloatArray
from .params import number, text


@dataclass(frozen=True)
class DenomSpec:
    """Denominate indicator ``icode`` by ``denominator``, scaled by ``scale_factor``."""

    icode: str
    denominator: str
    scale_factor: float = 1.0


def denomby_from_meta(meta: IndexMeta) -> list[DenomSpec]:
    """The ``Denominator`` column of ``iMeta`` as a list of :class:`DenomSpec`."""
    return [
        DenomSpec(r.code, r.denominator)
        for r in meta.rows
        if r.type == "Indicator" and r.denominator is not None
    ]


def denomby_from_spec(
    items: Sequence[Mapping[str, object]], where: str = "denominate"
) -> list[DenomSpec]:
    """Parse a ``denomby`` list of ``{"iCode", "Denominator", "ScaleFactor"}`` records."""
    out: list[DenomSpec] = []
    for k, item in enumerate(items):
        name = f"denomby entry {k + 1}"
        missing = [key for key in ("iCode", "Denominator") if key not in item]
        if missing:
            raise IndexInputError(
                [Problem(where, f"{name} needs {' and '.join(repr(m) for m in missing)}")]
            )
        out.append(
            DenomSpec(
                text(item["iCode"], where, f"{name} iCode"),
                text(item["Denominator"], where, f"{name} Denominator"),
                number(item.get("ScaleFactor", 1.0), where, f"{name} ScaleFactor"),
            )
        )
    return out


def denominate(
    data: Dataset, denominators: Mapping[str, FloatArray], denomby: Sequence[DenomSpec]
) -> Dataset:
    """Return a copy of ``data`` with the listed indicators divided by their denominators.

    ``denominators`` maps denominator names to arrays aligned with ``data.ucodes``.
    Division by zero gives ``inf``/``NaN`` as in R.
    """
    problems: list[Problem] = []
    values = data.values.copy()
    for spec in denomby:
        if spec.icode not in data.codes:
            problems.append(Problem("denominate", f"indicator '{spec.icode}' is not in the data"))
            continue
        if spec.denominator not in denominators:
            problems.append(
                Problem(
                    f"denominate (iCode '{spec.icode}')",
                    f"denominator '{spec.denominator}' is not a numeric column of iData",
                )
            )
            continue
        j = data.codes.index(spec.icode)
        d = denominators[spec.denominator] / spec.scale_factor
        with np.errstate(divide="ignore", invalid="ignore"):
            values[:, j] = values[:, j] / d
    if problems:
        raise IndexInputError(problems)
    return data.with_values(values)

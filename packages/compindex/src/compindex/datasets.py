"""Example data: COINr's ASEM data set (bundled) and a synthetic data set of any size.

:func:`asem`: the Asia-Europe Sustainable Connectivity index (51 countries, 49
indicators in 8 pillars, 2 sub-indices and an index), as COINr 1.1.14 ships it
(``ASEM_iData``, ``ASEM_iMeta``; MIT licence, EU Joint Research Centre), and the
pipeline of COINr's ``build_example_coin()`` as a spec.

:func:`synthetic`: deterministic data for benchmarks (default 1,000 units x 42
indicators in a 4-level tree, with groups, a denominator and about 3 % missing), with
the "P1" pipeline the benchmarks time (denominate, group-mean imputation, screening,
treatment, min-max, arithmetic means).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class ExampleData:
    """iData and iMeta as text tables (as read from CSV) plus the example pipeline."""

    idata: pd.DataFrame
    imeta: pd.DataFrame
    spec: dict[str, Any]


def asem_path(name: str) -> str:
    """File system path of a bundled ASEM file: ``ASEM_iData.csv``, ``ASEM_iMeta.csv``
    or ``example_spec.json``."""
    return str(resources.files("compindex") / "data" / "asem" / name)


def asem() -> ExampleData:
    """COINr's ``ASEM_iData`` and ``ASEM_iMeta`` and ``build_example_coin()``'s pipeline.

    Every cell is kept as text, as :func:`compindex.parse_data` expects from a CSV.
    """
    import pandas as pd

    def table(name: str) -> pd.DataFrame:
        return pd.read_csv(asem_path(name), dtype=str, keep_default_na=False)

    with open(asem_path("example_spec.json"), encoding="utf-8") as fh:
        spec = json.load(fh)
    return ExampleData(table("ASEM_iData.csv"), table("ASEM_iMeta.csv"), spec)


PILLARS = 7
PER_PILLAR = 6
SUBINDEX = (("S1", 3), ("S2", 2), ("S3", 2))
P1_STEPS: tuple[dict[str, Any], ...] = (
    {"step": "denominate"},
    {"step": "impute", "f_i": "i_mean_grp", "use_group": "Region"},
    {"step": "screen", "dat_thresh": 0.9, "unit_screen": "byNA"},
    {"step": "treat", "winmax": 5},
    {"step": "normalise", "f_n": "n_minmax", "f_n_para": [0, 100]},
    {"step": "aggregate", "f_ag": "a_amean"},
)


def p1_spec() -> dict[str, Any]:
    """The P1 pipeline as a spec."""
    return {"steps": [dict(step) for step in P1_STEPS]}


def synthetic_meta() -> pd.DataFrame:
    """iMeta for 42 indicators in 7 pillars, 3 sub-indices and one index (text cells)."""
    import pandas as pd

    def row(level: str, code: str, parent: str, direction: str, weight: str, kind: str,
            denominator: str = "NA") -> dict[str, str]:  # fmt: skip
        return {
            "Level": level, "iCode": code, "Parent": parent, "Direction": direction,
            "Weight": weight, "Type": kind, "Denominator": denominator,
        }  # fmt: skip

    rows = []
    pillar_parent = [s for s, count in SUBINDEX for _ in range(count)]
    k = 0
    for p in range(PILLARS):
        for _ in range(PER_PILLAR):
            k += 1
            direction = "-1" if k % 5 == 0 else "1"
            denominator = "Pop" if k % 7 == 0 else "NA"
            rows.append(
                row("1", f"I{k:02d}", f"P{p + 1}", direction, "1", "Indicator", denominator)
            )
    rows += [row("2", f"P{p + 1}", pillar_parent[p], "1", "1", "Aggregate") for p in range(PILLARS)]
    rows += [row("3", s, "Index", "1", "1", "Aggregate") for s, _ in SUBINDEX]
    rows.append(row("4", "Index", "NA", "1", "1", "Aggregate"))
    rows.append(row("NA", "Region", "NA", "NA", "NA", "Group"))
    rows.append(row("NA", "Pop", "NA", "NA", "NA", "Denominator"))
    return pd.DataFrame(rows).astype(str)


def synthetic_data(n_units: int = 1000, seed: int = 42) -> pd.DataFrame:
    """Deterministic iData: lognormal indicators (some skewed), ~3 % missing (text cells)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    n_ind = PILLARS * PER_PILLAR
    latent = rng.normal(size=(n_units, 1))
    x = latent + rng.normal(scale=1.0, size=(n_units, n_ind))
    x = np.exp(x * np.where(np.arange(n_ind) % 4 == 0, 1.2, 0.4))
    x[rng.random(x.shape) < 0.03] = np.nan
    df = pd.DataFrame(x, columns=[f"I{k + 1:02d}" for k in range(n_ind)]).astype(object)
    df = df.where(~df.isna(), "NA")
    df.insert(0, "uCode", [f"U{i:04d}" for i in range(n_units)])
    df["Region"] = rng.choice(["North", "South", "East", "West"], size=n_units)
    df["Pop"] = rng.uniform(1, 100, size=n_units)
    return df.astype(str)


def synthetic(n_units: int = 1000, seed: int = 42) -> ExampleData:
    """:func:`synthetic_data`, :func:`synthetic_meta` and the P1 pipeline."""
    return ExampleData(synthetic_data(n_units, seed), synthetic_meta(), p1_spec())


__all__ = [
    "P1_STEPS",
    "ExampleData",
    "asem",
    "asem_path",
    "p1_spec",
    "synthetic",
    "synthetic_data",
    "synthetic_meta",
]

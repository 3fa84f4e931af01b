"""Shared helpers for the index engine tests (no Django)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]


def reference_dir() -> Path:
    """``<repo>/../shared/reference/index``, or ``$LEARNINGCITY_SHARED/reference/index``."""
    env = os.environ.get("LEARNINGCITY_SHARED")
    if env:
        base = Path(env)
        for cand in (base / "reference" / "index", base / "index", base):
            if (cand / "asem").is_dir():
                return cand
        return base / "reference" / "index"
    return (REPO_ROOT / ".." / "shared" / "reference" / "index").resolve()


def require_reference() -> Path:
    """Skip the calling test when the COINr reference data is not available."""
    ref = reference_dir()
    if not (ref / "asem" / "ASEM_iData.csv").is_file():
        pytest.skip(f"COINr reference data not found at {ref} (set LEARNINGCITY_SHARED)")
    return ref


def read_csv(path: Path) -> pd.DataFrame:
    """Read an R-written CSV (``NA`` = missing)."""
    return pd.read_csv(path, na_values=["NA"], keep_default_na=False)


def assert_frames_close(
    ref: pd.DataFrame, out: pd.DataFrame, rtol: float = 1e-9, atol: float = 1e-12
) -> float:
    """Same columns/rows, equal text, numbers within ``rtol``; returns max relative diff."""
    assert list(out.columns) == list(ref.columns)
    assert out.shape == ref.shape
    worst = 0.0
    for col in ref.columns:
        a, b = ref[col], out[col]
        if (
            pd.api.types.is_numeric_dtype(a)
            and pd.api.types.is_numeric_dtype(b)
            and (a.dtype != bool)
        ):
            x, y = a.to_numpy(float), b.to_numpy(float)
            np.testing.assert_array_equal(np.isnan(x), np.isnan(y), err_msg=f"NaN in {col}")
            np.testing.assert_allclose(
                y, x, rtol=rtol, atol=atol, equal_nan=True, err_msg=f"column {col}"
            )
            ok = ~np.isnan(x) & (np.abs(x) > atol)
            if ok.any():
                worst = max(worst, float(np.max(np.abs(y[ok] - x[ok]) / np.abs(x[ok]))))
        else:
            norm = [None if pd.isna(v) else str(v).upper() for v in a]
            got = [None if pd.isna(v) else str(v).upper() for v in b]
            assert got == norm, f"column {col}"
    return worst


TINY_META = """Level,iCode,iName,Direction,Weight,Type,Parent,Denominator
1,i1,Ind 1,1,1,Indicator,P1,NA
1,i2,Ind 2,-1,1,Indicator,P1,Pop
1,i3,Ind 3,1,2,Indicator,P2,NA
1,i4,Ind 4,1,1,Indicator,P2,NA
2,P1,Pillar 1,1,1,Aggregate,Idx,NA
2,P2,Pillar 2,1,1,Aggregate,Idx,NA
3,Idx,Index,1,1,Aggregate,NA,NA
NA,Region,Region,NA,NA,Group,NA,NA
NA,Pop,Population,NA,NA,Denominator,NA,NA
"""

TINY_DATA = """uCode,uName,Region,Pop,i1,i2,i3,i4
FRA,France,EU,60,3,10,1,9
DEU,Germany,EU,80,5,20,NA,8
CHN,China,AS,1400,1,30,3,2
JPN,Japan,AS,120,4,NA,5,6
IND,India,AS,1300,2,40,4,NA
ITA,Italy,EU,59,6,25,2,7
"""

TINY_SPEC = {
    "steps": [
        {"step": "denominate"},
        {"step": "impute", "f_i": "i_mean_grp", "use_group": "Region"},
        {"step": "treat", "winmax": 2},
        {"step": "normalise", "f_n": "n_minmax", "f_n_para": [0, 100]},
        {"step": "aggregate", "f_ag": "a_amean"},
    ]
}


def write_tiny(
    tmp: Path, meta: str = TINY_META, data: str = TINY_DATA, spec: object = None
) -> tuple[Path, Path, Path]:
    """Write the tiny example inputs into ``tmp``; returns (data, meta, spec) paths."""
    import json

    d, m, s = tmp / "iData.csv", tmp / "iMeta.csv", tmp / "spec.json"
    d.write_text(data)
    m.write_text(meta)
    s.write_text(json.dumps(TINY_SPEC if spec is None else spec))
    return d, m, s

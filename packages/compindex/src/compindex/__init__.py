"""compindex: composite indicators reproducing COINr 1.1.14 (EU JRC) stage by stage.

Plain, typed Python over NumPy arrays. Main entry points:

* :class:`Coin` - the notebook API: a coin built from data frames, one method per
  COINr building function (``Denominate``, ``Impute``, ``Screen``, ``Treat``,
  ``Normalise``, ``Aggregate``), every stage readable as a data frame;
* :func:`build_index` - run a JSON pipeline on iData/iMeta CSVs and write outputs;
* :func:`run_pipeline` - the same on already-parsed inputs, returning every stage;
* :func:`run_panel` - every time point of panel data (spec ``"split_to"``), with
  COINr's global normalisation across time points (a COINr "purse");
* :func:`parse_meta`, :func:`parse_data`, :func:`parse_spec` - validated inputs;
* :func:`audit` - statistical audit of a pipeline result;
* :func:`run_sensitivity` - Monte Carlo uncertainty and Sobol' sensitivity analysis;
* :func:`asem` - the ASEM example data COINr ships (bundled).

All invalid input raises :class:`IndexInputError` listing every problem found.

Names are imported on first use (PEP 562), so ``import compindex`` and the command
line's ``--help`` do not pay for pandas or SciPy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import Coin
    from .audit import audit
    from .data import Dataset, UnitData, parse_data
    from .datasets import asem
    from .errors import IndexInputError, Problem
    from .io import build_index, load_inputs
    from .meta import IndexMeta, parse_meta
    from .panel import PanelResult, run_panel
    from .pipeline import PipelineResult, run_pipeline
    from .sensitivity import SensitivityConfig, SensitivityResult, run_sensitivity
    from .spec import PipelineSpec, load_spec, parse_spec

__version__ = "0.1.0"

# Public name -> the module that defines it.
_WHERE = {
    "Coin": "api",
    "audit": "audit",
    "Dataset": "data",
    "UnitData": "data",
    "parse_data": "data",
    "asem": "datasets",
    "IndexInputError": "errors",
    "Problem": "errors",
    "build_index": "io",
    "load_inputs": "io",
    "IndexMeta": "meta",
    "parse_meta": "meta",
    "PanelResult": "panel",
    "run_panel": "panel",
    "PipelineResult": "pipeline",
    "run_pipeline": "pipeline",
    "SensitivityConfig": "sensitivity",
    "SensitivityResult": "sensitivity",
    "run_sensitivity": "sensitivity",
    "PipelineSpec": "spec",
    "load_spec": "spec",
    "parse_spec": "spec",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'compindex' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])


__all__ = [
    "Coin",
    "Dataset",
    "IndexInputError",
    "IndexMeta",
    "PanelResult",
    "PipelineResult",
    "PipelineSpec",
    "Problem",
    "SensitivityConfig",
    "SensitivityResult",
    "UnitData",
    "__version__",
    "asem",
    "audit",
    "build_index",
    "load_inputs",
    "load_spec",
    "parse_data",
    "parse_meta",
    "parse_spec",
    "run_panel",
    "run_pipeline",
    "run_sensitivity",
]

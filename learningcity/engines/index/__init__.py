"""Composite-indicator index engine reproducing COINr 1.1.14 (EU JRC).

Plain, typed Python (numpy/pandas), no Django. Main entry points:

* :func:`build_index` - run a JSON pipeline on iData/iMeta CSVs and write outputs;
* :func:`run_pipeline` - the same on already-parsed inputs, returning every stage;
* :func:`run_panel` - every time point of panel data (spec ``"split_to"``), with
  COINr's global normalisation across time points (a COINr "purse");
* :func:`parse_meta`, :func:`parse_data`, :func:`parse_spec` - validated inputs;
* :func:`audit` - statistical audit of a pipeline result;
* :func:`run_sensitivity` - Monte Carlo uncertainty and Sobol' sensitivity analysis.

All invalid input raises :class:`IndexInputError` listing every problem found.
"""

from .data import Dataset, UnitData, parse_data
from .errors import IndexInputError, Problem
from .io import build_index, load_inputs
from .meta import IndexMeta, parse_meta
from .panel import PanelResult, run_panel
from .pipeline import PipelineResult, run_pipeline
from .spec import PipelineSpec, load_spec, parse_spec

__all__ = [
    "Dataset",
    "IndexInputError",
    "IndexMeta",
    "PanelResult",
    "PipelineResult",
    "PipelineSpec",
    "Problem",
    "UnitData",
    "build_index",
    "load_inputs",
    "load_spec",
    "parse_data",
    "parse_meta",
    "parse_spec",
    "run_panel",
    "run_pipeline",
]

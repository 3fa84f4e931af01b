"""Reading inputs and writing outputs in the layout of COINr's reference CSVs.

CSV conventions follow R's ``write.csv``: text quoted, numbers unquoted, missing
values as ``NA``, logicals as ``TRUE``/``FALSE``. Numbers are written at full
precision (``repr``); whole numbers are written without a decimal point, as R does.

A panel build (spec ``"split_to"`` on iData with several Time values) writes the same
files with a ``Time`` column: after ``uCode`` in tables with one row per unit (every
stage, ``results.csv``, ``screen_details.csv``), first in the others
(``eff_weights.csv``, ``treat_details.csv``); rows run by Time, then as for one build.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .data import Dataset, UnitData, parse_data, split_times
from .errors import IndexInputError, Problem
from .meta import IndexMeta, parse_meta
from .numeric import FloatArray
from .panel import PanelDataset, PanelResult, run_panel
from .pipeline import PipelineResult, run_pipeline
from .spec import PipelineSpec, load_spec
from .table import Table, read_text_table

if TYPE_CHECKING:
    import pandas as pd


def format_cell(value: object) -> str:
    """Format one cell like R's ``write.csv`` (full precision numbers)."""
    if value is None or _is_pandas_na(value):
        return "NA"
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        v = float(value)
        if math.isnan(v):
            return "NA"
        if math.isinf(v):
            return "Inf" if v > 0 else "-Inf"
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    return '"' + str(value).replace('"', '""') + '"'


def _is_pandas_na(value: object) -> bool:
    # pandas' NA can only reach here if pandas was imported: no import just to check.
    pd = sys.modules.get("pandas")
    return pd is not None and value is pd.NA


def write_table(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a CSV with a quoted header and R-style cells."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(format_cell(h) for h in header) + "\n")
        for row in rows:
            fh.write(",".join(format_cell(v) for v in row) + "\n")


class ColumnText:
    """R-style text of float columns, each distinct column formatted once.

    Python's ``repr`` of a whole column formats every float in C; only whole numbers
    (written without ".0"), NaN and infinities go through :func:`format_cell`. Stages
    share most of their columns (an indicator nobody treats is the same in Screened
    and Treated, the normalised columns reappear in Aggregated), so a column met
    again, byte for byte, is not formatted again; and a column that differs from the
    same code's column in the stage before in only some cells (imputation fills the
    missing ones, winsorisation moves a few outliers) reuses the text of the others."""

    def __init__(self) -> None:
        self._memo: dict[bytes, list[str]] = {}
        self._last: dict[str, tuple[FloatArray, list[str]]] = {}

    def __call__(self, values: FloatArray, code: str | None = None) -> list[str]:
        key = values.tobytes()
        cells = self._memo.get(key)
        if cells is None:
            before = None if code is None else self._last.get(code)
            cells = self._memo[key] = self._update(before, values)
        if code is not None:
            self._last[code] = (values, cells)
        return cells

    @classmethod
    def _update(cls, before: tuple[FloatArray, list[str]] | None, values: FloatArray) -> list[str]:
        """Text of ``values``, from ``before`` (an earlier column and its text) where
        the two hold the same number (equal numbers have the same text: -0 and 0 are
        both written "0")."""
        if before is None or before[0].shape != values.shape:
            return cls._format(values)
        old, old_cells = before
        with np.errstate(invalid="ignore"):
            same = (old == values) | (np.isnan(old) & np.isnan(values))
        changed = np.flatnonzero(~same)
        if 2 * changed.size > values.size:
            return cls._format(values)
        cells = list(old_cells)
        for j, cell in zip(changed.tolist(), cls._format(values[changed]), strict=True):
            cells[j] = cell
        return cells

    @staticmethod
    def _format(values: FloatArray) -> list[str]:
        cells = repr(values.tolist())[1:-1].split(", ") if values.size else []
        with np.errstate(invalid="ignore"):
            whole = (np.floor(values) == values) & (np.abs(values) < 1e15)
        for j in np.flatnonzero(whole | ~np.isfinite(values)).tolist():
            cells[j] = format_cell(float(values[j]))
        return cells


def write_frame(path: Path, frame: pd.DataFrame | Table) -> None:
    """Write a pandas frame (or a :class:`~compindex.table.Table`) in R
    ``write.csv(row.names = FALSE)`` style."""
    if isinstance(frame, Table):
        _write_columns(path, frame)
        return
    cols = [str(c) for c in frame.columns]
    records = frame.astype(object).itertuples(index=False, name=None)
    write_table(path, cols, records)


def _write_columns(path: Path, table: Table) -> None:
    """Write a :class:`Table` column by column: float arrays through
    :class:`ColumnText` (the text :func:`format_cell` gives each cell), the rest cell
    by cell."""
    columns = []
    for name in table.columns:
        cells = table.values(name)
        if not isinstance(cells, np.ndarray) or cells.ndim != 1:
            columns.append([format_cell(v) for v in cells])
        elif cells.dtype == np.float64:
            columns.append(ColumnText._format(cells))
        elif cells.dtype == np.bool_:
            columns.append(["TRUE" if v else "FALSE" for v in cells.tolist()])
        elif cells.dtype.kind in "iu":
            columns.append([str(v) for v in cells.tolist()])
        else:
            columns.append([format_cell(v) for v in cells])
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(format_cell(h) for h in table.columns) + "\n")
        fh.writelines(",".join(cells) + "\n" for cells in zip(*columns, strict=True))


def _write_numeric(
    path: Path,
    header: Sequence[str],
    labels: list[str],
    values: FloatArray,
    text: ColumnText | None = None,
) -> None:
    text = text or ColumnText()
    codes = header[len(header) - values.shape[1] :]
    columns = [labels, *(text(values[:, j], code) for j, code in enumerate(codes))]
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(format_cell(h) for h in header) + "\n")
        fh.writelines(",".join(cells) + "\n" for cells in zip(*columns, strict=True))


def write_dataset(path: Path, data: Dataset, text: ColumnText | None = None) -> None:
    """Write a data set as ``uCode`` plus one column per code (``text``: a
    :class:`ColumnText` shared by the stages written together)."""
    labels = [format_cell(u) for u in data.ucodes]
    _write_numeric(path, ["uCode", *data.codes], labels, data.values, text)


def write_panel_dataset(path: Path, stage: PanelDataset, text: ColumnText | None = None) -> None:
    """Write a stacked data set as ``uCode``, ``Time`` plus one column per code."""
    data = stage.data
    labels = [
        f"{format_cell(u)},{format_cell(t)}"
        for u, t in zip(data.ucodes, stage.times.tolist(), strict=True)
    ]
    _write_numeric(path, ["uCode", "Time", *data.codes], labels, data.values, text)


def load_inputs(data_csv: str | Path, meta_csv: str | Path) -> tuple[IndexMeta, UnitData]:
    """Read and validate iMeta then iData."""
    for label, p in (("iData", data_csv), ("iMeta", meta_csv)):
        if not Path(p).is_file():
            raise IndexInputError([Problem(label, f"file not found: {p}")])
    meta = parse_meta(read_text_table(str(meta_csv)))
    units = parse_data(read_text_table(str(data_csv)), meta)
    return meta, units


def build_index(
    data_csv: str | Path,
    meta_csv: str | Path,
    spec_json: str | Path | PipelineSpec,
    out_dir: str | Path,
) -> PipelineResult | PanelResult:
    """Run the pipeline and write ``<Stage>.csv`` files, results and details to ``out_dir``.

    Files: one CSV per stage (``Raw.csv`` and each step's data set), ``results.csv``
    and ``eff_weights.csv`` when the pipeline aggregates, ``treat_details.csv`` when it
    treats, ``screen_details.csv`` when it screens. When the spec's ``split_to``
    selects several time points, every time point is built (a :class:`PanelResult`)
    and the files gain a ``Time`` column (see the module docstring).
    """
    meta, units = load_inputs(data_csv, meta_csv)
    spec = spec_json if isinstance(spec_json, PipelineSpec) else load_spec(spec_json)
    result = run_index(meta, units, spec)
    if isinstance(result, PanelResult):
        write_panel_outputs(result, Path(out_dir))
    else:
        write_outputs(result, Path(out_dir))
    return result


def run_index(meta: IndexMeta, units: UnitData, spec: PipelineSpec) -> PipelineResult | PanelResult:
    """A panel build when ``spec.split_to`` selects several time points, else one build."""
    if spec.split_to is not None and len(split_times(units, spec.split_to)) > 1:
        return run_panel(meta, units, spec)
    return run_pipeline(meta, units, spec)


def write_outputs(result: PipelineResult, out: Path) -> None:
    """Write every output file of a pipeline run into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    text = ColumnText()
    for name, data in result.stages.items():
        write_dataset(out / f"{name}.csv", data, text)
    table = result.results_table()
    if table is not None:
        write_frame(out / "results.csv", table)
        write_frame(out / "eff_weights.csv", result.effective_weights_table())
    if result.treat is not None:
        write_frame(out / "treat_details.csv", result.treat.detail_table)
    if result.screen is not None:
        write_frame(out / "screen_details.csv", result.screen.table)


def write_panel_outputs(result: PanelResult, out: Path) -> None:
    """Write every output file of a panel build into ``out`` (with ``Time`` columns)."""
    out.mkdir(parents=True, exist_ok=True)
    text = ColumnText()
    for name in result.stage_names():
        write_panel_dataset(out / f"{name}.csv", result.stage(name), text)
    tables = {
        "results": result.results(),
        "eff_weights": result.effective_weights(),
        "treat_details": result.per_time(lambda c: None if c.treat is None else c.treat.details),
        "screen_details": result.per_time(lambda c: None if c.screen is None else c.screen.summary),
    }
    for name, table in tables.items():
        if table is not None:
            write_frame(out / f"{name}.csv", table)


def read_reference(path: str | Path) -> pd.DataFrame:
    """Read a COINr reference CSV (``NA`` as missing)."""
    import pandas as pd

    return pd.read_csv(path, na_values=["NA"], keep_default_na=False)


def run_from_files(
    data_csv: str | Path, meta_csv: str | Path, spec_json: str | Path
) -> PipelineResult:
    """Run a pipeline from files without writing anything."""
    meta, units = load_inputs(data_csv, meta_csv)
    return run_pipeline(meta, units, load_spec(spec_json))


__all__ = [
    "build_index",
    "format_cell",
    "load_inputs",
    "read_reference",
    "run_from_files",
    "run_index",
    "write_dataset",
    "write_frame",
    "write_outputs",
    "write_panel_dataset",
    "write_panel_outputs",
]

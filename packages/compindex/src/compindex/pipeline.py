"""Run a pipeline of steps over validated metadata and unit data.

Each step reads the previous step's data set and writes a new one named as COINr
does (``Denominated``, ``Imputed``, ``Screened``, ``Treated``, ``Normalised``,
``Aggregated``); the starting data set is ``Raw``. The step functions themselves live
in their own modules and work on numpy arrays; this module only translates the JSON
parameters (COINr names) into calls, reading each one with its type checked
(:mod:`~compindex.params`) so that a wrong type is refused with the
step and the parameter named, never a bare ``ValueError``.

Panel data (several ``Time`` values) is built here for one time point (``"Time"`` in
the spec, default the latest), like one coin of a COINr purse; ``impute`` with
``f_i = "impute_panel"`` uses the whole panel (denominated if a ``denominate`` step came
first) to fill that time point. To build every time point (a purse, with global
normalisation) see :mod:`compindex.panel`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from .aggregate import AGG_PARAMETERS, AGGREGATORS, LevelSpec, aggregate_level
from .data import Dataset, UnitData, split_times
from .denominate import denomby_from_meta, denomby_from_spec, denominate
from .errors import IndexInputError, Problem
from .impute import impute_columns, impute_panel, impute_rows
from .meta import IndexMeta
from .normalise import NormSpec, make_norm_spec, normalise, specs_from_meta
from .params import flag, mapping, number, text, whole_number
from .results import results_columns
from .screen import ScreenResult, screen_units
from .spec import PipelineSpec, Step
from .table import Table
from .treat import TreatResult, TreatSpecs, treat
from .weights import (
    WeightMap,
    effective_weights_table,
    equal_weights,
    meta_weights,
    pca_weights,
)

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class PanelContext:
    """Full panel values (all time points) kept for panel imputation."""

    values: np.ndarray
    ucodes: tuple[str, ...]
    times: np.ndarray
    numeric: dict[str, np.ndarray]


@dataclass
class PipelineResult:
    """Everything a pipeline run produces."""

    meta: IndexMeta
    units: UnitData
    stages: dict[str, Dataset]
    spec: PipelineSpec
    treat: TreatResult | None = None
    screen: ScreenResult | None = None
    weights: WeightMap = field(default_factory=dict)
    level_weights: list[WeightMap | None] = field(default_factory=list)

    @property
    def last(self) -> Dataset:
        """The data set written by the last step."""
        return list(self.stages.values())[-1]

    @property
    def aggregated(self) -> Dataset | None:
        """The ``Aggregated`` data set, if the pipeline aggregated."""
        return self.stages.get("Aggregated")

    def results(self) -> pd.DataFrame | None:
        """COINr-style results table (``spec["results"]`` options; default ``Aggs``)."""
        table = self.results_table()
        return None if table is None else table.to_frame()

    def results_table(self) -> Table | None:
        """:meth:`results` as a plain :class:`~compindex.table.Table` (no pandas)."""
        agg = self.aggregated
        if agg is None:
            return None
        opts = self.spec.results
        nround = opts.get("nround", 2)  # checked by the spec parser: None or a whole number
        return results_columns(
            agg,
            self.meta,
            tab_type=str(opts.get("tab_type", "Aggs")),
            order_by=opts.get("order_by"),
            nround=None if nround is None else int(nround),
            use=str(opts.get("use", "scores")),
        )

    def effective_weights(self) -> pd.DataFrame:
        """COINr ``get_eff_wts()`` table for the weights used."""
        return self.effective_weights_table().to_frame()

    def effective_weights_table(self) -> Table:
        """:meth:`effective_weights` as a plain :class:`~compindex.table.Table`."""
        return effective_weights_table(self.meta, self.weights or None)


@dataclass
class CoinState:
    """The state of one build (one coin) while its steps run."""

    meta: IndexMeta
    units: UnitData
    current: Dataset
    panel: PanelContext | None
    result: PipelineResult

    def record(self, step: Step) -> None:
        """Store the data set ``step`` just wrote."""
        self.result.stages[step.stage] = self.current
        self.result.units = self.units


def start_state(
    meta: IndexMeta, units: UnitData, spec: PipelineSpec, panel: PanelContext | None = None
) -> CoinState:
    """A build of ``units`` (one time point) at its ``Raw`` stage."""
    result = PipelineResult(meta, units, {"Raw": units.raw}, spec)
    return CoinState(meta, units, units.raw, panel, result)


def run_pipeline(
    meta: IndexMeta,
    units: UnitData,
    spec: PipelineSpec,
    timings: dict[str, float] | None = None,
) -> PipelineResult:
    """Run every step of ``spec`` in order; returns all stages and step details.

    If ``timings`` is given, the seconds spent in each stage are stored in it.
    """
    state = start_pipeline(meta, units, spec)
    run_steps(state, spec.steps, timings)
    return state.result


def start_pipeline(meta: IndexMeta, units: UnitData, spec: PipelineSpec) -> CoinState:
    """The ``Raw`` state of :func:`run_pipeline`: the time point chosen and checked."""
    units, panel = _select_time(units, _chosen_time(units, spec))
    _check_no_pooling(panel, spec)
    return start_state(meta, units, spec, panel)


def run_steps(
    state: CoinState, steps: Sequence[Step], timings: dict[str, float] | None = None
) -> None:
    """Run ``steps`` in order on ``state`` (each step reads the data set the one before
    it wrote)."""
    for step in steps:
        start = time.perf_counter()
        state.current = STEP_RUNNERS[step.kind](state, step)
        state.record(step)
        if timings is not None:
            timings[step.stage] = time.perf_counter() - start


def fork_state(state: CoinState, spec: PipelineSpec) -> CoinState:
    """A copy of ``state`` whose further steps leave ``state`` as it is (steps replace
    data sets, never change them in place), its result reporting ``spec``."""
    res = state.result
    result = replace(res, stages=dict(res.stages), spec=spec, level_weights=list(res.level_weights))
    return replace(state, result=result)


def _chosen_time(units: UnitData, spec: PipelineSpec) -> float | None:
    """The ``Time`` to build: the spec's, or the only one ``split_to`` selects."""
    if spec.split_to is None:
        return spec.time
    times = split_times(units, spec.split_to)
    if len(times) > 1:
        raise IndexInputError(
            [
                Problem(
                    "pipeline spec: split_to",
                    f"selects {len(times)} time points; build them with run_panel (CLI: "
                    "index build), or replace 'split_to' by 'Time' to build one",
                )
            ]
        )
    return times[0] if times and units.is_panel else None


def _check_no_pooling(panel: PanelContext | None, spec: PipelineSpec) -> None:
    """Refuse global normalisation of one time point chosen from panel data.

    Pooling the other time points only makes sense when they are built too (a purse).
    """
    if panel is None or spec.split_to is not None:
        return
    for step in spec.steps:
        if step.kind == "normalise" and step.params.get("global") is True:
            raise IndexInputError(
                [
                    Problem(
                        step.where,
                        "global normalisation pools every time point: build the panel "
                        'with "split_to": "all" (one result per Time), or drop '
                        "'global' to normalise this time point on its own",
                    )
                ]
            )


def _select_time(units: UnitData, time: float | None) -> tuple[UnitData, PanelContext | None]:
    if not units.is_panel or units.times is None:
        return units, None
    times = units.times
    chosen = float(np.nanmax(times)) if time is None else time
    mask = times == chosen
    if not mask.any():
        raise IndexInputError([Problem("pipeline spec", f"no data for Time {chosen:g}")])
    panel = PanelContext(
        units.raw.values.copy(), units.raw.ucodes, times.copy(), dict(units.numeric)
    )
    return units.select_rows(mask), panel


def _run_denominate(state: CoinState, step: Step) -> Dataset:
    items = step.params.get("denomby")
    denomby = (
        denomby_from_meta(state.meta)
        if items is None
        else denomby_from_spec(_list_of_maps(items, step, "denomby"), step.where)
    )
    if state.panel is not None:
        full = state.panel
        full.values = denominate(
            Dataset(full.ucodes, state.current.codes, full.values), full.numeric, denomby
        ).values
    return denominate(state.current, state.units.numeric, denomby)


def _list_of_maps(value: Any, step: Step, name: str) -> list[Mapping[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise IndexInputError([Problem(step.where, f"'{name}' must be a list of objects")])
    return value


def _run_impute(state: CoinState, step: Step) -> Dataset:
    p = step.params
    if flag(p.get("disable", False), step.where, "disable"):
        return state.current
    options = panel_imputation(step)
    if options is not None:
        return _impute_panel_step(state, step, options)
    f_i = text(p.get("f_i", "i_mean"), step.where, "f_i")
    para = mapping(p.get("f_i_para"), step.where, "f_i_para")
    if f_i == "none":
        return state.current
    data = state.current
    if p.get("impute_by", "column") == "row":
        if p.get("use_group") is not None:
            raise IndexInputError(
                [Problem(step.where, "use_group cannot be combined with impute_by 'row'")]
            )
        groups = _column_groups(state.meta, data.codes, p.get("group_level"), step)
        dirs = np.array([state.meta.direction(c) for c in data.codes])
        first = flag(p.get("normalise_first", True), step.where, "normalise_first")
        values = impute_rows(data.values, f_i, dirs, first, groups)
        return data.with_values(values)
    group = _group_column(state, p.get("use_group"), f_i, step)
    unknown = [k for k in para if k != "skip_f_na"]
    if unknown:
        raise IndexInputError(
            [Problem(step.where, f"unknown f_i_para parameter(s) {', '.join(unknown)}")]
        )
    skip_f_na = flag(para.get("skip_f_na", True), step.where, "f_i_para.skip_f_na")
    values = impute_columns(data.values, data.codes, f_i, group, skip_f_na)
    return data.with_values(values)


def _group_column(state: CoinState, name: Any, f_i: str, step: Step) -> Sequence[str | None] | None:
    if name is not None:
        name = text(name, step.where, "use_group")
    if name is None:
        if f_i.endswith("_grp"):
            raise IndexInputError(
                [Problem(step.where, f"f_i '{f_i}' needs 'use_group' (a group column of iData)")]
            )
        return None
    if name in state.units.groups:
        return state.units.groups[name]
    if name in state.units.numeric:
        return tuple(None if np.isnan(v) else f"{v:g}" for v in state.units.numeric[name])
    raise IndexInputError([Problem(step.where, f"use_group '{name}' is not a column of iData")])


def _column_groups(
    meta: IndexMeta, codes: Sequence[str], level: Any, step: Step
) -> list[str] | None:
    if level is None:
        return None
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= meta.max_level:
        raise IndexInputError(
            [Problem(step.where, f"group_level must be between 1 and {meta.max_level}")]
        )
    out = []
    for c in codes:
        cur: str | None = c
        for _ in range(level - 1):
            cur = meta.by_code[cur].parent if cur is not None else None
        out.append(cur or c)
    return out


def panel_imputation(step: Step) -> tuple[str, int | None] | None:
    """``(imp_type, max_time)`` if ``step`` imputes from other time points, else ``None``."""
    p = step.params
    if step.kind != "impute" or p.get("disable") or p.get("f_i") != "impute_panel":
        return None
    para = mapping(p.get("f_i_para"), step.where, "f_i_para")
    unknown = [k for k in para if k not in ("imp_type", "max_time")]
    if unknown:
        raise IndexInputError(
            [Problem(step.where, f"unknown f_i_para parameter(s) {', '.join(unknown)}")]
        )
    max_time = para.get("max_time")
    return (
        text(para.get("imp_type", "latest"), step.where, "f_i_para.imp_type"),
        None if max_time is None else whole_number(max_time, step.where, "f_i_para.max_time", 0),
    )


def _impute_panel_step(state: CoinState, step: Step, options: tuple[str, int | None]) -> Dataset:
    if state.panel is None:
        raise IndexInputError(
            [Problem(step.where, "impute_panel needs panel data (several Time values per unit)")]
        )
    imputed, _ = impute_panel(state.panel.values, state.panel.ucodes, state.panel.times, *options)
    chosen = state.units.times[0] if state.units.times is not None else None
    pos = {
        u: i
        for i, (u, t) in enumerate(zip(state.panel.ucodes, state.panel.times, strict=True))
        if t == chosen
    }
    rows = [pos[u] for u in state.current.ucodes]
    return state.current.with_values(imputed[rows])


def _run_screen(state: CoinState, step: Step) -> Dataset:
    p = step.params
    force = p.get("Force")
    res = screen_units(
        state.current,
        text(p.get("unit_screen", "byNA"), step.where, "unit_screen"),
        _optional_share(p.get("dat_thresh"), step, "dat_thresh"),
        _optional_share(p.get("nonzero_thresh"), step, "nonzero_thresh"),
        None if force is None else _list_of_maps(force, step, "Force"),
    )
    state.result.screen = res
    # A set, not np.isin: the same mask, without loading numpy.ma (np.unique does).
    kept = set(res.data.ucodes)
    keep = np.array([u in kept for u in state.units.raw.ucodes], dtype=bool)
    state.units = state.units.select_rows(keep)
    return res.data


def _optional_share(value: Any, step: Step, name: str) -> float | None:
    """A threshold given as a share (0 to 1), or ``None`` for the method's default."""
    return None if value is None else number(value, step.where, name, 0, 1)


def _treat_specs(
    base: TreatSpecs, raw: Mapping[str, Any], step: Step, prefix: str = ""
) -> TreatSpecs:
    """Merge a COINr-style spec list (``f1``, ``f1_para``, ...) into ``base``."""
    allowed = ("f1", "f1_para", "f2", "f2_para", "f_pass", "f_pass_para")
    bad = [k for k in raw if k not in allowed]
    if bad:
        raise IndexInputError(
            [Problem(step.where, f"unknown treatment spec key(s) {', '.join(bad)}")]
        )
    where = step.where
    s = TreatSpecs(**vars(base))
    s.f2_para = dict(base.f2_para)
    s.f1 = text(raw.get("f1", s.f1), where, f"{prefix}f1")
    for k, v in mapping(raw.get("f1_para"), where, f"{prefix}f1_para").items():
        name = f"{prefix}f1_para.{k}"
        if k == "winmax":
            s.winmax = None if v is None else whole_number(v, where, name, 0)
        elif k == "skew_thresh":
            s.skew_thresh = number(v, where, name)
        elif k == "kurt_thresh":
            s.kurt_thresh = number(v, where, name)
        elif k == "force_win":
            s.force_win = flag(v, where, name)
        elif k != "na.rm":
            raise IndexInputError([Problem(where, f"unknown f1_para parameter '{k}'")])
    if "f2" in raw:
        s.f2 = None if raw["f2"] is None else text(raw["f2"], where, f"{prefix}f2")
    s.f2_para.update(_f2_para(raw.get("f2_para"), where, f"{prefix}f2_para"))
    s.f_pass = text(raw.get("f_pass", s.f_pass), where, f"{prefix}f_pass")
    for k, v in mapping(raw.get("f_pass_para"), where, f"{prefix}f_pass_para").items():
        name = f"{prefix}f_pass_para.{k}"
        if k == "skew_thresh":
            s.pass_skew_thresh = number(v, where, name)
        elif k == "kurt_thresh":
            s.pass_kurt_thresh = number(v, where, name)
        elif k != "na.rm":
            raise IndexInputError([Problem(where, f"unknown f_pass_para parameter '{k}'")])
    return s


def _f2_para(raw: Any, where: str, name: str) -> dict[str, Any]:
    """``f2_para``: the Box-Cox ``lambda`` (a number) and ``makepos`` (true/false)."""
    para = dict(mapping(raw, where, name))
    if "lambda" in para:
        para["lambda"] = number(para["lambda"], where, f"{name}.lambda")
    if "makepos" in para:
        para["makepos"] = flag(para["makepos"], where, f"{name}.makepos")
    return para


def treat_specs_from_params(p: Mapping[str, Any], step: Step) -> TreatSpecs:
    """Global treatment specs from a step: ``qTreat`` flat keys, then ``global_specs``."""
    s = TreatSpecs()
    flat: dict[str, Any] = {}
    f1p = {k: p[k] for k in ("winmax", "skew_thresh", "kurt_thresh") if k in p}
    for k, v in f1p.items():  # checked here so that problems name the key as written
        if k != "winmax":
            number(v, step.where, k)
        elif v is not None:
            whole_number(v, step.where, k, 0)
    if f1p:
        flat["f1_para"] = f1p
        passp = {k: p[k] for k in ("skew_thresh", "kurt_thresh") if k in p}
        if passp:
            flat["f_pass_para"] = passp
    if "f2" in p:
        flat["f2"] = p["f2"]
    s = _treat_specs(s, flat, step)
    gs = p.get("global_specs")
    if gs == "none":
        s.none = True
    elif isinstance(gs, Mapping):
        s = _treat_specs(s, gs, step, "global_specs.")
    elif gs is not None:
        raise IndexInputError([Problem(step.where, "global_specs must be an object or 'none'")])
    return s


def _run_treat(state: CoinState, step: Step) -> Dataset:
    p = step.params
    if flag(p.get("disable", False), step.where, "disable"):
        return state.current
    base = treat_specs_from_params(p, step)
    indiv: dict[str, TreatSpecs] = {}
    raw_indiv = p.get("indiv_specs") or {}
    if not isinstance(raw_indiv, Mapping):
        raise IndexInputError([Problem(step.where, "indiv_specs must be an object")])
    for code, val in raw_indiv.items():
        if code not in state.current.codes:
            raise IndexInputError([Problem(step.where, f"indiv_specs: unknown iCode '{code}'")])
        if val == "none":
            indiv[code] = TreatSpecs(none=True)
        elif isinstance(val, Mapping):
            indiv[code] = _treat_specs(base, val, step, f"indiv_specs.{code}.")
        else:
            raise IndexInputError(
                [Problem(step.where, f"indiv_specs['{code}'] must be an object or 'none'")]
            )
    combine = flag(p.get("combine_treat", False), step.where, "combine_treat")
    res = treat(state.current, base, indiv, combine)
    state.result.treat = res
    return res.data


def norm_specs_from_params(
    p: Mapping[str, Any], meta: IndexMeta, codes: Sequence[str], where: str
) -> tuple[NormSpec, dict[str, NormSpec]]:
    """Global and per-indicator normalisation specs from step parameters."""
    f_n = text(p.get("f_n", "n_minmax"), where, "f_n")
    if "f_n" not in p and "f_n_para" not in p:
        spec = NormSpec("n_minmax", {"l_u": [0, 100]})
    elif p.get("f_n_para") == "use_iMeta":
        spec = make_norm_spec(f_n, None, where)
    else:
        spec = make_norm_spec(f_n, p.get("f_n_para"), where)
    indiv: dict[str, NormSpec] = {}
    if p.get("f_n_para") == "use_iMeta":
        indiv = specs_from_meta(meta, spec.f_n, codes)
    raw_indiv = p.get("indiv_specs") or {}
    if not isinstance(raw_indiv, Mapping):
        raise IndexInputError([Problem(where, "indiv_specs must be an object")])
    for code, val in raw_indiv.items():
        if code not in codes or not isinstance(val, Mapping):
            raise IndexInputError(
                [Problem(where, f"indiv_specs: '{code}' must be an indicator with an object")]
            )
        name = f"indiv_specs.{code}"
        indiv[code] = make_norm_spec(
            text(val.get("f_n", "n_minmax"), where, f"{name}.f_n"),
            val.get("f_n_para"),
            where,
            f"{name}.f_n_para",
        )
    return spec, indiv


def _run_normalise(state: CoinState, step: Step) -> Dataset:
    return normalise_step(state.meta, state.current, step)


def normalise_step(meta: IndexMeta, data: Dataset, step: Step, pooled: bool = False) -> Dataset:
    """Run a normalise step on ``data``.

    ``pooled``: ``data`` stacks several time points (COINr ``Normalise.purse`` with
    ``global = TRUE``), so parameters are computed over all of them. COINr 1.1.14 then
    normalises the stacked data frame directly, which cannot read parameters from iMeta;
    a reference unit (``n_dist2ref``) would be ambiguous across time points.
    """
    p = step.params
    if pooled and p.get("f_n_para") == "use_iMeta":
        raise IndexInputError([Problem(step.where, POOLED_USE_IMETA)])
    spec, indiv = norm_specs_from_params(p, meta, data.codes, step.where)
    if pooled and any(s.f_n == "n_dist2ref" for s in (spec, *indiv.values())):
        raise IndexInputError([Problem(step.where, POOLED_DIST2REF)])
    dirs = dict(mapping(p.get("directions"), step.where, "directions"))
    bad = [
        c for c, d in dirs.items() if c not in data.codes or isinstance(d, bool) or d not in (1, -1)
    ]
    if bad:
        raise IndexInputError(
            [Problem(step.where, f"directions: bad entries for {', '.join(map(str, bad))}")]
        )
    directions = [float(dirs.get(c, meta.direction(c))) for c in data.codes]
    return normalise(data, directions, spec, indiv)


POOLED_USE_IMETA = (
    "f_n_para 'use_iMeta' is not available with global normalisation (COINr 1.1.14 "
    'normalises the pooled time points without iMeta parameters); set "global": false '
    "(fixed iMeta parameters give comparable scores across years anyway) or give f_n_para"
)
POOLED_DIST2REF = (
    "n_dist2ref is not available with global normalisation: the reference unit appears "
    'once per time point; set "global": false or choose another method'
)


def _per_level(value: Any, n: int, name: str, step: Step) -> list[Any]:
    """COINr allows one value for all levels or a list with one value per level."""
    if isinstance(value, list):
        if len(value) != n:
            raise IndexInputError(
                [Problem(step.where, f"'{name}' as a list needs {n} entries (one per level)")]
            )
        return list(value)
    return [value] * n


def level_specs_from_params(
    p: Mapping[str, Any], state_meta: IndexMeta, data: Dataset | None, step: Step
) -> tuple[list[LevelSpec], list[Any]]:
    """Per-level aggregation specs; returns the specs and the raw ``w`` entries."""
    n = state_meta.max_level - 1
    f_ags = _per_level(p.get("f_ag", "a_amean"), n, "f_ag", step)
    paras = p.get("f_ag_para")
    if isinstance(paras, list) and not all(v is None or isinstance(v, Mapping) for v in paras):
        paras = {"p": paras[0]} if len(paras) == 1 else paras  # positional, e.g. [2] -> p = 2
    para_list = paras if isinstance(paras, list) else [paras] * n
    if len(para_list) != n:
        raise IndexInputError([Problem(step.where, f"'f_ag_para' list needs {n} entries")])
    threshs = _per_level(p.get("dat_thresh"), n, "dat_thresh", step)
    w_raw = p.get("w")
    if (
        isinstance(w_raw, list)
        and w_raw
        and all(isinstance(v, Mapping) and "iCode" in v for v in w_raw)
    ):
        # COINr weights data frame
        w_raw = {text(v["iCode"], step.where, "w iCode"): v.get("Weight") for v in w_raw}
    ws = _per_level(w_raw, n, "w", step)
    by_dfs = _per_level(p.get("by_df", False), n, "by_df", step)
    specs = []
    for i in range(n):
        f_ag = text(f_ags[i], step.where, "f_ag")
        if f_ag not in AGGREGATORS:
            raise IndexInputError([Problem(step.where, f"unknown f_ag '{f_ag}'")])
        if flag(by_dfs[i], step.where, "by_df") and f_ag != "a_copeland":
            raise IndexInputError(
                [Problem(step.where, f"by_df true is only meaningful for a_copeland, not {f_ag}")]
            )
        para = _aggregation_para(para_list[i], f_ag, step)
        specs.append(LevelSpec(f_ag, para, None, _optional_share(threshs[i], step, "dat_thresh")))
    return specs, ws


def _aggregation_para(raw: Any, f_ag: str, step: Step) -> dict[str, Any]:
    """``f_ag_para`` of one level: only ``a_genmean`` has a parameter (the number ``p``)."""
    para = dict(mapping(raw, step.where, "f_ag_para"))
    unknown = [k for k in para if k not in AGG_PARAMETERS[f_ag]]
    if unknown:
        raise IndexInputError(
            [
                Problem(
                    step.where,
                    f"unknown f_ag_para parameter(s) {', '.join(unknown)} for {f_ag}",
                )
            ]
        )
    if f_ag == "a_genmean":
        if "p" not in para:
            raise IndexInputError([Problem(step.where, "a_genmean needs f_ag_para {'p': ...}")])
        para["p"] = number(para["p"], step.where, "f_ag_para.p")
    return para


def _resolve_weights(
    w: Any, meta: IndexMeta, data: Dataset, level: int, step: Step
) -> WeightMap | None:
    if w is None:
        return meta_weights(meta)
    if w == "none":
        return None
    if w == "equal":
        return equal_weights(meta)
    if w == "PCA":
        return {**meta_weights(meta), **pca_weights(data, meta, level)}
    if isinstance(w, Mapping):
        unknown = [c for c in w if c not in meta.by_code]
        if unknown:
            raise IndexInputError(
                [Problem(step.where, f"w: unknown code(s) {', '.join(map(str, unknown))}")]
            )
        given = {str(k): number(v, step.where, f"w.{k}") for k, v in w.items()}
        return {**meta_weights(meta), **given}
    raise IndexInputError(
        [Problem(step.where, "w must be null, 'none', 'equal', 'PCA', or an object of weights")]
    )


def _run_aggregate(state: CoinState, step: Step) -> Dataset:
    specs, ws = level_specs_from_params(step.params, state.meta, state.current, step)
    data = state.current
    used: WeightMap = {}
    level_weights: list[WeightMap | None] = []
    for lev in range(2, state.meta.max_level + 1):
        wmap = _resolve_weights(ws[lev - 2], state.meta, data, lev - 1, step)
        specs[lev - 2].weights = wmap
        level_weights.append(wmap)
        if wmap is not None:
            used.update({k: v for k, v in wmap.items() if state.meta.by_code[k].level == lev - 1})
        data = aggregate_level(data, state.meta, lev, specs[lev - 2])
    state.result.weights = used
    state.result.level_weights = level_weights
    return data


STEP_RUNNERS: dict[str, Callable[[CoinState, Step], Dataset]] = {
    "denominate": _run_denominate,
    "impute": _run_impute,
    "screen": _run_screen,
    "treat": _run_treat,
    "normalise": _run_normalise,
    "aggregate": _run_aggregate,
}

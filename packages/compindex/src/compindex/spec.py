"""Pipeline specification: parsing and validation of the JSON step list.

A pipeline is ``{"steps": [{"step": "impute", "f_i": "i_mean_grp", ...}, ...]}`` with
COINr's method and parameter names. Optional top-level keys: ``"results"`` (COINr
``get_results`` options: ``tab_type``, ``order_by``, ``nround``, ``use``), ``"Time"``
(which time point of panel data to build), ``"split_to"`` (COINr ``new_coin(split_to)``:
``"all"`` or a list of Time values; builds one index per time point, see
:mod:`compindex.panel`) and ``"sensitivity"`` (see
:mod:`compindex.sensitivity`).

Unknown steps, methods and parameters are refused with an
:class:`~compindex.errors.IndexInputError` naming the step.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .aggregate import AGG_PARAMETERS, AGGREGATORS
from .errors import IndexInputError, Problem
from .impute import COLUMN_METHODS, PANEL_TYPES
from .normalise import NORMALISERS
from .params import shown
from .results import TAB_TYPES, USES
from .screen import UNIT_SCREENS
from .treat import F1_METHODS, F2_METHODS, F_PASS_METHODS

STEP_PARAMETERS: dict[str, tuple[str, ...]] = {
    "denominate": ("denomby",),
    "impute": (
        "f_i",
        "f_i_para",
        "use_group",
        "impute_by",
        "group_level",
        "normalise_first",
        "disable",
    ),
    "screen": ("unit_screen", "dat_thresh", "nonzero_thresh", "Force"),
    "treat": (
        "winmax",
        "skew_thresh",
        "kurt_thresh",
        "f2",
        "global_specs",
        "indiv_specs",
        "combine_treat",
        "disable",
    ),
    "normalise": ("f_n", "f_n_para", "indiv_specs", "directions", "global"),
    "aggregate": ("f_ag", "f_ag_para", "w", "dat_thresh", "by_df"),
}
STAGE_NAMES: dict[str, str] = {
    "denominate": "Denominated",
    "impute": "Imputed",
    "screen": "Screened",
    "treat": "Treated",
    "normalise": "Normalised",
    "aggregate": "Aggregated",
}
TOP_LEVEL_KEYS = ("steps", "results", "Time", "split_to", "sensitivity")
RESULTS_KEYS = ("tab_type", "order_by", "nround", "use")
GLOBAL_ONLY_NORMALISE = (
    "'global' is a parameter of normalise only: as in COINr 1.1.14 (Treat.purse, "
    "Impute.purse, ...), other steps run on each time point separately; to fill gaps "
    "from a unit's other time points use impute with f_i 'impute_panel'"
)


SplitTo = str | tuple[float, ...]
"""``"all"`` or the Time values to build, as COINr's ``new_coin(split_to = ...)``."""


@dataclass(frozen=True)
class Step:
    """One validated pipeline step: its kind, parameters and position (1-based)."""

    kind: str
    params: Mapping[str, Any]
    position: int

    @property
    def where(self) -> str:
        """Plain-language location used in error messages."""
        return f"pipeline step {self.position} ({self.kind})"

    @property
    def stage(self) -> str:
        """Name of the data set this step writes (COINr ``write_to`` default)."""
        return STAGE_NAMES[self.kind]


@dataclass(frozen=True)
class PipelineSpec:
    """A validated pipeline specification."""

    steps: tuple[Step, ...]
    results: Mapping[str, Any] = field(default_factory=dict)
    time: float | None = None
    sensitivity: Mapping[str, Any] = field(default_factory=dict)
    split_to: SplitTo | None = None


def load_spec(path: str | Path) -> PipelineSpec:
    """Read and validate a pipeline JSON file."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise IndexInputError([Problem(f"pipeline spec {path}", f"not valid JSON: {exc}")]) from exc
    return parse_spec(raw)


def parse_spec(raw: Any) -> PipelineSpec:
    """Validate a decoded pipeline spec (``{"steps": [...]}`` or a bare list of steps)."""
    if isinstance(raw, list):
        raw = {"steps": raw}
    if not isinstance(raw, Mapping) or not isinstance(raw.get("steps"), list):
        raise IndexInputError([Problem("pipeline spec", "must be an object with a 'steps' list")])
    problems: list[Problem] = [
        Problem(
            "pipeline spec",
            f"unknown top-level key '{k}' (accepted: {', '.join(TOP_LEVEL_KEYS)})"
            + ('; to build every time point use "split_to": "all"' if k == "panel" else ""),
        )
        for k in raw
        if k not in TOP_LEVEL_KEYS
    ]
    steps = [_parse_step(i + 1, s, problems) for i, s in enumerate(raw["steps"])]
    results = raw.get("results") or {}
    if not isinstance(results, Mapping):
        problems.append(Problem("pipeline spec", "'results' must be an object"))
        results = {}
    _check_results(results, problems)
    time = raw.get("Time")
    if time is not None and not _is_number(time):
        problems.append(Problem("pipeline spec", "'Time' must be a number"))
    split_to = _parse_split_to(raw.get("split_to"), problems)
    if split_to is not None and time is not None:
        problems.append(
            Problem(
                "pipeline spec",
                "use either 'Time' (build one time point) or 'split_to' (build several), not both",
            )
        )
    sens = raw.get("sensitivity") or {}
    if not isinstance(sens, Mapping):
        problems.append(Problem("pipeline spec", "'sensitivity' must be an object"))
        sens = {}
    if problems:
        raise IndexInputError(problems)
    return PipelineSpec(
        tuple(s for s in steps if s is not None),
        dict(results),
        float(time) if time is not None else None,
        dict(sens),
        split_to,
    )


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def _parse_split_to(value: Any, problems: list[Problem]) -> SplitTo | None:
    """COINr ``split_to``: ``"all"`` or a non-empty list of distinct Time values."""
    if value is None:
        return None
    if value == "all":
        return "all"
    if not isinstance(value, list) or not value or not all(_is_number(v) for v in value):
        problems.append(
            Problem("pipeline spec", "'split_to' must be \"all\" or a list of Time values")
        )
        return None
    times = tuple(float(v) for v in value)
    if len(set(times)) != len(times):
        problems.append(Problem("pipeline spec", "'split_to' lists a Time value twice"))
        return None
    return times


def _parse_step(pos: int, raw: Any, problems: list[Problem]) -> Step | None:
    if not isinstance(raw, Mapping) or "step" not in raw:
        problems.append(Problem(f"pipeline step {pos}", "must be an object with a 'step' key"))
        return None
    kind = raw["step"]
    if kind not in STEP_PARAMETERS:
        problems.append(
            Problem(
                f"pipeline step {pos}",
                f"unknown step '{kind}'; use one of {', '.join(STEP_PARAMETERS)}",
            )
        )
        return None
    params = {k: v for k, v in raw.items() if k != "step"}
    step = Step(kind, params, pos)
    for key in params:
        if key == "global" and kind != "normalise":
            problems.append(Problem(step.where, GLOBAL_ONLY_NORMALISE))
        elif key not in STEP_PARAMETERS[kind]:
            problems.append(
                Problem(
                    step.where,
                    f"unknown parameter '{key}' (accepted: {', '.join(STEP_PARAMETERS[kind])})",
                )
            )
    _check_methods(step, problems)
    return step


def _one_of(
    step: Step, key: str, allowed: tuple[str, ...], problems: list[Problem], value: Any = None
) -> None:
    val = step.params.get(key) if value is None else value
    if val is not None and val not in allowed:
        problems.append(
            Problem(step.where, f"unknown {key} '{val}'; use one of {', '.join(allowed)}")
        )


def _check_methods(step: Step, problems: list[Problem]) -> None:
    p = step.params
    if step.kind == "impute":
        _one_of(step, "f_i", (*COLUMN_METHODS, "impute_panel", "none"), problems)
        _one_of(step, "impute_by", ("column", "row"), problems)
        para = p.get("f_i_para")
        if isinstance(para, Mapping):
            _one_of(step, "imp_type", PANEL_TYPES, problems, para.get("imp_type"))
    elif step.kind == "screen":
        _one_of(step, "unit_screen", UNIT_SCREENS, problems)
    elif step.kind == "treat":
        _one_of(step, "f2", (*F2_METHODS,), problems)
        gs = p.get("global_specs")
        if isinstance(gs, Mapping):
            _one_of(step, "f1", F1_METHODS, problems, gs.get("f1"))
            _one_of(step, "f2", F2_METHODS, problems, gs.get("f2"))
            _one_of(step, "f_pass", F_PASS_METHODS, problems, gs.get("f_pass"))
    elif step.kind == "normalise":
        if not isinstance(p.get("global", False), bool):
            problems.append(Problem(step.where, "'global' must be true or false"))
        f_n = p.get("f_n")
        if f_n is not None and (not isinstance(f_n, str) or f_n not in NORMALISERS):
            problems.append(
                Problem(step.where, f"unknown f_n '{f_n}'; use one of {', '.join(NORMALISERS)}")
            )
    elif step.kind == "aggregate":
        f_ag = p.get("f_ag")
        for f in f_ag if isinstance(f_ag, list) else [f_ag]:
            if f is not None and f not in AGGREGATORS:
                problems.append(
                    Problem(step.where, f"unknown f_ag '{f}'; use one of {', '.join(AGGREGATORS)}")
                )
        para = p.get("f_ag_para")
        if isinstance(para, Mapping) and isinstance(f_ag, str):
            bad = [k for k in para if k not in AGG_PARAMETERS.get(f_ag, ())]
            if bad:
                problems.append(
                    Problem(
                        step.where, f"unknown f_ag_para parameter(s) {', '.join(bad)} for {f_ag}"
                    )
                )


def _check_results(results: Mapping[str, Any], problems: list[Problem]) -> None:
    for k in results:
        if k not in RESULTS_KEYS:
            problems.append(
                Problem(
                    "pipeline spec: results",
                    f"unknown key '{k}' (accepted: {', '.join(RESULTS_KEYS)})",
                )
            )
    tt = results.get("tab_type")
    if tt is not None and tt not in TAB_TYPES:
        problems.append(
            Problem(
                "pipeline spec: results", f"tab_type '{tt}' unknown; use {', '.join(TAB_TYPES)}"
            )
        )
    use = results.get("use")
    if use is not None and use not in USES:
        problems.append(Problem("pipeline spec: results", f"use '{use}' unknown"))
    nround = results.get("nround")
    if nround is not None and not (_is_number(nround) and nround >= 0 and nround == int(nround)):
        problems.append(
            Problem(
                "pipeline spec: results",
                f"'nround' must be a whole number of decimals (0 or more), not {shown(nround)}",
            )
        )

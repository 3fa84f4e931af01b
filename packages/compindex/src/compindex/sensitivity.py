"""Uncertainty and sensitivity analysis over methodological choices.

Five uncertain inputs (k = 5), each driven by one coordinate of a scrambled Sobol'
sequence (``scipy.stats.qmc.Sobol``):

* ``weights``: one of ``n_weight_sets`` pre-drawn weight sets, every metadata weight
  multiplied by ``1 + U(-weight_noise, weight_noise)`` (default 25 %);
* ``normalisation``: a choice among normalisation specs (default min-max to
  [1, 100] and ranks);
* ``aggregation``: ``a_amean``, ``a_gmean`` (also ``a_hmean``, ``a_genmean``);
* ``imputation``: an ``f_i`` method (default ``i_mean``, ``i_median``), or ``"none"``
  (no imputation step);
* ``winsorisation``: the ``winmax`` limit of the treatment step (default 1, 3, 5), or
  ``null`` (no treatment step).

The nominal pipeline is always one of the sampled combinations when the spec does not
list the alternatives itself: its own imputation (``"none"`` when it has no impute
step), its own winsorisation (``null`` when it has no treat step) and its own
aggregation join the defaults (:meth:`SensitivityConfig.around`). Its normalisation is
covered by the default min-max to [1, 100] when it is a min-max (any range gives the
same ranks under the arithmetic mean), and joins the defaults otherwise. Without this,
every sampled build could differ from the published one (say, all impute while the
nominal does not), and a published rank could fall outside its own interval.

Saltelli's design uses matrices A, B and AB_i (A with column i from B): N (k + 2)
runs. The output is the mean absolute rank shift of the units against the nominal
pipeline. First-order indices use the Saltelli (2010) estimator
``mean(f(B) (f(AB_i) - f(A))) / V`` and total-effect indices the Jansen estimator
``mean((f(A) - f(AB_i))^2) / (2 V)``; bootstrap confidence intervals resample the N
base rows. Per-unit rank distributions (median, 5-95 %) use the A and B runs.

Panel data: when the spec's ``split_to`` selects several time points, the nominal
pipeline and every combination of choices are built as panels (so a global
normalisation pools the time points exactly as in the nominal build) and the
analysis is of the latest time point (:func:`analysed_time`).

Vectorised: runs are grouped by their discrete choices (imputation x winsorisation x
normalisation: a handful of pipeline runs); within a group, every run's weights are
applied at once, level by level, with elementwise array operations (no BLAS), for all
runs of a given aggregation method.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import qmc, rankdata

from .data import Dataset, UnitData, split_times
from .errors import IndexInputError, Problem
from .impute import COLUMN_METHODS
from .meta import IndexMeta
from .normalise import make_norm_spec
from .numeric import BoolArray, FloatArray, remembered_skew_kurt
from .panel import run_panel, run_panel_steps, start_panel
from .params import mapping, number, refuse, text, whole_number
from .pipeline import CoinState, PipelineResult, fork_state, run_pipeline, run_steps, start_pipeline
from .spec import PipelineSpec, Step
from .weights import meta_weights

INPUT_NAMES = ("weights", "normalisation", "aggregation", "imputation", "winsorisation")
SA_AGGREGATORS = ("a_amean", "a_gmean", "a_hmean", "a_genmean")
Progress = Callable[[int, int], None]
# An imputation alternative meaning "no impute step", and the winsorisation one meaning
# "no treat step" (``None`` in the ``winmax`` list, ``null`` in JSON).
NO_IMPUTATION = "none"


@dataclass
class SensitivityConfig:
    """Alternatives for each uncertain input (override with ``spec["sensitivity"]``)."""

    normalisation: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"f_n": "n_minmax", "f_n_para": [1, 100]},
            {"f_n": "n_rank"},
        ]
    )
    aggregation: list[str] = field(default_factory=lambda: ["a_amean", "a_gmean"])
    imputation: list[str] = field(default_factory=lambda: ["i_mean", "i_median"])
    winmax: list[int | None] = field(default_factory=lambda: [1, 3, 5])
    weight_noise: float = 0.25
    n_weight_sets: int = 1024
    genmean_p: float = 2.0
    bootstrap: int = 500
    confidence: float = 0.95

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> SensitivityConfig:
        """Build from the ``sensitivity`` object of a pipeline spec, checking every type."""
        known = set(cls.__dataclass_fields__)
        bad = [k for k in raw if k not in known]
        if bad:
            raise IndexInputError(
                [
                    Problem(
                        "sensitivity",
                        f"unknown option(s) {', '.join(bad)} "
                        f"(accepted: {', '.join(sorted(known))})",
                    )
                ]
            )
        cfg = cls(**{k: _OPTION_READERS[k](v, k) for k, v in raw.items()})
        cfg.validate()
        return cfg

    @classmethod
    def around(cls, spec: PipelineSpec) -> SensitivityConfig:
        """The spec's ``sensitivity`` options, with the nominal pipeline's own choice
        added to each list of alternatives the spec leaves at its default, so that the
        nominal build is one of the sampled combinations."""
        cfg = cls.from_mapping(spec.sensitivity)
        given = set(spec.sensitivity)
        nominal = _nominal_choices(spec)
        if "imputation" not in given and nominal.f_i not in cfg.imputation:
            cfg.imputation = [nominal.f_i, *cfg.imputation]
        if "winmax" not in given and nominal.winmax not in cfg.winmax:
            cfg.winmax = [nominal.winmax, *cfg.winmax]
        if (
            "aggregation" not in given
            and nominal.f_ag in SA_AGGREGATORS
            and nominal.f_ag not in cfg.aggregation
        ):
            cfg.aggregation = [nominal.f_ag, *cfg.aggregation]
        if (
            "normalisation" not in given
            and nominal.norm is not None
            and nominal.norm.get("f_n", "n_minmax") != "n_minmax"
            and nominal.norm not in cfg.normalisation
        ):
            cfg.normalisation = [nominal.norm, *cfg.normalisation]
        return cfg

    def validate(self) -> None:
        """Refuse empty or unsupported alternatives."""
        problems = []
        for name in ("normalisation", "aggregation", "imputation", "winmax"):
            if not getattr(self, name):
                problems.append(Problem("sensitivity", f"'{name}' needs at least one option"))
        bad = [a for a in self.aggregation if a not in SA_AGGREGATORS]
        if bad:
            problems.append(
                Problem(
                    "sensitivity",
                    f"aggregation {', '.join(bad)} not supported in the "
                    f"analysis (use {', '.join(SA_AGGREGATORS)})",
                )
            )
        if not 0 <= self.weight_noise < 1:
            problems.append(Problem("sensitivity", "weight_noise must be in [0, 1)"))
        if problems:
            raise IndexInputError(problems)


@dataclass(frozen=True)
class NominalChoices:
    """The discrete choices the nominal pipeline makes, in the analysis' terms."""

    f_i: str
    winmax: int | None
    f_ag: str | None
    norm: dict[str, Any] | None


TREAT_DEFAULT_WINMAX = 5


def _nominal_choices(spec: PipelineSpec) -> NominalChoices:
    steps = {step.kind: step.params for step in spec.steps}
    impute, treat = steps.get("impute"), steps.get("treat")
    normalise, aggregate = steps.get("normalise"), steps.get("aggregate")
    winmax = None
    if treat is not None:
        raw = treat.get("winmax", TREAT_DEFAULT_WINMAX)
        winmax = None if raw is None else int(raw)
    norm = None
    if normalise is not None:
        norm = {key: normalise[key] for key in ("f_n", "f_n_para") if key in normalise}
    return NominalChoices(
        f_i=str(impute.get("f_i", "i_mean")) if impute is not None else NO_IMPUTATION,
        winmax=winmax,
        f_ag=str(aggregate.get("f_ag", "a_amean")) if aggregate is not None else None,
        norm=norm,
    )


MAX_WEIGHT_SETS = 100_000
# Runs evaluated together: (RUN_BLOCK, units) float arrays of about 1 MB for 1,000 units.
RUN_BLOCK = 128
MAX_BOOTSTRAP = 2_000


def _list_of(read: Callable[[Any, str], Any]) -> Callable[[Any, str], list[Any]]:
    """A reader of a JSON list whose entries ``read`` checks one by one."""

    def read_list(value: Any, name: str) -> list[Any]:
        if not isinstance(value, list):
            raise refuse("sensitivity", name, "a list", value)
        return [read(v, f"{name}[{i}]") for i, v in enumerate(value)]

    return read_list


def _normalisation_option(value: Any, name: str) -> dict[str, Any]:
    option = mapping(value, "sensitivity", name)
    unknown = [k for k in option if k not in ("f_n", "f_n_para")]
    if unknown:
        raise IndexInputError(
            [
                Problem(
                    "sensitivity",
                    f"{name}: unknown key(s) {', '.join(unknown)} (use f_n, f_n_para)",
                )
            ]
        )
    f_n = text(option.get("f_n", "n_minmax"), "sensitivity", f"{name}.f_n")
    make_norm_spec(f_n, option.get("f_n_para"), "sensitivity", f"{name}.f_n_para")
    return dict(option)


def _method(allowed: tuple[str, ...]) -> Callable[[Any, str], str]:
    def read(value: Any, name: str) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise refuse("sensitivity", name, f"one of {', '.join(allowed)}", value)
        return value

    return read


_OPTION_READERS: dict[str, Callable[[Any, str], Any]] = {
    "normalisation": _list_of(_normalisation_option),
    "aggregation": _list_of(_method(SA_AGGREGATORS)),
    "imputation": _list_of(_method((*COLUMN_METHODS, NO_IMPUTATION))),
    "winmax": _list_of(
        lambda v, name: None if v is None else whole_number(v, "sensitivity", name, 0)
    ),
    "weight_noise": lambda v, name: number(v, "sensitivity", name, 0, 0.99),
    "n_weight_sets": lambda v, name: _at_most(
        whole_number(v, "sensitivity", name, 1), MAX_WEIGHT_SETS, name
    ),
    "genmean_p": lambda v, name: number(v, "sensitivity", name),
    "bootstrap": lambda v, name: _at_most(
        whole_number(v, "sensitivity", name, 0), MAX_BOOTSTRAP, name
    ),
    "confidence": lambda v, name: number(v, "sensitivity", name, 0.5, 0.999),
}


def _at_most(value: int, limit: int, name: str) -> int:
    if value > limit:
        raise refuse("sensitivity", name, f"at most {limit:,}", value)
    return value


@dataclass(frozen=True)
class SensitivityResult:
    """Sensitivity indices, per-unit rank intervals and raw run outputs."""

    indices: pd.DataFrame
    ranks: pd.DataFrame
    n_base: int
    n_runs: int
    outputs: FloatArray = field(repr=False)
    unit_ranks: NDArray[Any] = field(repr=False)  # units x runs; int64 unless NaN


def _choice(u: FloatArray, n_options: int) -> np.ndarray:
    return np.minimum((u * n_options).astype(np.intp), n_options - 1)


def saltelli_design(n: int, k: int, seed: int | None) -> FloatArray:
    """Rows of A, B, AB_1..AB_k (N (k + 2) x k) from a scrambled Sobol' sequence."""
    sampler = qmc.Sobol(d=2 * k, scramble=True, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        base = sampler.random(n)
    a, b = base[:, :k], base[:, k:]
    blocks = [a, b]
    for i in range(k):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    return np.vstack(blocks)


def sobol_indices(
    f_a: FloatArray, f_b: FloatArray, f_ab: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Saltelli (2010) first-order and Jansen total-effect indices.

    ``f_a``, ``f_b``: (..., N); ``f_ab``: (..., k, N). Returns arrays (..., k). When the
    output does not vary at all the indices are undefined: NaN (not infinite).
    """
    var = np.var(np.concatenate([f_a, f_b], axis=-1), axis=-1)[..., None]
    varies = var > 0
    safe_var = np.where(varies, var, 1.0)
    first = np.mean(f_b[..., None, :] * (f_ab - f_a[..., None, :]), axis=-1) / safe_var
    total = 0.5 * np.mean((f_a[..., None, :] - f_ab) ** 2, axis=-1) / safe_var
    return np.where(varies, first, np.nan), np.where(varies, total, np.nan)


def bootstrap_ci(
    f_a: FloatArray,
    f_b: FloatArray,
    f_ab: FloatArray,
    reps: int,
    level: float,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    """Percentile bootstrap intervals of (S_i, ST_i): arrays (2, k) of low and high.

    With few base samples many resamples repeat one row, so the output does not vary
    and the indices of that resample are undefined. An index left without a single
    defined resample (or with ``reps`` = 0, or fewer than two base samples) gets a
    NaN interval: "not enough samples to say", rather than numpy's All-NaN warnings.
    """
    k = f_ab.shape[0]
    low, high = np.full((2, k), np.nan), np.full((2, k), np.nan)
    n = f_a.size
    if reps < 1 or n < 2:
        return low, high
    idx = rng.integers(0, n, size=(reps, n))
    s, st = sobol_indices(f_a[idx], f_b[idx], f_ab[:, idx].transpose(1, 0, 2))
    draws = np.stack([s, st]).transpose(0, 2, 1)  # (2, k, reps)
    defined = np.isfinite(draws).any(axis=2)
    if defined.any():
        alpha = (1 - level) / 2
        low[defined] = np.nanquantile(draws[defined], alpha, axis=1)
        high[defined] = np.nanquantile(draws[defined], 1 - alpha, axis=1)
    return low, high


def _weight_sets(
    meta: IndexMeta, cfg: SensitivityConfig, rng: np.random.Generator
) -> tuple[list[str], FloatArray]:
    base = meta_weights(meta)
    codes = list(base)
    w0 = np.array([base[c] for c in codes])
    noise = rng.uniform(-cfg.weight_noise, cfg.weight_noise, size=(cfg.n_weight_sets, len(codes)))
    return codes, w0 * (1 + noise)


def _combo_spec(
    spec: PipelineSpec, f_i: str, winmax: int | None, norm: Mapping[str, Any]
) -> PipelineSpec:
    """The nominal pipeline with the discrete choices substituted, ending at normalise.

    ``f_i`` ``"none"`` leaves imputation out and ``winmax`` ``None`` leaves treatment
    out; a treat step keeps the nominal treat step's other parameters (thresholds)."""
    steps: list[Step] = []
    kinds = [s.kind for s in spec.steps]
    pos = 0
    use_group = next((s.params.get("use_group") for s in spec.steps if s.kind == "impute"), None)
    nominal_treat = next((dict(s.params) for s in spec.steps if s.kind == "treat"), {})

    def add(kind: str, params: dict[str, Any]) -> None:
        nonlocal pos
        pos += 1
        steps.append(Step(kind, params, pos))

    imp = {"f_i": f_i, **({"use_group": use_group} if f_i.endswith("_grp") else {})}
    if f_i.endswith("_grp") and use_group is None:
        raise IndexInputError(
            [Problem("sensitivity", f"imputation '{f_i}' needs use_group in the impute step")]
        )
    imputes = f_i != NO_IMPUTATION
    treatment = {**nominal_treat, "winmax": winmax}
    if imputes and "impute" not in kinds:
        add("impute", imp)
    for s in spec.steps:
        if s.kind == "impute":
            if imputes:
                add("impute", imp)
        elif s.kind == "treat":
            continue
        elif s.kind == "normalise":
            if winmax is not None:
                add("treat", treatment)
            # Keep the nominal choice of pooling time points (a panel's "global").
            pooling = {"global": s.params["global"]} if "global" in s.params else {}
            add("normalise", {**norm, **pooling})
        elif s.kind == "aggregate":
            break
        else:
            add(s.kind, dict(s.params))
    if "normalise" not in kinds:
        if winmax is not None:
            add("treat", treatment)
        add("normalise", dict(norm))
    # Same time point(s) as the nominal run.
    return PipelineSpec(tuple(steps), time=spec.time, split_to=spec.split_to)


def analysed_time(units: UnitData, spec: PipelineSpec) -> float | None:
    """The time point analysed in a panel build (the latest ``split_to`` selects), or
    ``None`` when the spec builds one data set."""
    times = split_times(units, spec.split_to) if spec.split_to is not None else []
    return times[-1] if len(times) > 1 else None


def _build(
    meta: IndexMeta, units: UnitData, spec: PipelineSpec, time: float | None
) -> PipelineResult:
    """One build, or the build of ``time`` within a panel build of every time point."""
    if time is None:
        return run_pipeline(meta, units, spec)
    return run_panel(meta, units, spec).coins[time]


def _level_plan(meta: IndexMeta) -> list[list[tuple[str, list[str]]]]:
    return [
        [(p, meta.children(p)) for p in meta.groups_at(level)]
        for level in range(2, meta.max_level + 1)
    ]


def _positive_check(kids: Sequence[FloatArray], f_ag: str) -> None:
    """Refuse what a geometric or harmonic mean cannot take (as the pipeline does)."""
    if f_ag not in ("a_gmean", "a_hmean"):
        return
    for v in kids:
        with np.errstate(invalid="ignore"):
            bad = v <= 0 if f_ag == "a_gmean" else v == 0
        if bad.any():
            raise IndexInputError(
                [
                    Problem(
                        "sensitivity",
                        f"{f_ag} met non-positive values; choose normalisations "
                        "with a strictly positive range (e.g. n_minmax to [1, 100])",
                    )
                ]
            )


def _transformed(v: FloatArray, f_ag: str) -> tuple[FloatArray, BoolArray | None]:
    """``v`` on the scale where ``f_ag`` is a weighted arithmetic mean (x, log x, 1/x),
    missing values as 0; with the mask of present values, or None when none is missing."""
    missing = np.isnan(v)
    with np.errstate(divide="ignore"):
        if f_ag == "a_gmean":
            t = np.log(np.where(missing, 1.0, v))
        elif f_ag == "a_hmean":
            t = 1.0 / np.where(missing, 1.0, v)
        else:
            t = v
    if not missing.any():
        return t, None
    return np.where(missing, 0.0, t), ~missing


def _weighted_sum(terms: Sequence[FloatArray], w: FloatArray) -> FloatArray:
    """``sum_k w[:, k] * terms[k]`` -> (R, n); a term is (n,) (same for every run) or
    (R, n). Sums in child order, one child at a time (no (n, R, k) temporary).

    Elementwise NumPy only, no BLAS: a matrix product here (k is a handful of children)
    gains nothing single-threaded, and a multi-threaded BLAS on a busy machine spends
    more time spinning than multiplying (3 to 6 times the CPU time of the analysis)."""
    total = w[:, 0, None] * terms[0]
    scratch = np.empty_like(total)
    for k in range(1, len(terms)):
        np.multiply(w[:, k, None], terms[k], out=scratch)
        total += scratch
    return total


def _runs_mean(kids: Sequence[FloatArray], w: FloatArray, f_ag: str, p: float) -> FloatArray:
    """Aggregate children (each (n,) or (R, n)) with run weights ``w`` (R, k) -> (R, n).

    Missing children are dropped and the weights renormalised per unit, as in the
    pipeline; ``a_genmean`` propagates missing values, as in the pipeline."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if f_ag == "a_genmean":
            powered = [v**p for v in kids]
            return np.asarray((_weighted_sum(powered, w) / w.sum(axis=1)[:, None]) ** (1 / p))
        _positive_check(kids, f_ag)
        pairs = [_transformed(v, f_ag) for v in kids]
        num = _weighted_sum([t for t, _ in pairs], w)
        if all(ok is None for _, ok in pairs):
            den = w.sum(axis=1)[:, None]
        else:
            present = [np.ones(t.shape) if ok is None else ok.astype(np.float64) for t, ok in pairs]
            den = _weighted_sum(present, w)
        if f_ag == "a_amean":
            return np.asarray(num / den)
        if f_ag == "a_gmean":
            return np.asarray(np.exp(num / den))
        return np.asarray(den / num)


def runs_index(
    x: FloatArray,
    codes: Sequence[str],
    meta: IndexMeta,
    plan: list[list[tuple[str, list[str]]]],
    weights: FloatArray,
    weight_codes: Sequence[str],
    f_ag: str,
    p: float,
) -> FloatArray:
    """Index scores (R, n) for R weight vectors at once: ``weights`` (R, len(weight_codes))
    holds each run's weight of every code. Indicator columns stay one vector for all
    runs until the first aggregation."""
    where = {c: j for j, c in enumerate(weight_codes)}
    cols: dict[str, FloatArray] = {c: x[:, j] for j, c in enumerate(codes)}
    for level in plan:
        for parent, kids in level:
            w = weights[:, [where[k] for k in kids]]
            cols[parent] = _runs_mean([cols[k] for k in kids], w, f_ag, p)
    top = cols[meta.top_code()]
    return np.broadcast_to(top, (weights.shape[0], x.shape[0])) if top.ndim == 1 else top


def batched_index(
    x: FloatArray,
    codes: Sequence[str],
    meta: IndexMeta,
    plan: list[list[tuple[str, list[str]]]],
    weights: Mapping[str, FloatArray],
    f_ag: str,
    p: float,
) -> FloatArray:
    """Index scores (n, R) for R weight vectors at once; ``weights[code]`` has shape (R,)."""
    wcodes = list(weights)
    matrix = np.stack([np.asarray(weights[c], dtype=np.float64) for c in wcodes], axis=1)
    return runs_index(x, codes, meta, plan, matrix, wcodes, f_ag, p).T


def rank_runs(scores: FloatArray) -> FloatArray:
    """Ranks of every row of ``scores`` (R, n), highest first, ties at their lowest
    rank, missing scores unranked (NaN): ``scipy.stats.rankdata(-s, method="min",
    nan_policy="omit")`` row by row, with one sort of the whole block."""
    runs, n = scores.shape
    neg = -scores
    order = np.argsort(neg, axis=1)
    flat = order + np.arange(runs)[:, None] * n
    ordered = neg.ravel()[flat]
    starts = np.empty((runs, n), dtype=bool)
    starts[:, 0] = True
    np.not_equal(ordered[:, 1:], ordered[:, :-1], out=starts[:, 1:])
    positions = np.arange(1.0, n + 1.0)
    if starts.all():  # no ties: the rank is the position in the sorted row
        sorted_ranks = np.broadcast_to(positions, (runs, n))
    else:  # a tie takes the position of its first member
        first = np.where(starts, np.arange(n), 0)
        np.maximum.accumulate(first, axis=1, out=first)
        sorted_ranks = first + 1.0
    ranks = np.empty((runs, n))
    ranks.ravel()[flat.ravel()] = sorted_ranks.ravel()
    ranks[np.isnan(scores)] = np.nan
    return ranks


def _aligned(normed: Dataset, ucodes: Sequence[str]) -> FloatArray:
    """Rows of ``normed`` in the order of ``ucodes`` (NaN for units it screened out)."""
    pos = {u: r for r, u in enumerate(normed.ucodes)}
    rows = np.array([pos.get(u, -1) for u in ucodes], dtype=np.intp)
    return np.where(rows[:, None] >= 0, normed.values[np.maximum(rows, 0)], np.nan)


def _mean_shift(ranks: FloatArray, nominal: NDArray[Any]) -> FloatArray:
    """Each run's mean absolute rank change against the nominal ranks (ranks are
    whole numbers, so any summation order gives the same value)."""
    gap = np.abs(ranks - nominal)
    return np.asarray(np.nanmean(gap, axis=1) if np.isnan(gap).any() else gap.mean(axis=1))


class _PrefixBuilds:
    """Builds of the analysis' pipelines sharing what they share: the steps before
    normalise (denominate, impute, screen, treat) depend only on the imputation and
    winsorisation choices, so each such prefix is built once and every normalisation
    runs on it. Same steps, same order, same code as :func:`run_pipeline` (or
    :func:`run_panel` when ``time`` is one time point of a panel build)."""

    def __init__(self, meta: IndexMeta, units: UnitData, time: float | None) -> None:
        self.meta, self.units, self.time = meta, units, time
        self.cache: dict[str, dict[float | None, CoinState]] = {}

    def build(self, spec: PipelineSpec) -> PipelineResult:
        cut = next(i for i, step in enumerate(spec.steps) if step.kind == "normalise")
        key = repr([(s.kind, sorted(s.params.items())) for s in spec.steps[:cut]])
        states = self.cache.get(key)
        if states is None:
            states = self._start(spec)
            self._run(states, spec.steps[:cut])
            self.cache[key] = states
        forks = {t: fork_state(state, spec) for t, state in states.items()}
        self._run(forks, spec.steps[cut:])
        return forks[self.time].result

    def _start(self, spec: PipelineSpec) -> dict[float | None, CoinState]:
        if self.time is None:
            return {None: start_pipeline(self.meta, self.units, spec)}
        return {t: s for t, s in start_panel(self.meta, self.units, spec).items()}

    def _run(self, states: dict[float | None, CoinState], steps: Sequence[Step]) -> None:
        if self.time is None:
            run_steps(states[None], steps)
        else:
            run_panel_steps(cast("dict[float, CoinState]", states), steps)


def run_sensitivity(
    meta: IndexMeta,
    units: UnitData,
    spec: PipelineSpec,
    n: int = 1024,
    seed: int | None = None,
    config: SensitivityConfig | None = None,
    progress: Progress | None = None,
) -> SensitivityResult:
    """Monte Carlo uncertainty analysis and Sobol' indices; see the module docstring."""
    cfg = config or SensitivityConfig.around(spec)
    rng = np.random.default_rng(seed)
    time = analysed_time(units, spec)
    nominal = _build(meta, units, spec, time)
    agg = nominal.aggregated
    if agg is None:
        raise IndexInputError([Problem("sensitivity", "the pipeline must end with aggregate")])
    ucodes = agg.ucodes
    top = agg.column(meta.top_code())
    nominal_rank = rankdata(-top, method="min", nan_policy="omit")
    k = len(INPUT_NAMES)
    design = saltelli_design(n, k, None if seed is None else int(rng.integers(2**31)))
    n_runs = design.shape[0]
    wcodes, wsets = _weight_sets(meta, cfg, rng)
    choice = {
        "weights": _choice(design[:, 0], cfg.n_weight_sets),
        "normalisation": _choice(design[:, 1], len(cfg.normalisation)),
        "aggregation": _choice(design[:, 2], len(cfg.aggregation)),
        "imputation": _choice(design[:, 3], len(cfg.imputation)),
        "winsorisation": _choice(design[:, 4], len(cfg.winmax)),
    }
    run_ranks = np.full((n_runs, len(ucodes)), np.nan)
    shift = np.full(n_runs, np.nan)
    plan = _level_plan(meta)
    builds = _PrefixBuilds(meta, units, time)
    done = 0
    combos = sorted(
        {
            (int(i), int(j), int(m))
            for i, j, m in zip(
                choice["imputation"], choice["winsorisation"], choice["normalisation"], strict=True
            )
        }
    )
    # Treating the same columns for several winmax repeats skewness checks.
    with remembered_skew_kurt():
        for i_imp, i_win, i_norm in combos:
            runs = np.flatnonzero(
                (choice["imputation"] == i_imp)
                & (choice["winsorisation"] == i_win)
                & (choice["normalisation"] == i_norm)
            )
            combo = _combo_spec(
                spec, cfg.imputation[i_imp], cfg.winmax[i_win], cfg.normalisation[i_norm]
            )
            normed = builds.build(combo).last
            x, codes = _aligned(normed, ucodes), normed.codes
            for i_ag, f_ag in enumerate(cfg.aggregation):
                rr = runs[choice["aggregation"][runs] == i_ag]
                if rr.size == 0:
                    continue
                # Blocks of runs small enough to stay in the CPU cache through every
                # level and the ranking.
                for block in np.array_split(rr, -(-rr.size // RUN_BLOCK)):
                    wsel = wsets[choice["weights"][block]]
                    scores = runs_index(x, codes, meta, plan, wsel, wcodes, f_ag, cfg.genmean_p)
                    run_ranks[block] = rank_runs(scores)
                    shift[block] = _mean_shift(run_ranks[block], nominal_rank)
                done += rr.size
                if progress is not None:
                    progress(done, n_runs)
    # Units x runs; whole-number ranks as integers when every run ranked every unit, as
    # scipy.stats.rankdata gives them (and gave them here before).
    ranks = run_ranks.T if np.isnan(run_ranks).any() else run_ranks.astype(np.int64).T
    f_a, f_b = shift[:n], shift[n : 2 * n]
    f_ab = shift[2 * n :].reshape(k, n)
    s, st = sobol_indices(f_a, f_b, f_ab)
    lo, hi = bootstrap_ci(f_a, f_b, f_ab, cfg.bootstrap, cfg.confidence, rng)
    indices = pd.DataFrame(
        {
            "Input": list(INPUT_NAMES),
            "Si": s,
            "Si_low": lo[0],
            "Si_high": hi[0],
            "STi": st,
            "STi_low": lo[1],
            "STi_high": hi[1],
        }
    )
    rank_table = (
        pd.DataFrame(
            {
                "uCode": list(ucodes),
                "Nominal": nominal_rank,
                **_rank_summary(ranks[:, : 2 * n], nominal_rank),
            }
        )
        .sort_values(["Nominal", "uCode"], kind="stable")
        .reset_index(drop=True)
    )
    return SensitivityResult(indices, rank_table, n, n_runs, shift, ranks)


def _rank_summary(ranks: NDArray[Any], nominal: FloatArray) -> dict[str, FloatArray]:
    """Each unit's median rank, 5 and 95 % quantiles and mean absolute shift from its
    nominal rank over the runs (``ranks``: units x runs). A unit that no run ranked
    (no score at all), or with no nominal rank for the shift, gets NaN explicitly
    rather than numpy's empty-slice warnings."""
    size = ranks.shape[0]
    summary = {name: np.full(size, np.nan) for name in ("Median", "Q5", "Q95", "MeanAbsShift")}
    missing = np.isnan(ranks)
    ranked = ~missing.all(axis=1)
    # Units ranked in every run take numpy's plain (vectorised) median and quantiles,
    # the others the NaN-aware ones (a loop over units): the same values either way.
    full = ~missing.any(axis=1)
    part = ranked & ~full
    if full.any():
        block = np.ascontiguousarray(ranks[full])
        summary["Median"][full] = np.median(block, axis=1)
        summary["Q5"][full], summary["Q95"][full] = np.quantile(block, [0.05, 0.95], axis=1)
    if part.any():
        summary["Median"][part] = np.nanmedian(ranks[part], axis=1)
        summary["Q5"][part] = np.nanquantile(ranks[part], 0.05, axis=1)
        summary["Q95"][part] = np.nanquantile(ranks[part], 0.95, axis=1)
    shifted = ranked & ~np.isnan(nominal)
    summary["MeanAbsShift"][shifted] = np.nanmean(
        np.abs(ranks[shifted] - nominal[shifted, None]), axis=1
    )
    return summary


def write_sensitivity(res: SensitivityResult, out: Path) -> None:
    """Write ``sensitivity_indices.csv`` and ``rank_intervals.csv`` into ``out``."""
    from .io import write_frame

    out.mkdir(parents=True, exist_ok=True)
    write_frame(out / "sensitivity_indices.csv", res.indices)
    write_frame(out / "rank_intervals.csv", res.ranks)


def expected_runs(n: int, k: int = len(INPUT_NAMES)) -> int:
    """Number of model runs of Saltelli's design: N (k + 2)."""
    return n * (k + 2) if n > 0 else 0


__all__ = [
    "INPUT_NAMES",
    "NO_IMPUTATION",
    "SensitivityConfig",
    "SensitivityResult",
    "analysed_time",
    "batched_index",
    "expected_runs",
    "rank_runs",
    "run_sensitivity",
    "runs_index",
    "saltelli_design",
    "sobol_indices",
    "write_sensitivity",
]

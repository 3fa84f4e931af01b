"""Panel builds: one index per time point, like the coins of a COINr purse.

COINr 1.1.14 splits panel iData (several ``Time`` values per unit) into a "purse", one
coin per time point (``new_coin(..., split_to = "all")`` or a vector of Time values);
here the spec's top-level ``"split_to"`` does the same. Each purse method runs the
coin method on every coin separately (``Denominate``, ``Impute``, ``Screen``,
``Treat``, ``Aggregate``; ``get_results`` is per coin), except two steps that pool the
time points:

* ``normalise`` with ``"global": true`` (COINr ``Normalise.purse``; ``global`` is
  ``TRUE`` by default there, and here in a panel build): the data sets of all time
  points are stacked and normalised at once, so the parameters (min and max, mean and
  sd, ranks, ...) come from every time point; the result is split back by Time. Scores
  are comparable across years: a unit with the same value in two years gets the same
  score. Directions come from iMeta (or ``directions``) as for a coin.
  ``"global": false`` normalises each time point on its own.
* ``impute`` with ``f_i = "impute_panel"`` (COINr ``Impute.purse``): the stacked data
  set is imputed along each unit's time series, then split back.

``Treat.purse`` has no global option in COINr 1.1.14 (outliers are treated per time
point); ``global`` on any step but normalise is refused by the spec parser. Units can
differ between time points (missing rows, screening), as in a purse.

Output (:class:`PanelResult`) keeps one :class:`PipelineResult` per time point and
stacks them on demand: rows ordered by Time then unit, as COINr's ``get_dset`` on a
purse, with the Time value of every row.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .data import Dataset, UnitData, split_times
from .errors import IndexInputError, Problem
from .impute import impute_panel
from .meta import IndexMeta
from .numeric import FloatArray
from .pipeline import (
    STEP_RUNNERS,
    CoinState,
    PipelineResult,
    normalise_step,
    panel_imputation,
    start_state,
)
from .spec import PipelineSpec, Step

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class PanelDataset:
    """One stage of every time point stacked: ``times[i]`` is the Time of row ``i``."""

    times: FloatArray
    data: Dataset


@dataclass
class PanelResult:
    """A panel build: one pipeline result per time point, in ascending Time."""

    meta: IndexMeta
    spec: PipelineSpec
    coins: dict[float, PipelineResult]

    @property
    def times(self) -> tuple[float, ...]:
        """The time points built, ascending."""
        return tuple(self.coins)

    def stage_names(self) -> list[str]:
        """Data sets written by the pipeline (``Raw`` first), the same at every time."""
        return list(next(iter(self.coins.values())).stages)

    def stage(self, name: str) -> PanelDataset:
        """Data set ``name`` of all time points stacked (by Time, then unit)."""
        return stack_datasets({t: c.stages[name] for t, c in self.coins.items()})

    def results(self) -> pd.DataFrame | None:
        """COINr ``get_results`` of each time point, with ``Time`` after ``uCode``.

        Ranks are within each time point; rows follow Time, then the score.
        """
        return self.per_time(lambda coin: coin.results())

    def effective_weights(self) -> pd.DataFrame | None:
        """Effective weights used at each time point (they differ only with PCA weights)."""
        return self.per_time(
            lambda coin: coin.effective_weights() if coin.aggregated is not None else None
        )

    def per_time(
        self, table: Callable[[PipelineResult], pd.DataFrame | None]
    ) -> pd.DataFrame | None:
        """``table`` of every time point stacked with a ``Time`` column (None if absent)."""
        frames = []
        for t, coin in self.coins.items():
            frame = table(coin)
            if frame is None:
                return None
            frames.append(with_time(frame, t))
        import pandas as pd

        return pd.concat(frames, ignore_index=True)


def with_time(frame: pd.DataFrame, t: float) -> pd.DataFrame:
    """``frame`` with a ``Time`` column: after ``uCode`` if it leads, else first."""
    out = frame.copy()
    out.insert(1 if len(out.columns) and out.columns[0] == "uCode" else 0, "Time", t)
    return out


def stack_datasets(parts: dict[float, Dataset]) -> PanelDataset:
    """Stack per-time data sets (same columns) in the order given."""
    datasets = list(parts.values())
    times = np.concatenate([np.full(len(d.ucodes), t) for t, d in parts.items()])
    return PanelDataset(
        times,
        Dataset(
            tuple(u for d in datasets for u in d.ucodes),
            datasets[0].codes,
            np.vstack([d.values for d in datasets]),
        ),
    )


def run_panel(
    meta: IndexMeta,
    units: UnitData,
    spec: PipelineSpec,
    timings: dict[str, float] | None = None,
) -> PanelResult:
    """Build every time point that ``spec.split_to`` selects (default ``"all"``).

    If ``timings`` is given, the seconds spent in each stage (all time points) are stored.
    """
    states = start_panel(meta, units, spec)
    run_panel_steps(states, spec.steps, timings)
    return PanelResult(meta, spec, {t: s.result for t, s in states.items()})


def start_panel(meta: IndexMeta, units: UnitData, spec: PipelineSpec) -> dict[float, CoinState]:
    """The ``Raw`` state of every time point :func:`run_panel` builds."""
    times = split_times(units, spec.split_to or "all")
    if units.times is None or not times:
        raise IndexInputError(
            [Problem("iData", "a panel build needs a Time column (one row per unit and time)")]
        )
    return {t: start_state(meta, units.select_rows(units.times == t), spec) for t in times}


def run_panel_steps(
    states: dict[float, CoinState], steps: Sequence[Step], timings: dict[str, float] | None = None
) -> None:
    """Run ``steps`` in order on every time point (pooling where a step pools)."""
    for step in steps:
        start = time.perf_counter()
        _run_step(states, step)
        for state in states.values():
            state.record(step)
        if timings is not None:
            timings[step.stage] = time.perf_counter() - start


def _run_step(states: dict[float, CoinState], step: Step) -> None:
    imputation = panel_imputation(step)
    if imputation is not None:
        _impute_over_time(states, *imputation)
    elif step.kind == "normalise" and step.params.get("global", True):
        _normalise_globally(states, step)
    else:
        for t, state in states.items():
            with _located_at(t):
                state.current = STEP_RUNNERS[step.kind](state, step)


def _normalise_globally(states: dict[float, CoinState], step: Step) -> None:
    """COINr ``Normalise.purse(global = TRUE)``: one normalisation of the stacked data."""
    pooled = stack_datasets({t: s.current for t, s in states.items()})
    meta = next(iter(states.values())).meta
    _split_back(states, normalise_step(meta, pooled.data, step, pooled=True).values)


def _impute_over_time(states: dict[float, CoinState], imp_type: str, max_time: int | None) -> None:
    """COINr ``Impute.purse(f_i = "impute_panel")``: impute the stacked data set."""
    pooled = stack_datasets({t: s.current for t, s in states.items()})
    imputed, _ = impute_panel(
        pooled.data.values, pooled.data.ucodes, pooled.times, imp_type, max_time
    )
    _split_back(states, imputed)


def _split_back(states: dict[float, CoinState], values: FloatArray) -> None:
    """Give each time point its rows of ``values`` (stacked in the order of ``states``)."""
    start = 0
    for state in states.values():
        stop = start + len(state.current.ucodes)
        state.current = state.current.with_values(values[start:stop])
        start = stop


@contextmanager
def _located_at(t: float) -> Iterator[None]:
    """Prefix the problems raised inside with the time point being built."""
    try:
        yield
    except IndexInputError as exc:
        raise IndexInputError(
            [Problem(f"Time {t:g}: {p.where}", p.message) for p in exc.problems]
        ) from exc

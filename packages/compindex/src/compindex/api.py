"""The notebook API: a :class:`Coin` built from data frames, step by step, as in COINr.

COINr builds a composite indicator by passing a "coin" through building functions
(``new_coin`` -> ``Denominate`` -> ``Impute`` -> ``Screen`` -> ``Treat`` ->
``Normalise`` -> ``Aggregate``) and reads it back with ``get_dset``, ``get_results``
and friends. :class:`Coin` does the same with one method per building function. Each
call records the step in the coin's log (COINr's ``coin$Log``) and rebuilds the coin
from that log, so calling a step again with other parameters replaces it in place and
re-runs the steps after it (COINr's ``Regen``). The log is a plain pipeline spec
(:attr:`Coin.spec`), the same JSON that ``compindex build --spec`` reads, so a notebook
session can be saved and re-run from the command line with identical results.

Every computation goes through :func:`compindex.run_pipeline` (or
:func:`compindex.run_panel` for a COINr purse), the code the parity tests hold to
COINr 1.1.14.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import IndexInputError, Problem

if TYPE_CHECKING:
    import pandas as pd

    from .audit import Audit
    from .data import UnitData
    from .meta import IndexMeta
    from .panel import PanelResult
    from .pipeline import PipelineResult
    from .sensitivity import SensitivityResult
    from .spec import PipelineSpec

# COINr's building functions in the order a pipeline normally runs them.
STEP_ORDER = ("denominate", "impute", "screen", "treat", "normalise", "aggregate")


class Coin:
    """A composite indicator: COINr's ``new_coin(iData, iMeta, split_to = ...)``.

    ``idata`` and ``imeta`` are data frames in COINr's iData/iMeta layout (cells may be
    text, as read with ``dtype=str``, or numbers). ``split_to`` (``"all"`` or a list of
    Time values) builds every selected time point of panel data (a COINr purse, made
    with ``new_coin(..., split_to = "all")``); ``time`` builds one time point. Invalid
    input raises :class:`~compindex.IndexInputError` listing every problem.

    >>> import compindex as ci
    >>> ex = ci.asem()
    >>> coin = ci.Coin(ex.idata, ex.imeta).normalise(f_n="n_minmax").aggregate()
    >>> coin.stages
    ['Raw', 'Normalised', 'Aggregated']
    """

    def __init__(
        self,
        idata: pd.DataFrame,
        imeta: pd.DataFrame,
        *,
        split_to: str | Sequence[float] | None = None,
        time: float | None = None,
    ) -> None:
        from .data import parse_data
        from .meta import parse_meta

        self.meta: IndexMeta = parse_meta(_as_text(imeta))
        self.units: UnitData = parse_data(_as_text(idata), self.meta)
        self._options: dict[str, Any] = {}
        if split_to is not None:
            self._options["split_to"] = split_to if isinstance(split_to, str) else list(split_to)
        if time is not None:
            self._options["Time"] = time
        self._steps: list[dict[str, Any]] = []
        self._result: PipelineResult | PanelResult | None = None
        self._run()

    @classmethod
    def from_spec(
        cls, idata: pd.DataFrame, imeta: pd.DataFrame, spec: Mapping[str, Any] | str | Path
    ) -> Coin:
        """A coin built by a whole pipeline spec at once (a mapping or a JSON file):
        COINr's ``Regen`` of a coin whose log is ``spec``."""
        raw = spec if isinstance(spec, Mapping) else json.loads(Path(spec).read_text("utf-8"))
        options = {k: v for k, v in raw.items() if k in ("split_to", "Time")}
        coin = cls(idata, imeta, split_to=options.get("split_to"), time=options.get("Time"))
        coin._options.update({k: v for k, v in raw.items() if k != "steps"})
        coin._steps = [dict(step) for step in raw.get("steps", [])]
        coin._run()
        return coin

    # ----- building functions (COINr: Denominate, Impute, Screen, Treat, Normalise,
    # Aggregate). Parameters left as None take COINr's defaults.

    def denominate(self, denomby: Any = None) -> Coin:
        """COINr ``Denominate(coin, dset, denomby)``: divide indicators by denominators
        (default: iMeta's ``Denominator`` column)."""
        return self._set("denominate", denomby=denomby)

    def impute(
        self,
        f_i: str | None = None,
        *,
        f_i_para: Any = None,
        use_group: str | None = None,
        impute_by: str | None = None,
        group_level: int | None = None,
        normalise_first: bool | None = None,
        disable: bool | None = None,
    ) -> Coin:
        """COINr ``Impute(coin, dset, f_i, f_i_para, impute_by, group_level, use_group,
        normalise_first)``: fill missing values (``i_mean``, ``i_median``,
        ``i_mean_grp``, ``i_median_grp``, or ``impute_panel`` over time points)."""
        return self._set(
            "impute",
            f_i=f_i,
            f_i_para=f_i_para,
            use_group=use_group,
            impute_by=impute_by,
            group_level=group_level,
            normalise_first=normalise_first,
            disable=disable,
        )

    def screen(
        self,
        unit_screen: str | None = None,
        *,
        dat_thresh: float | None = None,
        nonzero_thresh: float | None = None,
        Force: Any = None,
    ) -> Coin:
        """COINr ``Screen(coin, dset, unit_screen, dat_thresh, nonzero_thresh, Force)``:
        drop units with too little data (``byNA``, ``byzeros``, ``byNAandzeros``)."""
        return self._set(
            "screen",
            unit_screen=unit_screen,
            dat_thresh=dat_thresh,
            nonzero_thresh=nonzero_thresh,
            Force=Force,
        )

    def treat(
        self,
        winmax: int | None = None,
        *,
        skew_thresh: float | None = None,
        kurt_thresh: float | None = None,
        f2: str | None = None,
        global_specs: Any = None,
        indiv_specs: Any = None,
        combine_treat: bool | None = None,
        disable: bool | None = None,
    ) -> Coin:
        """COINr ``Treat(coin, dset, global_specs, indiv_specs, combine_treat)``:
        winsorise skewed indicators (then ``log_CT`` and the other ``f2`` methods)."""
        return self._set(
            "treat",
            winmax=winmax,
            skew_thresh=skew_thresh,
            kurt_thresh=kurt_thresh,
            f2=f2,
            global_specs=global_specs,
            indiv_specs=indiv_specs,
            combine_treat=combine_treat,
            disable=disable,
        )

    def normalise(
        self,
        f_n: str | None = None,
        *,
        f_n_para: Any = None,
        indiv_specs: Any = None,
        directions: Any = None,
        global_: bool | None = None,
    ) -> Coin:
        """COINr ``Normalise(coin, dset, global_specs = list(f_n, f_n_para),
        indiv_specs, directions, global)``: bring indicators to a common scale
        (``n_minmax``, ``n_zscore``, ``n_rank``, ``n_goalposts``...). ``global_`` is
        COINr's ``global`` for a purse (pool every time point)."""
        return self._set(
            "normalise",
            f_n=f_n,
            f_n_para=f_n_para,
            indiv_specs=indiv_specs,
            directions=directions,
            **{"global": global_},
        )

    def aggregate(
        self,
        f_ag: str | None = None,
        *,
        f_ag_para: Any = None,
        w: Any = None,
        dat_thresh: float | None = None,
        by_df: Any = None,
    ) -> Coin:
        """COINr ``Aggregate(coin, dset, f_ag, f_ag_para, w, dat_thresh, by_df)``:
        aggregate level by level (``a_amean``, ``a_gmean``, ``a_hmean``,
        ``a_genmean``, ``a_copeland``); ``w`` is ``"equal"``, ``"PCA"``, a mapping of
        weights or a list per level."""
        return self._set(
            "aggregate", f_ag=f_ag, f_ag_para=f_ag_para, w=w, dat_thresh=dat_thresh, by_df=by_df
        )

    def remove_step(self, kind: str) -> Coin:
        """Take a step out of the log and rebuild (COINr: edit ``coin$Log``, ``Regen``)."""
        if not any(step["step"] == kind for step in self._steps):
            raise IndexInputError([Problem("coin", f"there is no {kind} step to remove")])
        self._steps = [step for step in self._steps if step["step"] != kind]
        return self._run()

    def regen(self) -> Coin:
        """COINr ``Regen(coin)``: rebuild the coin from its log."""
        return self._run()

    # ----- reading the coin

    @property
    def spec(self) -> dict[str, Any]:
        """The log as a pipeline spec (the JSON ``compindex build --spec`` reads)."""
        return {**copy.deepcopy(self._options), "steps": copy.deepcopy(self._steps)}

    @property
    def result(self) -> PipelineResult | PanelResult:
        """The engine's result: a :class:`~compindex.PipelineResult` (one data set) or a
        :class:`~compindex.PanelResult` (a purse)."""
        assert self._result is not None  # set by __init__
        return self._result

    @property
    def stages(self) -> list[str]:
        """Names of the data sets built so far (COINr ``names(coin$Data)``)."""
        from .panel import PanelResult

        res = self.result
        return res.stage_names() if isinstance(res, PanelResult) else list(res.stages)

    def get_dset(self, dset: str = "Raw") -> pd.DataFrame:
        """COINr ``get_dset(coin, dset)``: one stage as a data frame (``uCode``, then
        ``Time`` for a purse, then one column per code; unrounded)."""
        from .panel import PanelResult

        res = self.result
        if dset not in self.stages:
            raise IndexInputError(
                [Problem("coin", f"no data set '{dset}' (built: {', '.join(self.stages)})")]
            )
        if isinstance(res, PanelResult):
            import pandas as pd

            stage = res.stage(dset)
            frame = pd.DataFrame(stage.data.values, columns=list(stage.data.codes))
            frame.insert(0, "Time", stage.times)
            frame.insert(0, "uCode", list(stage.data.ucodes))
            return frame
        return res.stages[dset].to_frame()

    def get_results(
        self,
        tab_type: str = "Aggs",
        *,
        order_by: str | None = None,
        nround: int | None = 2,
        use: str = "scores",
    ) -> pd.DataFrame:
        """COINr ``get_results(coin, dset = "Aggregated", tab_type, order_by, nround,
        use)``: scores and ranks (``Summ``, ``Aggs`` or ``Full``)."""
        from .panel import PanelResult
        from .results import results_table

        res = self.result
        coins = res.coins.values() if isinstance(res, PanelResult) else [res]
        if any(c.aggregated is None for c in coins):
            raise IndexInputError([Problem("coin", "results need an aggregate step")])

        def table(coin: PipelineResult) -> pd.DataFrame:
            assert coin.aggregated is not None
            return results_table(
                coin.aggregated, self.meta, tab_type=tab_type, order_by=order_by,
                nround=nround, use=use,
            )  # fmt: skip

        if isinstance(res, PanelResult):
            stacked = res.per_time(table)
            assert stacked is not None
            return stacked
        return table(res)

    def get_eff_wts(self) -> pd.DataFrame:
        """COINr ``get_eff_wts(coin)``: effective weights of every code in the index."""
        frame = self.result.effective_weights()
        if frame is None:
            raise IndexInputError([Problem("coin", "weights need an aggregate step")])
        return frame

    def treat_details(self) -> pd.DataFrame | None:
        """COINr ``coin$Analysis$Treated$Dets_Table``: skew and kurtosis before and
        after, points winsorised (None without a treat step)."""
        return self._details("treat")

    def screen_details(self) -> pd.DataFrame | None:
        """COINr ``coin$Analysis$Screened$DataSummary`` (None without a screen step)."""
        return self._details("screen")

    def audit(self, cor_thresh: float = 0.9) -> Audit:
        """COINr ``get_stats``, ``get_corr``, ``get_cronbach`` and ``get_corr_flags``
        in one :class:`~compindex.audit.Audit` (its fields are data frames)."""
        from .audit import audit, audit_panel
        from .panel import PanelResult

        res = self.result
        if isinstance(res, PanelResult):
            return audit_panel(res, cor_thresh)
        return audit(res, cor_thresh)

    def get_sensitivity(
        self, n: int = 1024, seed: int | None = None, **options: Any
    ) -> SensitivityResult:
        """Uncertainty and Sobol' sensitivity of the ranks (COINr ``get_sensitivity(coin,
        SA_specs, N, SA_type = "SA")`` over five fixed inputs: weights, normalisation,
        aggregation, imputation, winsorisation). ``options`` are the spec's
        ``sensitivity`` options (e.g. ``weight_noise=0.25``, ``winmax=[1, 3, 5]``), over
        those of the spec the coin was built from; N (k + 2) = 7 N runs."""
        from .sensitivity import run_sensitivity

        merged = {**self._options.get("sensitivity", {}), **options}
        return run_sensitivity(
            self.meta, self.units, self._parsed({"sensitivity": merged}), n=n, seed=seed
        )

    def write(self, out_dir: str | Path, *, audit: bool = False) -> None:
        """Write the CSVs ``compindex build`` writes (every stage, ``results.csv``,
        details; audit tables too with ``audit=True``) into ``out_dir``."""
        from .audit import write_audit
        from .io import write_outputs, write_panel_outputs
        from .panel import PanelResult

        res, out = self.result, Path(out_dir)
        if isinstance(res, PanelResult):
            write_panel_outputs(res, out)
        else:
            write_outputs(res, out)
        if audit:
            write_audit(self.audit(), out)

    def plot_bar(self, code: str | None = None, *, top: int | None = None, ax: Any = None) -> Any:
        """COINr ``plot_bar(coin, dset = "Aggregated", iCode)``: a bar chart of one
        code's scores (default the index), highest first. Needs the ``plot`` extra
        (``pip install 'compindex[plot]'``); returns the matplotlib Axes."""
        from .plot import plot_bar

        return plot_bar(self, code, top=top, ax=ax)

    def __repr__(self) -> str:
        n_ind = len(self.meta.codes_of_type("Indicator"))
        return (
            f"<Coin: {len(set(self.units.raw.ucodes))} units, {n_ind} indicators, "
            f"stages {', '.join(self.stages)}>"
        )

    # ----- internals

    def _set(self, kind: str, **params: Any) -> Coin:
        """Record ``kind`` with ``params`` (None = COINr's default), replacing an earlier
        step of the same kind in place, and rebuild; on an error the coin is unchanged."""
        step = {"step": kind, **{k: v for k, v in params.items() if v is not None}}
        before = self._steps
        at = next((i for i, s in enumerate(before) if s["step"] == kind), None)
        if at is None:
            # A new step goes before the first later building function already logged.
            rank = STEP_ORDER.index(kind)
            at = next(
                (i for i, s in enumerate(before) if STEP_ORDER.index(s["step"]) > rank),
                len(before),
            )
            self._steps = [*before[:at], step, *before[at:]]
        else:
            self._steps = [*before[:at], step, *before[at + 1 :]]
        try:
            return self._run()
        except IndexInputError:
            self._steps = before
            raise

    def _parsed(self, extra: Mapping[str, Any] | None = None) -> PipelineSpec:
        from .spec import parse_spec

        return parse_spec({**self.spec, **(extra or {})})

    def _run(self) -> Coin:
        from .io import run_index

        self._result = run_index(self.meta, self.units, self._parsed())
        return self

    def _details(self, kind: str) -> pd.DataFrame | None:
        from .panel import PanelResult

        def one(coin: PipelineResult) -> pd.DataFrame | None:
            if kind == "treat":
                return None if coin.treat is None else coin.treat.details
            return None if coin.screen is None else coin.screen.summary

        res = self.result
        return res.per_time(one) if isinstance(res, PanelResult) else one(res)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as the CSV reader gives them: text, ``NA`` for missing. Numbers keep full
    precision (``repr``), so a frame of floats parses to the same values."""
    import pandas as pd

    def cell(value: object) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            return "NA"
        if isinstance(value, float):
            return repr(float(value))
        return str(value)

    out = frame.astype(object).map(cell)
    out.columns = [str(c) for c in frame.columns]
    return out


__all__ = ["STEP_ORDER", "Coin"]

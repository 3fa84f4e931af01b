"""A pipeline parameter of the wrong JSON type is refused by name, never a bare crash."""

from __future__ import annotations

import contextlib
import io
from typing import Any

import pandas as pd
import pytest
from compindex import IndexInputError, parse_data, parse_meta, parse_spec
from compindex.io import run_index
from compindex.sensitivity import SensitivityConfig
from index_helpers import TINY_DATA, TINY_META

BASE = {
    "denominate": {"step": "denominate"},
    "impute": {"step": "impute", "f_i": "i_mean"},
    "screen": {"step": "screen", "unit_screen": "byNA"},
    "treat": {"step": "treat", "winmax": 2},
    "normalise": {"step": "normalise", "f_n": "n_minmax", "f_n_para": [0, 100]},
    "aggregate": {"step": "aggregate", "f_ag": "a_amean"},
}
ORDER = list(BASE)


def build(kind: str = "", **params: Any) -> None:
    """The six-step pipeline on the tiny data, with ``params`` added to step ``kind``."""
    meta = parse_meta(pd.read_csv(io.StringIO(TINY_META), dtype=str, keep_default_na=False))
    units = parse_data(pd.read_csv(io.StringIO(TINY_DATA), dtype=str, keep_default_na=False), meta)
    steps = [{**BASE[k], **(params if k == kind else {})} for k in ORDER]
    result = run_index(meta, units, parse_spec({"steps": steps}))
    result.results()


def refusal(kind: str, **params: Any) -> str:
    with pytest.raises(IndexInputError) as error:
        build(kind, **params)
    return str(error.value)


@pytest.mark.parametrize(
    ("kind", "params", "message"),
    [
        (
            "treat",
            {"winmax": "many"},
            "step 4 (treat): 'winmax' must be a whole number, not \"many\"",
        ),
        (
            "screen",
            {"dat_thresh": "x"},
            "step 3 (screen): 'dat_thresh' must be a number, not \"x\"",
        ),
        ("aggregate", {"dat_thresh": "x"}, "step 6 (aggregate): 'dat_thresh' must be a number"),
        ("normalise", {"f_n_para": "zero"}, "step 5 (normalise): 'f_n_para' must be a list"),
        ("normalise", {"f_n_para": {"l_u": "zero"}}, "'f_n_para.l_u' must be a list of 2 numbers"),
        ("treat", {"global_specs": {"f1_para": 3}}, "'global_specs.f1_para' must be an object"),
        (
            "treat",
            {"global_specs": {"f1_para": {"winmax": "all"}}},
            "'global_specs.f1_para.winmax' must be a whole number",
        ),
        ("treat", {"global_specs": {"f2_para": "x"}}, "'global_specs.f2_para' must be an object"),
        (
            "treat",
            {"indiv_specs": {"i1": {"f1_para": {"force_win": "yes"}}}},
            "'indiv_specs.i1.f1_para.force_win' must be true or false",
        ),
        ("treat", {"combine_treat": 1}, "'combine_treat' must be true or false, not 1"),
        ("impute", {"f_i_para": {"skip_f_na": "no"}}, "'f_i_para.skip_f_na' must be true or false"),
        ("impute", {"use_group": ["Region"]}, "step 2 (impute): 'use_group' must be text"),
        ("aggregate", {"f_ag_para": "x"}, "step 6 (aggregate): 'f_ag_para' must be an object"),
        ("aggregate", {"f_ag": "a_genmean", "f_ag_para": {"p": "two"}}, "'f_ag_para.p' must be"),
        ("aggregate", {"f_ag_para": [2]}, "unknown f_ag_para parameter(s) p for a_amean"),
        ("aggregate", {"w": {"i1": "heavy"}}, "'w.i1' must be a number, not \"heavy\""),
        ("aggregate", {"by_df": "yes"}, "'by_df' must be true or false"),
        ("normalise", {"directions": "up"}, "step 5 (normalise): 'directions' must be an object"),
        (
            "normalise",
            {"indiv_specs": {"i1": {"f_n": "n_scaled", "f_n_para": {"scale_factor": "x"}}}},
            "'indiv_specs.i1.f_n_para.scale_factor' must be a number",
        ),
        (
            "denominate",
            {"denomby": [{"iCode": "i2", "Denominator": "Pop", "ScaleFactor": "big"}]},
            "step 1 (denominate): 'denomby entry 1 ScaleFactor' must be a number",
        ),
    ],
)
def test_a_wrong_type_names_the_step_and_the_parameter(
    kind: str, params: dict[str, Any], message: str
) -> None:
    assert message in refusal(kind, **params)


def test_true_is_not_a_number_and_infinity_is_not_a_whole_number() -> None:
    assert "'winmax' must be a whole number, not true" in refusal("treat", winmax=True)
    assert "not Infinity" in refusal("treat", winmax=float("inf"))
    assert "'dat_thresh' must be a number between 0 and 1, not 1.5" in refusal(
        "screen", dat_thresh=1.5
    )


def test_a_whole_number_written_with_a_decimal_point_is_accepted() -> None:
    build("treat", winmax=2.0)


def test_no_wrong_type_in_any_parameter_escapes_as_another_exception() -> None:
    wrong: list[Any] = ["many", None, True, [1], {"a": 1}, float("nan"), [], ""]
    for kind, step in BASE.items():
        names = [name for name in step if name != "step"] + ["disable"] * (
            kind in ("impute", "treat")
        )
        for name in names:
            for value in wrong:
                # refused by name (or, for null, the default is used): no other exception
                with contextlib.suppress(IndexInputError):
                    build(kind, **{name: value})


def test_results_options_are_checked_when_the_spec_is_read() -> None:
    with pytest.raises(IndexInputError, match=r"'nround' must be a whole number of decimals"):
        parse_spec({"steps": [], "results": {"nround": "x"}})
    with pytest.raises(IndexInputError, match=r"unknown f_n '\[1\]'"):
        parse_spec([{"step": "normalise", "f_n": [1]}])


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("n_weight_sets", "many", "'n_weight_sets' must be a whole number"),
        ("n_weight_sets", 10**9, "'n_weight_sets' must be at most 100,000"),
        ("bootstrap", -1, "'bootstrap' must be a whole number of at least 0"),
        ("confidence", 7, "'confidence' must be a number between 0.5 and 0.999"),
        ("weight_noise", "lots", "'weight_noise' must be a number"),
        ("winmax", 5, "'winmax' must be a list"),
        ("winmax", ["five"], "'winmax[0]' must be a whole number"),
        ("aggregation", ["a_copeland"], "'aggregation[0]' must be one of a_amean"),
        ("imputation", [3], "'imputation[0]' must be one of i_mean"),
        ("normalisation", [{"f_n": "n_minmax", "f_n_para": "x"}], "'normalisation[0].f_n_para'"),
        ("normalisation", [{"method": "n_rank"}], "normalisation[0]: unknown key(s) method"),
    ],
)
def test_sensitivity_options_of_the_wrong_type_are_refused_by_name(
    option: str, value: Any, message: str
) -> None:
    with pytest.raises(IndexInputError) as error:
        SensitivityConfig.from_mapping({option: value})
    assert message in str(error.value) and str(error.value).startswith("sensitivity: ")

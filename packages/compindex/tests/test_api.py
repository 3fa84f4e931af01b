"""The notebook API: a coin from data frames, built, changed, read and plotted."""

from __future__ import annotations

import compindex as ci
import numpy as np
import pandas as pd
import pytest
from compindex.datasets import asem


@pytest.fixture(scope="module")
def example() -> ci.Coin:
    ex = asem()
    coin = ci.Coin(ex.idata, ex.imeta)
    coin.denominate().impute("i_mean_grp", use_group="EurAsia_group")
    coin.screen("byNA", dat_thresh=0.9).treat(5)
    return coin.normalise("n_minmax", f_n_para=[0, 100]).aggregate("a_amean")


def test_step_by_step_equals_the_whole_spec(example: ci.Coin) -> None:
    ex = asem()
    assert example.spec == ex.spec
    whole = ci.Coin.from_spec(ex.idata, ex.imeta, ex.spec)
    pd.testing.assert_frame_equal(example.get_results(), whole.get_results())
    assert example.stages == [
        "Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised", "Aggregated"
    ]  # fmt: skip


def test_stages_read_as_data_frames(example: ci.Coin) -> None:
    norm = example.get_dset("Normalised")
    assert list(norm.columns[:2]) == ["uCode", "LPI"]
    values = norm.drop(columns="uCode").to_numpy(dtype=float)
    assert np.nanmin(values) == 0 and np.nanmax(values) == 100
    assert len(norm) == len(example.get_dset("Screened"))
    with pytest.raises(ci.IndexInputError, match="no data set 'Nope'"):
        example.get_dset("Nope")


def test_changing_one_step_reruns_the_later_ones() -> None:
    ex = asem()
    coin = ci.Coin.from_spec(ex.idata, ex.imeta, ex.spec)
    before = coin.get_results(nround=None).set_index("uCode")["Index"]
    coin.normalise("n_minmax", f_n_para=[1, 100])
    assert [s["step"] for s in coin.spec["steps"]].count("normalise") == 1
    assert coin.spec["steps"][4]["f_n_para"] == [1, 100]
    after = coin.get_results(nround=None).set_index("uCode")["Index"]
    # Min-max to [1, 100] is an affine map of [0, 100]: 1 + 0.99 x, through the means.
    np.testing.assert_allclose(after, 1 + 0.99 * before.loc[after.index], rtol=1e-12)
    coin.aggregate("a_gmean")
    assert coin.get_dset("Aggregated")["Index"].notna().all()


def test_a_refused_change_leaves_the_coin_as_it_was(example: ci.Coin) -> None:
    spec = example.spec
    with pytest.raises(ci.IndexInputError):
        example.normalise("n_bogus")
    assert example.spec == spec
    assert example.stages[-1] == "Aggregated"


def test_new_step_goes_in_pipeline_order_and_can_be_removed() -> None:
    ex = asem()
    coin = ci.Coin(ex.idata, ex.imeta).normalise().aggregate()
    coin.impute("i_median")
    assert [s["step"] for s in coin.spec["steps"]] == ["impute", "normalise", "aggregate"]
    coin.remove_step("impute")
    assert coin.stages == ["Raw", "Normalised", "Aggregated"]


def test_frames_of_numbers_read_like_text(example: ci.Coin) -> None:
    ex = asem()
    numeric = pd.read_csv(ci.datasets.asem_path("ASEM_iData.csv"))
    coin = ci.Coin.from_spec(numeric, ex.imeta, ex.spec)
    pd.testing.assert_frame_equal(coin.get_dset("Aggregated"), example.get_dset("Aggregated"))


def test_weights_details_audit_and_sensitivity(example: ci.Coin) -> None:
    weights = example.get_eff_wts()
    assert list(weights.columns) == ["iCode", "Level", "Weight", "EffWeight"]
    assert weights.loc[weights["iCode"] == "Index", "EffWeight"].item() == 1
    details = example.treat_details()
    assert details is not None and "winsorise.nwin" in details.columns
    assert example.screen_details() is not None
    assert not example.audit().stats.empty
    sa = example.get_sensitivity(n=8, seed=1)
    assert sa.n_runs == 56 and sa.indices["Input"].iloc[0] == "weights"


def test_plot_bar(example: ci.Coin) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    axes = example.plot_bar(top=10)
    assert len(axes.patches) == 10
    assert axes.get_ylabel() == "Index"

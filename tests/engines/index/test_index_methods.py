"""Hand-computed checks of each COINr method on tiny arrays."""

from __future__ import annotations

import numpy as np
import pytest
from compindex import IndexInputError
from compindex.aggregate import (
    LevelSpec,
    a_amean,
    a_copeland,
    a_genmean,
    a_gmean,
    a_hmean,
    aggregate_group,
    outrank_matrix,
)
from compindex.data import Dataset
from compindex.denominate import DenomSpec, denominate
from compindex.impute import impute_columns, impute_panel, impute_rows
from compindex.normalise import (
    NormSpec,
    make_norm_spec,
    n_borda,
    n_dist2max,
    n_dist2ref,
    n_dist2targ,
    n_fracmax,
    n_goalposts,
    n_minmax,
    n_prank,
    n_rank,
    n_scaled,
    n_zscore,
    normalise,
)
from compindex.numeric import kurt, r_sorted, rank_desc, rank_min, skew
from compindex.screen import screen_units
from compindex.treat import TreatSpecs, check_skew_kurt, treat, winsorise
from compindex.weights import pca_group_weights

NAN = np.nan


def col(*v: float) -> np.ndarray:
    return np.array(v, dtype=float)[:, None]


def ds(values: np.ndarray, codes: tuple[str, ...] = ("a",)) -> Dataset:
    return Dataset(tuple(f"U{i}" for i in range(values.shape[0])), codes, values)


# --- statistics -----------------------------------------------------------------------


def test_skew_kurt_match_excel_type2() -> None:
    from scipy import stats

    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100])
    # e1071 type 2 = Excel SKEW/KURT = scipy's bias-corrected estimators
    assert skew(x) == pytest.approx(stats.skew(x, bias=False), rel=1e-12)
    assert kurt(x) == pytest.approx(stats.kurtosis(x, bias=False), rel=1e-12)
    assert skew(np.append(x, NAN)) == pytest.approx(skew(x))
    assert np.isnan(skew(np.array([1.0, 2.0]))) and np.isnan(kurt(np.array([1.0, 2, 3])))


def test_rank_ties_min_and_nan_kept() -> None:
    np.testing.assert_array_equal(rank_min(np.array([3.0, 1, 3, NAN, 2])), [3, 1, 3, NAN, 2])
    np.testing.assert_array_equal(rank_desc(np.array([3.0, 1, 3, 2])), [1, 4, 1, 3])


def test_r_collation_order() -> None:
    assert r_sorted(["b", "C", "a", "B"]) == ["a", "b", "B", "C"]


# --- normalisation --------------------------------------------------------------------


def test_minmax_zscore_scaled() -> None:
    x = col(1, 2, 3, 5)
    np.testing.assert_allclose(n_minmax(x, [0, 100])[:, 0], [0, 25, 50, 100])
    np.testing.assert_allclose(n_minmax(x, [1, 100])[:, 0], [1, 25.75, 50.5, 100])
    z = n_zscore(x, [10, 2])[:, 0]
    assert z.mean() == pytest.approx(10) and z.std(ddof=1) == pytest.approx(2)
    np.testing.assert_allclose(n_scaled(x, [1, 5])[:, 0], [0, 25, 50, 100])
    np.testing.assert_allclose(n_scaled(x, [1, 5], scale_factor=1)[:, 0], [0, 0.25, 0.5, 1])


def test_distances_and_fracmax() -> None:
    x = col(2, 4, 6, 10)
    np.testing.assert_allclose(n_dist2max(x)[:, 0], [0, 0.25, 0.5, 1])
    np.testing.assert_allclose(n_dist2ref(x, 3)[:, 0], [0, 0.5, 1, 2])
    np.testing.assert_allclose(
        n_dist2ref(x, "U2", cap_max=True, ucodes=["U0", "U1", "U2", "U3"])[:, 0], [0, 0.5, 1, 1]
    )
    np.testing.assert_allclose(n_dist2targ(x, 6)[:, 0], [0, 0.5, 1, 2])
    np.testing.assert_allclose(n_dist2targ(x, 6, cap_max=True)[:, 0], [0, 0.5, 1, 1])
    np.testing.assert_allclose(n_dist2targ(x, 6, direction=-1)[:, 0], [2, 1.5, 1, 0])
    np.testing.assert_allclose(n_fracmax(x)[:, 0], [0.2, 0.4, 0.6, 1])


def test_rank_borda_prank_ties() -> None:
    x = col(5, 1, 5, NAN, 3)
    np.testing.assert_array_equal(n_rank(x)[:, 0], [3, 1, 3, NAN, 2])
    np.testing.assert_array_equal(n_borda(x)[:, 0], [2, 0, 2, NAN, 1])
    np.testing.assert_allclose(n_prank(x)[:, 0], [2 / 3, 0, 2 / 3, NAN, 1 / 3])


def test_goalposts_both_directions_and_truncation() -> None:
    x = col(-5, 0, 5, 10, 15)
    np.testing.assert_allclose(n_goalposts(x, [0, 10, 1])[:, 0], [0, 0, 0.5, 1, 1])
    np.testing.assert_allclose(
        n_goalposts(x, [0, 10, 100], trunc2posts=False)[:, 0], [-50, 0, 50, 100, 150]
    )
    np.testing.assert_allclose(n_goalposts(x, [0, 10, 1], direction=-1)[:, 0], [1, 1, 0.5, 0, 0])


def test_normalise_applies_direction_before_method() -> None:
    data = ds(np.array([[1.0, 1], [2, 2], [3, 4]]), ("a", "b"))
    out = normalise(data, [1, -1], NormSpec("n_minmax", {"l_u": [0, 100]}))
    np.testing.assert_allclose(out.values, [[0, 100], [50, 200 / 3], [100, 0]])


def test_f_n_para_forms() -> None:
    assert make_norm_spec("n_minmax", [0, 100]).f_n_para == {"l_u": [0, 100]}
    assert make_norm_spec("n_scaled", [[0, 10], 1]).f_n_para == {
        "npara": [0, 10],
        "scale_factor": 1,
    }
    assert make_norm_spec("n_zscore", {"m_sd": [0, 1]}).f_n_para == {"m_sd": [0, 1]}
    with pytest.raises(IndexInputError, match=r"unknown parameter"):
        make_norm_spec("n_minmax", {"lu": [0, 1]})
    with pytest.raises(IndexInputError, match=r"unknown f_n"):
        make_norm_spec("n_magic", None)


def test_zero_variance_is_a_clear_error() -> None:
    data = ds(np.array([[1.0, 3], [2, 3], [3, 3]]), ("ok", "flat"))
    with pytest.raises(IndexInputError, match=r"flat.*zero range"):
        normalise(data, [1, 1], NormSpec("n_minmax", {"l_u": [0, 100]}))
    with pytest.raises(IndexInputError, match=r"flat.*zero standard deviation"):
        normalise(data, [1, 1], NormSpec("n_zscore", {"m_sd": [0, 1]}))
    empty = ds(np.array([[NAN], [NAN]]), ("gone",))
    with pytest.raises(IndexInputError, match=r"gone.*every value missing"):
        normalise(empty, [1], NormSpec("n_minmax", {}))


# --- aggregation ----------------------------------------------------------------------


def test_means_drop_nan_and_renormalise() -> None:
    x = np.array([[1.0, 2, 3], [2, NAN, 8], [NAN, NAN, NAN]])
    w = np.array([2.0, 1, 1])
    np.testing.assert_allclose(a_amean(x, w), [(2 + 2 + 3) / 4, (4 + 8) / 3, NAN])
    np.testing.assert_allclose(
        a_gmean(x, w), [(1 * 1 * 2 * 3) ** 0.25, (2 * 2 * 8) ** (1 / 3), NAN]
    )
    np.testing.assert_allclose(a_hmean(x[:1], np.array([2.0, 1, 1])), [4 / (2 / 1 + 1 / 2 + 1 / 3)])
    np.testing.assert_allclose(a_genmean(x[:1], w, p=-1), a_hmean(x[:1], w))
    np.testing.assert_allclose(a_genmean(x, np.ones(3), p=1), [2, NAN, NAN])  # NaN as COINr


def test_dat_thresh_blanks_rows() -> None:
    x = np.array([[1.0, NAN, NAN], [1, 2, 3]])
    y = aggregate_group(x, np.ones(3), LevelSpec("a_amean", {}, None, 0.5))
    np.testing.assert_allclose(y, [NAN, 2])


def test_outranking_and_copeland_as_coinr() -> None:
    x = np.array([[1.0, 3, 2], [2, 2, 3], [3, 1, 1], [4, 5, 4]])
    orm = outrank_matrix(x, np.ones(3))
    assert orm[1, 0] == pytest.approx(2 / 3) and orm[2, 0] == pytest.approx(1 / 3)
    assert orm[3, 0] == 1 and np.all(np.diag(orm) == 0)
    np.testing.assert_allclose(a_copeland(x, np.ones(3)), [-1, 1, -3, 3])
    # ties (outranking exactly 0.5) count as -1 in COINr 1.1.14
    tie = np.array([[1.0, 2], [2, 1]])
    np.testing.assert_allclose(a_copeland(tie, np.ones(2)), [-1, -1])


def test_pca_weights_first_component() -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(size=(200, 1))
    block = np.hstack([z + 0.1 * rng.normal(size=(200, 1)) for _ in range(3)])
    w = pca_group_weights(block, "test")
    assert np.allclose(np.abs(w), 1 / np.sqrt(3), atol=0.02)
    assert np.all(np.sign(w) == np.sign(w[0]))


# --- imputation -----------------------------------------------------------------------


def test_column_imputation_mean_median_group() -> None:
    x = np.array([[1.0, NAN], [NAN, 4], [3, 8], [10, NAN], [NAN, 2]])
    np.testing.assert_allclose(
        impute_columns(x, ["a", "b"], "i_mean")[:, 0], [1, 14 / 3, 3, 10, 14 / 3]
    )
    np.testing.assert_allclose(impute_columns(x, ["a", "b"], "i_median")[:, 1], [4, 4, 8, 4, 2])
    g = ["A", "A", "A", "B", None]
    out = impute_columns(x, ["a", "b"], "i_mean_grp", g)
    np.testing.assert_allclose(out[:, 0], [1, 2, 3, 10, NAN])  # missing group skipped
    np.testing.assert_allclose(out[:, 1], [6, 4, 8, NAN, 2])  # group B has no data
    med = impute_columns(x, ["a", "b"], "i_median_grp", ["A", "A", "A", "A", "A"])
    np.testing.assert_allclose(med[:, 0], [1, 3, 3, 10, 3])


def test_all_missing_column_cannot_be_imputed() -> None:
    with pytest.raises(IndexInputError, match=r"'b'.*every value is missing"):
        impute_columns(np.array([[1.0, NAN], [NAN, NAN]]), ["a", "b"], "i_mean")


def test_row_imputation_normalises_first() -> None:
    x = np.array([[0.0, 10, NAN], [10, 20, 40], [5, NAN, 20]])
    out = impute_rows(x, "i_mean", np.ones(3), normalise_first=True)
    # row 0: scaled values 0 and 0 -> 0 -> back-transformed to min of col 2 (20)
    assert out[0, 2] == pytest.approx(20)
    # row 2: scaled values 0.5 and 0 -> 0.25 -> 10 + 0.25 * 10
    assert out[2, 1] == pytest.approx(12.5)


def test_panel_imputation_latest_and_linear() -> None:
    ucodes = ["A", "A", "A", "B", "B", "B"]
    times = np.array([2020.0, 2021, 2022, 2020, 2021, 2022])
    x = np.array([[1.0], [NAN], [NAN], [NAN], [5], [7]])
    latest, src = impute_panel(x, ucodes, times, "latest")
    np.testing.assert_allclose(latest[:, 0], [1, 1, 1, NAN, 5, 7])
    assert src[2, 0] == 2020
    limited, _ = impute_panel(x, ucodes, times, "latest", max_time=1)
    np.testing.assert_allclose(limited[:, 0], [1, 1, NAN, NAN, 5, 7])
    x2 = np.array([[1.0], [NAN], [3], [NAN], [5], [NAN]])
    lin, _ = impute_panel(x2, ucodes, times, "linear")
    np.testing.assert_allclose(lin[:, 0], [1, 2, 3, 5, 5, 5])
    const, _ = impute_panel(x2, ucodes, times, "constant")
    np.testing.assert_allclose(const[:, 0], [1, 1, 3, 5, 5, 5])


# --- denominate, screen, treat --------------------------------------------------------


def test_denominate_with_scale_factor() -> None:
    data = ds(np.array([[10.0, 1], [20, 2]]), ("x", "y"))
    out = denominate(data, {"pop": np.array([2.0, 4.0])}, [DenomSpec("x", "pop", 1000)])
    np.testing.assert_allclose(out.values, [[5000, 1], [5000, 2]])


def test_screen_by_na_zeros_and_force() -> None:
    x = np.array([[1.0, 2, 3], [NAN, NAN, 1], [0, 0, 0], [0, 1, NAN]])
    data = ds(x, ("a", "b", "c"))
    assert screen_units(data, "byNA", 0.6).removed == ("U1",)
    assert screen_units(data, "byzeros", nonzero_thresh=0.5).removed == ("U2",)
    assert screen_units(data, "byNAandzeros", 0.6, 0.5).removed == ("U1", "U2")
    forced = screen_units(
        data,
        "byNA",
        0.6,
        force=[{"uCode": "U1", "Include": True}, {"uCode": "U0", "Include": False}],
    )
    assert forced.removed == ("U0",)
    with pytest.raises(IndexInputError, match=r"unit_screen"):
        screen_units(data, "byBoth")


def test_check_skew_kurt_rule_uses_and() -> None:
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100])
    assert check_skew_kurt(x)[0] is False
    assert check_skew_kurt(x, skew_thresh=4)[0] is True


def test_winsorise_one_point_at_a_time() -> None:
    x = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100])
    out, nwin, labels = winsorise(x, winmax=5)
    # 100 -> 30 and the check passes after one point
    np.testing.assert_allclose(out[-2:], [30, 30])
    assert nwin == 1 and labels[-2:] == ["", "winhi"]
    low, nlow, _ = winsorise(-x, winmax=5)
    np.testing.assert_allclose(low[-2:], [-30, -30])
    assert nlow == 1
    # forced: 25 -> 20 (high), then skew < 0 so 1 -> 2 (low), then the two 20s -> 19;
    # COINr counts the points of the last high and low passes: 2 + 1 = 3
    three, n3, lab = winsorise(np.append(np.arange(1.0, 21), 25), winmax=3, force_win=True)
    expected = np.append(np.arange(1.0, 20), [19, 19])
    expected[0] = 2
    np.testing.assert_allclose(three, expected)
    assert n3 == 3 and lab[0] == "winlo" and lab[-2:] == ["winhi", "winhi"]
    capped, ncap, _ = winsorise(np.array([1.0] * 20 + [50, 100, 1000]), winmax=1)
    assert ncap == 1 and capped.max() == 100


def test_treat_falls_back_to_log_ct_on_original_values() -> None:
    x = np.array([1.0] * 10 + [2, 3, 1000, 5000, 20000])
    res = treat(ds(x[:, None]), TreatSpecs(winmax=1))
    expected = np.log(x - x.min() + 0.01 * (x.max() - x.min()))
    np.testing.assert_allclose(res.data.values[:, 0], expected)
    row = res.details.iloc[0]
    assert row["winsorise.nwin"] == 1 and "check_SkewKurt2.Pass" in res.details.columns

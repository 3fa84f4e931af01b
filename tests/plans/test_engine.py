"""The progress rule on its own (no Django): ``pytest tests/plans/test_engine.py -p no:django``."""

import pytest

from learningcity.engines.plan import Observation, Status, assess, least_squares_slope

BASE = Observation(2020, 50.0)
TARGET = Observation(2030, 70.0)  # expected path: +2 a year


def test_no_value_after_the_baseline_is_no_data_yet():
    assert assess(BASE, TARGET, 1, []).status == Status.NO_DATA
    # Values of the baseline year or before do not count.
    assert assess(BASE, TARGET, 1, [(2019, 40.0), (2020, 55.0)]).status == Status.NO_DATA


def test_on_the_path_is_on_track_and_the_latest_year_counts():
    result = assess(BASE, TARGET, 1, [(2024, 40.0), (2022, 54.0), (2025, 60.0)])
    assert result.latest == Observation(2025, 60.0)
    assert result.expected == pytest.approx(60.0)  # exactly on the path
    assert result.status == Status.ON_TRACK
    assert result.observations == 3


def test_behind_the_path_but_trend_reaches_the_target_is_at_risk():
    # A slow start, then fast: behind the path in 2025 (57 < 60), but the trend
    # carried forward from 57 reaches 70 by 2030.
    values = [(2023, 49.0), (2024, 53.0), (2025, 57.0)]
    result = assess(BASE, TARGET, 1, values)
    assert result.expected == pytest.approx(60.0)
    assert result.slope is not None and result.slope > 0
    assert result.projected is not None and result.projected >= 70.0
    assert result.status == Status.AT_RISK


def test_behind_the_path_with_a_weak_trend_is_off_track():
    result = assess(BASE, TARGET, 1, [(2022, 51.0), (2024, 52.0), (2025, 52.5)])
    assert result.status == Status.OFF_TRACK


def test_lower_is_better_flips_every_comparison():
    base, target = Observation(2020, 30.0), Observation(2030, 10.0)  # -2 a year
    assert assess(base, target, -1, [(2025, 19.0)]).status == Status.ON_TRACK
    assert assess(base, target, -1, [(2025, 29.0)]).status == Status.OFF_TRACK
    falling = [(2023, 31.0), (2024, 27.0), (2025, 23.0)]
    assert assess(base, target, -1, falling).status == Status.AT_RISK


def test_after_the_target_year_only_reaching_the_target_counts():
    assert assess(BASE, TARGET, 1, [(2031, 70.0)]).status == Status.ON_TRACK
    assert assess(BASE, TARGET, 1, [(2030, 69.0)]).status == Status.OFF_TRACK


def test_the_trend_is_the_least_squares_slope_of_the_values_after_the_baseline():
    assert least_squares_slope([(0, 1.0), (1, 3.0), (2, 5.0)]) == pytest.approx(2.0)
    assert least_squares_slope([(0, 1.0)]) is None
    assert least_squares_slope([(1, 1.0), (1, 2.0)]) is None
    # The baseline (50 in 2020) is not a point of the fit once there are two values...
    assert assess(BASE, TARGET, 1, [(2021, 60.0), (2022, 61.0)]).slope == pytest.approx(1.0)
    # ...and with one value the trend is the line from the baseline to it.
    assert assess(BASE, TARGET, 1, [(2025, 60.0)]).slope == pytest.approx(2.0)


def test_impossible_input_is_refused():
    with pytest.raises(ValueError):
        assess(TARGET, BASE, 1, [])
    with pytest.raises(ValueError):
        assess(BASE, TARGET, 0, [])

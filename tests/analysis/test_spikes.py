"""Spike maths on plain numbers, with no Django settings: robust z, the threshold, the minimum volume."""

from __future__ import annotations

import pytest

from elshi.analysis import DayVolume, Spike, day_spikes, robust_z, spike
from elshi.analysis.spikes import BASELINE_DAYS, NEGATIVITY_MIN_DAYS

WEEK = [10.0, 12.0, 11.0, 13.0, 9.0, 10.0, 11.0]  # median 11, MAD 1


def test_robust_z_of_a_known_series() -> None:
    z, median = robust_z(20, WEEK, floor=1.0)
    assert median == 11
    assert z == pytest.approx(0.6745 * (20 - 11) / 1)
    assert spike(20, WEEK) == Spike(20, 11, 6.07)


def test_a_flat_baseline_uses_the_floor() -> None:
    assert robust_z(8, [5.0] * 7, floor=1.0) == (3.0, 5)
    assert robust_z(5.5, [5.0] * 7, floor=0.05) == (pytest.approx(10.0), 5)


def test_a_spike_at_the_threshold_counts_and_just_below_does_not() -> None:
    assert spike(8.5, [5.0] * 7) == Spike(8.5, 5, 3.5)
    assert spike(8.4, [5.0] * 7) is None
    assert spike(8.4, [5.0] * 7, threshold=3.4) == Spike(8.4, 5, 3.4)


def test_below_the_minimum_volume_or_with_too_few_days_there_is_no_spike() -> None:
    assert spike(20, WEEK, minimum=25) is None
    assert spike(25, WEEK, minimum=25) is not None
    assert spike(20, WEEK[:6]) is None


def test_day_spikes_volume_and_negativity() -> None:
    usual = [DayVolume(10, 2, 10)] * BASELINE_DAYS
    volume, negativity = day_spikes(DayVolume(30, 20, 25), usual, minimum=10)
    assert volume == Spike(30, 10, 20.0)
    assert negativity == Spike(0.8, 0.2, 12.0)


def test_day_spikes_need_the_minimum_of_toned_rows_and_enough_toned_days() -> None:
    usual = [DayVolume(10, 2, 10)] * BASELINE_DAYS
    volume, negativity = day_spikes(DayVolume(30, 20, 25), usual, minimum=30)
    assert volume == Spike(30, 10, 20.0) and negativity is None
    few = [DayVolume(10, 0, 0)] * (BASELINE_DAYS - NEGATIVITY_MIN_DAYS + 1) + usual[: NEGATIVITY_MIN_DAYS - 1]
    assert day_spikes(DayVolume(10, 20, 25), few, minimum=10)[1] is None
    assert day_spikes(DayVolume(0, 0, 0), usual, minimum=0) == (None, None)  # nothing toned, no division

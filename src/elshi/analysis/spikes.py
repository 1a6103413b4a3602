"""Spike detection: a robust z-score of the latest day against a baseline window, with a minimum volume.

    z = 0.6745 x (value - median(baseline)) / MAD(baseline)

MAD is the median absolute deviation; when it is 0 (a flat baseline) it is replaced by a floor
so that one extra mention on a quiet week is not infinite. A day is flagged when z >= threshold
and its volume reaches the minimum, so quiet days never alarm.

Alerts (:func:`day_spikes`) watch two signals of a day against the 28 days before it: its volume
(mentions, or a narrative's documents) and its share of negative rows among the toned ones. The
negativity signal needs the minimum volume of toned rows today, and at least five baseline days
that had any, with a floor of 5 points on the spread.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["BASELINE_DAYS", "DayVolume", "Spike", "day_spikes", "robust_z", "spike"]

BASELINE_DAYS = 28
NEGATIVITY_FLOOR = 0.05
NEGATIVITY_MIN_DAYS = 5


@dataclass(frozen=True)
class Spike:
    value: float
    baseline: float
    z: float


class DayVolume(NamedTuple):
    """One day of a signal: its volume, and its negative and toned rows (all 0 on a day with none)."""

    volume: float
    negative: int
    toned: int


def robust_z(value: float, baseline: list[float], floor: float) -> tuple[float, float]:
    """The robust z-score of ``value`` against ``baseline``, and the baseline's median."""
    median = statistics.median(baseline)
    mad = statistics.median(abs(x - median) for x in baseline)
    spread = max(mad / 0.6745, floor)
    return (value - median) / spread, median


def spike(
    value: float,
    baseline: list[float],
    *,
    threshold: float = 3.5,
    floor: float = 1.0,
    minimum: float = 0.0,
    min_days: int = 7,
) -> Spike | None:
    """The spike when ``value`` stands out from ``baseline`` (oldest first), else None."""
    if len(baseline) < min_days or value < minimum:
        return None
    z, median = robust_z(value, baseline, floor)
    return Spike(value, median, round(z, 2)) if z >= threshold else None


def day_spikes(
    today: DayVolume, baseline: Sequence[DayVolume], minimum: float
) -> tuple[Spike | None, Spike | None]:
    """The volume spike and the negativity spike of ``today`` against ``baseline`` (one per day)."""
    volume = spike(float(today.volume), [float(day.volume) for day in baseline], minimum=minimum)
    negativity = None
    # toned > 0 as well: a minimum of 0 must not divide by zero on a day with nothing toned.
    if today.toned >= minimum and today.toned > 0:
        shares = [day.negative / day.toned for day in baseline if day.toned]
        negativity = spike(
            today.negative / today.toned, shares, floor=NEGATIVITY_FLOOR, min_days=NEGATIVITY_MIN_DAYS
        )
    return volume, negativity

"""Spike detection: a robust z-score of the latest day against a baseline window, with a minimum volume.

    z = 0.6745 x (value - median(baseline)) / MAD(baseline)

MAD is the median absolute deviation; when it is 0 (a flat baseline) it is replaced by a floor
so that one extra mention on a quiet week is not infinite. A day is flagged when z >= threshold
and its volume reaches the minimum, so quiet days never alarm.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

__all__ = ["Spike", "robust_z", "spike"]


@dataclass(frozen=True)
class Spike:
    value: float
    baseline: float
    z: float


def robust_z(value: float, baseline: list[float], floor: float) -> tuple[float, float]:
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

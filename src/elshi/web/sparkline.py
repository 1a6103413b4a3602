"""A sparkline as SVG polyline points, drawn on the server: the strict CSP allows no chart script on the
home page, and a polyline needs neither script nor ``style=`` (its look is set by SVG attributes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Sparkline", "sparkline"]


@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    points: str  # "x,y x,y …" for <polyline points>; empty when fewer than two values are known
    last: tuple[float, float] | None  # where the latest value sits, for a dot


def sparkline(
    values: Sequence[float | None], *, width: int = 160, height: int = 32, pad: int = 2
) -> Sparkline:
    """Scale ``values`` (None: a day without a figure, skipped) to a ``width`` x ``height`` box.

    The vertical scale spans the values' own range (a flat series sits mid-height), so small moves of
    an index that lives between 40 and 60 stay visible; the figure beside the chart gives the level.
    """
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(known) < 2 or len(values) < 2:
        return Sparkline(width, height, "", None)
    low, high = min(v for _i, v in known), max(v for _i, v in known)
    step = (width - 2 * pad) / (len(values) - 1)

    def y(v: float) -> float:
        if high == low:
            return height / 2
        return round(pad + (high - v) / (high - low) * (height - 2 * pad), 1)

    coords = [(round(pad + i * step, 1), y(v)) for i, v in known]
    return Sparkline(width, height, " ".join(f"{x},{yy}" for x, yy in coords), coords[-1])

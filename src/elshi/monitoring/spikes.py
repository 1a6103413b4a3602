"""Spike detection for alerts: the robust z-score lives in ``elshi.analysis.spikes`` (pure, no Django).

Kept as the name Django code and tests import; see that module for the formula.
"""

from __future__ import annotations

from elshi.analysis.spikes import Spike, robust_z, spike

__all__ = ["Spike", "robust_z", "spike"]

"""Who does the country cooperate or clash with: GDELT events folded into a relations table.

For one focus country, each event whose actors are the focus and another country counts toward
that counterpart: events per QuadClass (verbal/material cooperation, verbal/material conflict),
mean Goldstein scale and mean AvgTone, weighted by the event's number of mentions (GDELT's
advice: an event reported once weighs less than one reported a hundred times).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from elshi.sources.events import GdeltEvent

__all__ = ["Relation", "relations"]


@dataclass
class Relation:
    counterpart: str
    events: int = 0
    mentions: int = 0
    by_quad_class: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0, 4: 0})
    _goldstein_sum: float = 0.0
    _tone_sum: float = 0.0

    @property
    def goldstein(self) -> float:
        """Mention-weighted mean Goldstein scale (-10 conflict .. +10 cooperation)."""
        return self._goldstein_sum / self.mentions if self.mentions else 0.0

    @property
    def tone(self) -> float:
        return self._tone_sum / self.mentions if self.mentions else 0.0

    @property
    def cooperation_share(self) -> float:
        total = sum(self.by_quad_class.values())
        return (self.by_quad_class[1] + self.by_quad_class[2]) / total if total else 0.0


def relations(events: Iterable[GdeltEvent], focus: str) -> list[Relation]:
    """Relations of ``focus`` (ISO alpha-2) with every counterpart, most mentioned first.

    Only dyadic events count: one actor is the focus country, the other another country.
    """
    table: dict[str, Relation] = {}
    for event in events:
        pair = (event.actor1_country, event.actor2_country)
        if focus not in pair or None in pair or pair[0] == pair[1]:
            continue
        other = pair[1] if pair[0] == focus else pair[0]
        assert other is not None  # noqa: S101 - None was excluded above
        rel = table.setdefault(other, Relation(counterpart=other))
        weight = max(event.num_mentions, 1)
        rel.events += 1
        rel.mentions += weight
        rel.by_quad_class[event.quad_class] += 1
        rel._goldstein_sum += event.goldstein * weight
        rel._tone_sum += event.avg_tone * weight
    return sorted(table.values(), key=lambda r: (-r.mentions, r.counterpart))

"""Who does the country cooperate or clash with: GDELT events folded into a relations table (pure).

For one focus country, each event whose actors are the focus and another country counts toward
that counterpart: events per QuadClass (1 verbal and 2 material cooperation, 3 verbal and 4
material conflict), mean Goldstein scale and mean AvgTone, weighted by the event's number of
mentions (GDELT's advice: an event reported once weighs less than one reported a hundred times).

    cooperation share = (verbal + material cooperation) / all the pair's events

Events are anything with the six attributes of :class:`DyadicEvent`: a parsed
``elshi.sources.events.GdeltEvent``, a stored ``RelationEvent`` row, or a notebook's own records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["DyadicEvent", "Relation", "fold_relations"]


class DyadicEvent(Protocol):
    # Read-only properties, so that frozen dataclasses and model rows with ``str`` fields both fit.
    @property
    def actor1_country(self) -> str | None: ...
    @property
    def actor2_country(self) -> str | None: ...
    @property
    def num_mentions(self) -> int: ...
    @property
    def quad_class(self) -> int: ...
    @property
    def goldstein(self) -> float: ...
    @property
    def avg_tone(self) -> float: ...


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


def fold_relations(events: Iterable[DyadicEvent], focus: str) -> list[Relation]:
    """Relations of ``focus`` (ISO alpha-2) with every counterpart, most mentioned first.

    Only dyadic events count: one actor is the focus country, the other another country. An event
    counts at least once, even when GDELT reports no mentions of it.
    """
    table: dict[str, Relation] = {}
    for event in events:
        first, second = event.actor1_country, event.actor2_country
        if first is None or second is None or focus not in (first, second) or first == second:
            continue
        other = second if first == focus else first
        rel = table.setdefault(other, Relation(counterpart=other))
        weight = max(event.num_mentions, 1)
        rel.events += 1
        rel.mentions += weight
        rel.by_quad_class[event.quad_class] += 1
        rel._goldstein_sum += event.goldstein * weight
        rel._tone_sum += event.avg_tone * weight
    return sorted(table.values(), key=lambda r: (-r.mentions, r.counterpart))

"""The fold of mention rows into daily rollups: per day and country, outlet country and language,
narrative, outlet (pure).

One mention row is one document naming one country (``count`` times). Per day and country the
index counts mentions (the sum of ``count``), documents (rows), toned, positive and negative rows,
tone and GDELT tone as sum and count, and distinct stories. The other rollups count the same rows
by outlet country and language, by narrative and by outlet. ``elshi.monitoring.rollup`` stores the
result; a notebook sums it with :func:`elshi.analysis.index.by_country`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from elshi.analysis.index import IndexCounts

__all__ = [
    "BreakdownCounts",
    "MentionFields",
    "MentionRow",
    "NarrativeCounts",
    "OutletCounts",
    "Rollups",
    "fold_mentions",
]

# The widths of the rollup's narrative and outlet columns: longer keys are cut, as the store would.
NARRATIVE_KEY_MAX = 64
OUTLET_MAX = 300

# A mention row as a plain tuple, in MentionRow's order (what a database query yields).
MentionFields = tuple[
    dt.date,
    str,
    int,
    str,
    float | None,
    str | None,
    str | None,
    str | None,
    str | None,
    float | None,
    Sequence[Any] | None,
]


class MentionRow(NamedTuple):
    day: dt.date
    country: str
    times: int  # times the document names the country (the stored mention's count)
    tone_label: str  # "positive", "negative", "neutral", or "" when not toned
    tone_score: float | None
    story: str | None
    outlet: str | None
    outlet_country: str | None
    language: str | None
    gdelt_tone: float | None
    narratives: Sequence[Any] | None  # narrative keys, or [key, score] pairs


@dataclass(slots=True)
class BreakdownCounts:
    mentions: int = 0
    documents: int = 0
    toned: int = 0
    positive: int = 0
    negative: int = 0
    tone_sum: float = 0.0
    tone_n: int = 0


@dataclass(slots=True)
class NarrativeCounts:
    documents: int = 0
    negative: int = 0
    toned: int = 0


@dataclass(slots=True)
class OutletCounts:
    documents: int = 0
    negative: int = 0
    positive: int = 0


@dataclass
class Rollups:
    """The four daily rollups, keyed (day, country) and (day, country, ...) as their table rows are."""

    index: dict[tuple[dt.date, str], IndexCounts] = field(default_factory=dict)
    # (day, country, outlet country, language)
    breakdown: dict[tuple[dt.date, str, str, str], BreakdownCounts] = field(default_factory=dict)
    # (day, country, narrative)
    narrative: dict[tuple[dt.date, str, str], NarrativeCounts] = field(default_factory=dict)
    # (day, country, outlet, outlet country)
    outlet: dict[tuple[dt.date, str, str, str], OutletCounts] = field(default_factory=dict)


def _narrative_key(item: Any) -> str:
    key = item[0] if isinstance(item, list | tuple) else str(item)
    return str(key)[:NARRATIVE_KEY_MAX]


def fold_mentions(rows: Iterable[MentionFields]) -> Rollups:
    """The daily rollups of ``rows`` (MentionRows or plain tuples in that order), in first-seen order."""
    out = Rollups()
    stories: dict[tuple[dt.date, str], set[str | None]] = defaultdict(set)
    for day, country, count, label, score, story, outlet, outlet_country, lang, gdelt, narratives in rows:
        toned = 1 if label else 0
        pos = 1 if label == "positive" else 0
        neg = 1 if label == "negative" else 0
        row = out.index.get((day, country))
        if row is None:
            row = out.index[(day, country)] = IndexCounts()
        row.mentions += count
        row.documents += 1
        row.toned += toned
        row.positive += pos
        row.negative += neg
        if score is not None:
            row.tone_sum += score
            row.tone_n += 1
        if gdelt is not None:
            row.gdelt_sum += gdelt
            row.gdelt_n += 1
        stories[(day, country)].add(story)
        b = out.breakdown.setdefault((day, country, outlet_country or "", lang or ""), BreakdownCounts())
        b.mentions += count
        b.documents += 1
        b.toned += toned
        b.positive += pos
        b.negative += neg
        if score is not None:
            b.tone_sum += score
            b.tone_n += 1
        for item in narratives or ():
            n = out.narrative.setdefault((day, country, _narrative_key(item)), NarrativeCounts())
            n.documents += 1
            n.negative += neg
            n.toned += toned
        if outlet:
            o = out.outlet.setdefault(
                (day, country, outlet[:OUTLET_MAX], outlet_country or ""), OutletCounts()
            )
            o.documents += 1
            o.negative += neg
            o.positive += pos
    for key, found in stories.items():
        out.index[key].stories = len(found)
    return out

"""What the analysis core returns for one document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from elshi.analysis.tone.base import ToneResult
from elshi.documents import GdeltTone

__all__ = ["CountryMentions", "DocumentAnalysis"]


@dataclass(frozen=True, slots=True)
class CountryMentions:
    country: str  # ISO 3166-1 alpha-2
    count: int  # names and adjectives, body and title
    spans: tuple[
        tuple[int, int], ...
    ]  # offsets into the document's text (title mentions are counted, not spanned)
    title_count: int = 0
    weak_count: int = 0  # capital and cities, counted apart


@dataclass(frozen=True, slots=True)
class DocumentAnalysis:
    source_id: str
    url: str
    canonical_url: str
    content_hash: str
    story_id: str
    lang: str
    mentions: tuple[CountryMentions, ...]
    tone: ToneResult | None  # toward the target span, else the profile's target, else the document
    tone_target: str  # "span", the target's country code, or "document"
    tones: dict[str, ToneResult] = field(default_factory=dict)  # toward each mentioned country
    narratives: tuple[tuple[str, float], ...] = ()
    weak_signals: dict[str, int] = field(default_factory=dict)  # countries named only by a city
    gdelt_tone: GdeltTone | None = None  # GDELT's own, kept beside ours and never mixed in

    def contract_json(self, doc_id: str) -> dict[str, Any]:
        """The output line of ``elshi analyze`` (issue 3's contract)."""
        tone = self.tone
        return {
            "id": doc_id,
            "lang": self.lang,
            "mentions": [
                {
                    "country": m.country,
                    "count": m.count,
                    "spans": [list(s) for s in m.spans],
                    "in_title": m.title_count > 0,
                }
                for m in self.mentions
            ],
            "tone": {"label": tone.label, "score": round(tone.score, 4), "evidence": list(tone.evidence)}
            if tone
            else {"label": "neutral", "score": 0.0, "evidence": []},
            "narratives": [{"id": n, "score": s} for n, s in self.narratives],
            "story_id": self.story_id,
        }

"""The document that every listening source yields and the analysis core reads.

Pure and dependency-free: imported by ``elshi.sources`` (which makes them),
``elshi.analysis`` (which reads them) and the Django apps (which store them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["GdeltTone", "Quarantined", "RawDocument"]


@dataclass(frozen=True, slots=True)
class GdeltTone:
    """GDELT's V2Tone, all seven fields, kept beside elshi's tone and never mixed into it."""

    tone: float
    positive: float
    negative: float
    polarity: float
    activity_density: float
    self_group_density: float
    word_count: int


@dataclass(slots=True)
class RawDocument:
    """One item from a source, before analysis.

    ``published_at`` is always timezone-aware UTC; sources normalise it.
    ``outlet_country`` is ISO 3166-1 alpha-2 (never FIPS) or ``None`` when unknown.
    """

    source_id: str
    url: str
    title: str
    text: str
    published_at: datetime
    language_hint: str | None = None
    outlet: str | None = None
    outlet_country: str | None = None
    platform: str = "web"
    author: str | None = None
    engagement: dict[str, int] = field(default_factory=dict)
    gdelt_tone: GdeltTone | None = None
    locations: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.published_at.tzinfo is None or self.published_at.utcoffset() is None:
            raise ValueError(f"published_at must be timezone-aware: {self.published_at!r} ({self.url})")


@dataclass(frozen=True, slots=True)
class Quarantined:
    """An item a source could not turn into a RawDocument, kept with its reason and raw bytes."""

    source_id: str
    reason: str
    raw: str
    location: str = ""

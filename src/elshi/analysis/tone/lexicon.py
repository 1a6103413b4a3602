"""The lexicon tier: fast and explainable; it returns the words that drove the score.

English uses VADER. Other languages use a lexicon derived by elshi from the
train-ok sets (``elshi.analysis.training.derive_lexicon``): smoothed log-odds
of each word stem in positive versus negative rows, shipped as
``data/lexicons/derived.tsv``. Stems are the first six letters of a folded
word, a crude but serviceable answer to Russian and Kazakh inflection.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from elshi.analysis.textfold import fold
from elshi.analysis.tone.base import ToneQuery, ToneResult, label_of, window_of

__all__ = ["LEXICON_PATH", "LexiconTone", "stem", "tokens"]

LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicons" / "derived.tsv"
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
STEM_LEN = 6


def tokens(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def stem(word: str) -> str:
    return word[:STEM_LEN]


def _load_lexicon(path: Path) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = {}
    if not path.exists():
        return table
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        lang, word, weight = line.split("\t")
        table.setdefault(lang, {})[word] = float(weight)
    return table


def _probs(score: float, neutral_band: float) -> tuple[float, float, float]:
    """A soft three-way split of a score in [-1, 1]; the neutral mass shrinks as |score| grows."""
    neutral = max(0.0, 1.0 - abs(score) / max(neutral_band, 1e-9)) * 0.5 + 0.25
    rest = 1.0 - neutral
    positive = rest * (1 + score) / 2
    return (rest - positive, neutral, positive)


class LexiconTone:
    name = "lexicon"

    def __init__(self, path: Path = LEXICON_PATH, neutral_band: float = 0.15) -> None:
        self.path = path
        self.neutral_band = neutral_band
        self._table: dict[str, dict[str, float]] | None = None
        self._vader: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "neutral_band": self.neutral_band}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"], state["neutral_band"])  # type: ignore[misc]

    @property
    def table(self) -> dict[str, dict[str, float]]:
        if self._table is None:
            self._table = _load_lexicon(self.path)
        return self._table

    def _vader_score(self, text: str) -> tuple[float, list[str]]:
        if self._vader is None:
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

            self._vader = SentimentIntensityAnalyzer()
        compound = float(self._vader.polarity_scores(text)["compound"])
        lexicon = self._vader.lexicon
        words = [w for w in re.findall(r"[\w']+", text.lower()) if w in lexicon]
        words.sort(
            key=lambda w: -abs(float(lexicon[w])) * (1 if (float(lexicon[w]) > 0) == (compound > 0) else 0.1)
        )
        return compound, words[:5]

    def _derived_score(self, text: str, lang: str | None) -> tuple[float, list[str]]:
        table = self.table
        tables = [table[lang]] if lang in table else list(table.values())
        hits: list[tuple[float, str]] = []
        for word in tokens(text):
            key = stem(word)
            weight = next((t[key] for t in tables if key in t), 0.0)
            if weight:
                hits.append((weight, word))
        if not hits:
            return 0.0, []
        total = sum(w for w, _ in hits)
        score = math.tanh(total / math.sqrt(len(hits) + 1))
        hits.sort(key=lambda h: -abs(h[0]) if (h[0] > 0) == (score > 0) else 0)
        return score, [word for _, word in hits[:5]]

    def score(self, queries: Sequence[ToneQuery]) -> list[ToneResult]:
        results: list[ToneResult] = []
        for query in queries:
            text = window_of(query)
            if query.lang == "en" or (query.lang is None and "en" not in self.table and text.isascii()):
                value, evidence = self._vader_score(text)
                band = 0.05
            else:
                value, evidence = self._derived_score(text, query.lang)
                band = self.neutral_band
            probs = _probs(value, band)
            label, _ = label_of(probs)
            results.append(ToneResult(label, max(-1.0, min(1.0, value)), probs, evidence))
        return results

"""Tone evaluation on the dev/valid splits, with VADER and UniSent baselines beside ours.

Scores are macro-F1. KazSAnDRA has no neutral class: there every system's
answer is read as positive when p(positive) >= p(negative), so a system is
not punished for a class the set lacks. UniSent (eval-only lexicon, licence
not stated) is read from ``../shared/data/lexicons/unisent`` and never ships.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from elshi.analysis.datasets import DEFAULT_DATA, ToneExample
from elshi.analysis.sampling import eval_rows
from elshi.analysis.textfold import fold
from elshi.analysis.tone.base import ToneQuery
from elshi.analysis.tone.embedding import EmbeddingTone
from elshi.analysis.tone.lexicon import LexiconTone

__all__ = ["SYSTEMS", "EvalReport", "evaluate_tone", "macro_f1"]

BINARY_SETS = frozenset({"kazsandra"})
SYSTEMS = ("vader", "unisent", "lexicon", "char", "e5", "embedding")
_UNISENT_LANG = {
    "kk": "kaz",
    "ru": "rus",
    "en": "eng",
    "de": "deu",
    "fr": "fra",
    "tr": "tur",
    "zh": "zho",
    "uz": "uzb",
    "ky": "kir",
}
Probs = npt.NDArray[np.float32]


def macro_f1(gold: Sequence[int], pred: Sequence[int], labels: Sequence[int]) -> float:
    scores = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p != label)
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores)


def _predict(probs: Probs, binary: bool) -> list[int]:
    if binary:
        return [1 if row[2] >= row[0] else -1 for row in probs]
    return [int(np.argmax(row)) - 1 for row in probs]


def _from_scores(scores: Sequence[float], band: float) -> Probs:
    """Hard one-hot probabilities from a signed score with a neutral band."""
    out = np.zeros((len(scores), 3), dtype=np.float32)
    for i, value in enumerate(scores):
        out[i, 0 if value <= -band else 2 if value >= band else 1] = 1.0
        if -band < value < band:  # binary sets: lean by sign, positive on ties
            out[i, 2 if value >= 0 else 0] = 0.5
    return out


def _vader(rows: Sequence[ToneExample]) -> Probs:
    analyzer = SentimentIntensityAnalyzer()
    return _from_scores([float(analyzer.polarity_scores(r.text)["compound"]) for r in rows], 0.05)


def _unisent(rows: Sequence[ToneExample], root: Path) -> Probs | None:
    code = _UNISENT_LANG.get(rows[0].lang) if rows else None
    path = root.parent / "lexicons" / "unisent" / f"{code}_unisent_lexicon.txt"
    if code is None or not path.exists():
        return None
    lexicon: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, polarity = line.partition("\t")
        if polarity.strip():
            lexicon[fold(word.strip())] = float(polarity)
    scores = []
    for row in rows:
        text = fold(row.text)
        if rows[0].lang == "zh":
            scores.append(sum(v for w, v in lexicon.items() if w in text))
        else:
            scores.append(sum(lexicon.get(w, 0.0) for w in re.findall(r"\w+", text)))
    return _from_scores(scores, 0.5)


@dataclass
class EvalReport:
    scores: dict[str, dict[str, float | None]] = field(default_factory=dict)  # dataset -> system -> macro-F1
    sizes: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def evaluate_tone(
    datasets: Sequence[str],
    systems: Sequence[str] = SYSTEMS,
    root: Path = DEFAULT_DATA,
    full: bool = False,
    limit: int | None = None,
    cache: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> EvalReport:
    report = EvalReport()
    started = time.perf_counter()
    for name in datasets:
        rows = eval_rows(name, root, full=full, limit=limit)
        queries = [ToneQuery(r.text, r.start, r.end, r.lang) for r in rows]
        binary = name in BINARY_SETS
        gold = [r.label for r in rows]
        labels = (-1, 1) if binary else (-1, 0, 1)
        probs: dict[str, Probs | None] = {}
        for system in systems:
            if progress:
                progress(f"{name}: {system} on {len(rows)} rows")
            if system == "vader":
                probs[system] = _vader(rows) if rows and rows[0].lang == "en" else None
            elif system == "unisent":
                probs[system] = _unisent(rows, root)
            elif system == "lexicon":
                probs[system] = np.asarray([r.probs for r in LexiconTone().score(queries)], dtype=np.float32)
            elif system in ("char", "e5"):
                probs[system] = EmbeddingTone(parts=(system,), cache=cache).probabilities(queries)
            elif system == "embedding":
                e5, char = probs.get("e5"), probs.get("char")
                if e5 is not None and char is not None:
                    shares = EmbeddingTone().fusion_shares(queries)
                    fused = e5 * shares["e5"][:, None] + char * shares["char"][:, None]
                    probs[system] = np.asarray(fused, dtype=np.float32)
                else:
                    probs[system] = EmbeddingTone(cache=cache).probabilities(queries)
            else:
                raise ValueError(f"unknown system {system!r}; known: {', '.join(SYSTEMS)}")
        report.sizes[name] = len(rows)
        report.scores[name] = {
            system: (None if p is None else round(macro_f1(gold, _predict(p, binary), labels), 4))
            for system, p in probs.items()
        }
    report.seconds = time.perf_counter() - started
    return report

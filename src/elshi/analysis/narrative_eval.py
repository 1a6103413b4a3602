"""Calibrate and evaluate narrative tagging on the labelled sample kept in the repository.

The sample (``tests/analysis/fixtures/narratives_labelled.jsonl``, written and
labelled by elshi's engineers) has one sentence a line with the narratives it
touches. ``calibrate`` grid-searches the similarity range and thresholds for
the best micro-F1; ``cross_validated`` reports the F1 of calibrating on one
half and scoring the other, which is the honest figure (the in-sample one
flatters).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from elshi.analysis.narratives import Calibration, NarrativeTagger

__all__ = ["calibrate", "cross_validated", "load_sample", "micro_f1"]

Encode = Callable[[Sequence[str]], npt.NDArray[np.float32]]
Row = tuple[str, frozenset[str]]


def load_sample(path: Path) -> list[Row]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            rows.append((str(item["text"]), frozenset(item["narratives"])))
    return rows


def micro_f1(gold: Sequence[frozenset[str]], pred: Sequence[frozenset[str]]) -> float:
    tp = sum(len(g & p) for g, p in zip(gold, pred, strict=True))
    fp = sum(len(p - g) for g, p in zip(gold, pred, strict=True))
    fn = sum(len(g - p) for g, p in zip(gold, pred, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _predict(tagger: NarrativeTagger, rows: Sequence[Row], vectors: npt.NDArray[np.float32] | None,
             encode: Encode | None) -> list[frozenset[str]]:
    out = []
    for i, (text, _) in enumerate(rows):
        vecs = vectors[i:i + 1] if vectors is not None else None
        out.append(frozenset(n for n, _ in tagger.tag([text], vecs, encode)))
    return out


def calibrate(tagger: NarrativeTagger, rows: Sequence[Row], vectors: npt.NDArray[np.float32] | None,
              encode: Encode | None) -> tuple[Calibration, float]:
    """The calibration with the best micro-F1 on ``rows`` and that F1."""
    gold = [g for _, g in rows]
    best, best_f1 = tagger.calibration, -1.0
    for kw_cut in (0.3, 0.45, 0.6, 0.7):
        tagger.calibration = replace(best, keyword_threshold=kw_cut)
        f1 = micro_f1(gold, _predict(tagger, rows, None, None))
        if f1 > best_f1:
            best, best_f1 = tagger.calibration, f1
    keyword_best = best
    if vectors is None or encode is None:
        tagger.calibration = keyword_best
        return keyword_best, best_f1
    best_f1 = -1.0
    for lo in (0.78, 0.80, 0.82, 0.84, 0.86, 0.88, 0.90):
        for width in (0.04, 0.06, 0.08, 0.12):
            for cut in (0.3, 0.4, 0.5, 0.6, 0.7):
                tagger.calibration = replace(keyword_best, lo=lo, hi=lo + width, threshold=cut)
                f1 = micro_f1(gold, _predict(tagger, rows, vectors, encode))
                if f1 > best_f1:
                    best, best_f1 = tagger.calibration, f1
    tagger.calibration = best
    return best, best_f1


def cross_validated(tagger: NarrativeTagger, rows: Sequence[Row], vectors: npt.NDArray[np.float32] | None,
                    encode: Encode | None) -> float:
    """Micro-F1 over both halves, each scored with the calibration fitted on the other half."""
    halves = [list(range(0, len(rows), 2)), list(range(1, len(rows), 2))]
    gold: list[frozenset[str]] = []
    pred: list[frozenset[str]] = []
    for fit, score in (halves, halves[::-1]):
        sub_vectors = vectors[fit] if vectors is not None else None
        calibrate(tagger, [rows[i] for i in fit], sub_vectors, encode)
        test_rows = [rows[i] for i in score]
        gold += [g for _, g in test_rows]
        pred += _predict(tagger, test_rows, vectors[score] if vectors is not None else None, encode)
    return micro_f1(gold, pred)

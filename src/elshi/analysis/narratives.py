"""Narrative tagging: keyword rules plus cross-lingual similarity to each narrative's examples.

``keyword`` score: 1 - exp(-hits / 1.5) over the narrative's keywords found in
the mention windows (1 hit 0.49, 2 hits 0.74, 3 hits 0.86). ``similarity``
score: the best cosine between a window's embedding and the narrative's
example sentences, mapped linearly from [lo, hi] to [0, 1]. The two combine
as a noisy-or; a narrative is reported when the score passes its threshold.
``lo``, ``hi`` and the thresholds are calibrated on the labelled sample in
``tests/analysis/fixtures/narratives.jsonl`` (see ``calibrate``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from elshi.analysis.profile import CountryProfile, Narrative
from elshi.analysis.textfold import fold

__all__ = ["CALIBRATION_PATH", "Calibration", "NarrativeTagger"]

CALIBRATION_PATH = Path(__file__).parent / "data" / "narrative_calibration.json"


@dataclass(frozen=True, slots=True)
class Calibration:
    """``threshold`` applies with similarity, ``keyword_threshold`` to keyword rules alone."""

    lo: float = 0.80
    hi: float = 0.90
    threshold: float = 0.45
    keyword_threshold: float = 0.45

    @classmethod
    def load(cls, path: Path = CALIBRATION_PATH) -> Calibration:
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(float(data["lo"]), float(data["hi"]), float(data["threshold"]),
                   float(data["keyword_threshold"]))

    def save(self, path: Path = CALIBRATION_PATH) -> None:
        fields = {"lo": self.lo, "hi": self.hi, "threshold": self.threshold,
                  "keyword_threshold": self.keyword_threshold}
        path.write_text(json.dumps(fields, indent=2) + "\n", encoding="utf-8")


def _pattern(keywords: Sequence[str]) -> re.Pattern[str]:
    parts = []
    for keyword in keywords:
        stem = keyword.endswith("*")
        body = re.escape(keyword.rstrip("*")).replace(r"\*", r"\w*")
        if "\u4e00" <= keyword[0] <= "\u9fff":
            parts.append(body)
        else:
            parts.append(rf"(?<!\w){body}" + (r"\w*" if stem else r"(?!\w)"))
    return re.compile("|".join(parts))


class NarrativeTagger:
    def __init__(self, profile: CountryProfile, calibration: Calibration | None = None) -> None:
        self.narratives: tuple[Narrative, ...] = profile.narratives
        self.calibration = calibration or Calibration.load()
        self._patterns = [_pattern(n.keywords) for n in self.narratives]
        self._examples: npt.NDArray[np.float32] | None = None
        self._owner: list[int] = []

    def __getstate__(self) -> dict[str, Any]:
        return {"narratives": self.narratives, "calibration": self.calibration}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.narratives = state["narratives"]
        self.calibration = state["calibration"]
        self._patterns = [_pattern(n.keywords) for n in self.narratives]
        self._examples, self._owner = None, []

    def keyword_scores(self, text: str) -> list[float]:
        folded = fold(text)
        return [1.0 - math.exp(-len(p.findall(folded)) / 1.5) for p in self._patterns]

    def example_vectors(self, encode: Any) -> npt.NDArray[np.float32]:
        if self._examples is None:
            texts = [e for n in self.narratives for e in n.examples]
            self._owner = [i for i, n in enumerate(self.narratives) for _ in n.examples]
            self._examples = np.asarray(encode(texts), dtype=np.float32)
        return self._examples

    def similarity_scores(self, vectors: npt.NDArray[np.float32], encode: Any) -> list[float]:
        """Best similarity per narrative over the given window vectors, calibrated to [0, 1]."""
        examples = self.example_vectors(encode)
        best = [0.0] * len(self.narratives)
        if len(vectors) == 0:
            return best
        sims = (vectors @ examples.T).max(axis=0)
        for j, owner in enumerate(self._owner):
            best[owner] = max(best[owner], float(sims[j]))
        lo, hi = self.calibration.lo, self.calibration.hi
        return [min(1.0, max(0.0, (s - lo) / (hi - lo))) for s in best]

    def raw_scores(
        self, windows: Sequence[str], vectors: npt.NDArray[np.float32] | None = None, encode: Any = None
    ) -> list[float]:
        keyword = self.keyword_scores(" \n".join(windows))
        if vectors is None or encode is None:
            return keyword
        similar = self.similarity_scores(vectors, encode)
        return [1 - (1 - k) * (1 - s) for k, s in zip(keyword, similar, strict=True)]

    def tag(
        self, windows: Sequence[str], vectors: npt.NDArray[np.float32] | None = None, encode: Any = None
    ) -> list[tuple[str, float]]:
        """Narratives whose score passes the threshold, best first, scores rounded to 3 places."""
        scores = self.raw_scores(windows, vectors, encode)
        found = [
            (n.id, round(s, 3))
            for n, s in zip(self.narratives, scores, strict=True)
            if s >= self.calibration.threshold
        ]
        return sorted(found, key=lambda item: (-item[1], item[0]))

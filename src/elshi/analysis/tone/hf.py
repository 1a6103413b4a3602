"""Any Hugging Face sequence classifier from a local path (optional extra: ``transformers`` + ``torch``).

Labels are mapped from the model's ``id2label`` by name (negative/neutral/
positive, or LABEL_0..2 read in that order). Nothing is downloaded: the path
must hold the model's files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from elshi.analysis.tone.base import LABELS, ToneQuery, ToneResult, label_of, window_of

__all__ = ["HFTone", "hf_available"]


def hf_available() -> bool:
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        return False
    return True


def _order(id2label: dict[int, str]) -> list[int]:
    """For each of LABELS, the model's class index."""
    names = {i: str(label).lower() for i, label in id2label.items()}
    order: list[int] = []
    for wanted, prefix in zip(LABELS, ("neg", "neu", "pos"), strict=True):
        hits = [i for i, name in names.items() if name.startswith(prefix) or name == wanted]
        order.append(hits[0] if hits else LABELS.index(wanted))
    if len(names) == 2:  # binary classifiers: no neutral class
        order[1] = -1
    return order


class HFTone:
    name = "hf"

    def __init__(self, path: Path, batch_size: int = 16, max_length: int = 256) -> None:
        if not Path(path).is_dir():
            raise FileNotFoundError(f"no Hugging Face model folder at {path}")
        self.path = Path(path)
        self.batch_size = batch_size
        self.max_length = max_length
        self._model: Any = None
        self._tokenizer: Any = None

    def __getstate__(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "batch_size": self.batch_size,
            "max_length": self.max_length,
            "_model": None,
            "_tokenizer": None,
        }

    def _load(self) -> None:
        if self._model is None:
            # transformers and torch are the optional hf extra: imported only when this tier runs.
            from transformers import AutoModelForSequenceClassification, AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
            self._model = AutoModelForSequenceClassification.from_pretrained(self.path, local_files_only=True)
            self._model.eval()

    def score(self, queries: Sequence[ToneQuery]) -> list[ToneResult]:
        # transformers and torch are the optional hf extra: imported only when this tier runs.
        import torch

        self._load()
        order = _order(dict(self._model.config.id2label))
        results: list[ToneResult] = []
        for start in range(0, len(queries), self.batch_size):
            batch = [window_of(q) for q in queries[start : start + self.batch_size]]
            encoded = self._tokenizer(
                batch, padding=True, truncation=True, max_length=self.max_length, return_tensors="pt"
            )
            with torch.no_grad():
                probs = torch.softmax(self._model(**encoded).logits, dim=-1).tolist()
            for row in probs:
                triple = tuple(row[i] if i >= 0 else 0.0 for i in order)
                probs3 = (float(triple[0]), float(triple[1]), float(triple[2]))
                label, score = label_of(probs3)
                results.append(ToneResult(label, score, probs3, []))
        return results

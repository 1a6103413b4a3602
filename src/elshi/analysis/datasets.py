"""Readers for the labelled sentiment sets under ``../shared/data/eval``.

Every reader returns :class:`ToneExample` rows with labels mapped to -1, 0, 1.
Which rows may train what ships is decided here and nowhere else: see
:data:`TRAIN_OK` and :func:`rusentne_fold` (the fixed held-out fifth of
RuSentNE that the shipped head never sees).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEFAULT_DATA",
    "EVAL_SETS",
    "TRAIN_OK",
    "DataMissing",
    "ToneExample",
    "load_eval_set",
    "load_kazsandra",
    "load_newsmtsc",
    "load_rusentne",
    "load_xlmt",
    "rusentne_fold",
]

# src/elshi/analysis/datasets.py -> repository root -> ../shared/data
DEFAULT_DATA = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "eval"

#: Sets whose licence allows training a model that elshi ships (see shared/data/README.md).
TRAIN_OK = frozenset({"newsmtsc", "rusentne", "kazsandra"})

#: The dev/valid splits that ``elshi eval tone`` reports, by name.
EVAL_SETS = ("newsmtsc", "rusentne", "kazsandra", "xlmt-en", "xlmt-fr", "xlmt-de", "xlmt-ar")


class DataMissing(FileNotFoundError):
    """The shared data folder, or one file in it, is absent."""


@dataclass(frozen=True, slots=True)
class ToneExample:
    text: str
    label: int  # -1 negative, 0 neutral, 1 positive
    lang: str
    dataset: str
    start: int | None = None  # target span in ``text``, when the set has one
    end: int | None = None


def _need(path: Path) -> Path:
    if not path.exists():
        raise DataMissing(f"missing labelled data: {path}")
    return path


def load_newsmtsc(root: Path = DEFAULT_DATA, split: str = "devtest_mt") -> list[ToneExample]:
    """One row per target; ``to`` is exclusive in practice (``text[from:to] == mention``)."""
    polarity = {2.0: -1, 4.0: 0, 6.0: 1}
    rows: list[ToneExample] = []
    with _need(root / "newsmtsc" / f"{split}.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            text = item["sentence_normalized"]
            for target in item["targets"]:
                rows.append(
                    ToneExample(
                        text,
                        polarity[float(target["polarity"])],
                        "en",
                        "newsmtsc",
                        int(target["from"]),
                        int(target["to"]),
                    )
                )
    return rows


def rusentne_fold(sentence: str) -> int:
    """Fold 0..4 of a RuSentNE sentence, by a hash of the sentence so one sentence never straddles folds."""
    return hashlib.sha256(sentence.encode("utf-8")).digest()[0] % 5


def load_rusentne(root: Path = DEFAULT_DATA, heldout: bool = True) -> list[ToneExample]:
    """``heldout=True``: fold 0 of ``train_data.csv`` (evaluation); ``False``: folds 1-4 (training)."""
    rows: list[ToneExample] = []
    with _need(root / "rusentne" / "train_data.csv").open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            text = rec["sentence"]
            if (rusentne_fold(text) == 0) != heldout:
                continue
            rows.append(
                ToneExample(
                    text,
                    int(rec["label"]),
                    "ru",
                    "rusentne",
                    int(rec["entity_pos_start_rel"]),
                    int(rec["entity_pos_end_rel"]),
                )
            )
    return rows


def load_kazsandra(root: Path = DEFAULT_DATA, split: str = "valid") -> list[ToneExample]:
    """Polarity 0/1 becomes -1/1: the set has no neutral class."""
    rows: list[ToneExample] = []
    with _need(root / "kazsandra" / f"polarity_{split}.csv").open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            text = (rec["text"] or "").strip()
            if text:
                rows.append(ToneExample(text, 1 if rec["label"] == "1" else -1, "kk", "kazsandra"))
    return rows


_XLMT_DIRS = {"en": "english", "fr": "french", "de": "german", "ar": "arabic"}


def load_xlmt(lang: str, root: Path = DEFAULT_DATA, split: str = "val") -> list[ToneExample]:
    """XLM-T tweets (eval-only): labels 0/1/2 become -1/0/1."""
    folder = root / "xlm-t" / _XLMT_DIRS[lang]
    texts = _need(folder / f"{split}_text.txt").read_text(encoding="utf-8").splitlines()
    labels = _need(folder / f"{split}_labels.txt").read_text(encoding="utf-8").splitlines()
    if len(texts) != len(labels):
        raise ValueError(f"{folder}: {len(texts)} texts but {len(labels)} labels")
    return [
        ToneExample(text.strip(), int(label) - 1, lang, f"xlmt-{lang}")
        for text, label in zip(texts, labels, strict=True)
        if text.strip()
    ]


def load_eval_set(name: str, root: Path = DEFAULT_DATA) -> list[ToneExample]:
    """The dev/valid rows of one set in :data:`EVAL_SETS`."""
    if name == "newsmtsc":
        return load_newsmtsc(root, "devtest_mt")
    if name == "rusentne":
        return load_rusentne(root, heldout=True)
    if name == "kazsandra":
        return load_kazsandra(root, "valid")
    if name.startswith("xlmt-"):
        return load_xlmt(name.removeprefix("xlmt-"), root, "val")
    raise KeyError(f"unknown evaluation set {name!r}; known: {', '.join(EVAL_SETS)}")


def iter_train_rows(root: Path = DEFAULT_DATA) -> Iterator[ToneExample]:
    """Every train-ok training row; never a dev/valid row nor RuSentNE's held-out fold."""
    yield from load_newsmtsc(root, "train")
    yield from load_rusentne(root, heldout=False)
    yield from load_kazsandra(root, "train")

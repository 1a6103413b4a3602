"""Which rows train the shipped head and which rows evaluate it: fixed, seeded, documented.

Embedding text runs at roughly 15 sentences a second per CPU core, so the
embedding head reads every NewsMTSC train and RuSentNE train row (about
12,500 distinct windows) but a seeded sample of KazSAnDRA train, and the large
KazSAnDRA valid split is evaluated on a seeded sample (``full=True`` reads all
of it). The character heads read every train-ok training row.
"""

from __future__ import annotations

import random
from pathlib import Path

from elshi.analysis.datasets import (
    DEFAULT_DATA,
    ToneExample,
    load_eval_set,
    load_kazsandra,
    load_newsmtsc,
    load_rusentne,
)

__all__ = [
    "EMBED_TRAIN_SIZES",
    "EVAL_SAMPLE",
    "SEED",
    "embed_train_rows",
    "eval_rows",
    "seeded_sample",
]

SEED = 13
# Rows per set for the embedding head; None reads them all.
EMBED_TRAIN_SIZES: dict[str, int | None] = {"newsmtsc": None, "rusentne": None, "kazsandra": 8000}
EVAL_SAMPLE = {"kazsandra": 1500}


def seeded_sample(rows: list[ToneExample], size: int, seed: int = SEED) -> list[ToneExample]:
    if size >= len(rows):
        return list(rows)
    return random.Random(seed).sample(rows, size)  # noqa: S311 - reproducible sampling, not crypto


def embed_train_rows(root: Path = DEFAULT_DATA) -> list[ToneExample]:
    """The train-ok rows the embedding head learns from (never a dev/valid or held-out row)."""
    sets = {
        "newsmtsc": load_newsmtsc(root, "train"),
        "rusentne": load_rusentne(root, heldout=False),
        "kazsandra": load_kazsandra(root, "train"),
    }
    rows: list[ToneExample] = []
    for name, size in EMBED_TRAIN_SIZES.items():
        rows += sets[name] if size is None else seeded_sample(sets[name], size)
    return rows


def eval_rows(
    name: str, root: Path = DEFAULT_DATA, full: bool = False, limit: int | None = None
) -> list[ToneExample]:
    rows = load_eval_set(name, root)
    size = limit if limit is not None else (None if full else EVAL_SAMPLE.get(name))
    return seeded_sample(rows, size) if size is not None else rows

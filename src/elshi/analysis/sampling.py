"""Which rows train the shipped head and which rows evaluate it: fixed, seeded, documented.

Embedding text on two shared CPU cores runs at roughly 15 sentences a second,
so the embedding head trains on a seeded sample of each train-ok set and the
large KazSAnDRA valid split is evaluated on a seeded sample (``full=True``
reads all of it). The character head reads every train-ok training row.
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
    "EMBED_EXTRA_SIZES",
    "EMBED_TRAIN_SIZES",
    "EVAL_SAMPLE",
    "SEED",
    "embed_train_rows",
    "eval_rows",
    "seeded_sample",
]

SEED = 13
EMBED_TRAIN_SIZES = {"newsmtsc": 2500, "rusentne": 2500, "kazsandra": 2000}
# A second seeded draw from the rows the first left out (kept apart so cached embeddings stay valid).
EMBED_EXTRA_SIZES = {"newsmtsc": 2500, "rusentne": 2722, "kazsandra": 1000}
EVAL_SAMPLE = {"kazsandra": 1500}


def seeded_sample(rows: list[ToneExample], size: int, seed: int = SEED) -> list[ToneExample]:
    if size >= len(rows):
        return list(rows)
    return random.Random(seed).sample(rows, size)  # noqa: S311 - reproducible sampling, not crypto


def embed_train_rows(root: Path = DEFAULT_DATA, scale: float = 1.0) -> list[ToneExample]:
    """The train-ok rows the embedding head learns from (never a dev/valid or held-out row)."""
    sets = {
        "newsmtsc": load_newsmtsc(root, "train"),
        "rusentne": load_rusentne(root, heldout=False),
        "kazsandra": load_kazsandra(root, "train"),
    }
    rows: list[ToneExample] = []
    for name, size in EMBED_TRAIN_SIZES.items():
        first = seeded_sample(sets[name], int(size * scale))
        taken = {id(r) for r in first}
        rest = [r for r in sets[name] if id(r) not in taken]
        rows += first + seeded_sample(rest, int(EMBED_EXTRA_SIZES[name] * scale), SEED + 1)
    return rows


def eval_rows(
    name: str, root: Path = DEFAULT_DATA, full: bool = False, limit: int | None = None
) -> list[ToneExample]:
    rows = load_eval_set(name, root)
    size = limit if limit is not None else (None if full else EVAL_SAMPLE.get(name))
    return seeded_sample(rows, size) if size is not None else rows

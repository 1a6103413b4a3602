"""Honesty checks: what trains the shipped heads never overlaps what evaluates them."""

from __future__ import annotations

from pathlib import Path

from elshi.analysis.datasets import (
    ToneExample,
    load_eval_set,
    load_newsmtsc,
    load_rusentne,
    load_xlmt,
    rusentne_fold,
)
from elshi.analysis.sampling import embed_train_rows
from elshi.analysis.training import char_train_rows


def test_labels_and_spans(eval_data: Path) -> None:
    for row in load_newsmtsc(eval_data, "devtest_mt")[:200] + load_rusentne(eval_data, heldout=True)[:200]:
        assert row.label in (-1, 0, 1)
        assert row.start is not None and row.end is not None and 0 <= row.start < row.end <= len(row.text)
    assert {r.label for r in load_xlmt("ar", eval_data)} == {-1, 0, 1}
    assert {r.label for r in load_eval_set("kazsandra", eval_data)} == {-1, 1}


def test_rusentne_heldout_fold_is_disjoint(eval_data: Path) -> None:
    held = {r.text for r in load_rusentne(eval_data, heldout=True)}
    train = {r.text for r in load_rusentne(eval_data, heldout=False)}
    assert held and train and not held & train
    assert all(rusentne_fold(t) == 0 for t in held)


def test_training_rows_never_include_evaluation_rows(eval_data: Path) -> None:
    def keys(rows: list[ToneExample]) -> set[tuple[str, int | None, int | None]]:
        return {(r.text, r.start, r.end) for r in rows}

    evaluated = set().union(
        *(keys(load_eval_set(n, eval_data)) for n in ("newsmtsc", "rusentne", "kazsandra"))
    )
    evaluated |= set().union(*(keys(load_xlmt(lang, eval_data)) for lang in ("en", "fr", "de", "ar")))
    trained = keys(char_train_rows(eval_data)) | keys(embed_train_rows(eval_data))
    # KazSAnDRA repeats some short reviews ("Жақсы") in both of its own splits; nothing else may leak,
    # and no (sentence, target) pair of NewsMTSC or RuSentNE is ever in both.
    overlap = trained & evaluated
    assert len(overlap) / len(evaluated) < 0.02, sorted(overlap)[:10]
    assert all(start is None for _, start, _ in overlap)

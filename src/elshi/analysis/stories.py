"""Exact and near-duplicate detection, grouped into stories with stable ids.

Exact copies share a canonical URL or a content hash (folded text, collapsed
whitespace). Syndicated near-copies share MinHash LSH buckets over word
5-shingles (datasketch). A story's id is ``st_`` plus the content hash of the
first document that opened it, so ids never change once given; a
:class:`StoryIndex` can be kept and reused across batches (it pickles).
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from datasketch import MinHash, MinHashLSH

from elshi.analysis.textfold import fold

__all__ = ["StoryIndex", "canonical_url", "content_hash"]

_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|yclid|mc_cid|mc_eid|ref|ref_src|igshid|cmpid)$")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
NUM_PERM = 64
SHINGLE = 5


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no ``www.``, no fragment, no tracking parameters, no trailing slash."""
    if not url:
        return ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING.match(k.lower())
        )
    )
    path = parts.path.rstrip("/") or ""
    return urlunsplit(((parts.scheme or "https").lower(), host, path, query, ""))


def content_hash(title: str, text: str) -> str:
    body = _SPACE.sub(" ", fold(f"{title}\n{text}")).strip()
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


def _minhash(text: str) -> MinHash:
    words = _WORD.findall(fold(text))
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    mh = MinHash(num_perm=NUM_PERM, seed=1)
    mh.update_batch([s.encode("utf-8") for s in shingles])
    return mh


class StoryIndex:
    """Assigns story ids; ``threshold`` is the estimated Jaccard similarity of shingles to join a story."""

    def __init__(self, threshold: float = 0.6) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._by_url: dict[str, str] = {}
        self._by_hash: dict[str, str] = {}
        self._count = 0

    def __len__(self) -> int:
        return len(self._by_hash)

    def assign(self, url: str, title: str, text: str) -> str:
        """The story id of a document, opening a new story when it matches none."""
        canon, digest = canonical_url(url), content_hash(title, text)
        story = self._by_hash.get(digest) or (self._by_url.get(canon) if canon else None)
        if story is None and len(text) >= 200:  # short texts are too alike to group by shingles
            mh = _minhash(f"{title} {text}")
            near = sorted(self._lsh.query(mh))
            story = near[0].partition("|")[0] if near else None
            self._count += 1
            self._lsh.insert(f"{story or 'st_' + digest}|{self._count}", mh)
        story = story or f"st_{digest}"
        self._by_hash.setdefault(digest, story)
        if canon:
            self._by_url.setdefault(canon, story)
        return story

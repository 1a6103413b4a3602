"""Sentence boundaries and the window of text around a mention.

Tone is scored on the sentence(s) around a mention, never the whole page; the
window is clipped to a number of words on each side so long sentences with
several targets still give each target its own context.
"""

from __future__ import annotations

import re

__all__ = ["sentence_bounds", "sentence_at", "target_window"]

# A sentence ends at . ! ? … and their CJK/Arabic forms followed by space or end,
# or at a blank line. Abbreviations split a few sentences too many: harmless here.
_END = re.compile(r"(?<=[.!?…。！？؟])[\"'»”)\]]*\s+|\n\s*\n")
_WORD = re.compile(r"\S+")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of each sentence in ``text``."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        if match.start() > start:
            bounds.append((start, match.start()))
        start = match.end()
    if start < len(text):
        bounds.append((start, len(text)))
    return bounds or [(0, len(text))]


def sentence_at(bounds: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """The sentence containing ``offset`` (the nearest one when it falls between two)."""
    lo, hi = 0, len(bounds) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if bounds[mid][1] <= offset:
            lo = mid + 1
        else:
            hi = mid
    return bounds[lo]


def target_window(
    text: str, start: int, end: int, max_words: int = 24, bounds: list[tuple[int, int]] | None = None
) -> str:
    """The sentence holding ``text[start:end]``, clipped to ``max_words`` words on each side of it."""
    s_start, s_end = sentence_at(bounds if bounds is not None else sentence_bounds(text), start)
    s_start, s_end = min(s_start, start), max(s_end, end)
    words = [(m.start(), m.end()) for m in _WORD.finditer(text, s_start, s_end)]  # absolute offsets
    before = [w for w in words if w[1] <= start]
    after = [w for w in words if w[0] >= end]
    lo = before[-max_words][0] if len(before) > max_words else s_start
    hi = after[max_words - 1][1] if len(after) > max_words else s_end
    return text[lo:hi].strip()

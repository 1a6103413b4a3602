"""Captions: split a scene's text into readable cues, time them, write and read SRT and WebVTT.

Cues follow common subtitling practice: at most ``max_chars`` per cue (about two lines on a
phone; fewer for Chinese, whose characters are wider and denser), time shared out in proportion
to length, and never shorter than ``MIN_CUE_S``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from elshi.creative.errors import StoryboardError
from elshi.creative.fonts import is_cjk

__all__ = ["MIN_CUE_S", "Cue", "parse_srt", "parse_vtt", "split_cues", "to_srt", "to_vtt"]

MIN_CUE_S = 0.8
CLAUSE_MARKS = frozenset("，。、；：！？,;")
_TIME = re.compile(r"(?:(\d+):)?(\d{2}):(\d{2})[.,](\d{3})")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise StoryboardError(f"cue {self.text[:30]!r}: start {self.start} must precede end {self.end}")


def _chunks(text: str, max_chars: int) -> tuple[list[str], str]:
    """Balanced chunks of at most about ``max_chars`` (a longer single word stays whole)."""
    cjk = sum(is_cjk(c) for c in text) > len(text) // 3 and " " not in text
    limit = max(6, max_chars * 2 // 5) if cjk else max_chars
    units, sep = (list(text), "") if cjk else (text.split(), " ")
    count = math.ceil(len(text) / limit)
    target = min(limit, math.ceil(len(text) / count * 1.15))
    chunks: list[str] = []
    current = ""
    for unit in units:
        candidate = f"{current}{sep}{unit}" if current else unit
        if current and len(candidate) > target:
            chunks.append(current)
            current = unit
        else:
            current = candidate
        # Chinese has no spaces: end a cue at a clause mark once it is long enough.
        if cjk and unit in CLAUSE_MARKS and len(current) >= target * 0.5:
            chunks.append(current)
            current = ""
    if current:
        chunks.append(current)
    return chunks, sep


def _timed(chunks: list[str], start: float, end: float) -> list[Cue]:
    weights = [max(len(c), 8) for c in chunks]
    total = sum(weights)
    cues, t = [], start
    for i, (chunk, weight) in enumerate(zip(chunks, weights, strict=True)):
        stop = end if i == len(chunks) - 1 else round(t + (end - start) * weight / total, 3)
        cues.append(Cue(round(t, 3), round(stop, 3), chunk))
        t = stop
    return cues


def split_cues(text: str, start: float, end: float, max_chars: int = 42) -> list[Cue]:
    """Cues covering ``start``..``end`` for ``text``, each no shorter than ``MIN_CUE_S`` seconds."""
    text = " ".join(text.split())
    if not text:
        return []
    if end - start < MIN_CUE_S:
        raise StoryboardError(
            f"caption {text[:30]!r} needs at least {MIN_CUE_S} s, the scene gives {end - start:.2f} s"
        )
    chunks, sep = _chunks(text, max_chars)
    cues = _timed(chunks, start, end)
    # Too short to read: merge the shortest cue into its shorter neighbour until all can be read.
    while len(chunks) > 1 and min(c.end - c.start for c in cues) < MIN_CUE_S:
        i = min(range(len(cues)), key=lambda n: cues[n].end - cues[n].start)
        j = i - 1 if i == len(chunks) - 1 or (i > 0 and len(chunks[i - 1]) < len(chunks[i + 1])) else i + 1
        a, b = sorted((i, j))
        chunks[a : b + 1] = [f"{chunks[a]}{sep}{chunks[b]}"]
        cues = _timed(chunks, start, end)
    return cues


def _stamp(seconds: float, sep: str) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def to_srt(cues: Iterable[Cue]) -> str:
    blocks = [
        f"{n}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{c.text}\n" for n, c in enumerate(cues, 1)
    ]
    return "\n".join(blocks)


def to_vtt(cues: Iterable[Cue], language: str = "") -> str:
    head = "WEBVTT" + (f"\nLanguage: {language}" if language else "") + "\n"
    blocks = [f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}\n{c.text}\n" for c in cues]
    return "\n".join([head, *blocks])


def _seconds(match: re.Match[str]) -> float:
    h, m, s, ms = match.groups()
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def _parse(text: str) -> list[Cue]:
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = block.split("\n")
        for i, line in enumerate(lines):
            if "-->" in line:
                left, right = line.split("-->", 1)
                a, b = _TIME.search(left), _TIME.search(right)
                if a is None or b is None:
                    raise StoryboardError(f"bad cue timing line: {line!r}")
                cues.append(Cue(_seconds(a), _seconds(b), "\n".join(lines[i + 1 :]).strip()))
                break
    return cues


def parse_srt(text: str) -> list[Cue]:
    return _parse(text)


def parse_vtt(text: str) -> list[Cue]:
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise StoryboardError("not a WebVTT file: it must start with WEBVTT")
    return _parse(text)


def shift(cues: Sequence[Cue], offset: float) -> list[Cue]:
    return [Cue(c.start + offset, c.end + offset, c.text) for c in cues]

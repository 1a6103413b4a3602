"""The ``elshi analyze INPUT.jsonl -o OUTPUT.jsonl`` contract, as plain functions.

Input line: ``{"id": str, "text": str, "title"?: str, "lang"?: str, "target"?: {"start": int, "end": int}}``
(offsets into ``text``). Output line: see :meth:`DocumentAnalysis.contract_json`. Bad lines are
reported with their line number and skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from elshi.analysis.batch import AnalysisInput, Analyzer
from elshi.analysis.stories import StoryIndex
from elshi.documents import RawDocument

__all__ = ["BadLine", "ContractRun", "parse_line", "run_contract", "run_contract_files"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # the contract carries no dates; stories follow input order
CHUNK = 256


@dataclass(frozen=True, slots=True)
class BadLine:
    line: int
    reason: str


@dataclass
class ContractRun:
    processed: int = 0
    bad: list[BadLine] = field(default_factory=list)


def parse_line(raw: str, number: int) -> tuple[str, AnalysisInput]:
    """One input line to its id and analysis input; raises ``ValueError`` naming what is wrong."""
    try:
        item: Any = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(item, dict):
        raise ValueError("not a JSON object")
    doc_id, text = item.get("id"), item.get("text")
    if not isinstance(doc_id, str) or not doc_id:
        raise ValueError("'id' must be a non-empty string")
    if not isinstance(text, str):
        raise ValueError("'text' must be a string")
    title, lang = item.get("title", ""), item.get("lang")
    if not isinstance(title, str) or not (lang is None or isinstance(lang, str)):
        raise ValueError("'title' and 'lang' must be strings when given")
    target = item.get("target")
    span: tuple[int, int] | None = None
    if target is not None:
        if not isinstance(target, dict):
            raise ValueError("'target' must be an object {start, end}")
        start, end = target.get("start"), target.get("end")
        if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)):
            raise ValueError(f"'target' must satisfy 0 <= start < end <= {len(text)}, got {start!r}..{end!r}")
        span = (start, end)
    doc = RawDocument(
        source_id="jsonl",
        url="",
        title=title,
        text=text,
        published_at=_EPOCH,
        language_hint=lang or None,
        extra={"id": doc_id, "line": str(number)},
    )
    return doc_id, AnalysisInput(doc, span)


def _chunks(lines: Iterable[str], run: ContractRun) -> Iterator[list[tuple[str, AnalysisInput]]]:
    chunk: list[tuple[str, AnalysisInput]] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            chunk.append(parse_line(raw, number))
        except ValueError as exc:
            run.bad.append(BadLine(number, str(exc)))
            continue
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_contract(
    source: IO[str], sink: IO[str], analyzer: Analyzer, progress: Callable[[int], None] | None = None
) -> ContractRun:
    """Stream ``source`` to ``sink`` in chunks; one story index spans the whole file."""
    run, stories = ContractRun(), StoryIndex()
    for chunk in _chunks(source, run):
        for (doc_id, _), analysis in zip(
            chunk, analyzer.analyze([c[1] for c in chunk], stories), strict=True
        ):
            sink.write(json.dumps(analysis.contract_json(doc_id), ensure_ascii=False) + "\n")
        run.processed += len(chunk)
        if progress:
            progress(run.processed)
    return run


def run_contract_files(
    input_path: Path, output_path: Path, analyzer: Analyzer, progress: Callable[[int], None] | None = None
) -> ContractRun:
    with input_path.open(encoding="utf-8") as source, output_path.open("w", encoding="utf-8") as sink:
        return run_contract(source, sink, analyzer, progress)

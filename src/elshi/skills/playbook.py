"""The playbook shipped with elshi: chapters per platform and topic in kk, ru and en, with their checks.

Each chapter is one YAML file per language, ``playbook/<lang>/<key>.yaml``: ``title``, ``topic``,
``order``, ``body`` (a small Markdown: ``## heading``, ``- item``, paragraphs) and ``questions``
(2-4, each ``q``, ``options`` and the index of the right ``answer``). HQ may replace a chapter's title
and text per language (``ChapterOverride``); the questions stay those shipped, so that "passed" means
the same thing in every language. A language without the chapter falls back to English.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from elshi.skills.models import ChapterOverride

__all__ = [
    "LANGUAGES",
    "PASS_SHARE",
    "Block",
    "Chapter",
    "Question",
    "blocks",
    "chapter",
    "chapters",
    "shipped",
]

ROOT = Path(__file__).with_name("playbook")
LANGUAGES = ("kk", "ru", "en")
PASS_SHARE = 0.75  # rounded up: all of two or three, three of four (one slip where there are four)


@dataclass(frozen=True)
class Question:
    text: str
    options: tuple[str, ...]
    answer: int


@dataclass(frozen=True)
class Block:
    kind: str  # "h" (a heading), "p" (a paragraph) or "ul" (a list)
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Chapter:
    key: str
    language: str
    title: str
    topic: str
    order: int
    body: str
    questions: tuple[Question, ...]
    edited: bool = False  # HQ's text rather than the shipped one

    @property
    def blocks(self) -> list[Block]:
        return blocks(self.body)

    @property
    def needed(self) -> int:
        """Right answers needed to pass."""
        return math.ceil(len(self.questions) * PASS_SHARE)


def blocks(body: str) -> list[Block]:
    """The body as headings, paragraphs and lists, for a template to escape and lay out (no raw HTML)."""
    out: list[Block] = []
    for chunk in body.strip().split("\n\n"):
        lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            out.append(Block("h", (lines[0][3:].strip(),)))
            lines = lines[1:]
        if lines and all(line.startswith("- ") for line in lines):
            out.append(Block("ul", tuple(line[2:].strip() for line in lines)))
        elif lines:
            out.append(Block("p", (" ".join(lines),)))
    return out


def _load(path: Path, language: str) -> Chapter:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = tuple(
        Question(str(q["q"]), tuple(str(o) for o in q["options"]), int(q["answer"]))
        for q in data["questions"]
    )
    return Chapter(
        path.stem,
        language,
        str(data["title"]),
        str(data["topic"]),
        int(data["order"]),
        str(data["body"]),
        questions,
    )


@functools.cache
def shipped() -> dict[str, dict[str, Chapter]]:
    """language -> chapter key -> the chapter as shipped."""
    return {
        lang: {p.stem: _load(p, lang) for p in sorted((ROOT / lang).glob("*.yaml"))} for lang in LANGUAGES
    }


def _language(language: str) -> str:
    code = language.split("-")[0].lower()
    return code if code in LANGUAGES else "en"


def chapters(language: str) -> list[Chapter]:
    """Every chapter in ``language`` (English where it lacks one), HQ's edits applied; one query."""
    lang = _language(language)
    edits = {o.chapter: o for o in ChapterOverride.objects.filter(language=lang)}
    out = []
    for key, english in shipped()["en"].items():
        base = shipped()[lang].get(key, english)
        edit = edits.get(key)
        out.append(replace(base, title=edit.title, body=edit.body, edited=True) if edit else base)
    return sorted(out, key=lambda c: (c.order, c.key))


def chapter(key: str, language: str) -> Chapter | None:
    return next((c for c in chapters(language) if c.key == key), None)

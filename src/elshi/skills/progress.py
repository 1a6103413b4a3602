"""What one person has read and passed, chapter by chapter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from elshi.skills.models import ChapterProgress
from elshi.skills.playbook import Chapter, chapters

__all__ = ["ChapterStatus", "Progress", "grade", "progress_of", "progress_on"]


@dataclass(frozen=True)
class ChapterStatus:
    chapter: Chapter
    progress: ChapterProgress | None

    @property
    def read(self) -> bool:
        return self.progress is not None and self.progress.read_at is not None

    @property
    def passed(self) -> bool:
        return self.progress is not None and self.progress.passed_at is not None


@dataclass(frozen=True)
class Progress:
    rows: list[ChapterStatus]

    @property
    def passed(self) -> int:
        return sum(1 for r in self.rows if r.passed)

    @property
    def read(self) -> int:
        return sum(1 for r in self.rows if r.read)

    @property
    def total(self) -> int:
        return len(self.rows)


def progress_of(user: Any, language: str) -> Progress:
    """Every chapter in ``language`` with the person's progress on it; two queries."""
    mine = {p.chapter: p for p in ChapterProgress.objects.filter(user=user)} if user.is_authenticated else {}
    return Progress([ChapterStatus(c, mine.get(c.key)) for c in chapters(language)])


def grade(chapter: Chapter, answers: list[int | None]) -> int:
    """How many of ``answers`` (one per question, None: unanswered) are right."""
    return sum(1 for q, a in zip(chapter.questions, answers, strict=False) if a == q.answer)


def progress_on(user: Any, key: str) -> ChapterProgress | None:
    return ChapterProgress.objects.filter(user=user, chapter=key).first()

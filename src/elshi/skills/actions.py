"""Every write of the skills app: HQ's edits of a chapter, a person's reading and checks; all audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elshi.audit.log import record
from elshi.missions.permissions import Perm, has_perm
from elshi.skills.models import ChapterOverride, ChapterProgress
from elshi.skills.playbook import LANGUAGES, Chapter
from elshi.skills.progress import grade

__all__ = [
    "can_edit_playbook",
    "check_edit_chapter",
    "check_take",
    "do_edit_chapter",
    "do_mark_read",
    "do_record_check",
    "do_reset_chapter",
]


def can_edit_playbook(user: Any) -> bool:
    """Who curates the ministry's narratives and claims (HQ editors, administrators) curates its playbook."""
    return has_perm(user, Perm.CURATE, None)


def check_take(user: Any) -> None:
    """Everyone with a role reads the playbook and takes its checks."""
    if not has_perm(user, Perm.VIEW, None):
        raise PermissionDenied(_("You need a role at a mission to use the playbook."))


def check_edit_chapter(user: Any, language: str, title: str, body: str) -> None:
    if not can_edit_playbook(user):
        raise PermissionDenied(_("Only HQ editors and administrators edit the playbook."))
    if language not in LANGUAGES:
        raise ValidationError(_("The playbook is written in Kazakh, Russian and English only."))
    if not title.strip() or not body.strip():
        raise ValidationError(_("A chapter needs a title and a text."))


def do_edit_chapter(chapter: Chapter, title: str, body: str, *, acting_user: Any) -> ChapterOverride:
    with transaction.atomic():
        override, created = ChapterOverride.objects.update_or_create(
            chapter=chapter.key,
            language=chapter.language,
            defaults={"title": title.strip(), "body": body.strip(), "updated_by": acting_user},
        )
        record(
            acting_user,
            "skills.chapter_edited",
            override,
            changes={
                "chapter": chapter.key,
                "language": chapter.language,
                "created": created,
                "title": override.title,
                "body_chars": len(override.body),
            },
        )
    return override


def do_reset_chapter(chapter: Chapter, *, acting_user: Any) -> None:
    """Back to the shipped text in this language."""
    with transaction.atomic():
        deleted, _rows = ChapterOverride.objects.filter(
            chapter=chapter.key, language=chapter.language
        ).delete()
        if deleted:
            record(
                acting_user,
                "skills.chapter_reset",
                changes={"chapter": chapter.key, "language": chapter.language},
            )


def _progress(user: Any, chapter: Chapter) -> ChapterProgress:
    progress, _created = ChapterProgress.objects.select_for_update().get_or_create(
        user=user, chapter=chapter.key
    )
    return progress


def do_mark_read(user: Any, chapter: Chapter) -> ChapterProgress:
    with transaction.atomic():
        progress = _progress(user, chapter)
        if progress.read_at is None:
            progress.read_at = timezone.now()
            progress.save(update_fields=["read_at"])
            record(user, "skills.chapter_read", progress, changes={"chapter": chapter.key})
    return progress


def do_record_check(user: Any, chapter: Chapter, answers: list[int | None]) -> tuple[ChapterProgress, bool]:
    """Grade the answers and keep the result; passing once stays passed (a later slip does not undo it)."""
    right = grade(chapter, answers)
    passed = right >= chapter.needed
    with transaction.atomic():
        progress = _progress(user, chapter)
        progress.attempts += 1
        progress.last_score = right
        if progress.read_at is None:
            progress.read_at = timezone.now()
        if passed and progress.passed_at is None:
            progress.passed_at = timezone.now()
        progress.save()
        record(
            user,
            "skills.check_taken",
            progress,
            changes={"chapter": chapter.key, "right": right, "of": len(chapter.questions), "passed": passed},
        )
    return progress, passed

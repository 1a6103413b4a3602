"""What HQ changed in the shipped playbook, and what each person has read and passed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChapterOverride(models.Model):
    """HQ's own text of one chapter in one language; the shipped file stays the fallback."""

    chapter = models.SlugField(_("chapter"), max_length=64)
    language = models.CharField(_("language"), max_length=3)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chapter", "language"], name="one_override_per_chapter_language")
        ]
        verbose_name = _("chapter text")
        verbose_name_plural = _("chapter texts")

    def __str__(self) -> str:
        return f"{self.chapter} ({self.language})"


class ChapterProgress(models.Model):
    """One person and one chapter: when they read it, their last check, and when they first passed it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chapter_progress"
    )
    chapter = models.SlugField(_("chapter"), max_length=64)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("checks taken"), default=0)
    last_score = models.PositiveSmallIntegerField(_("last check: right answers"), null=True, blank=True)
    passed_at = models.DateTimeField(_("passed"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "chapter"], name="one_progress_per_chapter")]
        verbose_name = _("chapter progress")
        verbose_name_plural = _("chapter progress")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.chapter}"

"""What to say: narratives, sourced claims, campaigns, and posts with their variants."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elshi.missions.models import Channel, Mission, Platform

LANGUAGE_HELP = _("One entry per language code, e.g. {'en': '…', 'ru': '…', 'kk': '…'}")


def pick(texts: dict[str, str], language: str, fallbacks: tuple[str, ...] = ("en", "ru", "kk")) -> str:
    """The text in ``language``, else the first available fallback."""
    for code in (language, *fallbacks):
        if texts.get(code):
            return texts[code]
    return next(iter(texts.values()), "")


class Narrative(models.Model):
    """A strategic story of the country, shared with listening (the profile's narrative keys)."""

    key = models.SlugField(_("key"), max_length=64, unique=True)
    titles = models.JSONField(_("title per language"), default=dict, help_text=LANGUAGE_HELP)
    summaries = models.JSONField(_("summary per language"), default=dict, blank=True)
    key_messages = models.JSONField(_("key messages per language"), default=dict, blank=True)
    is_risk = models.BooleanField(_("risk narrative"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("narrative")
        verbose_name_plural = _("narratives")

    def __str__(self) -> str:
        return self.title("en")

    def title(self, language: str) -> str:
        return pick(self.titles, language) or self.key


class ClaimStatus(models.TextChoices):
    VERIFIED = "verified", _("verified")
    NEEDS_REVIEW = "needs_review", _("needs review")
    EXPIRED = "expired", _("expired")


class ClaimUnit(models.TextChoices):
    RANK = "rank", _("rank")
    PERCENT = "percent", _("percent")
    COUNT = "count", _("count")
    MONEY_USD = "usd", _("US dollars")
    YEAR = "year", _("year")
    OTHER = "other", _("other")


class Claim(models.Model):
    """One achievement: a figure with its source, verified by a person and valid for a time."""

    subject = models.CharField(
        _("subject"), max_length=200, help_text=_("e.g. UN E-Government Development Index")
    )
    statements = models.JSONField(_("statement per language"), default=dict, help_text=LANGUAGE_HELP)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    unit = models.CharField(_("unit"), max_length=16, choices=ClaimUnit.choices)
    period = models.PositiveSmallIntegerField(_("year the figure is for"), null=True, blank=True)
    source_title = models.CharField(_("source title"), max_length=300)
    source_url = models.URLField(_("source URL"), max_length=500)
    source_date = models.DateField(_("source date"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # Who entered the figure and source as they stand: they may not be the one who verifies them.
    values_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    narratives = models.ManyToManyField(Narrative, blank=True, related_name="claims")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["subject", "-period"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")

    def __str__(self) -> str:
        return f"{self.subject}: {self.display_value}" + (f" ({self.period})" if self.period else "")

    @property
    def display_value(self) -> str:
        value = self.value.normalize() if self.value == self.value.to_integral() else self.value
        text = f"{Decimal(value):f}"
        return {"rank": f"#{text}", "percent": f"{text}%", "usd": f"${text}"}.get(self.unit, text)

    def status_on(self, day: dt.date) -> str:
        if self.valid_until is not None and self.valid_until < day:
            return ClaimStatus.EXPIRED
        return ClaimStatus.VERIFIED if self.verified_at else ClaimStatus.NEEDS_REVIEW

    @property
    def status(self) -> str:
        return self.status_on(timezone.now().date())

    def statement(self, language: str) -> str:
        return pick(self.statements, language)


# What a claim asserts: changing any of them makes a verification of the old values meaningless.
CLAIM_FACTS = ("statements", "value", "unit", "period", "source_title", "source_url", "source_date")


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=200)
    goal = models.TextField(_("goal"))
    narratives = models.ManyToManyField(Narrative, blank=True, related_name="campaigns")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    missions = models.ManyToManyField(Mission, blank=True, related_name="campaigns")
    audiences = models.TextField(_("target audiences"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    kpis = models.JSONField(
        _("KPIs"), default=list, blank=True, help_text=_("[{'metric': 'reach', 'target': 100000}]")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name


class PostState(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_CLEARANCE = "in_clearance", _("in clearance")
    CHANGES_REQUESTED = "changes_requested", _("changes requested")
    SCHEDULED = "scheduled", _("scheduled")
    EXPIRED = "expired", _("expired: needs a new time")
    REJECTED = "rejected", _("rejected")
    CANCELLED = "cancelled", _("cancelled")


EDITABLE_STATES = {PostState.DRAFT, PostState.CHANGES_REQUESTED, PostState.SCHEDULED, PostState.EXPIRED}
CLEARED_STATES = {PostState.SCHEDULED, PostState.EXPIRED}  # cleared: for its time, or too late for it


class Post(models.Model):
    """One message of a mission, written once per platform and language (its variants)."""

    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(_("working title"), max_length=200)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    narratives = models.ManyToManyField(Narrative, blank=True, related_name="posts")
    claims = models.ManyToManyField(Claim, blank=True, related_name="posts")
    channels = models.ManyToManyField(Channel, blank=True, related_name="posts")
    scheduled_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=PostState.choices, default=PostState.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    editors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="edited_posts", blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["state", "scheduled_at"])]
        verbose_name = _("post")
        verbose_name_plural = _("posts")

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES


class Variant(models.Model):
    """The post as written for one platform in one language."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="variants")
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    language = models.CharField(_("language"), max_length=3)
    text = models.TextField(_("text"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    media = models.JSONField(_("media"), default=list, blank=True)
    # The person's choices for this platform that the platform requires be theirs (TikTok: privacy
    # level, comment/duet/stitch, commercial-content disclosure); read by elshi.connectors as
    # Message.options.
    options = models.JSONField(_("platform choices"), default=dict, blank=True)

    class Meta:
        ordering = ["platform", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "platform", "language"], name="one_variant_per_platform_language"
            )
        ]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")

    def __str__(self) -> str:
        return f"{self.get_platform_display()} · {self.language}"


class ClaimOverride(models.Model):
    """An approver's written decision that a figure may stand without a matching claim."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="claim_overrides")
    figure = models.CharField(_("figure"), max_length=100)
    reason = models.TextField(_("reason"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "figure"], name="one_override_per_figure")]

    def __str__(self) -> str:
        return f"{self.figure}: {self.reason[:40]}"


class AssetKind(models.TextChoices):
    CARD = "card", _("story card")
    VIDEO = "video", _("vertical video")
    IMAGE = "image", _("image")


class AssetState(models.TextChoices):
    QUEUED = "queued", _("queued")
    RENDERING = "rendering", _("rendering")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class Brand(models.Model):
    """A brand kit: the ministry's (no mission) or a mission's overrides, as elshi.creative.BrandKit data."""

    mission = models.OneToOneField(
        Mission, null=True, blank=True, on_delete=models.CASCADE, related_name="brand"
    )
    data = models.JSONField(_("brand kit"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"brand of {self.mission or 'the ministry'}"


class Asset(models.Model):
    """A rendered card, video or image, with its alt text and provenance; media attached to variants."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="assets")
    kind = models.CharField(_("kind"), max_length=10, choices=AssetKind.choices)
    title = models.CharField(_("title"), max_length=200)
    spec = models.JSONField(_("specification"), default=dict)
    file = models.CharField(max_length=300, blank=True)  # relative to MEDIA_ROOT
    alt_text = models.TextField(_("alt text"), blank=True)
    ai_generated = models.BooleanField(_("AI-made"), default=False)
    provenance = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=AssetState.choices, default=AssetState.QUEUED)
    progress = models.FloatField(default=0.0)
    stage = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="assets")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")

    def __str__(self) -> str:
        return self.title

    @property
    def media_url(self) -> str:
        return f"/{settings.MEDIA_URL.strip('/')}/{self.file}" if self.file else ""

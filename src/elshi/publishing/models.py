"""Deliveries (one post to one channel) with the state machine of DESIGN §5, and metric snapshots."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from elshi.content.models import Post, Variant
from elshi.missions.models import Channel


class DeliveryState(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    PUBLISHING = "publishing", _("publishing")
    PUBLISHED = "published", _("published")
    FAILED_RETRYABLE = "failed_retryable", _("failed, will retry")
    FAILED_PERMANENT = "failed_permanent", _("failed")
    UNCONFIRMED = "unconfirmed", _("unconfirmed: check the platform")
    EXPIRED = "expired", _("expired: needs a new time")
    CANCELLED = "cancelled", _("cancelled")


# States a worker may claim (when due); states a person must look at.
CLAIMABLE = (DeliveryState.SCHEDULED, DeliveryState.FAILED_RETRYABLE)
NEEDS_A_PERSON = (DeliveryState.UNCONFIRMED, DeliveryState.FAILED_PERMANENT)
OPEN = (DeliveryState.SCHEDULED, DeliveryState.FAILED_RETRYABLE, DeliveryState.PUBLISHING)


class Delivery(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="deliveries")
    variant = models.ForeignKey(Variant, null=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(
        _("state"), max_length=20, choices=DeliveryState.choices, default=DeliveryState.SCHEDULED
    )
    due_at = models.DateTimeField(_("due"), db_index=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    remote_id = models.CharField(_("platform id"), max_length=300, blank=True)
    remote_url = models.URLField(_("link"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    next_metrics_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(fields=["post", "channel"], name="one_delivery_per_post_channel")
        ]
        indexes = [models.Index(fields=["state", "due_at"])]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.post} → {self.channel}"


class MetricSnapshot(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="metrics")
    fetched_at = models.DateTimeField()
    likes = models.PositiveIntegerField(null=True)
    reposts = models.PositiveIntegerField(null=True)
    replies = models.PositiveIntegerField(null=True)
    quotes = models.PositiveIntegerField(null=True)
    views = models.PositiveBigIntegerField(null=True)
    link_clicks = models.PositiveIntegerField(null=True)

    class Meta:
        ordering = ["-fetched_at"]
        get_latest_by = "fetched_at"

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.fetched_at:%Y-%m-%d %H:%M}"


class OAuthApp(models.Model):
    """elshi's app registration on a platform instance (Mastodon registers one per instance and
    redirect URI); every channel on that instance reuses it. The secret is encrypted at rest."""

    platform = models.CharField(max_length=30)
    base_url = models.URLField(max_length=300)
    redirect_uri = models.URLField(max_length=500)
    client_id = models.CharField(max_length=300)
    secret_encrypted = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "base_url", "redirect_uri"], name="one_app_per_instance"
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform} app on {self.base_url}"

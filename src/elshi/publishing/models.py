"""Deliveries (one post to one channel) with the state machine of DESIGN §5, and metric snapshots."""

from __future__ import annotations

from django.conf import settings
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
    # The claim is a lease: which sender process holds it and until when. Its heartbeat extends
    # it while the send runs; the sweep takes over only an expired one (DESIGN §5, issue 17).
    lease_owner = models.CharField(max_length=120, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    # When an attempt that may have reached the platform began: a re-send with the same key is
    # deduplicated only within the platform's idempotency window counted from here.
    unsure_since = models.DateTimeField(null=True, blank=True)
    # What clearance approved for this channel (text, link, media, language): a variant that no
    # longer matches is never sent.
    cleared_digest = models.CharField(max_length=64, blank=True)
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

    @property
    def decision_token(self) -> str:
        """What a person saw when deciding: the state and when it last went wrong. The system sets
        ``last_error_at`` afresh on every move into a state that needs a person, so a decision made
        on an older view (a double click, a worker that moved it meanwhile) matches nothing."""
        stamp = self.last_error_at.isoformat() if self.last_error_at is not None else ""
        return f"{self.state}|{stamp}"


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


class CalendarLink(models.Model):
    """A person's ICS subscription link to a mission's or a campaign's calendar (issue 17).

    The URL carries a signature over this row's id, never a secret stored here: a copy of the database
    alone opens no feed. A link ends when it expires, when its owner revokes it, or as soon as its
    owner no longer sees the mission (checked on every fetch). Posts not yet cleared are left out
    unless the owner asked for them and may still see drafts.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_links"
    )
    mission = models.ForeignKey("missions.Mission", on_delete=models.CASCADE, null=True, blank=True)
    campaign = models.ForeignKey("content.Campaign", on_delete=models.CASCADE, null=True, blank=True)
    with_drafts = models.BooleanField(_("with posts not yet cleared"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mission__isnull=False, campaign__isnull=True)
                | models.Q(mission__isnull=True, campaign__isnull=False),
                name="calendar_link_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target} ({self.user_id})"

    @property
    def target(self) -> models.Model:
        """The mission or the campaign whose calendar this link shows."""
        target = self.mission or self.campaign
        if target is None:  # the constraint holds one of the two
            raise ValueError(f"calendar link {self.pk} has neither a mission nor a campaign")
        return target

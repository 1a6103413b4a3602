"""The append-only, hash-chained audit log.

Each event stores the hash of the event before it; ``AuditHead`` keeps the
newest hash and the count, so that changing, deleting or truncating any row is
found by ``elshi audit verify``.

Two schemes, one chain (``audit/0003``): the first ``AuditHead.legacy_count``
events, written before the chain was keyed, keep their plain SHA-256 hashes;
every later event is an HMAC-SHA256 under the audit key (outside the database,
see ``elshi.common.crypto.audit_key``) and covers the actor's id as well as its
label. The first keyed event links to the last plain one, so the chain stays
whole; the switch point is written to the anchors file too, so moving it is
caught (see ``elshi.audit.anchors``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or delete an audit event through the ORM."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    # The actor's id as it was when the event was written, hashed: ``actor`` is only a link, which
    # deleting the person empties (SET_NULL).
    actor_ref = models.CharField(max_length=64, blank=True, default="")
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    mission_slug = models.CharField(_("mission"), max_length=64, blank=True, db_index=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")

    def compute_hash(self, key: bytes | None = None) -> str:
        """The event's hash: HMAC-SHA256 under ``key``, or the legacy plain SHA-256 without one."""
        if key is None:
            return hashlib.sha256(self._canonical(legacy=True)).hexdigest()
        return hmac.new(key, self._canonical(legacy=False), hashlib.sha256).hexdigest()

    def _canonical(self, *, legacy: bool) -> bytes:
        payload: dict[str, Any] = {
            "prev": self.prev_hash,
            "at": self.at.isoformat(),
            "actor": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "mission": self.mission_slug,
            "changes": self.changes,
        }
        if not legacy:
            payload["v"] = 2
            payload["actor_id"] = self.actor_ref
        canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return canonical.encode("utf-8")


class AuditHead(models.Model):
    """One row: the newest hash and how many events the chain holds. Locked while appending."""

    last_hash = models.CharField(max_length=64, default=GENESIS)
    count = models.PositiveBigIntegerField(default=0)
    # How many events, from the first, carry the plain SHA-256 of before the chain was keyed.
    legacy_count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.count} events, head {self.last_hash[:12]}"

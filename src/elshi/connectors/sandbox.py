"""A sandbox channel: records deliveries instead of sending them, for demos and rehearsals.

It validates against a real platform's rules (setting ``rules``, default ``mastodon``), honours the
delivery key like an idempotent platform, and says plainly in every URL that nothing went out.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

import httpx

from .facts import PlatformFacts
from .protocol import BasePublisher
from .text import PlatformRules, rules_for
from .types import Account, Delivery, Message, Metrics, Published

__all__ = ["Recorded", "SandboxPublisher"]


@dataclass(frozen=True, slots=True)
class Recorded:
    channel: str
    key: str
    message: Message
    at: datetime


class SandboxPublisher(BasePublisher):
    """Settings: optional ``rules`` (platform whose rules apply), optional ``name`` (the channel)."""

    # No rules of its own: it borrows those of the platform it stands in for.
    facts: ClassVar[PlatformFacts] = PlatformFacts(
        "sandbox", "Sandbox (records, never sends)", "none", idempotent=True
    )
    outbox: ClassVar[dict[tuple[str, str], Recorded]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, client: httpx.Client, account: Account) -> None:
        super().__init__(client, account)
        self.channel = account.settings.get("name") or "sandbox"

    def rules(self) -> PlatformRules:
        return rules_for(self.account.settings.get("rules") or "mastodon")

    def publish(self, delivery: Delivery) -> Published:
        self.check(delivery.message)
        key = (self.channel, delivery.key)
        with self._lock:
            existing = key in self.outbox
            if not existing:
                self.outbox[key] = Recorded(self.channel, delivery.key, delivery.message, datetime.now(UTC))
        return Published(
            remote_id=f"sandbox:{self.channel}:{delivery.key}",
            url=f"sandbox://{self.channel}/{delivery.key}",
            already_existed=existing,
        )

    def fetch_metrics(self, remote_id: str) -> Metrics:
        return Metrics(fetched_at=datetime.now(UTC), likes=0, reposts=0, replies=0, views=0)

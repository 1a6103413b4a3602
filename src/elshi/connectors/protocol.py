"""The ``Publisher`` protocol every connector satisfies, and a base class with the common parts."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Protocol, runtime_checkable

import httpx

from .errors import InvalidMessage, NotSupported
from .text import PlatformRules, rules_for, validate
from .types import Account, Delivery, Message, Metrics, Published, Token

__all__ = ["BasePublisher", "Publisher"]


@runtime_checkable
class Publisher(Protocol):
    """Sends deliveries to one channel on one platform.

    ``idempotent`` is True when the platform itself refuses a second copy of the same delivery
    (Mastodon's Idempotency-Key, Bluesky's rkey, a webhook receiver honouring its key), so that sending
    an ``unconfirmed`` delivery again cannot duplicate it.
    """

    platform: ClassVar[str]
    idempotent: ClassVar[bool]
    token: Token | None
    """The current token; a connector may renew it during a call (Bluesky sessions, refreshes), so the
    caller stores it again whenever it differs from the account's."""

    def rules(self) -> PlatformRules:
        """The text and media rules for this channel (read from the platform where it publishes them)."""
        ...

    def validate(self, message: Message) -> list[str]:
        """Problems that would make the platform refuse ``message``; empty when it may be sent."""
        ...

    def publish(self, delivery: Delivery) -> Published:
        """Send once; raise :class:`~elshi.connectors.errors.ConnectorError` on failure."""
        ...

    def fetch_metrics(self, remote_id: str) -> Metrics:
        """Engagement of a published post; ``NotSupported`` where the platform gives none."""
        ...

    def refresh_if_needed(self, now: datetime) -> Token | None:
        """Refresh the token when it expires soon; return the new token (to store) or None."""
        ...


class BasePublisher:
    """Common parts: the injected client, the account, rules-based validation, no metrics."""

    platform: ClassVar[str] = ""
    idempotent: ClassVar[bool] = False

    def __init__(self, client: httpx.Client, account: Account) -> None:
        self.client = client
        self.account = account
        self.token = account.token

    def rules(self) -> PlatformRules:
        return rules_for(self.platform)

    def validate(self, message: Message) -> list[str]:
        return validate(self.rules(), message)

    def check(self, message: Message) -> None:
        problems = self.validate(message)
        if problems:
            raise InvalidMessage(problems)

    def fetch_metrics(self, remote_id: str) -> Metrics:
        raise NotSupported(f"{self.platform}: metrics are not available")

    def refresh_if_needed(self, now: datetime) -> Token | None:
        return None

    def bearer(self) -> dict[str, str]:
        token = self.token.access_token if self.token else self.account.access_token()
        return {"Authorization": f"Bearer {token}"}

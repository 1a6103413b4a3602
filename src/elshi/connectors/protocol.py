"""The ``Publisher`` protocol every connector satisfies, and a base class with the common parts."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any, ClassVar, Protocol, runtime_checkable

import httpx

from .errors import AuthError, InvalidMessage, NotSupported
from .facts import PlatformFacts
from .oauth import REFRESH_MARGIN, refresh_token
from .text import PlatformRules, validate
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


class BasePublisher(ABC):
    """Common parts: the injected client, the account, rules-based validation, no metrics, and the
    refresh-token grant for platforms whose ``facts`` declare an OAuth provider.

    A subclass declares its platform once, as ``facts``; ``platform`` and ``idempotent`` are taken
    from there so that the registry, the catalog and the protocol can never disagree with it.
    """

    facts: ClassVar[PlatformFacts]
    platform: ClassVar[str] = ""
    idempotent: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        facts = cls.__dict__.get("facts")
        if isinstance(facts, PlatformFacts):
            cls.platform = facts.platform
            cls.idempotent = facts.idempotent

    def __init__(self, client: httpx.Client, account: Account) -> None:
        self.client = client
        self.account = account
        self.token = account.token

    def rules(self) -> PlatformRules:
        if self.facts.rules is None:
            raise NotSupported(f"{self.platform}: no text rules of its own")
        return self.facts.rules

    def validate(self, message: Message) -> list[str]:
        return validate(self.rules(), message)

    def check(self, message: Message) -> None:
        problems = self.validate(message)
        if problems:
            raise InvalidMessage(problems)

    @abstractmethod
    def publish(self, delivery: Delivery) -> Published: ...

    def fetch_metrics(self, remote_id: str) -> Metrics:
        raise NotSupported(f"{self.platform}: metrics are not available")

    def refresh_if_needed(self, now: datetime) -> Token | None:
        """The refresh-token grant at the token URL of ``facts.oauth``, shortly before expiry. The
        client secret is required where ``facts.secrets`` lists it, else sent only when held (X's
        public clients have none)."""
        provider, token = self.facts.oauth, self.token
        if provider is None or token is None or not token.expires_within(REFRESH_MARGIN, now):
            return None
        if not token.refresh_token:
            raise AuthError(
                f"{self.platform}: token expires and there is no refresh token: reconnect the channel"
            )
        client_id = self.account.secret(provider.client_id_name)
        if "client_secret" in self.facts.secrets:
            client_secret: str | None = self.account.secret("client_secret")
        else:
            client_secret = self.account.secrets.get("client_secret")
        self.token = refresh_token(
            self.client,
            provider,
            token,
            platform=self.platform,
            client_id=client_id,
            client_secret=client_secret,
            now=now,
        )
        return self.token

    def bearer(self) -> dict[str, str]:
        token = self.token.access_token if self.token else self.account.access_token()
        return {"Authorization": f"Bearer {token}"}

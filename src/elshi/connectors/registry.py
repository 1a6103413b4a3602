"""The dict registry: platform name -> factory ``(httpx.Client, Account) -> Publisher``."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from .errors import ConfigurationError
from .protocol import Publisher
from .types import Account

__all__ = ["REGISTRY", "PublisherFactory", "create", "platforms", "register"]

PublisherFactory = Callable[[httpx.Client, Account], Publisher]

REGISTRY: dict[str, PublisherFactory] = {}


def register(platform: str, factory: PublisherFactory) -> None:
    """Add or replace the connector for ``platform``."""
    REGISTRY[platform] = factory


def platforms() -> list[str]:
    return sorted(REGISTRY)


def create(platform: str, client: httpx.Client, account: Account) -> Publisher:
    """A publisher for one channel; ``ConfigurationError`` for an unknown platform."""
    try:
        factory = REGISTRY[platform]
    except KeyError:
        raise ConfigurationError(f"no connector for platform {platform!r}") from None
    return factory(client, account)

"""The connectors that ship with elshi, and their registration: each publisher class brings its
platform's facts, from which the registry, the text rules (:data:`.text.RULES`), the channel catalog
and the OAuth providers are filled."""

from __future__ import annotations

from .bluesky import BlueskyPublisher
from .linkedin import LinkedInPublisher
from .mastodon import MastodonPublisher
from .meta import FacebookPagePublisher, InstagramPublisher, ThreadsPublisher
from .protocol import BasePublisher
from .registry import register
from .sandbox import SandboxPublisher
from .telegram import TelegramPublisher
from .text import RULES
from .tiktok import TikTokPublisher
from .webhook import WebhookPublisher
from .x import XPublisher
from .youtube import YouTubePublisher

__all__ = ["BUILTIN", "register_builtin"]

BUILTIN: tuple[type[BasePublisher], ...] = (
    MastodonPublisher,
    BlueskyPublisher,
    TelegramPublisher,
    WebhookPublisher,
    XPublisher,
    FacebookPagePublisher,
    InstagramPublisher,
    ThreadsPublisher,
    LinkedInPublisher,
    TikTokPublisher,
    YouTubePublisher,
    SandboxPublisher,
)


def register_builtin() -> None:
    for publisher in BUILTIN:
        register(publisher.platform, publisher)
        if publisher.facts.rules is not None:
            RULES[publisher.platform] = publisher.facts.rules

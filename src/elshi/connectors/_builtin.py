"""Registers the connectors that ship with elshi."""

from __future__ import annotations

from .registry import register

__all__ = ["register_builtin"]


def register_builtin() -> None:
    from .bluesky import BlueskyPublisher
    from .linkedin import LinkedInPublisher
    from .mastodon import MastodonPublisher
    from .meta import FacebookPagePublisher, InstagramPublisher, ThreadsPublisher
    from .sandbox import SandboxPublisher
    from .telegram import TelegramPublisher
    from .tiktok import TikTokPublisher
    from .webhook import WebhookPublisher
    from .x import XPublisher
    from .youtube import YouTubePublisher

    register("mastodon", MastodonPublisher)
    register("bluesky", BlueskyPublisher)
    register("telegram", TelegramPublisher)
    register("webhook", WebhookPublisher)
    register("x", XPublisher)
    register("facebook", FacebookPagePublisher)
    register("instagram", InstagramPublisher)
    register("threads", ThreadsPublisher)
    register("linkedin", LinkedInPublisher)
    register("tiktok", TikTokPublisher)
    register("youtube", YouTubePublisher)
    register("sandbox", SandboxPublisher)

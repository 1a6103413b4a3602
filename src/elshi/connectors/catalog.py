"""What the channel screens need to know about each platform: its name, how an account is connected,
and which settings and secrets a channel must hold. Kept beside the registry so that the two agree
(a test checks it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CATALOG", "PlatformInfo"]

Connect = Literal[
    "oauth2", "mastodon_app", "app_password", "bot_token", "facebook_login", "shared_secret", "none"
]


@dataclass(frozen=True, slots=True)
class PlatformInfo:
    platform: str
    label: str
    connect: Connect
    settings: tuple[str, ...] = ()  # required, not secret
    secrets: tuple[str, ...] = ()  # required, stored encrypted
    optional_secrets: tuple[str, ...] = ()  # stored encrypted; e.g. the app that opens the consent screen
    token: bool = False  # whether the channel holds an OAuth token (refreshed by the connector)
    media_required: bool = False
    metrics: bool = True


_META_APP = ("app_id", "app_secret")
CATALOG: dict[str, PlatformInfo] = {
    info.platform: info
    for info in (
        PlatformInfo("mastodon", "Mastodon", "mastodon_app", ("base_url",), token=True),
        PlatformInfo("bluesky", "Bluesky", "app_password", ("handle",), ("app_password",), token=True),
        PlatformInfo(
            "telegram", "Telegram channel", "bot_token", ("chat_id",), ("bot_token",), metrics=False
        ),
        PlatformInfo("webhook", "Webhook", "shared_secret", ("url",), ("secret",), metrics=False),
        PlatformInfo("x", "X", "oauth2", (), ("client_id",), token=True),
        # A Page token can be pasted; the ministry's Meta app (id and secret) connects through Facebook
        # Login instead and keeps the long-lived token.
        PlatformInfo(
            "facebook",
            "Facebook Page",
            "facebook_login",
            ("page_id",),
            token=True,
            optional_secrets=_META_APP,
        ),
        PlatformInfo(
            "instagram",
            "Instagram",
            "facebook_login",
            ("ig_user_id",),
            token=True,
            media_required=True,
            optional_secrets=_META_APP,
        ),
        PlatformInfo(
            "threads", "Threads", "oauth2", ("threads_user_id",), token=True, optional_secrets=_META_APP
        ),
        PlatformInfo(
            "linkedin", "LinkedIn", "oauth2", ("author",), ("client_id", "client_secret"), token=True
        ),
        PlatformInfo(
            "tiktok", "TikTok", "oauth2", (), ("client_key", "client_secret"), token=True, media_required=True
        ),
        PlatformInfo(
            "youtube",
            "YouTube",
            "oauth2",
            (),
            ("client_id", "client_secret"),
            token=True,
            media_required=True,
        ),
        PlatformInfo("sandbox", "Sandbox (records, never sends)", "none"),
    )
}

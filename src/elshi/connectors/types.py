"""Plain data passed between the publishing app and connectors (no Django, JSON-friendly)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from .errors import AuthError, ConfigurationError, InvalidMessage

__all__ = [
    "Account",
    "Delivery",
    "Media",
    "Message",
    "Metrics",
    "Published",
    "Token",
]


@dataclass(frozen=True, slots=True)
class Media:
    """One image or video. ``data`` for platforms that take uploads; ``url`` (public) for those that
    fetch media themselves (Instagram, Threads, Facebook)."""

    mime_type: str
    data: bytes | None = field(default=None, repr=False)
    url: str | None = None
    alt_text: str = ""
    filename: str = "media"
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    # Made or altered by AI (the studio's record): platforms that take a disclosure are told.
    ai_generated: bool = False

    @property
    def kind(self) -> Literal["image", "video", "other"]:
        major = self.mime_type.split("/", 1)[0]
        if major == "image":
            return "image"
        if major == "video":
            return "video"
        return "other"

    def require_data(self) -> bytes:

        if self.data is None:
            raise InvalidMessage([f"media {self.filename!r} has no bytes to upload"])
        return self.data

    def require_url(self) -> str:

        if not self.url:
            raise InvalidMessage([f"media {self.filename!r} needs a public URL for this platform"])
        return self.url


@dataclass(frozen=True, slots=True)
class Message:
    """What a variant says on one platform: text, media in order, optional link and title.
    ``options`` are the person's choices for this platform (TikTok's privacy level, interaction
    switches and commercial-content disclosure), as stored on the variant."""

    text: str
    media: tuple[Media, ...] = ()
    link: str | None = None
    language: str | None = None
    title: str | None = None
    options: Mapping[str, str | bool] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message to one channel. ``key`` is the delivery's stable id and ``created_at`` its stable
    creation time: both stay the same across retries, so platforms' idempotency can key on them."""

    key: str
    message: Message
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Token:
    """An access token, with what is needed to refresh it. ``expires_at`` is aware UTC or None."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: datetime | None = None
    scope: str | None = None

    def expires_within(self, margin: timedelta, now: datetime | None = None) -> bool:
        if self.expires_at is None:
            return False
        return self.expires_at - (now or datetime.now(UTC)) <= margin

    def to_json(self) -> dict[str, str | None]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "scope": self.scope,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, str | None]) -> Token:
        expires = data.get("expires_at")
        return cls(
            access_token=data["access_token"] or "",
            refresh_token=data.get("refresh_token"),
            expires_at=datetime.fromisoformat(expires) if expires else None,
            scope=data.get("scope"),
        )


@dataclass(frozen=True, slots=True)
class Account:
    """A channel as a connector sees it: ``settings`` are not secret (instance URL, chat id, page id),
    ``secrets`` are (client secret, app password, bot token) and ``token`` is the current OAuth token."""

    settings: Mapping[str, str] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)
    token: Token | None = None

    def setting(self, name: str) -> str:

        value = self.settings.get(name)
        if not value:
            raise ConfigurationError(f"channel setting {name!r} is missing")
        return value

    def secret(self, name: str) -> str:

        value = self.secrets.get(name)
        if not value:
            raise ConfigurationError(f"channel secret {name!r} is missing")
        return value

    def access_token(self) -> str:

        if self.token is None or not self.token.access_token:
            raise AuthError("channel has no access token: connect it first")
        return self.token.access_token


@dataclass(frozen=True, slots=True)
class Published:
    """The platform's confirmation. ``already_existed`` is True when the platform's idempotency showed
    that an earlier attempt had already published it (nothing new was created). ``pending`` is True
    when the platform accepted the post but was still processing it (TikTok, YouTube): ``remote_id``
    is then the platform's processing id."""

    remote_id: str
    url: str | None = None
    already_existed: bool = False
    pending: bool = False


@dataclass(frozen=True, slots=True)
class Metrics:
    """Engagement counts at ``fetched_at``; None where the platform does not give the figure."""

    fetched_at: datetime
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    quotes: int | None = None
    views: int | None = None
    link_clicks: int | None = None

    @classmethod
    def from_counts(
        cls,
        counts: Mapping[str, object],
        *,
        likes: str | None = None,
        reposts: str | None = None,
        replies: str | None = None,
        quotes: str | None = None,
        views: str | None = None,
        link_clicks: str | None = None,
        digit_strings: bool = False,
        fetched_at: datetime | None = None,
    ) -> Metrics:
        """Metrics read from untrusted JSON by the platform's own names for each figure
        (``Metrics.from_counts(post, likes="likeCount")``): a figure that is missing or not a whole
        number is None. ``digit_strings`` for platforms that send counts as strings (YouTube)."""

        def count(key: str | None) -> int | None:
            value = counts.get(key) if key else None
            if digit_strings:
                return int(value) if isinstance(value, str) and value.isdigit() else None
            return value if isinstance(value, int) else None

        return cls(
            fetched_at=fetched_at or datetime.now(UTC),
            likes=count(likes),
            reposts=count(reposts),
            replies=count(replies),
            quotes=count(quotes),
            views=count(views),
            link_clicks=count(link_clicks),
        )

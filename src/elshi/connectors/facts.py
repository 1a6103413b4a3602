"""What a platform is, declared once, as the ``facts`` of its publisher class.

The channel screens (:mod:`.catalog`), the connect flows (:mod:`.connect`), the composer's text rules
(:mod:`.text`), the registry and the token refresh all read these, so that adding or changing a
platform means editing one declaration beside the code that talks to it::

    class LinkedInPublisher(BasePublisher):
        facts = PlatformFacts(
            "linkedin", "LinkedIn", "oauth2",
            settings=("author",), secrets=("client_id", "client_secret"), token=True,
            rules=PlatformRules("linkedin", 3000, max_media=1, alt_text_max=4086),
            oauth=OAuthProvider(AUTHORIZE_URL, TOKEN_URL, ("w_organization_social",)),
        )
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .text import PlatformRules
from .versions import ApiVersions

__all__ = ["Connect", "OAuthProvider", "PlatformFacts"]

Connect = Literal[
    "oauth2", "mastodon_app", "app_password", "bot_token", "facebook_login", "shared_secret", "none"
]


@dataclass(frozen=True, slots=True)
class OAuthProvider:
    """A plain OAuth 2.0 authorization-code flow (with PKCE where given) and its refresh-token grant."""

    authorize: str
    token: str
    scopes: tuple[str, ...]
    scope_separator: str = " "
    client_id_name: str = "client_id"  # TikTok calls it client_key
    basic_auth: bool = False  # X wants confidential clients in an Authorization header
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class PlatformFacts:
    """One platform's facts. ``settings`` and ``secrets`` are what a channel must hold (secrets stored
    encrypted); ``optional_secrets`` may be held (e.g. the app that opens the consent screen);
    ``token`` says whether the channel holds an OAuth token; ``idempotent`` whether the platform
    refuses a second copy of one delivery, and ``idempotency_window`` for how many seconds after the
    first request it remembers the key (None: for as long as the post exists, e.g. Bluesky's record
    key; Mastodon forgets its Idempotency-Key after an hour); ``rules`` its default text and media
    limits (None for the sandbox, which borrows another platform's); ``oauth`` its authorization-code
    flow, which also makes :class:`~elshi.connectors.protocol.BasePublisher` refresh the token before
    it expires."""

    platform: str
    label: str
    connect: Connect
    settings: tuple[str, ...] = ()
    secrets: tuple[str, ...] = ()
    optional_secrets: tuple[str, ...] = ()
    token: bool = False
    metrics: bool = True
    idempotent: bool = False
    idempotency_window: int | None = None
    rules: PlatformRules | None = None
    oauth: OAuthProvider | None = None
    # The API version called by default, its sunset and the format of a channel's override
    # (platforms whose API is versioned: LinkedIn, Meta's Graph API); see :mod:`.versions`.
    api: ApiVersions | None = None

    def __post_init__(self) -> None:
        if self.rules is not None and self.rules.platform != self.platform:
            raise ValueError(f"rules for {self.rules.platform!r} declared on {self.platform!r}")
        if self.idempotency_window is not None and (not self.idempotent or self.idempotency_window <= 0):
            raise ValueError(f"{self.platform!r}: an idempotency window needs idempotent and seconds > 0")

    @property
    def media_required(self) -> bool:
        return self.rules is not None and self.rules.media_required

"""Platform connectors behind one :class:`Publisher` protocol, pure (no Django).

The publishing app picks a connector by platform name from the registry, hands it an ``httpx.Client``
and the channel's :class:`Account`, and sends a :class:`Delivery`::

    publisher = connectors.create("mastodon", client, Account(settings=..., secrets=..., token=...))
    new_token = publisher.refresh_if_needed(now)      # store it (encrypted) when not None
    problems = publisher.validate(message)            # before clearance and again before sending
    published = publisher.publish(Delivery(key=str(delivery.pk), message=message, created_at=...))
    # record published.remote_id / published.url at once; already_existed / pending say more

Failures raise :class:`ConnectorError` subclasses (see :mod:`.errors`): only :class:`NotSent` (and
:class:`RateLimited`, with ``retry_after``) may be retried automatically; :class:`OutcomeUnknown` makes
the delivery ``unconfirmed`` unless ``publisher.idempotent`` says a re-send cannot duplicate it.

Platforms: bluesky, facebook, instagram, linkedin, mastodon, sandbox, telegram, threads, tiktok,
webhook, x, youtube; each publisher class declares its platform once as ``facts`` (:mod:`.facts`: name,
label, settings, secrets, text and media rules, OAuth endpoints and scopes) and talks JSON through
:class:`._http.JsonApi`. Around them: :mod:`.text` (platform text rules for the composer:
``validate(rules_for(p), m)``), :mod:`.catalog` (what each channel needs), :mod:`.connect` and
``mastodon``/``meta.connect`` (connect flows), :mod:`.ratelimit` (rate headers as an httpx hook),
:mod:`.redact` (tokens kept out of httpx's logs, installed on import), and :mod:`.bench` (a platform on
127.0.0.1 for benchmarks and crash tests; never imported by the connectors themselves).
"""

from ._builtin import register_builtin
from .errors import (
    AuthError,
    ConfigurationError,
    ConnectorError,
    InvalidMessage,
    NotSent,
    NotSupported,
    OutcomeUnknown,
    RateLimited,
    Rejected,
)
from .protocol import BasePublisher, Publisher
from .redact import install as _install_log_redaction
from .registry import REGISTRY, PublisherFactory, create, platforms, register
from .text import PlatformRules, rules_for, validate
from .types import Account, Delivery, Media, Message, Metrics, Published, Token

register_builtin()
_install_log_redaction()

__all__ = [
    "REGISTRY",
    "Account",
    "AuthError",
    "BasePublisher",
    "ConfigurationError",
    "ConnectorError",
    "Delivery",
    "InvalidMessage",
    "Media",
    "Message",
    "Metrics",
    "NotSent",
    "NotSupported",
    "OutcomeUnknown",
    "PlatformRules",
    "Published",
    "Publisher",
    "PublisherFactory",
    "RateLimited",
    "Rejected",
    "Token",
    "create",
    "platforms",
    "register",
    "rules_for",
    "validate",
]

"""X (Twitter) API v2 connector; connecting an account is :mod:`elshi.connectors.connect`'s plain
OAuth 2.0 flow with PKCE (access tokens last two hours and are refreshed by the publisher)."""

from .publisher import API, AUTHORIZE_URL, SCOPES, TOKEN_URL, XPublisher

__all__ = ["API", "AUTHORIZE_URL", "SCOPES", "TOKEN_URL", "XPublisher"]

"""The one widening of the Content-Security-Policy: a channel page's Connect form may lead to its platform.

The Connect form posts to elshi (``oauth_start``), which answers with a redirect to the platform's
consent screen. Chromium checks ``form-action`` on every hop of a form's redirects, so under the site's
``form-action 'self'`` the browser stops at elshi's redirect and the person never reaches the platform.
Only this channel's consent origin is added, only on its own page: other pages keep ``'self'``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpResponse

from elshi.connectors.connect import PROVIDERS
from elshi.missions.models import Channel

__all__ = ["allow_consent_redirect", "consent_origins"]

# Facebook Login serves Instagram's consent too (elshi.connectors.meta.connect builds the URL).
FACEBOOK = "https://www.facebook.com"


def _origin(url: str) -> str | None:
    parts = urlsplit(url.strip())
    return f"https://{parts.netloc}" if parts.scheme == "https" and parts.netloc else None


def consent_origins(channel: Channel) -> list[str]:
    """Where this channel's Connect button sends the browser (nothing for platforms without one)."""
    if channel.platform == "mastodon":
        origin = _origin(str(channel.settings.get("base_url", "")))
    elif channel.platform in {"facebook", "instagram"}:
        origin = FACEBOOK
    elif channel.platform in PROVIDERS:
        origin = _origin(PROVIDERS[channel.platform].authorize)
    else:
        origin = None
    return [origin] if origin else []


def allow_consent_redirect(response: HttpResponse, channel: Channel) -> HttpResponse:
    """Add the channel's consent origin to the page's ``form-action`` (django-csp's per-response update,
    the attribute its ``csp_update`` decorator sets, here with a value known only per channel)."""
    origins = consent_origins(channel)
    if origins:
        response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]
    return response

"""Meeting links: an https URL on a known provider's host, or on a Jitsi host the ministry runs."""

from __future__ import annotations

import os
import urllib.parse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

__all__ = ["jitsi_hosts", "provider_of", "validate_meeting_link"]


def jitsi_hosts() -> set[str]:
    """meet.jit.si and the ministry's own Jitsi hosts (ELSHI_JITSI_HOSTS, comma-separated)."""
    configured = getattr(settings, "ELSHI_JITSI_HOSTS", None) or os.environ.get("ELSHI_JITSI_HOSTS", "")
    if isinstance(configured, str):
        configured = configured.split(",")
    return {"meet.jit.si", *(h.strip().lower() for h in configured if h.strip())}


def _under(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def provider_of(url: str) -> str:
    """'zoom', 'teams', 'jitsi' or 'webex'; '' when the host belongs to none of them."""
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    if _under(host, "zoom.us"):
        return "zoom"
    if host in {"teams.microsoft.com", "teams.live.com"}:
        return "teams"
    if host in jitsi_hosts():
        return "jitsi"
    if host.endswith(".webex.com"):
        return "webex"
    return ""


def validate_meeting_link(url: str) -> str:
    """The provider of a valid link; ValidationError with a clear message otherwise."""
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme != "https" or not parts.hostname:
        raise ValidationError(_("The meeting link must be a full https:// address."))
    if parts.username or parts.password or (parts.port not in (None, 443)):
        raise ValidationError(_("The meeting link must not carry a user name, password or port."))
    provider = provider_of(url.strip())
    if not provider:
        raise ValidationError(
            _(
                "%(host)s is not a known meeting provider. Use a Zoom (zoom.us), Microsoft Teams "
                "(teams.microsoft.com, teams.live.com), Jitsi (meet.jit.si or the ministry's own host) "
                "or Webex (*.webex.com) link."
            )
            % {"host": parts.hostname}
        )
    return provider

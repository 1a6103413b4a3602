"""Single sign-on with an OpenID Provider (issue 18): configuration, discovery and the group map.

The login itself is mozilla-django-oidc's code flow (state, nonce and PKCE kept in the session) with
elshi's backend (``sso_backend``) and views (``sso_views``); the decisions about who may come in and
with which roles are ``sso_actions``. Nothing here runs unless ``ELSHI_OIDC_ISSUER`` is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

from elshi.common.http import configured_hosts, outbound_client
from elshi.missions.sso_config import GroupGrant, parse_group_map

__all__ = [
    "Discovery",
    "GroupGrant",
    "SsoError",
    "discovery",
    "is_configured",
    "parse_group_map",
    "provider_client",
    "provider_name",
]

DISCOVERY_SECONDS = 3600  # providers rotate keys and endpoints rarely; an hour keeps logins off the IdP
PROVIDER_TIMEOUT = 10.0


class SsoError(Exception):
    """The provider could not be used (unreachable, or its discovery document does not fit)."""


def is_configured() -> bool:
    return bool(settings.ELSHI_OIDC_ISSUER and settings.ELSHI_OIDC_CLIENT_ID)


def provider_name() -> str:
    return str(settings.ELSHI_OIDC_PROVIDER_NAME)


def provider_client() -> Any:
    """The guarded client for every call to the provider. The issuer's host is allowed as the
    administrator wrote it into the environment (an intranet ADFS or Keycloak); endpoints on other
    hosts that the discovery document names still pass the address checks like any outbound call."""
    issuer = str(settings.ELSHI_OIDC_ISSUER)
    return outbound_client(also_allowed=configured_hosts(issuer), timeout=PROVIDER_TIMEOUT)


@dataclass(frozen=True)
class Discovery:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str


def discovery() -> Discovery:
    """The provider's ``/.well-known/openid-configuration``, cached for an hour."""
    issuer = str(settings.ELSHI_OIDC_ISSUER).rstrip("/")
    key = f"elshi:oidc:discovery:{issuer}"
    doc = cache.get(key)
    if doc is None:
        try:
            with provider_client() as client:
                response = client.get(f"{issuer}/.well-known/openid-configuration")
                response.raise_for_status()
                doc = response.json()
        except Exception as exc:  # noqa: BLE001 - any failure here means "the provider is unusable"
            raise SsoError(f"cannot read the discovery document of {issuer}: {exc}") from exc
        if not isinstance(doc, dict):
            raise SsoError(f"the discovery document of {issuer} is not a JSON object")
        cache.set(key, doc, DISCOVERY_SECONDS)
    # OpenID Connect Discovery 1.0 §4.3: the issuer in the document must be the one we asked, or a
    # provider (or whoever answers for it) could hand out tokens in someone else's name.
    if str(doc.get("issuer", "")).rstrip("/") != issuer:
        raise SsoError(f"the discovery document names issuer {doc.get('issuer')!r}, not {issuer!r}")
    fields = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")
    missing = [f for f in fields if not isinstance(doc.get(f), str) or not doc[f]]
    if missing:
        raise SsoError(f"the discovery document of {issuer} lacks {', '.join(missing)}")
    return Discovery(issuer=str(doc["issuer"]), **{f: str(doc[f]) for f in fields})

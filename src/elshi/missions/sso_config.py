"""Single sign-on settings that ``elshi.web.settings`` reads at start-up (so: no models imported here),
and django-axes' username for a sign-on callback."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

__all__ = ["ROLE_NAMES", "GroupGrant", "axes_username", "parse_group_map"]

# ``missions.models.Role``'s values, which settings cannot import; a test keeps the two equal.
ROLE_NAMES = ("admin", "hq_editor", "approver", "mission_editor", "analyst", "viewer")


@dataclass(frozen=True)
class GroupGrant:
    """What one identity-provider group gives: ``role`` at the mission ``mission_slug``."""

    mission_slug: str
    role: str


def parse_group_map(raw: str) -> dict[str, tuple[GroupGrant, ...]]:
    """``ELSHI_OIDC_GROUP_MAP``: JSON ``{"group": "mission:role"}`` (or a list of them per group).

    Read at start-up so that a typo in a role stops the server instead of silently granting nothing.
    Missions are data, not configuration: an unknown mission slug is reported at login instead.
    """
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"ELSHI_OIDC_GROUP_MAP is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ImproperlyConfigured('ELSHI_OIDC_GROUP_MAP must be an object: {"group": "mission:role"}')
    parsed: dict[str, tuple[GroupGrant, ...]] = {}
    for group, targets in data.items():
        grants = []
        for item in targets if isinstance(targets, list) else [targets]:
            slug, _, role = str(item).partition(":")
            if not slug or role not in ROLE_NAMES:
                raise ImproperlyConfigured(
                    f"ELSHI_OIDC_GROUP_MAP[{group!r}] = {item!r}: write mission:role, with a role among "
                    + ", ".join(ROLE_NAMES)
                )
            grants.append(GroupGrant(slug, role))
        parsed[str(group)] = tuple(grants)
    return parsed


def axes_username(request: Any, credentials: dict[str, Any] | None = None) -> str | None:
    """django-axes' own rule (the credentials' username, else the form's), except for a sign-on
    callback: it carries no username, so it is counted under its own ``state``, never shared."""
    if credentials and "nonce" in credentials:
        return f"oidc:{request.GET.get('state', '')}"[:150]
    if credentials:
        return credentials.get("username")
    username = request.POST.get("username") if request is not None else None
    return str(username) if username is not None else None

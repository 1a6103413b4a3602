"""How the API knows who calls: a bearer token (``elshi token create``) or the browser session."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from elshi.missions.actions import token_digest
from elshi.missions.middleware import needs_second_factor
from elshi.missions.models import ApiToken

__all__ = ["BearerToken", "BrowserSession"]


class BearerToken(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class BrowserSession(SessionAuth):
    """The logged-in browser session (CSRF-checked on writes), refused while a second factor is owed."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and needs_second_factor(user):
            return None
        return user

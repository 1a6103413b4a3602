"""How the API knows who calls: a bearer token (``elshi token create``) or the browser session.

A token carries scopes (``TokenScope``). Every operation's scope is stamped on the request by
``stamp_scope``, which ``elshi.web.api`` adds to the whole API, before authentication runs: the
scope comes from the HTTP method (GET/HEAD/OPTIONS read, anything else writes) unless the route
names a stronger one with ``openapi_extra=needs_scope(...)`` (clearance decisions, publishing).
A token request that reaches ``BearerToken`` without a stamped scope is refused, so an operation
that somehow skipped the stamp fails closed instead of open.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from elshi.common.api_errors import ApiRefusal
from elshi.missions.actions import token_digest
from elshi.missions.middleware import needs_second_factor
from elshi.missions.models import ApiToken, TokenScope

__all__ = ["SCOPE_EXTRA", "BearerToken", "BrowserSession", "needs_scope", "required_scope", "stamp_scope"]

SCOPE_EXTRA = "x-elshi-scope"  # shown in the OpenAPI document beside each operation
_REQUEST_ATTR = "elshi_required_scope"
_READING = frozenset({"GET", "HEAD", "OPTIONS"})


def needs_scope(scope: TokenScope) -> dict[str, Any]:
    """Marks a route stronger than its method: ``@router.post(..., openapi_extra=needs_scope(...))``."""
    return {SCOPE_EXTRA: str(scope)}


def required_scope(methods: list[str], openapi_extra: dict[str, Any] | None) -> str:
    marked = (openapi_extra or {}).get(SCOPE_EXTRA)
    if marked is not None:
        return str(TokenScope(marked))  # a misspelt marker fails at start-up, not at the first call
    return TokenScope.READ if set(methods) <= _READING else TokenScope.WRITE


def stamp_scope(run: Callable[..., Any]) -> Callable[..., Any]:
    """A ninja "view" decorator: ``run`` is the bound ``Operation.run`` of one operation."""
    operation = run.__self__  # type: ignore[attr-defined]
    scope = required_scope(list(operation.methods), operation.openapi_extra)

    @wraps(run)
    def with_scope(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        setattr(request, _REQUEST_ATTR, scope)
        return run(request, *args, **kwargs)

    with_scope.elshi_scope = scope  # type: ignore[attr-defined]  # lets a test list every operation's scope
    return with_scope


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
        if found.is_expired(now):
            raise ApiRefusal(
                401,
                _("This API token expired on %(when)s: create a new one on your account page.")
                % {"when": found.expires_at.strftime("%Y-%m-%d %H:%M UTC")},
            )
        scope = getattr(request, _REQUEST_ATTR, None)
        if scope is None or scope not in found.scopes:
            raise ApiRefusal(
                403,
                _("This API token lacks the %(scope)s scope that this operation needs (it has: %(has)s).")
                % {"scope": scope or "?", "has": ", ".join(found.scopes) or "-"},
                {"needed_scope": scope, "token_scopes": found.scopes},
            )
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

"""The JSON API under /api/v1/: bearer tokens or the browser session, OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from elshi.missions.actions import token_digest
from elshi.missions.middleware import needs_second_factor
from elshi.missions.models import ApiToken
from elshi.common.api_errors import ApiRefusal

__all__ = ["api"]


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


api = NinjaAPI(
    title="elshi API",
    version="1",
    description=(
        "Everything the elshi interface does, as JSON. Authenticate with `Authorization: Bearer <token>` "
        "(create one with `elshi token create USERNAME` or on your account page) or with a browser session."
    ),
    urls_namespace="api",
    auth=[BearerToken(), BrowserSession()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ApiRefusal)
def refusal(request: HttpRequest, exc: ApiRefusal) -> HttpResponse:
    return api.create_response(request, {"detail": exc.detail, **exc.extra}, status=exc.status)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "You do not have permission for this."}, status=403)


def _register() -> None:
    # Routers are imported here so that apps can add theirs without a cycle.
    from elshi.audit.api import router as audit_router
    from elshi.content.api import router as content_router
    from elshi.engagements.api import router as engagements_router
    from elshi.missions.api import router as missions_router
    from elshi.monitoring.api import router as monitoring_router
    from elshi.reports.api import router as reports_router

    api.add_router("/", missions_router)
    api.add_router("/", content_router)
    api.add_router("/audit", audit_router)
    api.add_router("/", monitoring_router)
    api.add_router("/", reports_router)
    api.add_router("/", engagements_router)


_register()

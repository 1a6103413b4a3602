"""The JSON API under /api/v1/: every app's ``api.py`` router mounted here; OpenAPI at openapi.json."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from elshi.clearance.api import router as clearance_router
from elshi.common.api_errors import ApiRefusal
from elshi.content.api import router as content_router
from elshi.engagements.api import router as engagements_router
from elshi.missions.api import router as missions_router
from elshi.missions.api_auth import BearerToken, BrowserSession, stamp_scope
from elshi.missions.audit_api import router as audit_router
from elshi.monitoring.api import router as monitoring_router
from elshi.reports.api import router as reports_router

__all__ = ["api"]


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
# Every operation, mounted now or later, gets its token scope stamped before authentication.
api.add_decorator(stamp_scope, mode="view")


@api.exception_handler(ApiRefusal)
def refusal(request: HttpRequest, exc: ApiRefusal) -> HttpResponse:
    return api.create_response(request, {"detail": exc.detail, **exc.extra}, status=exc.status)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "You do not have permission for this."}, status=403)


api.add_router("/", missions_router)
api.add_router("/", content_router)
api.add_router("/", clearance_router)
api.add_router("/audit", audit_router)
api.add_router("/", monitoring_router)
api.add_router("/", reports_router)
api.add_router("/", engagements_router)

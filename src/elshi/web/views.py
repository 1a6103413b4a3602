"""The shell: home, capability pages with honest empty states, health."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from elshi.web.navigation import BY_KEY


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any database failure makes us unhealthy
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


@login_required
def capability(request: HttpRequest, key: str) -> HttpResponse:
    cap = BY_KEY.get(key)
    if cap is None:
        raise Http404(key)
    return render(request, "web/capability.html", {"capability": cap, "active": key})

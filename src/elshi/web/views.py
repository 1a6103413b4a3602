"""The shell: home, capability pages with honest empty states, health."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from elshi.missions.models import Installation
from elshi.web.demo import demo_progress
from elshi.web.home import home_context
from elshi.web.navigation import BY_KEY


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any database failure makes us unhealthy
        return JsonResponse({"status": "error", "database": str(exc)}, status=503)
    body = {"status": "ok", "database": "ok"}
    # Healthy while the demo still loads (`elshi up --demo` serves first): the progress says how far.
    progress = demo_progress()
    if progress is not None:
        body |= {"demo": f"loading {progress['done']}/{progress['total']}", "demo_step": progress["step"]}
    elif Installation.objects.filter(pk=1, demo_loaded_at__isnull=False).exists():
        body["demo"] = "ready"
    return JsonResponse(body)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"demo_progress": demo_progress(), **home_context(request)})


@login_required
def capability(request: HttpRequest, key: str) -> HttpResponse:
    cap = BY_KEY.get(key)
    if cap is None:
        raise Http404(key)
    return render(request, "web/capability.html", {"capability": cap, "active": key})

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from elshi.missions.models import Installation, Notification
from elshi.missions.permissions import Perm, has_perm, is_ministry_admin
from elshi.web.navigation import CAPABILITIES


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "can_manage_people": signed_in and has_perm(user, Perm.MANAGE, None),
        "can_read_audit": signed_in and has_perm(user, Perm.AUDIT, None),
        "capabilities": CAPABILITIES,
        "demo_mode": Installation.objects.filter(pk=1, demo_loaded_at__isnull=False).exists(),
        "current_mission": getattr(request, "mission", None),
        "user_missions": getattr(request, "user_missions", []),
        "is_ministry_admin": is_ministry_admin(user) if user is not None else False,
        "notification_count": Notification.objects.filter(user=user, read_at__isnull=True).count()
        if signed_in
        else 0,
        "active_page": getattr(getattr(request, "resolver_match", None), "url_name", ""),
    }

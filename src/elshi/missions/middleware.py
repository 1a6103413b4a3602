"""Per-request mission context and the two-factor policy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from elshi.missions.models import SecurityPolicy
from elshi.missions.permissions import Perm, holds_privileged_role, missions_with

SESSION_KEY = "elshi_mission"
ENROL_KEY = "elshi_must_enrol_2fa"  # set on accepting an invitation to a privileged role
# Paths a person who still owes a second factor may reach.
TWO_FACTOR_EXEMPT = (
    "/account/2fa/",
    "/accounts/logout/",
    "/accounts/login/",
    "/static/",
    "/healthz",
    "/i18n/",
    "/api/",
)


def needs_second_factor(user: Any) -> bool:
    """True when policy asks this person for TOTP and they have not given it in this session."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not holds_privileged_role(user) or not SecurityPolicy.current().require_2fa_for_privileged:
        return False
    return not second_factor_given(user)


def second_factor_given(user: Any) -> bool:
    """Did this person give a TOTP code in this session (django-otp's ``OTPMiddleware``)?"""
    is_verified = getattr(user, "is_verified", None)
    return bool(callable(is_verified) and is_verified())


def _owes_enrolment(request: HttpRequest) -> bool:
    """An invitation to a privileged role enrols a second factor before any page, whatever the policy."""
    return bool(request.session.get(ENROL_KEY)) and not second_factor_given(request.user)


class CurrentMissionMiddleware:
    """Sets ``request.mission`` (the mission being worked on) and ``request.user_missions``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.mission = None  # type: ignore[attr-defined]
        request.user_missions = []  # type: ignore[attr-defined]
        if request.user.is_authenticated and not request.path.startswith(("/static/", "/api/", "/healthz")):
            missions = list(missions_with(request.user, Perm.VIEW).order_by("kind", "name"))
            wanted = request.session.get(SESSION_KEY)
            chosen = next((m for m in missions if m.slug == wanted), missions[0] if missions else None)
            request.mission = chosen  # type: ignore[attr-defined]
            request.user_missions = missions  # type: ignore[attr-defined]
        return self.get_response(request)


class TwoFactorPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(TWO_FACTOR_EXEMPT) and (
            needs_second_factor(request.user) or _owes_enrolment(request)
        ):
            return redirect("two_factor")
        return self.get_response(request)

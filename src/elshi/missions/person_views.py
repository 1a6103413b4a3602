"""One person's page for administrators: roles, last login, 2FA, lockout; deactivate, reactivate, unlock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from elshi.audit.models import AuditEvent
from elshi.missions import people


def _person(request: HttpRequest, pk: int, check: Callable[[Any, Any], None]) -> Any:
    user = get_object_or_404(get_user_model(), pk=pk)
    try:
        check(request.user, user)
    except ValidationError as exc:
        raise PermissionDenied(exc.messages[0]) from exc
    return user


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _person(request, pk, people.check_see_person)
    try:
        people.check_change_person(request.user, user)
        can_change = True
    except (PermissionDenied, ValidationError):
        can_change = False
    context = {
        "person": user,
        "memberships": user.memberships.select_related("mission"),
        "has_2fa": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "locked": people.is_locked_out(user),
        "can_change": can_change,
        "history": AuditEvent.objects.filter(object_type="auth.user", object_id=str(user.pk))[:20],
        "active": "people",
    }
    return render(request, "missions/person.html", context)


@login_required
@require_POST
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _person(request, pk, people.check_change_person)
    ended = people.do_deactivate(user, acting_user=request.user)
    messages.success(
        request,
        _("%(name)s is deactivated: %(sessions)d session(s) ended, %(tokens)d API token(s) revoked.")
        % {"name": user.get_username(), **ended},
    )
    return redirect("person_detail", pk=pk)


@login_required
@require_POST
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _person(request, pk, people.check_change_person)
    people.do_reactivate(user, acting_user=request.user)
    messages.success(request, _("%(name)s can sign in again.") % {"name": user.get_username()})
    return redirect("person_detail", pk=pk)


@login_required
@require_POST
def person_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    user = _person(request, pk, people.check_change_person)
    count = people.do_unlock(user, acting_user=request.user)
    messages.success(request, _("%(count)d lockout(s) lifted.") % {"count": count})
    return redirect("person_detail", pk=pk)

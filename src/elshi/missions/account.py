"""A person's own pages: the mission switcher, account and API tokens, notifications; the security policy."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from elshi.common.redirects import safe_next
from elshi.missions import actions
from elshi.missions.forms import SecurityPolicyForm, TokenForm
from elshi.missions.middleware import SESSION_KEY, second_factor_given
from elshi.missions.models import ApiToken, Notification, SecurityPolicy
from elshi.missions.permissions import holds_privileged_role


@login_required
@require_POST
def switch_mission(request: HttpRequest) -> HttpResponse:
    slug = request.POST.get("mission", "")
    if not any(m.slug == slug for m in request.user_missions):  # type: ignore[attr-defined]
        raise PermissionDenied(slug)
    request.session[SESSION_KEY] = slug
    return redirect(safe_next(request, "/"))


@login_required
def account(request: HttpRequest) -> HttpResponse:
    new_token = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.check_create_token(
                request.user, request.user, second_factor_verified=second_factor_given(request.user)
            )
            _token, new_token = actions.do_create_token(
                request.user,
                form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_in=timedelta(days=form.cleaned_data["days"]),
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Token created. Copy it now: it will not be shown again."))
            form = TokenForm()
    now = timezone.now()
    tokens = [
        (token, token.is_expired(now))
        for token in ApiToken.objects.filter(user_id=int(request.user.pk or 0), revoked_at__isnull=True)
    ]
    has_totp = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    owes_factor = holds_privileged_role(request.user) and not second_factor_given(request.user)
    context = {
        "tokens": tokens,
        "form": form,
        "new_token": new_token,
        "has_totp": has_totp,
        "needs_totp_for_tokens": owes_factor,
        "active": "account",
    }
    return render(request, "missions/account.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, revoked_at__isnull=True)
    try:
        actions.check_revoke_token(request.user, token)
    except ValidationError as exc:
        raise PermissionDenied(exc.messages[0]) from exc
    actions.do_revoke_token(token, acting_user=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("account")


@login_required
def security(request: HttpRequest) -> HttpResponse:
    try:
        actions.check_set_security_policy(request.user)
    except ValidationError as exc:
        raise PermissionDenied(exc.messages[0]) from exc
    policy = SecurityPolicy.current()
    form = SecurityPolicyForm(
        request.POST or None, initial={"require_2fa": policy.require_2fa_for_privileged}
    )
    if request.method == "POST" and form.is_valid():
        actions.do_set_security_policy(require_2fa=form.cleaned_data["require_2fa"], acting_user=request.user)
        messages.success(request, _("Security policy saved."))
        return redirect("security")
    return render(request, "missions/security.html", {"form": form, "active": "security"})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.filter(user_id=int(request.user.pk or 0))
    if request.method == "POST":
        mine.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notifications")
    return render(request, "missions/notifications.html", {"items": mine[:100], "active": "notifications"})

"""The People pages: who works where, invitations, a person's access; accepting an invitation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_text_html, validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from elshi.common.forms import flash_errors
from elshi.missions import invitations, people
from elshi.missions.middleware import ENROL_KEY
from elshi.missions.models import Invitation, Mission, Role
from elshi.missions.permissions import Perm, is_ministry_admin, missions_with


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail"))
    mission = forms.ModelChoiceField(
        queryset=Mission.objects.none(), label=gettext_lazy("Mission"), to_field_name="slug"
    )
    role = forms.ChoiceField(choices=Role.choices, label=gettext_lazy("Role"))
    language = forms.ChoiceField(choices=settings.LANGUAGES, label=gettext_lazy("Language of the e-mail"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mission"].queryset = missions_with(user, Perm.MANAGE).order_by("name")  # type: ignore[attr-defined]


class AcceptForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[\w.@+-]{3,150}$",
        label=gettext_lazy("Username"),
        help_text=gettext_lazy("3 to 150 letters, digits and . @ + - _"),
    )
    password1 = forms.CharField(
        label=gettext_lazy("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["password1"].help_text = password_validators_help_text_html()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first and data.get("username"):
            # Django's validators, judged against the person the account will be.
            candidate = get_user_model()(username=data["username"], email=self.email)
            try:
                validate_password(first, candidate)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    visible = missions_with(request.user, Perm.MANAGE)
    if not visible.exists():
        raise PermissionDenied("people")
    users = people.people_for(request.user).prefetch_related("memberships__mission")
    mission, role, state = (
        request.GET.get("mission", ""),
        request.GET.get("role", ""),
        request.GET.get("state", ""),
    )
    # One filter() call: mission and role must hold on the same membership (the role at that mission).
    held: dict[str, Any] = {"memberships__mission__in": visible}
    if mission:
        held["memberships__mission__slug"] = mission
    if role in Role.values:
        held["memberships__role"] = role
    if len(held) > 1:
        users = users.filter(**held)
    if state in {"active", "inactive"}:
        users = users.filter(is_active=state == "active")
    users = users.annotate(
        has_2fa=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    ).distinct()
    page = Paginator(users.order_by("username"), 50).get_page(request.GET.get("page"))
    now = timezone.now()
    pending = [
        (inv, inv.is_open(now))
        for inv in Invitation.objects.filter(
            mission__in=visible, accepted_at__isnull=True, revoked_at__isnull=True
        ).select_related("mission")[:100]
    ]
    context = {
        "page": page,
        "roles": Role.choices,
        "role": role,
        "mission": mission,
        "state": state,
        "missions": visible,
        "invitations": pending,
        "invite_form": InviteForm(user=request.user),
        "hours": settings.ELSHI_INVITATION_HOURS,
        "ministry": is_ministry_admin(request.user),
        "active": "people",
    }
    return render(request, "missions/people.html", context)


@login_required
@require_POST
def people_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST, user=request.user)
    if not form.is_valid():
        if "mission" in form.errors and not missions_with(request.user, Perm.MANAGE).exists():
            raise PermissionDenied("people")
        flash_errors(request, form)
        return redirect("people")
    data = form.cleaned_data
    try:
        invitations.check_invite(request.user, data["email"], data["mission"], data["role"])
        invitations.do_invite(
            data["email"],
            data["mission"],
            data["role"],
            language=data["language"],
            base=_base(request),
            acting_user=request.user,
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": data["email"]})
    return redirect("people")


def _invitation(request: HttpRequest, pk: int) -> Invitation:
    invitation = get_object_or_404(Invitation.objects.select_related("mission"), pk=pk)
    try:
        invitations.check_manage_invitation(request.user, invitation)
    except ValidationError as exc:
        raise PermissionDenied(exc.messages[0]) from exc
    return invitation


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        invitations.do_resend(invitation, base=_base(request), acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("A new link was sent to %(email)s.") % {"email": invitation.email})
    return redirect("people")


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    try:
        invitations.do_revoke(invitation, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Invitation revoked: its link no longer works."))
    return redirect("people")


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.open_invitation(token)
    if invitation is None:
        return render(request, "missions/invitation_invalid.html", status=404)
    form = AcceptForm(
        request.POST or None, email=invitation.email, initial={"username": invitation.email.split("@")[0]}
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.do_accept(
                invitation, username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if invitations.needs_second_factor_enrolment(invitation):
                request.session[ENROL_KEY] = True
                return redirect("two_factor")
            messages.success(request, _("Welcome to elshi."))
            return redirect("home")
    context = {"invitation": invitation, "form": form}
    return render(request, "missions/invitation_accept.html", context, status=400 if form.errors else 200)

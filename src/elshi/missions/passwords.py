"""Password reset (by e-mail, Django's token views) and change; lockouts and unlocks in the audit trail.

The reset form never says whether an address has an account: every request lands on the same
"check your e-mail" page. It is rate-limited per address (so nobody floods a person's mailbox)
and per client (so nobody sweeps the ministry's addresses); an address over its limit is
silently not mailed, a client over its limit is told to wait, which reveals nothing about anyone.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.mail import EmailMessage
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils import translation

from elshi.audit.log import record
from elshi.missions import ratelimit
from elshi.missions.client_address import client_address
from elshi.missions.models import Preference

__all__ = ["PER_ADDRESS", "PER_CLIENT", "language_of"]

PER_ADDRESS = (3, timedelta(hours=1))  # reset e-mails to one address
PER_CLIENT = (10, timedelta(hours=1))  # reset requests from one client address


def language_of(user: Any) -> str:
    """The language a person reads elshi's e-mails in: their preference, else the site's default."""
    found = Preference.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    return found or settings.LANGUAGE_CODE


class ResetForm(auth_forms.PasswordResetForm):
    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Django's reset e-mail, written in the person's language and saying which it is."""
        language = language_of(context["user"])
        with translation.override(language):
            subject = "".join(render_to_string(subject_template_name, context).splitlines())
            body = render_to_string(email_template_name, context)
        message = EmailMessage(subject, body, from_email, [to_email])
        message.extra_headers["Content-Language"] = language
        message.send()


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ResetForm
    template_name = "missions/password_reset_form.html"
    email_template_name = "missions/password_reset_email.txt"
    subject_template_name = "missions/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        limit, window = PER_CLIENT
        if not ratelimit.take(f"pwreset-client:{client_address(request)}", limit, window):
            form = self.get_form()
            return render(request, self.template_name, {"form": form, "too_many": True}, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: auth_forms.PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"].strip().lower()
        limit, window = PER_ADDRESS
        if not ratelimit.take(f"pwreset-email:{email}", limit, window):
            return super(auth_views.PasswordResetView, self).form_valid(form)  # the same page, no e-mail
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "missions/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: auth_forms.SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        record(form.user, "user.password_reset", form.user, actor_label=form.user.get_username())
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "missions/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form: auth_forms.PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        record(form.user, "user.password_changed", form.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "missions/password_change_done.html"


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "missions/password_reset_done.html"


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "missions/password_reset_complete.html"


@receiver(user_locked_out, dispatch_uid="elshi.missions.passwords.locked_out")
def record_lockout(
    sender: Any, request: Any = None, username: str = "", ip_address: str = "", **_kw: Any
) -> None:
    """django-axes locked a username at an address: the trail keeps it (``elshi user unlock`` lifts it)."""
    record(
        None,
        "user.locked_out",
        None,
        changes={"username": username or "", "ip_address": ip_address or ""},
        actor_label="axes",
    )

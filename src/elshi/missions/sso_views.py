"""The login page (password and/or single sign-on), the OIDC redirect and callback, and the middleware
that counts a provider's MFA as the second factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseForbidden
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from elshi.missions import sso
from elshi.missions.sso_backend import SESSION_PROVIDER_FACTOR


def login(request: HttpRequest) -> HttpResponseBase:
    """Django's login view, with the single sign-on button; without its form when
    ``ELSHI_LOCAL_LOGIN`` is off (a password POST is then refused, not merely hidden)."""
    local = bool(settings.ELSHI_LOCAL_LOGIN)
    if not local and request.method == "POST":
        return HttpResponseForbidden(
            _("Password sign-in is switched off on this installation: sign in with single sign-on.")
        )
    context = {
        "local_login": local,
        "sso_configured": sso.is_configured(),
        "sso_provider": sso.provider_name() or _("single sign-on"),
    }
    view = auth_views.LoginView.as_view(redirect_authenticated_user=True, extra_context=context)
    response = view(request)
    if local and request.method == "POST" and request.user.is_authenticated:
        # A password login is not the provider's MFA, whatever an earlier SSO login in this session was.
        request.session.pop(SESSION_PROVIDER_FACTOR, None)
    return response


def _configured() -> None:
    if not sso.is_configured():
        raise Http404(_("Single sign-on is not configured."))


class SsoStart(OIDCAuthenticationRequestView):
    """Sends the person to the provider, with ``state``, ``nonce`` and a PKCE challenge (S256)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads the endpoint from settings here; ours comes from discovery, in get().
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.ELSHI_OIDC_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponse:
        _configured()
        try:
            self.OIDC_OP_AUTH_ENDPOINT = sso.discovery().authorization_endpoint
        except sso.SsoError as exc:
            messages.error(request, _("The identity provider cannot be reached: %(why)s") % {"why": exc})
            return redirect("login")
        response: HttpResponse = super().get(request)
        return response


class SsoCallback(OIDCAuthenticationCallbackView):
    """Checks ``state`` against the session (the library), then signs in through ``ElshiOIDCBackend``."""

    def get(self, request: HttpRequest) -> HttpResponse:
        _configured()
        if request.GET.get("error"):
            messages.error(
                request,
                _("The identity provider did not sign you in: %(why)s")
                % {"why": request.GET.get("error_description") or request.GET["error"]},
            )
        response: HttpResponse = super().get(request)
        return response


class ProviderFactorMiddleware:
    """After django-otp's middleware: a person whose provider login used MFA (and the administrator
    trusts that, ``ELSHI_OIDC_TRUST_MFA``) counts as verified, so the 2FA policy does not ask again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        factor_of = request.session.get(SESSION_PROVIDER_FACTOR)
        if factor_of is not None and settings.ELSHI_OIDC_TRUST_MFA and request.user.is_authenticated:
            if request.user.pk == factor_of:
                request.user.is_verified = lambda: True  # type: ignore[attr-defined]
        return self.get_response(request)

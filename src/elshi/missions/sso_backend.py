"""The authentication backend of single sign-on: mozilla-django-oidc's, with elshi's rules.

What changes from the library, and why:

- every call to the provider (token, userinfo, keys) goes through elshi's guarded ``httpx`` client
  (``sso.provider_client``), not ``requests``: the address checks, timeouts and no proxy from the
  environment apply to the identity provider as to every other outbound call;
- endpoints come from the provider's discovery document, so ``ELSHI_OIDC_ISSUER`` is all there is to set;
- the ID token's audience and issuer are checked (the library leaves ``aud`` unchecked);
- the userinfo answer must be about the ID token's subject (OpenID Connect Core §5.3.2);
- who may come in, and their roles, are ``sso_actions``; a refusal reaches the person as a message.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
import jwt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from elshi.missions import sso, sso_actions

log = logging.getLogger(__name__)

SESSION_PROVIDER_FACTOR = "elshi_sso_factor"  # the pk of the person whose provider login was MFA


class ElshiOIDCBackend(OIDCAuthenticationBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library's __init__ reads fixed endpoints from settings; ours come from discovery, and only
        # when a login actually happens (a backend is built for every authenticate() call, passwords too).
        self.OIDC_RP_CLIENT_ID = settings.ELSHI_OIDC_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.ELSHI_OIDC_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self._discovery: sso.Discovery | None = None
        self.UserModel = get_user_model()

    def get_user(self, user_id: Any) -> Any:
        # Django's rule, not the library's: a person deactivated since they signed in loses the session.
        return ModelBackend.get_user(self, user_id)

    @property
    def provider(self) -> sso.Discovery:
        if self._discovery is None:
            self._discovery = sso.discovery()
        return self._discovery

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802 - the library's attribute names
        return self.provider.token_endpoint

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:  # noqa: N802
        return self.provider.userinfo_endpoint

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:  # noqa: N802
        return self.provider.jwks_uri

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if request is None or "nonce" not in kwargs or not sso.is_configured():
            return None  # a password login passing through the backends: not ours
        try:
            return super().authenticate(request, **kwargs)
        except (sso.SsoError, httpx.HTTPError, SuspiciousOperation, ValueError, KeyError) as exc:
            log.warning("single sign-on failed: %s", exc)
            messages.error(
                request,
                _("Single sign-on failed: elshi could not verify the identity provider's answer (%(why)s).")
                % {"why": str(exc)[:200]},
            )
            return None

    def get_token(self, payload: dict[str, Any]) -> Any:
        with sso.provider_client() as client:
            response = client.post(self.OIDC_OP_TOKEN_ENDPOINT, data=payload)
        if response.status_code != 200:
            raise sso.SsoError(f"the token endpoint answered {response.status_code}: {response.text[:200]}")
        return response.json()

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        with sso.provider_client() as client:
            response = client.get(
                self.OIDC_OP_USER_ENDPOINT, headers={"Authorization": f"Bearer {access_token}"}
            )
        response.raise_for_status()
        if response.headers.get("content-type", "").lower().startswith("application/jwt"):
            return self.verify_token(response.text)
        return response.json()

    def retrieve_matching_jwk(self, token: str) -> Any:
        with sso.provider_client() as client:
            response = client.get(self.OIDC_OP_JWKS_ENDPOINT)
        response.raise_for_status()
        header = jwt.get_unverified_header(token)
        for key in response.json().get("keys", []):
            if key.get("kid") == header.get("kid") and key.get("alg", header.get("alg")) == header.get("alg"):
                return jwt.PyJWK(key)
        raise SuspiciousOperation("no key of the provider matches the token's kid")

    def _verify_jws(self, payload: str, key: Any) -> Any:
        alg = jwt.get_unverified_header(payload).get("alg")
        if alg != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"the token is signed with {alg!r}, not {self.OIDC_RP_SIGN_ALGO!r}")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[alg],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.provider.issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"the ID token is not valid: {exc}") from exc

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        userinfo = self.get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise sso.SsoError("the userinfo answer is about another subject than the ID token")
        # The ID token says how the person signed in (amr); userinfo is the fresher word on the rest.
        claims = {**payload, **userinfo, "amr": payload.get("amr", [])}
        try:
            user = sso_actions.check_sso_login(claims)
            user = sso_actions.do_sso_login(claims, user, issuer=self.provider.issuer)
        except sso_actions.SsoRefused as exc:
            log.warning("single sign-on refused for %s: %s", claims.get("sub"), exc)
            messages.error(self.request, str(exc))
            return None
        if sso_actions.provider_factor(claims):
            self.request.session[SESSION_PROVIDER_FACTOR] = user.pk
        else:
            self.request.session.pop(SESSION_PROVIDER_FACTOR, None)
        return user

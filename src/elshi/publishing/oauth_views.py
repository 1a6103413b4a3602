"""Connecting a channel through the platform's own consent screen: start (POST), then the callback.

The state and the PKCE verifier stay in the person's session until the platform sends the browser
back; the callback accepts only a state that this session started in the last 15 minutes, checks
again that the person may connect the channel, swaps the code for a token and stores it encrypted.
Reconnecting keeps the channel and its deliveries; only the credentials change. Mastodon needs an
app registered on each instance first: elshi registers it once and every channel there reuses it.

Facebook Pages and Instagram go through Facebook Login: the person's token lists the Pages they
manage, and the channel keeps one Page's token (Instagram: the Page linked to its professional
account). When the channel names no Page and there are several, the person chooses; the fetched Page
tokens wait for that choice only encrypted in the session, for 15 minutes. Threads swaps its one-hour
token for the 60-day one, which its publisher then refreshes.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import httpx
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from elshi.common.crypto import decrypt_json, encrypt_json
from elshi.connectors import ConnectorError, Token
from elshi.connectors import connect as oauth2
from elshi.connectors.mastodon import oauth as mastodon
from elshi.connectors.meta import connect as meta
from elshi.connectors.oauth import Pkce, new_pkce
from elshi.missions.models import Channel
from elshi.missions.permissions import Perm, require
from elshi.publishing.accounts import account_of, http_client
from elshi.publishing.models import OAuthApp
from elshi.publishing.oauth_pages import MAX_AGE_S, PAGES_KEY, connected, pick_page

__all__ = ["PAGES_KEY", "SESSION_KEY", "oauth_callback", "oauth_start"]

SESSION_KEY = "elshi_oauth"
# Platforms that take a PKCE challenge with a confidential client; the others ignore or refuse it.
PKCE_PLATFORMS = frozenset({"mastodon", "x", "youtube"})
FACEBOOK_LOGIN = frozenset({"facebook", "instagram"})
# Meta's token swaps need the app secret as well as its id.
META_APPS = frozenset({*FACEBOOK_LOGIN, "threads"})
OAUTH_PLATFORMS = frozenset({"mastodon", *oauth2.PROVIDERS, *FACEBOOK_LOGIN})


def callback_uri(request: HttpRequest) -> str:
    """The one redirect URI to register with every platform's developer app."""
    return request.build_absolute_uri(reverse("channel_oauth_callback"))


def _mastodon_app(client: httpx.Client, base_url: str, redirect_uri: str) -> mastodon.AppRegistration:
    base_url = base_url.rstrip("/")
    app = OAuthApp.objects.filter(platform="mastodon", base_url=base_url, redirect_uri=redirect_uri).first()
    if app is None:
        registered = mastodon.register_app(client, base_url, client_name="elshi", redirect_uri=redirect_uri)
        app, _created = OAuthApp.objects.get_or_create(
            platform="mastodon",
            base_url=base_url,
            redirect_uri=redirect_uri,
            defaults={
                "client_id": registered.client_id,
                "secret_encrypted": encrypt_json(registered.client_secret),
            },
        )
    return mastodon.AppRegistration(
        base_url, app.client_id, str(decrypt_json(app.secret_encrypted)), redirect_uri
    )


def _client_credentials(channel: Channel) -> tuple[str, str | None]:
    # Meta calls them app id and app secret; elshi accepts either name.
    stored = account_of(channel).secrets
    client_id = stored.get("client_id") or stored.get("client_key") or stored.get("app_id") or ""
    return client_id, stored.get("client_secret") or stored.get("app_secret") or None


@login_required
@require_POST
def oauth_start(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(Channel.objects.select_related("mission"), pk=pk)
    require(request.user, Perm.PUBLISH, channel.mission)
    if channel.platform not in OAUTH_PLATFORMS:
        messages.error(request, _("This platform is not connected through a consent screen."))
        return redirect("channel_detail", pk)
    state = secrets.token_urlsafe(24)
    pkce = new_pkce() if channel.platform in PKCE_PLATFORMS else None
    callback = callback_uri(request)
    try:
        if channel.platform == "mastodon":
            base_url = str(channel.settings.get("base_url", "")).strip()
            if not base_url:
                messages.error(request, _("Save the instance address (base url) first."))
                return redirect("channel_detail", pk)
            with http_client() as client:
                app = _mastodon_app(client, base_url, callback)
            url = mastodon.authorize_url(app, state=state, pkce=pkce)
        else:
            client_id, secret = _client_credentials(channel)
            if not client_id:
                messages.error(
                    request,
                    _("Save the client id of the ministry's app on %(platform)s first.")
                    % {"platform": channel.get_platform_display()},
                )
                return redirect("channel_detail", pk)
            if channel.platform in META_APPS and not secret:
                messages.error(
                    request,
                    _("Save the app secret of the ministry's app on %(platform)s first.")
                    % {"platform": channel.get_platform_display()},
                )
                return redirect("channel_detail", pk)
            if channel.platform in FACEBOOK_LOGIN:
                url = meta.facebook_authorize_url(app_id=client_id, redirect_uri=callback, state=state)
            else:
                url = oauth2.authorize_url(
                    channel.platform, client_id=client_id, redirect_uri=callback, state=state, pkce=pkce
                )
    except ConnectorError as exc:
        messages.error(request, _("The platform refused to start the connection: %(error)s") % {"error": exc})
        return redirect("channel_detail", pk)
    now = time.time()
    pending: dict[str, Any] = {
        key: entry
        for key, entry in request.session.get(SESSION_KEY, {}).items()
        if now - entry.get("at", 0) < MAX_AGE_S
    }
    pending[state] = {"channel": channel.pk, "verifier": pkce.verifier if pkce else "", "at": now}
    request.session[SESSION_KEY] = pending
    return redirect(url)


def _exchange(client: httpx.Client, channel: Channel, code: str, callback: str, verifier: str) -> Token:
    pkce = Pkce(verifier=verifier, challenge="") if verifier else None
    if channel.platform == "mastodon":
        app = _mastodon_app(client, str(channel.settings.get("base_url", "")), callback)
        return mastodon.exchange_code(client, app, code, pkce=pkce)
    client_id, client_secret = _client_credentials(channel)
    token = oauth2.exchange_code(
        client,
        channel.platform,
        code,
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri=callback,
        pkce=pkce,
    )
    if channel.platform == "threads":
        # The code buys a token for one hour; the 60-day one is what ThreadsPublisher refreshes.
        token = meta.threads_long_lived(client, token, app_secret=client_secret or "")
    return token


def _facebook_pages(client: httpx.Client, channel: Channel, code: str, callback: str) -> list[meta.Page]:
    app_id, app_secret = _client_credentials(channel)
    short = meta.facebook_exchange_code(
        client, code, app_id=app_id, app_secret=app_secret or "", redirect_uri=callback
    )
    user = meta.facebook_long_lived(client, short, app_id=app_id, app_secret=app_secret or "")
    return meta.facebook_pages(client, user)


def _threads_account(
    request: HttpRequest, channel: Channel, profile: tuple[str, str | None]
) -> HttpResponse | None:
    """Fill the channel's Threads user id from the account that consented; refuse another account."""
    user_id, username = profile
    named = str(channel.settings.get("threads_user_id", "")).strip()
    if named and named != user_id:
        messages.error(
            request,
            _(
                "This Threads account (%(account)s) is not the one this channel posts as (%(named)s). "
                "Nothing was changed: sign in to Threads as that account."
            )
            % {"account": f"@{username}" if username else user_id, "named": named},
        )
        return redirect("channel_detail", channel.pk)
    channel.settings = {**channel.settings, "threads_user_id": user_id}
    return None


@login_required
def oauth_callback(request: HttpRequest) -> HttpResponse:
    pending: dict[str, Any] = dict(request.session.get(SESSION_KEY, {}))
    entry = pending.pop(request.GET.get("state", ""), None)
    request.session[SESSION_KEY] = pending
    if entry is None or time.time() - entry.get("at", 0) > MAX_AGE_S:
        return render(
            request,
            "publishing/oauth_failed.html",
            {"active": "publish"},
            status=400,
        )
    channel = get_object_or_404(Channel.objects.select_related("mission"), pk=entry["channel"])
    require(request.user, Perm.PUBLISH, channel.mission)
    if request.GET.get("error") or not request.GET.get("code"):
        reason = request.GET.get("error_description") or request.GET.get("error") or _("no code was returned")
        messages.error(request, _("The platform did not grant access: %(error)s") % {"error": reason})
        return redirect("channel_detail", channel.pk)
    pages: list[meta.Page] = []
    token: Token | None = None
    try:
        with http_client() as client:
            if channel.platform in FACEBOOK_LOGIN:
                pages = _facebook_pages(client, channel, request.GET["code"], callback_uri(request))
            else:
                token = _exchange(
                    client, channel, request.GET["code"], callback_uri(request), entry["verifier"]
                )
                if channel.platform == "threads":
                    refused = _threads_account(request, channel, meta.threads_profile(client, token))
                    if refused is not None:
                        return refused
    except ConnectorError as exc:
        Channel.objects.filter(pk=channel.pk).update(last_error=str(exc)[:2000], last_error_at=timezone.now())
        messages.error(request, _("The platform refused the connection: %(error)s") % {"error": exc})
        return redirect("channel_detail", channel.pk)
    if token is None:
        return pick_page(request, channel, pages)
    return connected(request, channel, token)

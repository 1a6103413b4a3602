"""Connecting a channel through the platform's own consent screen: start (POST), then the callback.

The state and the PKCE verifier stay in the person's session until the platform sends the browser
back; the callback accepts only a state that this session started in the last 15 minutes, checks
again that the person may connect the channel, swaps the code for a token and stores it encrypted.
Reconnecting keeps the channel and its deliveries; only the credentials change. Mastodon needs an
app registered on each instance first: elshi registers it once and every channel there reuses it.
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

from elshi.audit.log import record
from elshi.connectors import ConnectorError, Token
from elshi.connectors import connect as oauth2
from elshi.connectors.mastodon import oauth as mastodon
from elshi.connectors.oauth import Pkce, new_pkce
from elshi.missions.models import Channel, ChannelStatus
from elshi.missions.permissions import Perm, require
from elshi.publishing.accounts import account_of, http_client, store_token
from elshi.publishing.models import OAuthApp
from elshi.web.crypto import decrypt_json, encrypt_json

SESSION_KEY = "elshi_oauth"
MAX_AGE_S = 15 * 60
# Platforms that take a PKCE challenge with a confidential client; the others ignore or refuse it.
PKCE_PLATFORMS = frozenset({"mastodon", "x", "youtube"})
OAUTH_PLATFORMS = frozenset({"mastodon", *oauth2.PROVIDERS})


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
    stored = account_of(channel).secrets
    client_id = stored.get("client_id") or stored.get("client_key") or ""
    return client_id, stored.get("client_secret") or None


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
            client_id, _secret = _client_credentials(channel)
            if not client_id:
                messages.error(
                    request,
                    _("Save the client id of the ministry's app on %(platform)s first.")
                    % {"platform": channel.get_platform_display()},
                )
                return redirect("channel_detail", pk)
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
    return oauth2.exchange_code(
        client,
        channel.platform,
        code,
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri=callback,
        pkce=pkce,
    )


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
    try:
        with http_client() as client:
            token = _exchange(client, channel, request.GET["code"], callback_uri(request), entry["verifier"])
    except ConnectorError as exc:
        Channel.objects.filter(pk=channel.pk).update(last_error=str(exc)[:2000], last_error_at=timezone.now())
        messages.error(request, _("The platform refused the connection: %(error)s") % {"error": exc})
        return redirect("channel_detail", channel.pk)
    reconnect = bool(channel.token_encrypted)
    store_token(channel, token)
    channel.status = ChannelStatus.OK
    channel.connected_at = timezone.now()
    channel.last_error = ""
    channel.save()
    record(
        request.user,
        "channel.oauth_connect",
        channel,
        mission_slug=channel.mission.slug,
        changes={
            "platform": channel.platform,
            "reconnect": reconnect,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None,
            "refresh_token": token.refresh_token is not None,
        },
    )
    messages.success(request, _("Connected. elshi can now post to this account."))
    return redirect("channel_detail", channel.pk)

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
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from elshi.audit.log import record
from elshi.connectors import ConnectorError, Token
from elshi.connectors import connect as oauth2
from elshi.connectors.mastodon import oauth as mastodon
from elshi.connectors.meta import connect as meta
from elshi.connectors.oauth import Pkce, new_pkce
from elshi.missions.models import Channel, ChannelStatus
from elshi.missions.permissions import Perm, require
from elshi.publishing.accounts import account_of, http_client, store_token
from elshi.publishing.models import OAuthApp
from elshi.web.crypto import decrypt_json, encrypt_json

SESSION_KEY = "elshi_oauth"
PAGES_KEY = "elshi_oauth_pages"
MAX_AGE_S = 15 * 60
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
    except ConnectorError as exc:
        Channel.objects.filter(pk=channel.pk).update(last_error=str(exc)[:2000], last_error_at=timezone.now())
        messages.error(request, _("The platform refused the connection: %(error)s") % {"error": exc})
        return redirect("channel_detail", channel.pk)
    if token is None:
        return _pick_page(request, channel, pages)
    return _connected(request, channel, token)


def _connected(
    request: HttpRequest, channel: Channel, token: Token, page: meta.Page | None = None
) -> HttpResponse:
    """Store the token (and the Page it speaks for), mark the channel connected, audit it."""
    reconnect = bool(channel.token_encrypted)
    store_token(channel, token)
    changes: dict[str, Any] = {
        "platform": channel.platform,
        "reconnect": reconnect,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "refresh_token": token.refresh_token is not None,
    }
    if page is not None:
        changes |= {"page_id": page.page_id, "page": page.name}
        if channel.platform == "instagram":
            # A Page token speaks to Facebook Login's host, not Instagram Login's.
            channel.settings = {k: v for k, v in channel.settings.items() if k != "api_base"} | {
                "ig_user_id": page.instagram_user_id
            }
            changes["ig_user_id"] = page.instagram_user_id
        else:
            channel.settings = {**channel.settings, "page_id": page.page_id}
    channel.status = ChannelStatus.OK
    channel.connected_at = timezone.now()
    channel.last_error = ""
    channel.save()
    record(request.user, "channel.oauth_connect", channel, mission_slug=channel.mission.slug, changes=changes)
    if page is None:
        messages.success(request, _("Connected. elshi can now post to this account."))
    else:
        messages.success(
            request, _("Connected to %(page)s. elshi can now post to this account.") % {"page": page.name}
        )
    return redirect("channel_detail", channel.pk)


def _named(channel: Channel, page: meta.Page) -> str | None:
    """What the channel's settings call this Page: its id (Facebook) or its Instagram account's."""
    return page.instagram_user_id if channel.platform == "instagram" else page.page_id


def _pick_page(request: HttpRequest, channel: Channel, pages: list[meta.Page]) -> HttpResponse:
    """The channel's own Page if it names one, the only Page there is, or the person's choice."""
    instagram = channel.platform == "instagram"
    suitable = [page for page in pages if page.instagram_user_id] if instagram else pages
    named = str(channel.settings.get("ig_user_id" if instagram else "page_id", "")).strip()
    chosen = [page for page in suitable if _named(channel, page) == named] if named else suitable
    if len(chosen) == 1:
        return _connected(request, channel, chosen[0].token, chosen[0])
    if named:
        message = (
            _(
                "No Page that this Facebook account manages is linked to the Instagram account "
                "%(account)s that this channel posts to. Nothing was changed: sign in with an account "
                "that manages the Page linked to it."
            )
            if instagram
            else _(
                "This Facebook account does not manage the Page %(page)s that this channel posts to. "
                "Nothing was changed: sign in with an account that manages it."
            )
        )
        messages.error(request, message % {"account": named, "page": named})
    elif not chosen:
        messages.error(
            request,
            _(
                "None of the Pages that this Facebook account manages has an Instagram professional "
                "account linked. Nothing was changed: link the mission's Instagram account to its "
                "Facebook Page, then connect again."
            )
            if instagram
            else _(
                "This Facebook account manages no Page, or did not let elshi see them. Nothing was "
                "changed: sign in with an account that manages the mission's Page and allow access to it."
            ),
        )
    else:
        _remember_pages(request, channel, chosen)
        return redirect("channel_oauth_page", channel.pk)
    return redirect("channel_detail", channel.pk)


def _remember_pages(request: HttpRequest, channel: Channel, pages: list[meta.Page]) -> None:
    now = time.time()
    kept = {
        key: entry
        for key, entry in request.session.get(PAGES_KEY, {}).items()
        if now - entry.get("at", 0) < MAX_AGE_S
    }
    offered = [
        {"id": p.page_id, "name": p.name, "token": p.token.access_token, "ig": p.instagram_user_id}
        for p in pages
    ]
    kept[str(channel.pk)] = {"at": now, "pages": encrypt_json(offered)}
    request.session[PAGES_KEY] = kept


def _offered_pages(request: HttpRequest, channel: Channel) -> list[meta.Page] | None:
    entry = request.session.get(PAGES_KEY, {}).get(str(channel.pk))
    if not entry or time.time() - entry.get("at", 0) > MAX_AGE_S:
        return None
    return [
        meta.Page(str(p["id"]), str(p["name"]), Token(str(p["token"])), p.get("ig") or None)
        for p in decrypt_json(entry["pages"])
    ]


def _forget_pages(request: HttpRequest, channel: Channel) -> None:
    kept = dict(request.session.get(PAGES_KEY, {}))
    kept.pop(str(channel.pk), None)
    request.session[PAGES_KEY] = kept


class PageChoiceForm(forms.Form):
    page = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args: Any, pages: list[meta.Page], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["page"].label = _("Facebook Page")
        self.fields["page"].choices = [(page.page_id, page.name) for page in pages]  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def oauth_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose which of the fetched Pages the channel posts to (or, for Instagram, whose account)."""
    channel = get_object_or_404(Channel.objects.select_related("mission"), pk=pk)
    require(request.user, Perm.PUBLISH, channel.mission)
    pages = _offered_pages(request, channel)
    if pages is None:
        messages.error(
            request,
            _("The list of Pages is no longer available (it is kept for 15 minutes). Connect again."),
        )
        return redirect("channel_detail", pk)
    form = PageChoiceForm(request.POST if request.method == "POST" else None, pages=pages)
    if request.method == "POST" and form.is_valid():
        page = next(page for page in pages if page.page_id == form.cleaned_data["page"])
        _forget_pages(request, channel)
        return _connected(request, channel, page.token, page)
    return render(
        request,
        "publishing/oauth_pages.html",
        {"channel": channel, "form": form, "pages": pages, "active": "publish"},
        status=400 if request.method == "POST" else 200,
    )

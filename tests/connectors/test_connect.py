from __future__ import annotations

import httpx
import pytest

from elshi.connectors import ConfigurationError
from elshi.connectors.connect import authorize_url, exchange_code
from elshi.connectors.meta.connect import (
    facebook_authorize_url,
    facebook_exchange_code,
    facebook_long_lived,
    facebook_pages,
    threads_long_lived,
)
from elshi.connectors.oauth import new_pkce

from .conftest import FakePlatform

REDIRECT = "https://elshi.example/channels/callback"


def form(request: httpx.Request) -> dict[str, str]:
    return dict(httpx.QueryParams(request.content.decode()))


def test_authorize_urls_per_provider() -> None:
    tiktok = httpx.URL(authorize_url("tiktok", client_id="ck", redirect_uri=REDIRECT, state="s"))
    assert (
        tiktok.params["client_key"] == "ck"
        and tiktok.params["scope"] == "user.info.basic,video.publish,video.list"
    )
    google = httpx.URL(
        authorize_url("youtube", client_id="g", redirect_uri=REDIRECT, state="s", pkce=new_pkce())
    )
    assert google.params["access_type"] == "offline" and google.params["prompt"] == "consent"
    assert google.params["code_challenge_method"] == "S256"
    linkedin = httpx.URL(authorize_url("linkedin", client_id="li", redirect_uri=REDIRECT, state="s"))
    assert (
        linkedin.host == "www.linkedin.com"
        and linkedin.params["scope"] == "w_organization_social r_organization_social rw_organization_admin"
    )
    with pytest.raises(ConfigurationError):
        authorize_url("bluesky", client_id="x", redirect_uri=REDIRECT, state="s")


@pytest.mark.parametrize(
    ("platform", "url", "fixture", "id_field"),
    [
        ("linkedin", "https://www.linkedin.com/oauth/v2/accessToken", "connect/linkedin_token", "client_id"),
        ("tiktok", "https://open.tiktokapis.com/v2/oauth/token/", "connect/tiktok_token", "client_key"),
        ("youtube", "https://oauth2.googleapis.com/token", "connect/google_token", "client_id"),
    ],
)
def test_code_exchange(fake: FakePlatform, platform: str, url: str, fixture: str, id_field: str) -> None:
    fake.add("POST", url, fixture=fixture)
    token = exchange_code(
        fake.client(), platform, "the-code", client_id="cid", client_secret="sec", redirect_uri=REDIRECT
    )
    assert token.refresh_token and token.expires_at is not None
    sent = form(fake.requests[0])
    assert sent == {
        "grant_type": "authorization_code",
        "code": "the-code",
        "redirect_uri": REDIRECT,
        id_field: "cid",
        "client_secret": "sec",
    }


def test_facebook_login_to_page_tokens(fake: FakePlatform) -> None:
    assert (
        "pages_manage_posts"
        in httpx.URL(facebook_authorize_url(app_id="a", redirect_uri=REDIRECT, state="s")).params["scope"]
    )
    fake.add("GET", "https://graph.facebook.com/v25.0/oauth/access_token", fixture="connect/fb_token")
    fake.add("GET", "https://graph.facebook.com/v25.0/oauth/access_token", fixture="connect/fb_token")
    fake.add("GET", "https://graph.facebook.com/v25.0/me/accounts", fixture="connect/fb_accounts")
    client = fake.client()
    short = facebook_exchange_code(client, "c", app_id="a", app_secret="s", redirect_uri=REDIRECT)
    long = facebook_long_lived(client, short, app_id="a", app_secret="s")
    pages = facebook_pages(client, long)
    assert fake.requests[1].url.params["grant_type"] == "fb_exchange_token"
    assert "Authorization" not in fake.requests[0].headers
    assert fake.requests[2].headers["Authorization"] == "Bearer EAAGm0PX4ZCpsBAshort"
    assert [(p.page_id, p.instagram_user_id, p.token.access_token) for p in pages] == [
        ("1234567890", "17841405822304914", "EAAGpage1"),
        ("2234567890", None, "EAAGpage2"),
    ]


def test_threads_long_lived_exchange(fake: FakePlatform) -> None:
    from elshi.connectors import Token

    fake.add("GET", "https://graph.threads.net/access_token", fixture="connect/threads_long_lived")
    token = threads_long_lived(fake.client(), Token("short"), app_secret="s")
    assert token.access_token == "THQVJlong" and token.expires_at is not None
    assert fake.requests[0].url.params["grant_type"] == "th_exchange_token"


def test_facebook_pages_follow_the_after_cursor_page_by_page(fake: FakePlatform) -> None:
    # Meta pages me/accounts (25 at a time by default); the last page has no "next".
    fake.add("GET", "https://graph.facebook.com/v25.0/me/accounts", fixture="connect/fb_accounts_page1")
    fake.add("GET", "https://graph.facebook.com/v25.0/me/accounts", fixture="connect/fb_accounts")
    from elshi.connectors import Token

    pages = facebook_pages(fake.client(), Token("EAAGuser"))
    assert [p.page_id for p in pages] == ["1234567890", "1234567890", "2234567890"]
    first, second = fake.requests
    assert "after" not in first.url.params
    assert second.url.params["after"] == "MTIzNDU2Nzg5MAZDZD"  # the cursor, not the "next" URL
    assert second.url.host == "graph.facebook.com" and second.url.path == "/v25.0/me/accounts"

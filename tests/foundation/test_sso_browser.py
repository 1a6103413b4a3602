"""Single sign-on in a real Chromium against the real OpenID Provider on 127.0.0.1 (issue 18)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import override_settings

from elshi.missions.models import Membership
from tests.browser import LOCAL_HOSTS
from tests.foundation.oidc import Provider, running_provider

pytestmark = pytest.mark.browser


@pytest.fixture
def sso_live(live_server: Any) -> Iterator[Provider]:
    with running_provider(f"{live_server.url}/oidc/callback/") as provider:
        with override_settings(**provider.settings()):
            yield provider


def _through_provider(page: Any, base: str, login: str) -> None:
    page.route("https://fonts.googleapis.com/**", lambda route: route.abort())
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="Sign in with MFA Identity").click()
    page.locator('input[name="login"]').fill(login)
    page.locator('input[name="password"]').fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()  # the provider's consent page


def test_sign_in_with_the_provider_lands_signed_in_with_the_mapped_role(
    browser_page: Any, live_server: Any, sso_live: Provider, missions: dict[str, Any]
) -> None:
    page, requested = browser_page
    _through_provider(page, live_server.url, "diana")
    page.wait_for_url(f"{live_server.url}/")
    # elshi and the provider only (data: URLs have no host). The provider's quick-start login page
    # (oidc-provider's devInteractions, not elshi) links a Google font: aborted in _through_provider.
    hosts = {urlsplit(url).hostname for url in requested if url.startswith("http")}
    assert hosts - {"fonts.googleapis.com"} <= LOCAL_HOSTS
    membership = Membership.objects.get(user__email="diana@mfa.example")
    assert (membership.mission.slug, membership.role) == ("berlin", "mission_editor")
    page.goto(f"{live_server.url}/account/")
    assert "diana" in page.content()


def test_an_unverified_address_is_refused_with_its_reason(
    browser_page: Any, live_server: Any, sso_live: Provider, missions: dict[str, Any]
) -> None:
    page, _ = browser_page
    _through_provider(page, live_server.url, "ulan")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert "did not confirm a verified e-mail address" in page.content()


def test_with_local_login_off_only_the_provider_remains(
    browser_page: Any, live_server: Any, sso_live: Provider, missions: dict[str, Any]
) -> None:
    page, _ = browser_page
    with override_settings(ELSHI_LOCAL_LOGIN=False):
        page.goto(f"{live_server.url}/accounts/login/")
        assert page.locator('input[name="password"]').count() == 0
        _through_provider(page, live_server.url, "diana")
        page.wait_for_url(f"{live_server.url}/")

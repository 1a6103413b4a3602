"""Issue 17 (AUTH): the real client behind ELSHI_TRUSTED_PROXIES, for lockouts and waitress."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from elshi.cli.server import waitress_options
from elshi.missions.client_address import parse_networks, real_client, trusted_proxies_wsgi
from tests.conftest import PASSWORD

PROXY = "10.0.0.5"
TRUSTED = parse_networks(["10.0.0.0/24", "::1"])


def _login(client: Client, password: str, via: str, remote: str = PROXY) -> Any:
    return client.post(
        "/accounts/login/",
        {"username": "author", "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=via,
    )


def test_real_client_is_the_nearest_untrusted_hop() -> None:
    assert real_client(PROXY, "198.51.100.7", TRUSTED) == "198.51.100.7"
    # The client forged the leftmost entry; the proxy appended what it saw.
    assert real_client(PROXY, "1.2.3.4, 198.51.100.7", TRUSTED) == "198.51.100.7"
    assert real_client(PROXY, "198.51.100.7, 10.0.0.9", TRUSTED) == "198.51.100.7"
    # From an untrusted peer the header is ignored.
    assert real_client("203.0.113.9", "198.51.100.7", TRUSTED) == "203.0.113.9"
    assert real_client(PROXY, "", TRUSTED) == PROXY


def test_a_bad_trusted_proxy_names_itself() -> None:
    with pytest.raises(ImproperlyConfigured, match="not-an-ip"):
        parse_networks(["10.0.0.1", "not-an-ip"])


def test_sprayer_behind_the_proxy_cannot_lock_the_person_out(people: dict[str, Any], settings: Any) -> None:
    settings.ELSHI_TRUSTED_PROXIES = ["10.0.0.0/24"]
    attacker = Client()
    for _ in range(5):
        _login(attacker, "wrong", via="203.0.113.9")
    assert _login(attacker, PASSWORD, via="203.0.113.9").status_code == 429
    # Same proxy, same username, the person's own address: not locked.
    assert _login(Client(), PASSWORD, via="198.51.100.7").status_code == 302


def test_forged_forwarded_for_from_untrusted_peer_does_not_dodge_lockout(
    people: dict[str, Any], settings: Any
) -> None:
    settings.ELSHI_TRUSTED_PROXIES = []
    attacker = Client()
    for n in range(5):
        _login(attacker, "wrong", via=f"192.0.2.{n}", remote="203.0.113.9")
    assert _login(attacker, PASSWORD, via="192.0.2.99", remote="203.0.113.9").status_code == 429


def test_waitress_gets_the_real_client_only_from_trusted_proxies(settings: Any) -> None:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        return []

    settings.ELSHI_TRUSTED_PROXIES = []
    assert waitress_options(app) == {"app": app, "clear_untrusted_proxy_headers": True}
    settings.ELSHI_TRUSTED_PROXIES = ["10.0.0.0/24"]
    options = waitress_options(app)
    assert options["clear_untrusted_proxy_headers"] is False
    wrapped = options["app"]
    headers = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.7", "HTTP_X_FORWARDED_PROTO": "https"}
    wrapped({"REMOTE_ADDR": PROXY, "wsgi.url_scheme": "http", **headers}, None)
    assert seen["REMOTE_ADDR"] == "198.51.100.7" and seen["wsgi.url_scheme"] == "https"
    assert "HTTP_X_FORWARDED_FOR" not in seen
    seen.clear()
    trusted_proxies_wsgi(app, TRUSTED)(
        {"REMOTE_ADDR": "203.0.113.9", "wsgi.url_scheme": "http", **headers}, None
    )
    assert seen["REMOTE_ADDR"] == "203.0.113.9" and seen["wsgi.url_scheme"] == "http"
    assert "HTTP_X_FORWARDED_FOR" not in seen and "HTTP_X_FORWARDED_PROTO" not in seen

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from elshi import connectors
from elshi.connectors import (
    REGISTRY,
    Account,
    ConfigurationError,
    ConnectorError,
    NotSent,
    OutcomeUnknown,
    Publisher,
    RateLimited,
    Token,
    create,
    register,
)
from elshi.connectors._http import retry_after_seconds

from .conftest import offline_client


def test_importing_connectors_never_imports_django() -> None:
    code = (
        "import importlib, pkgutil, sys, elshi.connectors as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'elshi.connectors.'): importlib.import_module(m.name)\n"
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if m.startswith('django'))\n"
        "print(len(c.platforms()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 4


def test_every_registered_connector_satisfies_the_protocol() -> None:
    for platform in connectors.platforms():
        made = create(platform, offline_client(), Account(settings=_settings(platform)))
        assert isinstance(made, Publisher), platform
        assert made.platform == platform
        if platform not in ("mastodon", "sandbox"):  # Mastodon reads its rules from the instance
            assert made.rules().platform == platform


def _settings(platform: str) -> dict[str, str]:
    return {
        "base_url": "https://m.example",
        "chat_id": "@c",
        "url": "https://h.example",
        "handle": "a.test",
        "page_id": "1",
        "ig_user_id": "1",
        "threads_user_id": "1",
        "author": "urn:li:organization:1",
    }


def test_unknown_platform_and_custom_registration() -> None:
    with pytest.raises(ConfigurationError, match="myspace"):
        create("myspace", offline_client(), Account())
    register("sandbox-test", REGISTRY["webhook"])
    try:
        assert "sandbox-test" in connectors.platforms()
    finally:
        del REGISTRY["sandbox-test"]


def test_missing_settings_and_secrets_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="'base_url'"):
        create("mastodon", offline_client(), Account())
    assert ConfigurationError("x").permanent


def test_only_not_sent_is_retryable() -> None:
    assert NotSent("x").permanent is False and RateLimited("x").permanent is False
    assert OutcomeUnknown("x").permanent is True
    assert isinstance(RateLimited("x"), ConnectorError)


def test_retry_after_header_forms() -> None:
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    assert retry_after_seconds({"retry-after": "12"}, now) == 12
    assert retry_after_seconds({"retry-after": "Sat, 28 Nov 2026 09:00:30 GMT"}, now) == 30
    assert retry_after_seconds({"x-rate-limit-reset": str(int(now.timestamp()) + 60)}, now) == 60
    assert retry_after_seconds({"x-ratelimit-reset": "2026-11-28T09:05:00.000Z"}, now) == 300
    assert retry_after_seconds({}, now) is None


def test_token_round_trips_through_json_and_hides_secrets() -> None:
    token = Token("access-s3cret", "refresh-s3cret", datetime(2026, 11, 28, 10, tzinfo=UTC), "write")
    assert Token.from_json(token.to_json()) == token
    assert "s3cret" not in repr(token) and "s3cret" not in repr(Account(token=token, secrets={"k": "s3cret"}))
    assert token.expires_within(timedelta(minutes=10), datetime(2026, 11, 28, 9, 55, tzinfo=UTC))
    assert not token.expires_within(timedelta(minutes=10), datetime(2026, 11, 28, 9, 0, tzinfo=UTC))


def test_httpx_log_lines_lose_their_secrets(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from elshi.connectors.redact import redact

    line = 'HTTP Request: POST https://api.telegram.org/bot123456:ABC-DEF_ghi/sendMessage "HTTP/1.1 200 OK"'
    assert (
        redact(line)
        == 'HTTP Request: POST https://api.telegram.org/bot[REDACTED]/sendMessage "HTTP/1.1 200 OK"'
    )
    assert redact("GET /refresh_access_token?grant_type=th_refresh_token&access_token=THQ-secret x") == (
        "GET /refresh_access_token?grant_type=th_refresh_token&access_token=[REDACTED] x"
    )
    with caplog.at_level(logging.INFO, logger="httpx"):
        logging.getLogger("httpx").info(
            "HTTP Request: %s %s", "GET", "https://x.example/?access_token=s3cret"
        )
    assert "s3cret" not in caplog.text and "[REDACTED]" in caplog.text


def test_catalog_matches_the_registry_and_the_connectors() -> None:
    from elshi.connectors.catalog import CATALOG

    assert sorted(CATALOG) == connectors.platforms()
    for platform, info in CATALOG.items():
        rules = connectors.rules_for("mastodon" if platform == "sandbox" else platform)
        assert info.media_required == rules.media_required, platform
        # A channel holding exactly the catalogued settings can be built.
        create(platform, offline_client(), Account(settings=dict.fromkeys(info.settings, "x")))


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, "Rejected"),
        (401, "AuthError"),
        (403, "Rejected"),
        (408, "NotSent"),
        (422, "Rejected"),
        (429, "RateLimited"),
        (500, "NotSent"),
        (502, "NotSent"),
        (503, "NotSent"),
        (504, "OutcomeUnknown"),
    ],
)
def test_status_codes_map_to_errors(status: int, expected: str) -> None:
    from elshi.connectors._http import check_status

    with pytest.raises(ConnectorError) as caught:
        check_status(httpx.Response(status), platform="p", detail="said no")
    assert type(caught.value).__name__ == expected and "said no" in str(caught.value)
    check_status(httpx.Response(201), platform="p")

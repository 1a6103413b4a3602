"""The parts every connector shares: JSON calls, the refresh-token grant, metric counts, and the facts
each publisher declares (from which the registry, catalog, text rules and OAuth providers come)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from elshi import connectors
from elshi.connectors import (
    Account,
    AuthError,
    BasePublisher,
    ConfigurationError,
    Metrics,
    NotSent,
    Rejected,
    Token,
    create,
)
from elshi.connectors._builtin import BUILTIN
from elshi.connectors._http import JsonApi, JSONObject
from elshi.connectors.catalog import CATALOG
from elshi.connectors.connect import PROVIDERS
from elshi.connectors.errors import ConnectorError
from elshi.connectors.facts import PlatformFacts
from elshi.connectors.text import RULES, PlatformRules

from .conftest import FakePlatform, offline_client

WHEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_json_api_joins_paths_keeps_absolute_urls_and_reads_headers_per_call(fake: FakePlatform) -> None:
    fake.add("GET", "https://api.example/v1/things", json_body={"ok": 1})
    fake.add("PUT", "https://upload.example/session", json_body={})
    tokens = iter(["first", "second"])
    api = JsonApi(
        fake.client(),
        "p",
        base="https://api.example/v1/",
        headers=lambda: {"Authorization": f"Bearer {next(tokens)}"},
    )
    assert api.call("GET", "/things") == {"ok": 1}
    api.call("PUT", "https://upload.example/session", headers={"Content-Type": "video/mp4"})
    assert fake.requests[0].headers["Authorization"] == "Bearer first"
    assert fake.requests[1].headers["Authorization"] == "Bearer second"
    assert fake.requests[1].headers["Content-Type"] == "video/mp4"


def test_json_api_maps_errors_by_status_or_by_the_platforms_own_map(fake: FakePlatform) -> None:
    fake.add("POST", "https://api.example/a", status=422, json_body={"error": "too long"})
    fake.add("POST", "https://api.example/b", status=200, json_body={"failure": "quota"})
    with pytest.raises(Rejected, match=r"^p: HTTP 422: too long$"):
        JsonApi(fake.client(), "p", base="https://api.example").call("POST", "a")

    def quota_in_body(platform: str, response: httpx.Response, body: JSONObject) -> ConnectorError | None:
        return NotSent(f"{platform}: {body['failure']}") if "failure" in body else None

    with pytest.raises(NotSent, match="p: quota"):
        JsonApi(fake.client(), "p", base="https://api.example", errors=quota_in_body).call("POST", "b")


def test_metrics_from_counts_takes_whole_numbers_only() -> None:
    counts = {"likeCount": 3, "replyCount": "7", "viewCount": None}
    metrics = Metrics.from_counts(counts, likes="likeCount", replies="replyCount", views="viewCount")
    assert (metrics.likes, metrics.replies, metrics.views, metrics.reposts) == (3, None, None, None)
    youtube = Metrics.from_counts(
        {"likeCount": "7", "viewCount": 9}, likes="likeCount", views="viewCount", digit_strings=True
    )
    assert (youtube.likes, youtube.views) == (7, None)


def test_every_builtin_platform_is_declared_once_and_everything_follows_from_it() -> None:
    assert sorted(p.platform for p in BUILTIN) == connectors.platforms() == sorted(CATALOG)
    for publisher in BUILTIN:
        facts = publisher.facts
        assert (publisher.platform, publisher.idempotent) == (facts.platform, facts.idempotent)
        assert CATALOG[facts.platform] is facts
        if facts.rules is not None:
            assert RULES[facts.platform] is facts.rules
        # The screens promise metrics exactly where the connector fetches them.
        assert facts.metrics == (publisher.fetch_metrics is not BasePublisher.fetch_metrics), facts.platform
    assert PROVIDERS == {
        p.platform: p.facts.oauth for p in BUILTIN if p.facts.oauth and p.facts.connect == "oauth2"
    }
    assert set(PROVIDERS) == {"x", "linkedin", "tiktok", "youtube", "threads"}


def test_facts_refuse_another_platforms_rules() -> None:
    with pytest.raises(ValueError, match="'x'"):
        PlatformFacts("bluesky", "Bluesky", "app_password", rules=PlatformRules("x", 280))


@pytest.mark.parametrize(
    ("platform", "secrets"),
    [
        ("linkedin", {"client_id": "id", "client_secret": "s"}),
        ("youtube", {"client_id": "id", "client_secret": "s"}),
        ("tiktok", {"client_key": "id", "client_secret": "s"}),
        ("x", {"client_id": "id"}),
    ],
)
def test_one_refresh_for_every_oauth_platform(platform: str, secrets: dict[str, str]) -> None:
    settings = {"author": "urn:li:person:1"}
    soon = Token("t", None, WHEN + timedelta(minutes=5))
    made = create(platform, offline_client(), Account(settings=settings, secrets=secrets, token=soon))
    assert made.refresh_if_needed(WHEN - timedelta(hours=1)) is None  # far from expiry: nothing sent
    with pytest.raises(AuthError, match=f"^{platform}: token expires and there is no refresh token"):
        made.refresh_if_needed(WHEN)


def test_a_declared_client_secret_is_required_for_refresh() -> None:
    soon = Token("t", "r", WHEN + timedelta(minutes=5))
    account = Account(settings={"author": "urn:li:person:1"}, secrets={"client_id": "id"}, token=soon)
    with pytest.raises(ConfigurationError, match="'client_secret'"):
        create("linkedin", offline_client(), account).refresh_if_needed(WHEN)

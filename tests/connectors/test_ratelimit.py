from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx

from elshi.connectors.ratelimit import RateLimitTracker

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_x_mastodon_and_bluesky_windows() -> None:
    tracker = RateLimitTracker()
    reset = int((NOW + timedelta(minutes=15)).timestamp())
    tracker.observe(
        "api.x.com",
        httpx.Headers(
            {"x-rate-limit-limit": "100", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}
        ),
        NOW,
    )
    tracker.observe(
        "mastodon.example",
        httpx.Headers(
            {
                "X-RateLimit-Limit": "300",
                "X-RateLimit-Remaining": "299",
                "X-RateLimit-Reset": "2026-11-28T09:05:00.000Z",
            }
        ),
        NOW,
    )
    tracker.observe(
        "bsky.social",
        httpx.Headers(
            {
                "ratelimit-limit": "5000",
                "ratelimit-remaining": "0",
                "ratelimit-reset": str(int(NOW.timestamp()) + 30),
                "ratelimit-policy": "5000;w=3600",
            }
        ),
        NOW,
    )
    assert tracker.wait_seconds("api.x.com", NOW) == 900
    assert tracker.wait_seconds("mastodon.example", NOW) == 0
    assert tracker.windows["mastodon.example"].reset_at == datetime(2026, 11, 28, 9, 5, tzinfo=UTC)
    assert tracker.wait_seconds("bsky.social", NOW) == 30
    assert tracker.wait_seconds("unknown.example", NOW) == 0


def test_meta_usage_percentages() -> None:
    tracker = RateLimitTracker()
    tracker.observe(
        "graph.facebook.com",
        httpx.Headers({"x-app-usage": json.dumps({"call_count": 28, "total_time": 25, "total_cputime": 25})}),
        NOW,
    )
    assert tracker.wait_seconds("graph.facebook.com", NOW) == 0
    usage = {
        "1234567890": [
            {
                "type": "pages",
                "call_count": 96,
                "total_cputime": 20,
                "total_time": 30,
                "estimated_time_to_regain_access": 12,
            }
        ]
    }
    tracker.observe(
        "graph.facebook.com", httpx.Headers({"x-business-use-case-usage": json.dumps(usage)}), NOW
    )
    assert tracker.windows["graph.facebook.com"].usage_percent == 96
    assert tracker.wait_seconds("graph.facebook.com", NOW) == 720


def test_works_as_an_httpx_hook() -> None:
    tracker = RateLimitTracker()

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "60"})

    with httpx.Client(transport=httpx.MockTransport(answer), event_hooks={"response": [tracker]}) as client:
        client.get("https://mastodon.example/api/v1/statuses/1")
    assert 59 <= tracker.wait_seconds("mastodon.example") <= 60

"""Mastodon: statuses with media, an Idempotency-Key on every status, limits read from the instance."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import ClassVar

import httpx

from .._http import JsonApi, JSONObject, preliminary
from ..errors import OutcomeUnknown, Rejected
from ..facts import PlatformFacts
from ..protocol import BasePublisher
from ..text import PlatformRules, mastodon_rules
from ..types import Account, Delivery, Media, Metrics, Published

__all__ = ["MastodonPublisher", "clear_instance_cache", "fetch_instance"]


def fetch_instance(client: httpx.Client, base_url: str) -> JSONObject:
    """The instance's configuration (limits, media types): ``GET /api/v2/instance``, or ``/api/v1/instance``
    on servers older than Mastodon 4.0 (and Pleroma/Akkoma, whose ``max_toot_chars`` is mapped in)."""
    api = JsonApi(client, "mastodon", base=base_url)
    response = api.send("GET", "/api/v2/instance")
    if response.status_code == 404:
        response = api.send("GET", "/api/v1/instance")
    body = api.read(response)
    limit = body.get("max_toot_chars")
    if isinstance(limit, int) and "configuration" not in body:
        body["configuration"] = {"statuses": {"max_characters": limit}}
    return body


_INSTANCE_TTL_S = 3600.0
_instances: dict[str, tuple[float, PlatformRules]] = {}
_instances_lock = threading.Lock()


def clear_instance_cache() -> None:
    """Forget every instance's limits (tests; or after an admin changes them)."""
    with _instances_lock:
        _instances.clear()


def _cached_instance_rules(client: httpx.Client, base_url: str) -> PlatformRules:
    with _instances_lock:
        cached = _instances.get(base_url)
    if cached is not None and time.monotonic() - cached[0] < _INSTANCE_TTL_S:
        return cached[1]
    rules = mastodon_rules(fetch_instance(client, base_url))
    with _instances_lock:
        _instances[base_url] = (time.monotonic(), rules)
    return rules


class MastodonPublisher(BasePublisher):
    """Settings: ``base_url`` (the instance), optional ``visibility`` (default ``public``)."""

    # Mastodon keeps Idempotency-Key for an hour (its PostStatusService stores the key with a
    # 3,600 s expiry): a re-send within it returns the same status, a later one posts a second
    # copy. The rules are Mastodon's defaults; a channel's own come from its instance (``rules``).
    facts: ClassVar[PlatformFacts] = PlatformFacts(
        "mastodon",
        "Mastodon",
        "mastodon_app",
        settings=("base_url",),
        token=True,
        idempotent=True,
        idempotency_window=3600,
        rules=PlatformRules(
            "mastodon", 500, counting="mastodon", max_media=4, alt_text_max=1500, max_videos=1
        ),
    )
    media_poll_attempts: ClassVar[int] = 30

    def __init__(
        self, client: httpx.Client, account: Account, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        super().__init__(client, account)
        self.base_url = account.setting("base_url").rstrip("/")
        self.sleep = sleep
        self._rules: PlatformRules | None = None
        self.api = JsonApi(client, self.platform, base=self.base_url, headers=self.bearer)

    def rules(self) -> PlatformRules:
        """The instance's limits: from the channel's stored ``rules_json`` setting when present, else
        read from the instance once an hour per process (not once per delivery)."""
        if self._rules is None:
            stored = self.account.settings.get("rules_json")
            if stored:
                self._rules = PlatformRules.from_json(json.loads(stored))
            else:
                self._rules = _cached_instance_rules(self.client, self.base_url)
        return self._rules

    def upload(self, media: Media) -> str:
        """``POST /api/v2/media``; a 202 means still processing, so poll until it has a URL."""
        files = {"file": (media.filename, media.require_data(), media.mime_type)}
        data = {"description": media.alt_text} if media.alt_text else {}
        body = self.api.call("POST", "/api/v2/media", files=files, data=data)
        media_id = str(body.get("id", ""))
        if not media_id:
            raise Rejected("mastodon: media upload answered without an id")
        attempts = 0
        while body.get("url") is None and body.get("type") != "unknown":
            attempts += 1
            if attempts > self.media_poll_attempts:
                raise Rejected(f"mastodon: media {media_id} still processing, giving up")
            self.sleep(1.0)
            body = self.api.call("GET", f"/api/v1/media/{media_id}")
        return media_id

    def publish(self, delivery: Delivery) -> Published:
        message = delivery.message
        with preliminary():
            self.check(message)
            media_ids = [self.upload(item) for item in message.media]
        payload: JSONObject = {
            "status": message.text,
            "visibility": self.account.settings.get("visibility", "public"),
        }
        if media_ids:
            payload["media_ids"] = media_ids
        if message.language:
            payload["language"] = message.language
        body = self.api.call(
            "POST", "/api/v1/statuses", json=payload, headers={"Idempotency-Key": delivery.key}
        )
        status_id = body.get("id")
        if not isinstance(status_id, str):
            raise OutcomeUnknown("mastodon: status accepted without an id")
        url = body.get("url")
        return Published(remote_id=status_id, url=url if isinstance(url, str) else None)

    def fetch_metrics(self, remote_id: str) -> Metrics:
        return Metrics.from_counts(
            self.api.call("GET", f"/api/v1/statuses/{remote_id}"),
            likes="favourites_count",
            reposts="reblogs_count",
            replies="replies_count",
            quotes="quotes_count",
        )

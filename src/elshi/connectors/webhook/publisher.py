"""Generic webhook: the post as signed JSON to a URL the ministry controls."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import ClassVar

import httpx

from .._http import JsonApi, JSONObject, as_object, error_field
from ..facts import PlatformFacts
from ..protocol import BasePublisher
from ..text import PlatformRules
from ..types import Account, Delivery, Published
from .signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

__all__ = ["WebhookPublisher", "payload"]


def payload(delivery: Delivery) -> JSONObject:
    """The JSON a receiver gets; media by URL, or inline base64 when it has no URL."""
    message = delivery.message
    media: list[JSONObject] = []
    for item in message.media:
        entry: JSONObject = {
            "mime_type": item.mime_type,
            "alt_text": item.alt_text,
            "filename": item.filename,
        }
        if item.url:
            entry["url"] = item.url
        elif item.data is not None:
            entry["data_base64"] = base64.b64encode(item.data).decode("ascii")
        media.append(entry)
    return {
        "delivery": delivery.key,
        "created_at": delivery.created_at.astimezone(UTC).isoformat(),
        "text": message.text,
        "title": message.title,
        "link": message.link,
        "language": message.language,
        "media": media,
    }


def _answer(response: httpx.Response) -> JSONObject:
    """A receiver may answer with JSON or with anything else (even "OK"): both are fine."""
    try:
        return as_object(response.json())
    except (ValueError, UnicodeDecodeError):
        return {}


class WebhookPublisher(BasePublisher):
    """Settings: ``url``. Secret: ``secret`` (the HMAC key). The receiver should treat
    ``X-Elshi-Delivery`` (also sent as ``Idempotency-Key``) as unique, and may answer
    ``{"id": ..., "url": ...}``; otherwise the delivery key is the remote id."""

    # Not idempotent: only the receiver can promise it.
    facts: ClassVar[PlatformFacts] = PlatformFacts(
        "webhook",
        "Webhook",
        "shared_secret",
        settings=("url",),
        secrets=("secret",),
        metrics=False,
        rules=PlatformRules("webhook", 1_000_000, max_media=100, mix_images_and_video=True),
    )

    def __init__(
        self,
        client: httpx.Client,
        account: Account,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(client, account)
        self.url = account.setting("url")
        self.now = now
        self.api = JsonApi(client, self.platform)

    def publish(self, delivery: Delivery) -> Published:
        self.check(delivery.message)
        body = json.dumps(payload(delivery), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        timestamp = int(self.now().timestamp())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "elshi-webhook/1",
            "X-Elshi-Delivery": delivery.key,
            "Idempotency-Key": delivery.key,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(self.account.secret("secret"), timestamp, body),
        }
        response = self.api.send("POST", self.url, content=body, headers=headers)
        answer = _answer(response)
        # Read leniently (not through JsonApi.read): a receiver's unreadable "OK" is still a success.
        error = error_field(self.platform, response, answer)
        if error is not None:
            raise error
        remote_id = answer.get("id")
        url = answer.get("url")
        return Published(
            remote_id=str(remote_id) if isinstance(remote_id, str | int) else delivery.key,
            url=url if isinstance(url, str) else None,
        )

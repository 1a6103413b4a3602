"""Telegram Bot API: channel posts as text, photo or video with caption, or an album.

The bot token sits in the URL path, so nothing here ever puts a URL into an error message.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, ClassVar

import httpx

from .._http import JsonApi, JSONObject, as_object
from ..errors import AuthError, ConnectorError, NotSent, OutcomeUnknown, RateLimited, Rejected
from ..facts import PlatformFacts
from ..protocol import BasePublisher
from ..text import PlatformRules
from ..types import Account, Delivery, Media, Message, Published

__all__ = ["TelegramPublisher"]

_FILE_FIELD = {"image": ("sendPhoto", "photo"), "video": ("sendVideo", "video")}


class TelegramPublisher(BasePublisher):
    """Settings: ``chat_id`` (``@channelname`` or ``-100…``), optional ``api_base`` (a local Bot API
    server). Secret: ``bot_token``. A short ``retry_after`` is waited out here (the message was
    refused, so sending it again cannot duplicate it); a long one is raised as ``RateLimited``."""

    facts: ClassVar[PlatformFacts] = PlatformFacts(
        "telegram",
        "Telegram channel",
        "bot_token",
        settings=("chat_id",),
        secrets=("bot_token",),
        metrics=False,
        rules=PlatformRules(
            "telegram",
            4096,
            counting="utf16",
            caption_max_length=1024,
            max_media=10,
            max_image_bytes=10 * 1024 * 1024,
            # "Bots can currently send video files of up to 50 MB" (Bot API, sendVideo).
            max_video_bytes=50 * 1024 * 1024,
            mix_images_and_video=True,
        ),
    )
    max_inline_wait_s: ClassVar[float] = 5.0
    max_attempts: ClassVar[int] = 3

    def __init__(
        self, client: httpx.Client, account: Account, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        super().__init__(client, account)
        self.chat_id = account.setting("chat_id")
        self.api_base = (account.settings.get("api_base") or "https://api.telegram.org").rstrip("/")
        self.sleep = sleep

    def method(self, name: str, *, data: dict[str, str], files: dict[str, Any] | None = None) -> Any:
        """Call one Bot API method, honouring ``retry_after``; returns its ``result``."""
        api = JsonApi(
            self.client,
            self.platform,
            base=f"{self.api_base}/bot{self.account.secret('bot_token')}",
            errors=_error,
        )
        for attempt in range(1, self.max_attempts + 1):
            try:
                return api.call("POST", name, data=data, files=files).get("result")
            except RateLimited as error:
                wait = error.retry_after or 1.0
                if attempt == self.max_attempts or wait > self.max_inline_wait_s:
                    raise
                self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def publish(self, delivery: Delivery) -> Published:
        message = delivery.message
        self.check(message)
        if not message.media:
            result = self.method("sendMessage", data={"chat_id": self.chat_id, "text": message.text})
        elif len(message.media) == 1:
            result = self._send_one(message.media[0], message.text)
        else:
            result = self._send_album(message)
        first = as_object(result[0] if isinstance(result, list) and result else result)
        message_id = first.get("message_id")
        if not isinstance(message_id, int):
            raise OutcomeUnknown("telegram: accepted without a message id")
        username = as_object(first.get("chat")).get("username")
        url = f"https://t.me/{username}/{message_id}" if isinstance(username, str) else None
        return Published(remote_id=str(message_id), url=url)

    def _file(self, media: Media, field: str) -> tuple[dict[str, str], dict[str, Any] | None]:
        """A file goes up as multipart; a URL alone lets Telegram fetch it."""
        if media.data is not None:
            return {}, {field: (media.filename, media.data, media.mime_type)}
        return {field: media.require_url()}, None

    def _send_one(self, media: Media, caption: str) -> Any:
        method, field = _FILE_FIELD[media.kind if media.kind in _FILE_FIELD else "image"]
        data, files = self._file(media, field)
        data.update(chat_id=self.chat_id, caption=caption)
        return self.method(method, data=data, files=files)

    def _send_album(self, message: Message) -> Any:
        items: list[JSONObject] = []
        files: dict[str, Any] = {}
        for index, media in enumerate(message.media):
            item: JSONObject = {"type": "video" if media.kind == "video" else "photo"}
            if media.data is not None:
                name = f"file{index}"
                files[name] = (media.filename, media.data, media.mime_type)
                item["media"] = f"attach://{name}"
            else:
                item["media"] = media.require_url()
            if index == 0 and message.text:
                item["caption"] = message.text  # the album's caption is the first item's
            items.append(item)
        data = {"chat_id": self.chat_id, "media": json.dumps(items, ensure_ascii=False)}
        return self.method("sendMediaGroup", data=data, files=files or None)


def _error(platform: str, response: httpx.Response, body: JSONObject) -> ConnectorError | None:
    """Every Bot API answer says ``ok``; a refusal carries its own ``error_code``, which may differ
    from the HTTP status."""
    if body.get("ok") is True:
        return None
    code = body.get("error_code")
    status = code if isinstance(code, int) else response.status_code
    text = f"{platform}: {body.get('description') or f'HTTP {response.status_code}'}"
    retry_after = as_object(body.get("parameters")).get("retry_after")
    if status == 429:
        return RateLimited(
            text, retry_after=float(retry_after) if isinstance(retry_after, int | float) else None
        )
    if status in (401, 403):
        return AuthError(text, status_code=status)
    if status >= 500:
        return NotSent(text, status_code=status)
    return Rejected(text, status_code=status)

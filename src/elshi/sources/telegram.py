"""Telegram public channels through their web preview pages (``https://t.me/s/<channel>``).

No API key: the preview page lists a channel's latest posts with text, time and view counts;
``?before=<id>`` pages back. Only public channels have a preview; a private or missing channel
answers with a page without messages, which is reported as such.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html
from lxml import etree

from elshi.documents import Quarantined, RawDocument
from elshi.sources._dates import parse_date
from elshi.sources._io import quarantine
from elshi.sources.errors import BadInput
from elshi.sources.fetch import SafeFetcher

__all__ = ["TelegramChannel", "parse_count", "parse_preview_page"]

_CHANNEL = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
_COUNT = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*([KkMm]?)\s*$")


def parse_count(value: str) -> int:
    """Telegram's short counts: ``987``, ``1.2K``, ``3.4M``."""
    match = _COUNT.match(value)
    if match is None:
        raise ValueError(f"not a count: {value[:20]!r}")
    number = float(match.group(1).replace(",", "."))
    return round(number * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()])


def _message(node: lxml.html.HtmlElement, channel: str, source_id: str) -> RawDocument:
    post = node.get("data-post") or ""
    if "/" not in post:
        raise ValueError("message has no data-post")
    texts = node.xpath('.//div[contains(@class, "tgme_widget_message_text")]')
    for br in node.xpath(".//br"):
        br.tail = "\n" + (br.tail or "")
    text = texts[0].text_content().strip() if texts else ""
    times = node.xpath('.//a[contains(@class, "tgme_widget_message_date")]//time/@datetime')
    when = parse_date(str(times[0]), assume_utc=False) if times else None
    if when is None:
        raise ValueError("message has no time with a zone")
    views = node.xpath('.//span[contains(@class, "tgme_widget_message_views")]/text()')
    engagement = {"view": parse_count(str(views[0]))} if views else {}
    author = node.xpath('.//*[contains(@class, "tgme_widget_message_owner_name")]//text()')
    return RawDocument(
        source_id=source_id,
        url=f"https://t.me/{post}",
        title="",
        text=text,
        published_at=when,
        outlet=f"t.me/{channel}",
        platform="telegram",
        author="".join(str(a) for a in author).strip() or channel,
        engagement=engagement,
        extra={"telegram_post": post},
    )


def parse_preview_page(
    payload: bytes, *, channel: str, source_id: str = "telegram"
) -> tuple[list[RawDocument | Quarantined], int | None]:
    """One preview page -> (items, smallest message id on the page, for ``?before=``)."""
    try:
        root = lxml.html.document_fromstring(payload)
    except (etree.ParserError, ValueError) as exc:
        return [quarantine(source_id, f"not an HTML page: {exc}", payload, channel)], None
    nodes = root.xpath('//div[contains(concat(" ", @class, " "), " tgme_widget_message ") and @data-post]')
    if not nodes:
        return [quarantine(source_id, f"no public posts on the preview page of {channel!r} "
                           "(private, missing, or no preview)", payload[:2000], channel)], None
    items: list[RawDocument | Quarantined] = []
    smallest: int | None = None
    for node in nodes:
        post = str(node.get("data-post") or "")
        number = post.rsplit("/", 1)[-1]
        if number.isdigit():
            smallest = int(number) if smallest is None else min(smallest, int(number))
        try:
            items.append(_message(node, channel, source_id))
        except ValueError as exc:
            raw = lxml.html.tostring(node)
            items.append(quarantine(source_id, f"bad message: {exc}", raw, post or channel))
    return items, smallest


class TelegramChannel:
    def __init__(
        self, fetcher: SafeFetcher, *, base: str = "https://t.me", source_id: str = "telegram"
    ) -> None:
        self.fetcher = fetcher
        self.base = base.rstrip("/")
        self.source_id = source_id

    def posts(self, channel: str, *, max_pages: int = 3) -> Iterator[RawDocument | Quarantined]:
        name = channel.strip().removeprefix("https://t.me/").removeprefix("s/").lstrip("@")
        if not _CHANNEL.match(name):
            raise BadInput(f"{channel!r} is not a public Telegram channel name")
        params: dict[str, str | int] = {}
        for _ in range(max_pages):
            answer = self.fetcher.get(f"{self.base}/s/{name}", params=params or None, respect_robots=True)
            items, smallest = parse_preview_page(answer.content, channel=name, source_id=self.source_id)
            yield from items
            if smallest is None or smallest <= 1:
                return
            params = {"before": smallest}

"""Facebook Page posts: text and link to ``/feed``, photos to ``/photos`` (several attached to one post),
a video to ``/videos``."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import ClassVar

import httpx

from .._http import as_object, preliminary
from ..errors import OutcomeUnknown, Rejected
from ..facts import PlatformFacts
from ..protocol import BasePublisher
from ..text import PlatformRules
from ..types import Account, Delivery, Media, Metrics, Published
from .graph import GRAPH_VERSIONS, META_APP, GraphClient, graph_base

__all__ = ["FacebookPagePublisher"]

_SUMMARIES = ("reactions", "comments")


class FacebookPagePublisher(BasePublisher):
    """Settings: ``page_id``. ``token``: the Page access token (from a long-lived user token it does
    not expire)."""

    # A Page token can be pasted; the ministry's Meta app connects through Facebook Login instead and
    # keeps the long-lived token (see .connect, whose scopes are shared with Instagram).
    facts: ClassVar[PlatformFacts] = PlatformFacts(
        "facebook",
        "Facebook Page",
        "facebook_login",
        settings=("page_id",),
        optional_secrets=META_APP,
        token=True,
        api=GRAPH_VERSIONS,  # a channel may pin another Graph version (api_version)
        # Page photos up to 4 MB; a video sent in one request (not resumable) up to 1 GB. elshi uploads
        # the bytes it holds, so Facebook needs no public address.
        rules=PlatformRules(
            "facebook",
            63206,
            max_media=10,
            max_image_bytes=4 * 1024 * 1024,
            video_mime_types=("video/mp4", "video/quicktime"),
            max_video_bytes=1024 * 1024 * 1024,
        ),
    )

    def __init__(
        self, client: httpx.Client, account: Account, *, sleep: Callable[[float], None] = time.sleep
    ):
        super().__init__(client, account)
        self.page_id = account.setting("page_id")
        self.sleep = sleep

    @property
    def graph(self) -> GraphClient:
        return GraphClient(
            self.client,
            graph_base("graph.facebook.com", self.account.settings),
            self.account.access_token(),
            "facebook",
            self.sleep,
        )

    def _photo(self, media: Media, *, caption: str | None, published: bool) -> str:
        data = {"published": "true" if published else "false"}
        if caption:
            data["caption"] = caption
        if media.alt_text:
            data["alt_text_custom"] = media.alt_text
        # Bytes held are uploaded (``source``): a URL would make Facebook fetch it, and elshi's own
        # files are reachable only through a signed public link, if at all.
        files = None
        if media.data is not None:
            files = {"source": (media.filename, media.data, media.mime_type)}
        else:
            data["url"] = media.require_url()
        body = self.graph.post(f"{self.page_id}/photos", data, files)
        photo_id = body.get("post_id") if published else body.get("id")
        if not isinstance(photo_id, str):
            raise OutcomeUnknown("facebook: photo accepted without an id")
        return photo_id

    def publish(self, delivery: Delivery) -> Published:
        message = delivery.message
        self.check(message)
        videos = [item for item in message.media if item.kind == "video"]
        if videos:
            if len(message.media) > 1:
                raise Rejected("facebook: a video is posted on its own")
            return self._video(videos[0], message.text, message.title)
        if len(message.media) == 1:
            post_id = self._photo(message.media[0], caption=message.text, published=True)
        else:
            data = {"message": message.text}
            if message.link:
                data["link"] = message.link
            for index, item in enumerate(message.media):
                # Unpublished photos first (invisible until attached), then one post that attaches them.
                with preliminary():
                    photo = self._photo(item, caption=None, published=False)
                data[f"attached_media[{index}]"] = json.dumps({"media_fbid": photo})
            body = self.graph.post(f"{self.page_id}/feed", data)
            found = body.get("id")
            if not isinstance(found, str):
                raise OutcomeUnknown("facebook: post accepted without an id")
            post_id = found
        return Published(remote_id=post_id, url=f"https://www.facebook.com/{post_id}")

    def _video(self, media: Media, description: str, title: str | None) -> Published:
        """Non-resumable upload: the bytes when held (``source``), else ``file_url`` for Facebook to
        fetch. One request carries files up to 1 GB, which the rules declare as the cap, so a larger
        video is refused when composed; the resumable upload (``upload_phase`` start, transfer of
        ``video_file_chunk`` at each ``start_offset``, finish) would lift it and is not built."""
        data = {"description": description}
        if title:
            data["title"] = title
        files = None
        if media.data is not None:
            files = {"source": (media.filename, media.data, media.mime_type)}
        else:
            data["file_url"] = media.require_url()
        video = GraphClient(
            self.client,
            graph_base("graph-video.facebook.com", self.account.settings),
            self.account.access_token(),
            "facebook",
            self.sleep,
        )
        video_id = video.post(f"{self.page_id}/videos", data, files).get("id")
        if not isinstance(video_id, str):
            raise OutcomeUnknown("facebook: video accepted without an id")
        return Published(remote_id=video_id, url=f"https://www.facebook.com/{self.page_id}/videos/{video_id}")

    def fetch_metrics(self, remote_id: str) -> Metrics:
        body = self.graph.get(
            remote_id, fields="reactions.summary(total_count),comments.summary(total_count),shares"
        )
        counts = {
            key: as_object(as_object(body.get(key)).get("summary")).get("total_count") for key in _SUMMARIES
        }
        shares = as_object(body.get("shares")).get("count")
        # Meta leaves ``shares`` out for a post nobody has shared: that is none, not unknown.
        counts["shares"] = shares if isinstance(shares, int) else 0
        return Metrics.from_counts(counts, likes="reactions", replies="comments", reposts="shares")

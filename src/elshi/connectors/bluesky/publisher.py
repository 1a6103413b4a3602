"""Bluesky: posts as ``app.bsky.feed.post`` records under an rkey derived from the delivery."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx

from .._http import JSONObject, as_object, preliminary
from ..errors import AuthError, ConnectorError, NotSent, OutcomeUnknown, Rejected
from ..facts import PlatformFacts
from ..protocol import BasePublisher
from ..text import PlatformRules, facet_json, find_facets
from ..types import Account, Delivery, Media, Message, Metrics, Published, Token
from .tid import delivery_rkey
from .video import VIDEO_SERVICE, VIDEO_SERVICE_DID, VideoUpload, video_embed
from .xrpc import XrpcError, call, create_session, jwt_claims, refresh_session

__all__ = ["POST_COLLECTION", "BlueskyPublisher"]

POST_COLLECTION = "app.bsky.feed.post"
_SESSION_MARGIN = timedelta(minutes=5)
# The embed's own limit (app.bsky.embed.video: maxGraphemes 1000), tighter than images' alt text.
VIDEO_ALT_MAX = 1000


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class BlueskyPublisher(BasePublisher):
    """Settings: ``handle``, optional ``service`` (the PDS, default bsky.social), ``appview`` (for
    metrics) and ``video_service`` with its ``video_service_did`` (default Bluesky's). Secret:
    ``app_password``. ``token`` holds the session; its ``scope`` holds the DID."""

    # Idempotent: a record is created under an rkey derived from the delivery, never twice.
    facts: ClassVar[PlatformFacts] = PlatformFacts(
        "bluesky",
        "Bluesky",
        "app_password",
        settings=("handle",),
        secrets=("app_password",),
        token=True,
        idempotent=True,
        rules=PlatformRules(
            "bluesky",
            300,
            counting="graphemes",
            max_bytes=3000,
            max_media=4,
            alt_text_max=2000,
            max_image_bytes=1_000_000,
            # One video a post, processed by the video service (which takes these and stores MP4),
            # up to 100 MB and three minutes since March 2025; daily counts come from getUploadLimits.
            video_mime_types=("video/mp4", "video/mpeg", "video/webm", "video/quicktime"),
            max_video_bytes=100_000_000,
            max_videos=1,
            max_video_seconds=180,
        ),
    )

    def __init__(
        self, client: httpx.Client, account: Account, *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        super().__init__(client, account)
        self.service = account.settings.get("service") or "https://bsky.social"
        self.appview = account.settings.get("appview") or "https://public.api.bsky.app"
        self.video_service = account.settings.get("video_service") or VIDEO_SERVICE
        self.video_service_did = account.settings.get("video_service_did") or VIDEO_SERVICE_DID
        self.sleep = sleep

    def validate(self, message: Message) -> list[str]:
        problems = super().validate(message)
        for position, item in enumerate(message.media, start=1):
            if item.kind != "video":
                continue
            if not item.alt_text.strip():
                problems.append(f"bluesky: video {position} needs alt text")
            elif len(item.alt_text) > VIDEO_ALT_MAX:
                problems.append(f"bluesky: alt text of video {position} is over {VIDEO_ALT_MAX} characters")
        return problems

    # -- session ---------------------------------------------------------------------------------
    def _login(self) -> Token:
        self.token = create_session(
            self.client, self.service, self.account.setting("handle"), self.account.secret("app_password")
        )
        return self.token

    def refresh_if_needed(self, now: datetime) -> Token | None:
        if self.token is None:
            return self._login()
        if not self.token.expires_within(_SESSION_MARGIN, now):
            return None
        try:
            self.token = refresh_session(self.client, self.service, self.token)
        except AuthError:
            return self._login()  # the refresh JWT expired too: the app password opens a new session
        return self.token

    @property
    def did(self) -> str:
        token = self.token or self._login()
        did = token.scope or jwt_claims(token.access_token).get("sub")
        if not isinstance(did, str) or not did.startswith("did:"):
            raise AuthError("bluesky: session has no DID")
        return did

    def _access(self) -> str:
        return (self.token or self._login()).access_token

    def _xrpc(self, method: str, nsid: str, **kwargs: Any) -> JSONObject:
        """An authenticated call; a refused session is replaced by a new login and the call repeated
        once (the PDS refused the first one, so repeating it cannot duplicate anything)."""
        try:
            return call(self.client, self.service, method, nsid, token=self._access(), **kwargs)
        except AuthError:
            self.token = None
            return call(self.client, self.service, method, nsid, token=self._access(), **kwargs)

    # -- building the record ---------------------------------------------------------------------
    def resolve_handle(self, handle: str) -> str | None:
        try:
            body = call(
                self.client,
                self.service,
                "GET",
                "com.atproto.identity.resolveHandle",
                params={"handle": handle},
            )
        except XrpcError:
            return None  # an unknown handle stays plain text, as in Bluesky's own app
        did = body.get("did")
        return did if isinstance(did, str) else None

    def facets(self, text: str) -> list[JSONObject]:
        result: list[JSONObject] = []
        for facet in find_facets(text):
            if facet.kind == "mention":
                did = self.resolve_handle(facet.value)
                if did:
                    result.append(facet_json(facet, did=did))
            else:
                result.append(facet_json(facet))
        return result

    def upload(self, media: Media) -> JSONObject:
        body = self._xrpc(
            "POST", "com.atproto.repo.uploadBlob", content=media.require_data(), content_type=media.mime_type
        )
        blob = as_object(body.get("blob"))
        if not blob:
            raise Rejected("bluesky: blob upload answered without a blob")
        image: JSONObject = {"alt": media.alt_text, "image": blob}
        if media.width and media.height:
            image["aspectRatio"] = {"width": media.width, "height": media.height}
        return image

    def upload_video(self, media: Media) -> JSONObject:
        upload = VideoUpload(
            self.client,
            self._xrpc,
            pds=self.service,
            did=self.did,
            service=self.video_service,
            service_did=self.video_service_did,
            sleep=self.sleep,
        )
        return upload.upload(media)

    def record(self, message: Message, created_at: datetime) -> JSONObject:
        record: JSONObject = {"$type": POST_COLLECTION, "text": message.text, "createdAt": _iso(created_at)}
        facets = self.facets(message.text)
        if facets:
            record["facets"] = facets
        if message.language:
            record["langs"] = [message.language]
        videos = [m for m in message.media if m.kind == "video"]
        if videos:
            record["embed"] = video_embed(videos[0], self.upload_video(videos[0]))
        elif message.media:
            record["embed"] = {
                "$type": "app.bsky.embed.images",
                "images": [self.upload(m) for m in message.media],
            }
        elif message.link:
            record["embed"] = {
                "$type": "app.bsky.embed.external",
                "external": {"uri": message.link, "title": message.title or message.link, "description": ""},
            }
        return record

    # -- publishing ------------------------------------------------------------------------------
    def publish(self, delivery: Delivery) -> Published:
        self.check(delivery.message)
        rkey = delivery_rkey(delivery.key, delivery.created_at)
        with preliminary():
            existing = self.get_post(rkey)
            if existing is not None:
                return self._already(existing, delivery.message, rkey)
            record = self.record(delivery.message, datetime.now(UTC))
        try:
            body = self._xrpc(
                "POST",
                "com.atproto.repo.createRecord",
                json_body={"repo": self.did, "collection": POST_COLLECTION, "rkey": rkey, "record": record},
            )
        except (XrpcError, NotSent, OutcomeUnknown) as failure:
            # A PDS answers a second record under a taken rkey with 400 or 500, and a lost answer
            # leaves us unsure: in every case the rkey tells whether the post exists.
            try:
                existing = self.get_post(rkey)
            except ConnectorError:
                raise failure from None
            if existing is None:
                raise
            return self._already(existing, delivery.message, rkey)
        uri = body.get("uri")
        if not isinstance(uri, str):
            raise OutcomeUnknown("bluesky: record created without a URI")
        return Published(remote_id=uri, url=self.web_url(rkey))

    def get_post(self, rkey: str) -> JSONObject | None:
        try:
            return self._xrpc(
                "GET",
                "com.atproto.repo.getRecord",
                params={"repo": self.did, "collection": POST_COLLECTION, "rkey": rkey},
            )
        except XrpcError as exc:
            if exc.error == "RecordNotFound" or "not found" in exc.message.lower():
                return None
            raise

    def _already(self, existing: JSONObject, message: Message, rkey: str) -> Published:
        value = as_object(existing.get("value"))
        if value.get("text") != message.text:
            # Two deliveries created in the same microsecond whose key hashes collide: never claim
            # another post as ours.
            raise Rejected(f"bluesky: record {rkey} already holds a different post")
        uri = existing.get("uri")
        return Published(remote_id=str(uri), url=self.web_url(rkey), already_existed=True)

    def web_url(self, rkey: str) -> str:
        return f"https://bsky.app/profile/{self.account.settings.get('handle') or self.did}/post/{rkey}"

    def fetch_metrics(self, remote_id: str) -> Metrics:
        body = call(self.client, self.appview, "GET", "app.bsky.feed.getPosts", params={"uris": remote_id})
        posts = body.get("posts")
        post = as_object(posts[0]) if isinstance(posts, list) and posts else {}
        if not post:
            raise Rejected(f"bluesky: post {remote_id} not found")
        return Metrics.from_counts(
            post, likes="likeCount", reposts="repostCount", replies="replyCount", quotes="quoteCount"
        )

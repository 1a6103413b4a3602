"""Video through Bluesky's video service, the way its own app sends it.

1. ``com.atproto.server.getServiceAuth`` on the PDS: a token for the video service to read the upload
   limits (``aud`` the service's DID), and one for it to store the processed video on the PDS on our
   behalf (``aud`` the PDS's own ``did:web``, ``lxm`` ``com.atproto.repo.uploadBlob``);
2. ``app.bsky.video.getUploadLimits``: the account's remaining daily videos and bytes;
3. ``app.bsky.video.uploadVideo`` with the bytes, answered by a processing job;
4. ``app.bsky.video.getJobStatus`` until the job holds the blob (or failed);
5. the post embeds the blob as ``app.bsky.embed.video``.

Processing first means the post never shows a missing video. Everything here happens before the
post record is written, so every failure here is known not to have published anything.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from .._http import JSONObject, as_object
from ..errors import NotSent, Rejected
from ..types import Media
from .xrpc import call

__all__ = ["VIDEO_SERVICE", "VIDEO_SERVICE_DID", "VideoUpload", "pds_did", "video_embed"]

VIDEO_SERVICE = "https://video.bsky.app"
VIDEO_SERVICE_DID = "did:web:video.bsky.app"
# The upload token must outlive the upload and the processing: Bluesky's guide asks for 30 minutes.
TOKEN_LIFETIME = timedelta(minutes=30)

Xrpc = Callable[..., JSONObject]


def pds_did(session: JSONObject, fallback: str) -> str:
    """The PDS's ``did:web``, from the ``#atproto_pds`` service of the account's DID document (an
    entryway such as bsky.social is not where the blob is stored), else from the configured PDS."""
    services = as_object(session.get("didDoc")).get("service")
    for service in services if isinstance(services, list) else []:
        entry = as_object(service)
        if str(entry.get("id", "")).endswith("#atproto_pds"):
            host = urlsplit(str(entry.get("serviceEndpoint", ""))).hostname
            if host:
                return f"did:web:{host}"
    return f"did:web:{urlsplit(fallback).hostname}"


class VideoUpload:
    """One video sent through the service; ``xrpc`` is the publisher's authenticated PDS call."""

    polls = 120

    def __init__(
        self,
        client: httpx.Client,
        xrpc: Xrpc,
        *,
        pds: str,
        did: str,
        service: str = VIDEO_SERVICE,
        service_did: str = VIDEO_SERVICE_DID,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client, self.xrpc, self.pds, self.did = client, xrpc, pds, did
        self.service, self.service_did, self.sleep = service, service_did, sleep

    def _service_token(self, aud: str, lxm: str) -> str:
        expires = int((datetime.now(UTC) + TOKEN_LIFETIME).timestamp())
        body = self.xrpc(
            "GET", "com.atproto.server.getServiceAuth", params={"aud": aud, "lxm": lxm, "exp": str(expires)}
        )
        token = body.get("token")
        if not isinstance(token, str) or not token:
            raise Rejected("bluesky: the PDS gave no service token for the video service")
        return token

    def _video(self, method: str, nsid: str, token: str | None = None, **kwargs: Any) -> JSONObject:
        return call(self.client, self.service, method, nsid, token=token, **kwargs)

    def check_limits(self, size: int) -> None:
        token = self._service_token(self.service_did, "app.bsky.video.getUploadLimits")
        limits = self._video("GET", "app.bsky.video.getUploadLimits", token)
        reason = limits.get("message") or limits.get("error") or "the account may not upload video"
        if limits.get("canUpload") is not True:
            # Bluesky asks for a verified email and counts videos per day: a person must act.
            raise Rejected(f"bluesky: video refused before upload: {reason}")
        videos, left = limits.get("remainingDailyVideos"), limits.get("remainingDailyBytes")
        if isinstance(videos, int) and videos < 1:
            raise Rejected("bluesky: the account's videos for today are used up")
        if isinstance(left, int) and left < size:
            raise Rejected(f"bluesky: the video is {size} bytes and only {left} are left for today")

    def upload(self, media: Media) -> JSONObject:
        """The processed video's blob."""
        data = media.require_data()
        self.check_limits(len(data))
        session = self.xrpc("GET", "com.atproto.server.getSession")
        pds_token = self._service_token(pds_did(session, self.pds), "com.atproto.repo.uploadBlob")
        answer = self._video(
            "POST",
            "app.bsky.video.uploadVideo",
            pds_token,
            params={"did": self.did, "name": media.filename},
            content=data,
            content_type=media.mime_type,
        )
        # The lexicon wraps the job in ``jobStatus``; the service has answered with it bare.
        return self.wait(as_object(answer.get("jobStatus")) or answer)

    def wait(self, job: JSONObject) -> JSONObject:
        job_id = job.get("jobId")
        for _ in range(self.polls):
            # A blob settles it whatever the state: an upload of a video already processed "fails"
            # with ``already_exists`` and hands back the earlier blob.
            blob = as_object(job.get("blob"))
            if blob:
                return blob
            if job.get("state") == "JOB_STATE_FAILED":
                why = job.get("message") or job.get("error") or job.get("failureCode") or "processing failed"
                raise Rejected(f"bluesky: video rejected by the video service: {why}")
            if not isinstance(job_id, str) or not job_id:
                raise Rejected("bluesky: video upload answered without a job")
            self.sleep(1.0)
            status = self._video("GET", "app.bsky.video.getJobStatus", params={"jobId": job_id})
            job = as_object(status.get("jobStatus"))
        raise NotSent("bluesky: video still processing; nothing was posted")


def video_embed(media: Media, blob: JSONObject) -> JSONObject:
    embed: JSONObject = {"$type": "app.bsky.embed.video", "video": blob, "alt": media.alt_text}
    if media.width and media.height:
        embed["aspectRatio"] = {"width": media.width, "height": media.height}
    return embed

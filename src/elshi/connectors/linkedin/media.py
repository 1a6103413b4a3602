"""LinkedIn media uploads: images through the Images API, videos through the Videos API.

Both start with ``initializeUpload`` for the post's author. An image is one PUT to the upload URL.
A video comes with upload instructions, one per part (byte ranges LinkedIn chooses); each part's
PUT answers an ``ETag``, and ``finalizeUpload`` names every part by its ETag, in order. Nothing is
published by these steps, so callers run them inside :func:`.._http.preliminary`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import httpx

from .._http import JsonApi, as_object, check_status, send
from ..errors import NotSent, Rejected
from ..types import Media

__all__ = ["upload_image", "upload_video"]

Bearer = Callable[[], Mapping[str, str]]


def _put(client: httpx.Client, url: str, content: bytes, headers: Mapping[str, str], what: str) -> str:
    """PUT bytes to an upload URL; the answer's ETag ("" when it sends none). The upload URLs take the
    bearer token only, not the Rest.li headers."""
    request = client.build_request("PUT", url, content=content, headers=dict(headers))
    response = send(client, request, platform="linkedin")
    check_status(response, platform="linkedin", detail=what)
    return str(response.headers.get("etag", ""))


def upload_image(api: JsonApi, bearer: Bearer, owner: str, media: Media) -> str:
    """Initialize an image upload, PUT the bytes, return the image URN."""
    body = api.call(
        "POST",
        "/images",
        params={"action": "initializeUpload"},
        json={"initializeUploadRequest": {"owner": owner}},
    )
    value = as_object(body.get("value"))
    upload_url, image = value.get("uploadUrl"), value.get("image")
    if not isinstance(upload_url, str) or not isinstance(image, str):
        raise Rejected("linkedin: image upload was not initialized")
    headers = {**bearer(), "Content-Type": media.mime_type}
    _put(api.client, upload_url, media.require_data(), headers, "image upload")
    return image


def _parts(value: Mapping[str, object], size: int) -> list[tuple[str, int, int]]:
    """The upload instructions as ``(url, first byte, last byte)``, checked to cover the file exactly
    once: a gap or overlap would make LinkedIn refuse the finished video after all parts were sent."""
    parts: list[tuple[str, int, int]] = []
    instructions = value.get("uploadInstructions")
    for raw in instructions if isinstance(instructions, list) else []:
        item = as_object(raw)
        url, first, last = item.get("uploadUrl"), item.get("firstByte"), item.get("lastByte")
        if isinstance(url, str) and isinstance(first, int) and isinstance(last, int):
            parts.append((url, first, last))
    parts.sort(key=lambda part: part[1])
    expected = 0
    for _url, first, last in parts:
        if first != expected or last < first:
            break
        expected = last + 1
    if not parts or expected != size:
        raise Rejected("linkedin: video upload instructions do not cover the file")
    return parts


def upload_video(api: JsonApi, bearer: Bearer, owner: str, media: Media) -> str:
    """Initialize a video upload, PUT each part, finalize with the parts' ETags; the video URN."""
    data = media.require_data()
    body = api.call(
        "POST",
        "/videos",
        params={"action": "initializeUpload"},
        json={
            "initializeUploadRequest": {
                "owner": owner,
                "fileSizeBytes": len(data),
                "uploadCaptions": False,
                "uploadThumbnail": False,
            }
        },
    )
    value = as_object(body.get("value"))
    video, token = value.get("video"), value.get("uploadToken", "")
    if not isinstance(video, str) or not isinstance(token, str):
        raise Rejected("linkedin: video upload was not initialized")
    headers = {**bearer(), "Content-Type": "application/octet-stream"}
    etags: list[str] = []
    for number, (url, first, last) in enumerate(_parts(value, len(data)), start=1):
        etag = _put(api.client, url, data[first : last + 1], headers, f"video part {number}")
        if not etag:
            # Without it the upload cannot be finalized; nothing is published, so try again later.
            raise NotSent(f"linkedin: video part {number} was stored without an ETag")
        etags.append(etag)
    api.call(
        "POST",
        "/videos",
        params={"action": "finalizeUpload"},
        json={"finalizeUploadRequest": {"video": video, "uploadToken": token, "uploadedPartIds": etags}},
    )
    return video

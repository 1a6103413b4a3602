"""Studio media that platforms fetch themselves (Instagram, Threads), through signed links that expire.

Everything under ``MEDIA_ROOT`` is behind login; a platform that fetches media has no login. So the
sender hands it ``ELSHI_PUBLIC_URL/public/media/<token>/<name>``, where the token signs which delivery,
which asset and which file (the asset's own, or its copy fitted to the platform) with a timestamp. The
link works for :data:`LINK_SECONDS` and only while that delivery is scheduled or being sent, for a
ready asset of its post's mission that its variant attaches: a leaked link shows nothing else, and
nothing at all once the post is out. Videos are served with byte ranges (Meta's fetchers and players
ask for them).
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from elshi.content.media import stored_file
from elshi.content.models import Asset, AssetState
from elshi.creative.fitting import derived_path
from elshi.publishing.models import OPEN, Delivery

__all__ = ["LINK_SECONDS", "public_media", "signed_url"]

# Long enough for a retry within the grace period and for Meta's container processing, short enough
# that a link copied from a log is dead by the next day.
LINK_SECONDS = 6 * 3600
_SALT = "elshi.publishing.media"
_CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_SHAPE = (("d", int), ("a", int), ("f", str))


def signed_url(delivery: Delivery, asset: Asset, file: str) -> str:
    """The absolute link a platform fetches ``file`` (relative to ``MEDIA_ROOT``) from."""
    token = signing.TimestampSigner(salt=_SALT).sign_object({"d": delivery.pk, "a": asset.pk, "f": file})
    name = PurePosixPath(file).name
    return settings.ELSHI_PUBLIC_URL + reverse("public_media", kwargs={"token": token, "name": name})


def _servable(asset: Asset, file: str, platform: str) -> bool:
    """The asset's own file, or one of the copies fitted to this delivery's platform."""
    fitted = {str(derived_path(Path(asset.file), platform, suffix)) for suffix in (".jpg", ".mp4")}
    return file == asset.file or file in fitted


def _file_for(payload: Any) -> Path:
    if not isinstance(payload, dict) or not all(isinstance(payload.get(k), t) for k, t in _SHAPE):
        raise Http404("media")
    delivery = Delivery.objects.select_related("variant", "channel").filter(pk=payload["d"]).first()
    if delivery is None or delivery.state not in OPEN or delivery.variant is None:
        raise Http404("media")
    attached = {stored_file(str(item.get("url") or "")) for item in delivery.variant.media or []}
    asset = Asset.objects.filter(
        pk=payload["a"], state=AssetState.READY, mission__posts__pk=delivery.post_id
    ).first()
    if (
        asset is None
        or asset.file not in attached
        or not _servable(asset, payload["f"], delivery.channel.platform)
    ):
        raise Http404("media")
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / payload["f"]).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise Http404("media")
    return path


@require_safe
def public_media(request: HttpRequest, token: str, name: str) -> HttpResponseBase:
    try:
        payload = signing.TimestampSigner(salt=_SALT).unsign_object(token, max_age=LINK_SECONDS)
    except signing.SignatureExpired:
        return HttpResponseForbidden(_("This media link has expired."))
    except signing.BadSignature:
        return HttpResponseForbidden(_("This media link is not valid."))
    return ranged_file(request, _file_for(payload))


def ranged_file(request: HttpRequest, path: Path) -> HttpResponseBase:
    """The file, or the one byte range asked for (206); several ranges get the whole file, which
    RFC 9110 allows."""
    size = path.stat().st_size
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    start, end, status = 0, size - 1, 200
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if match and (match[1] or match[2]):
        if match[1]:
            start, end = int(match[1]), min(int(match[2]) if match[2] else size - 1, size - 1)
        else:  # a suffix: the last N bytes
            start = max(size - int(match[2]), 0)
        if start >= size or start > end:
            refused = HttpResponse(status=416)
            refused["Content-Range"] = f"bytes */{size}"
            return refused
        status = 206
    length = end - start + 1
    body = _read(path, start, length) if request.method == "GET" else iter(())
    response = StreamingHttpResponse(body, status=status, content_type=mime)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response


def _read(path: Path, start: int, length: int) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(start)
        while length > 0:
            chunk = handle.read(min(_CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk

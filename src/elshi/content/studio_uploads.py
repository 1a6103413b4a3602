"""Files people upload to the studio: photos for cards, logos for brand kits, music for videos.

Each is checked by what it is, not by its name: photos and logos are opened with Pillow (type,
pixel count, a full decode), music is read by ffmpeg. A good file is stored under MEDIA_ROOT with
a random name; a bad one raises ``UploadRefused`` with a sentence the person can act on.
Uploaded photos are remembered in the uploader's session, so a token in a form can only name a
photo that this person uploaded.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from elshi.creative import CreativeError, RenderError, probe

PHOTO_MAX_BYTES = 15 * 1024 * 1024
LOGO_MAX_BYTES = 2 * 1024 * 1024
MUSIC_MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000  # larger images are refused before decoding (decompression bombs)
MIN_PHOTO_SIDE = 320
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
SESSION_KEY = "studio_photos"


class UploadRefused(ValueError):
    """The upload is not usable; the message says why and what to do."""


def _store(relative: str, data: bytes) -> Path:
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _read(upload: UploadedFile, limit: int) -> bytes:
    if upload.size is not None and upload.size > limit:
        raise UploadRefused(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1e6, 1), "limit": round(limit / 1e6)}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise UploadRefused(_("The file is over the limit of %(limit)s MB.") % {"limit": round(limit / 1e6)})
    if not data:
        raise UploadRefused(_("The file is empty."))
    return data


def check_image(data: bytes, *, min_side: int = 1) -> tuple[str, tuple[int, int]]:
    """The image's format and size, after a full decode; anything else is refused with a reason."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, size = image.format or "", image.size
            if kind not in IMAGE_FORMATS:
                raise UploadRefused(
                    _("%(kind)s images are not accepted: upload a JPEG, PNG or WebP file.") % {"kind": kind}
                )
            if size[0] * size[1] > MAX_PIXELS:
                raise UploadRefused(_("The image has too many pixels (over 40 megapixels)."))
            image.load()
    except UploadRefused:
        raise
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise UploadRefused(
            _("This file is not an image that can be read: upload a JPEG, PNG or WebP file.")
        ) from exc
    if min(size) < min_side:
        raise UploadRefused(
            _("The image is %(w)sx%(h)s px; a card needs at least %(min)s px on its shorter side.")
            % {"w": size[0], "h": size[1], "min": min_side}
        )
    return kind, size


def save_photo(request: HttpRequest, upload: UploadedFile) -> tuple[str, tuple[int, int]]:
    """Store a checked photo; returns its token (remembered in the session) and its size."""
    data = _read(upload, PHOTO_MAX_BYTES)
    kind, size = check_image(data, min_side=MIN_PHOTO_SIDE)
    token = uuid.uuid4().hex
    _store(f"uploads/photos/{token}.{IMAGE_FORMATS[kind]}", data)
    tokens: dict[str, str] = dict(request.session.get(SESSION_KEY, {}))
    tokens[token] = f"uploads/photos/{token}.{IMAGE_FORMATS[kind]}"
    request.session[SESSION_KEY] = dict(list(tokens.items())[-30:])
    return token, size


def photo_path(request: HttpRequest, token: str) -> str | None:
    """The stored photo (relative to MEDIA_ROOT) behind ``token``, if this session uploaded it."""
    relative = dict(request.session.get(SESSION_KEY, {})).get(token)
    if relative and (Path(settings.MEDIA_ROOT) / relative).is_file():
        return str(relative)
    return None


def save_logo(upload: UploadedFile) -> str:
    data = _read(upload, LOGO_MAX_BYTES)
    kind, _size = check_image(data)
    relative = f"brand/{uuid.uuid4().hex}.{IMAGE_FORMATS[kind]}"
    _store(relative, data)
    return relative


def audio_suffix(data: bytes) -> str | None:
    """The suffix of the audio container ``data`` starts like (MP3, M4A, OGG, WAV, FLAC), else None."""
    if data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return ".mp3"
    if data[4:8] == b"ftyp":
        return ".m4a"
    if data.startswith(b"OggS"):
        return ".ogg"
    if data.startswith(b"RIFF") and data[8:12] == b"WAVE":
        return ".wav"
    if data.startswith(b"fLaC"):
        return ".flac"
    return None


def save_music(upload: UploadedFile) -> str:
    """Store an audio track that ffmpeg can read and that has sound; returns its relative path."""
    data = _read(upload, MUSIC_MAX_BYTES)
    # Checked by its first bytes before ffmpeg sees it: a playlist (HLS, ffconcat, SDP) named
    # "music.m3u8" would make ffmpeg open other files on the server, and the stored name never
    # takes the uploader's suffix.
    suffix = audio_suffix(data)
    if suffix is None:
        raise UploadRefused(
            _("This file has no sound that can be read: upload an MP3, M4A, OGG or WAV file.")
        )
    relative = f"uploads/music/{uuid.uuid4().hex}{suffix}"
    path = _store(relative, data)
    try:
        info: Any = probe(str(path))
    except (CreativeError, RenderError):
        info = None
    if info is None or not info.audio_codec:
        path.unlink(missing_ok=True)
        raise UploadRefused(
            _("This file has no sound that can be read: upload an MP3, M4A, OGG or WAV file.")
        )
    return relative

"""The ffmpeg binary from the ``imageio-ffmpeg`` wheel: run with progress, and probe results.

No system ffmpeg or ffprobe is assumed. ``probe`` reads what ``ffmpeg -i`` reports (duration,
codecs, profile, size, frame rate, audio rate and channels), which is what ffprobe would say.
"""

from __future__ import annotations

import re
import subprocess  # noqa: S404 - we run one known binary with argument lists, never a shell
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import imageio_ffmpeg

from elshi.creative.errors import RenderError

__all__ = ["MediaInfo", "ffmpeg_exe", "probe", "run_ffmpeg"]


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def run_ffmpeg(
    args: Sequence[str], duration: float = 0.0, progress: Callable[[float], None] | None = None
) -> None:
    """Run ffmpeg; ``progress`` gets 0..1 from its ``-progress`` stream. Raises ``RenderError``."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-progress", "pipe:1", "-nostats", *args]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)  # noqa: S603
        assert process.stdout is not None  # noqa: S101 - PIPE was requested
        for line in process.stdout:
            key, _, value = line.strip().partition("=")
            if progress and duration > 0 and key == "out_time_us" and value.isdigit():
                progress(min(1.0, int(value) / 1e6 / duration))
        code = process.wait()
        if code != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace")[-3000:]
            raise RenderError(f"ffmpeg failed with exit code {code}: {tail.strip().splitlines()[-1:]}", tail)


@dataclass(frozen=True)
class MediaInfo:
    duration: float
    video_codec: str = ""
    video_profile: str = ""
    width: int = 0
    height: int = 0
    fps: float = 0.0
    pixel_format: str = ""
    audio_codec: str = ""
    sample_rate: int = 0
    channels: str = ""
    subtitle_codec: str = ""
    tags: tuple[tuple[str, str], ...] = ()

    def tag(self, name: str) -> str:
        return dict(self.tags).get(name, "")


def probe(path: str) -> MediaInfo:
    result = subprocess.run(  # noqa: S603
        [ffmpeg_exe(), "-hide_banner", "-i", path], capture_output=True, text=True, timeout=60, check=False
    )
    text = result.stderr
    d = re.search(r"Duration: (\d+):(\d+):(\d+\.\d+)", text)
    if d is None:
        raise RenderError(f"{path}: not a media file ffmpeg can read", text[-2000:])
    info: dict[str, object] = {"duration": int(d[1]) * 3600 + int(d[2]) * 60 + float(d[3])}
    v = re.search(
        r"Stream #0:\d+[^:]*: Video: (\w+)(?: \(([^)]+)\))?.*?, (\w+)(?:\([^)]*\))?, (\d+)x(\d+)", text
    )
    if v:
        info.update(
            video_codec=v[1], video_profile=v[2] or "", pixel_format=v[3], width=int(v[4]), height=int(v[5])
        )
    fps = re.search(r"Video: .*?, ([\d.]+) fps", text)
    if fps:
        info["fps"] = float(fps[1])
    a = re.search(r"Stream #0:\d+[^:]*: Audio: (\w+).*?, (\d+) Hz, ([\w.]+)", text)
    if a:
        info.update(audio_codec=a[1], sample_rate=int(a[2]), channels=a[3])
    s = re.search(r"Stream #0:\d+[^:]*: Subtitle: (\w+)", text)
    if s:
        info["subtitle_codec"] = s[1]
    header = text.split("Duration:")[0]
    tags = tuple((m[1], m[2].strip()) for m in re.finditer(r"^\s{4}(\w+)\s*: (.*)$", header, re.M))
    return MediaInfo(tags=tags, **info)  # type: ignore[arg-type]

"""Reading local inputs as bounded streams of lines, and building quarantine records."""

from __future__ import annotations

import gzip
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, cast

from elshi.documents import Quarantined
from elshi.sources.errors import ArchiveRefused, BadInput

__all__ = [
    "MAX_LINE_BYTES",
    "MAX_MEMBER_BYTES",
    "MAX_RATIO",
    "MAX_RAW_KEPT",
    "check_member",
    "iter_lines",
    "iter_matching_lines",
    "open_binary",
    "quarantine",
]

#: A GKG row is a few hundred kilobytes at worst; anything longer is not a row.
MAX_LINE_BYTES = 8 * 1024 * 1024
#: How much of a bad item's bytes a quarantine record keeps.
MAX_RAW_KEPT = 64 * 1024
#: The most a zip member may inflate to: a GDELT 15-minute GKG file is tens of MB, a daily Events
#: export a few hundred; streaming keeps memory flat, this bounds the time and CPU a file may cost.
MAX_MEMBER_BYTES = 4 * 1024**3
#: Text deflates 3-10:1 (GDELT's own zips: 3.1 and 3.5); deflate's ceiling is about 1032:1, which
#: only a crafted file reaches. Members under ``_RATIO_FLOOR`` are exempt: a tiny file of blanks
#: compresses far better and costs nothing.
MAX_RATIO = 100
_RATIO_FLOOR = 1024 * 1024


def quarantine(source_id: str, reason: str, raw: bytes | str, location: str = "") -> Quarantined:
    """A quarantine record; bytes are kept losslessly as text (undecodable bytes as ``\\xNN``)."""
    if isinstance(raw, bytes):
        text = raw[:MAX_RAW_KEPT].decode("utf-8", errors="backslashreplace")
    else:
        text = raw[:MAX_RAW_KEPT]
    return Quarantined(source_id=source_id, reason=reason, raw=text, location=location)


def _starts_with(path: Path, magic: bytes) -> bool:
    with path.open("rb") as f:
        return f.read(len(magic)) == magic


def check_member(
    info: zipfile.ZipInfo, archive_size: int, *, max_bytes: int = MAX_MEMBER_BYTES, max_ratio: int = MAX_RATIO
) -> None:
    """Refuse a member before reading it. Python's zipfile stops at the declared size (and fails the
    CRC past it), so the declared size is what reading can cost; the compressed size is taken no
    larger than the archive, so that a lie there cannot lower the ratio."""
    inflated = info.file_size
    if inflated > max_bytes:
        raise ArchiveRefused(
            f"refused: zip member {info.filename!r} would inflate to {inflated} bytes, "
            f"over the {max_bytes}-byte limit"
        )
    packed = max(1, min(info.compress_size, archive_size))
    if inflated > _RATIO_FLOOR and inflated > packed * max_ratio:
        raise ArchiveRefused(
            f"refused: zip member {info.filename!r} would inflate {inflated // packed}:1 "
            f"({packed} to {inflated} bytes), over the {max_ratio}:1 cap for a zip bomb"
        )


@contextmanager
def open_binary(path: str | Path, *, member_suffix: str = "") -> Iterator[IO[bytes]]:
    """Open a plain, gzip or zip file as one binary stream, without reading it whole.

    For a zip, the first member whose name ends with ``member_suffix`` (case-insensitive) is used,
    skipping macOS resource forks, once :func:`check_member` has passed it.
    """
    p = Path(path)
    if not p.is_file():
        raise BadInput(f"{p}: no such file")
    try:
        if zipfile.is_zipfile(p):
            with zipfile.ZipFile(p) as archive:
                names = [
                    n for n in archive.namelist()
                    if not n.startswith("__MACOSX/") and not n.endswith("/")
                    and n.lower().endswith(member_suffix.lower())
                ]
                if not names:
                    raise BadInput(f"{p}: zip archive holds no member ending in {member_suffix!r}")
                check_member(archive.getinfo(names[0]), p.stat().st_size)
                with archive.open(names[0]) as member:
                    yield member
        elif _starts_with(p, b"\x1f\x8b"):  # gzip, whatever the name says
            with gzip.open(p, "rb") as gz:
                yield cast(IO[bytes], gz)
        else:
            with p.open("rb") as f:
                yield f
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise BadInput(f"{p}: unreadable ({exc})") from exc


def iter_lines(stream: IO[bytes], max_line: int = MAX_LINE_BYTES) -> Iterator[tuple[int, bytes, bool]]:
    """Yield ``(line_number, line_without_newline, too_long)`` with memory bounded by ``max_line``.

    A line longer than ``max_line`` is yielded once, cut, with ``too_long`` set, and the rest of it
    is skipped.
    """
    reader = stream
    lineno = 0
    while True:
        line = reader.readline(max_line)
        if not line:
            return
        lineno += 1
        if line.endswith(b"\n"):
            yield lineno, line.rstrip(b"\r\n"), False
            continue
        if len(line) < max_line:  # last line without newline
            yield lineno, line.rstrip(b"\r"), False
            return
        yield lineno, line, True
        while True:  # skip the rest of the over-long line
            rest = reader.readline(max_line)
            if not rest or rest.endswith(b"\n"):
                break


def _line_start(body: bytes, pos: int) -> int:
    return body.rfind(b"\n", 0, pos) + 1


def iter_matching_lines(
    stream: IO[bytes],
    needles: Sequence[bytes],
    lower_needles: Sequence[bytes] = (),
    *,
    block_size: int = 4 * 1024 * 1024,
    max_line: int = MAX_LINE_BYTES,
) -> Iterator[tuple[int, bytes, bool]]:
    """Like :func:`iter_lines`, but only the lines holding one of ``needles`` (exact bytes) or of
    ``lower_needles`` (ASCII, matched case-insensitively).

    The search runs over whole blocks in C (``bytes.find``), so a file where few rows concern the
    profile's countries is skimmed instead of being split line by line. Memory is bounded by
    ``block_size + max_line``.
    """
    carry = b""
    lineno_base = 0
    skipping = False  # inside an over-long line, dropping bytes until its newline
    while True:
        chunk = stream.read(block_size)
        final = not chunk
        buf = carry + chunk
        if final and not buf:
            return
        if skipping:
            newline = buf.find(b"\n")
            if newline < 0:
                carry = b""
                if final:
                    return
                continue
            buf, skipping = buf[newline + 1:], False  # the line was counted when it was cut
        cut = len(buf) if final else buf.rfind(b"\n") + 1
        if cut == 0:
            if len(buf) > max_line:
                lineno_base += 1
                yield lineno_base, buf[:max_line], True
                carry, skipping = b"", True
            else:
                carry = buf
            continue
        body, carry = buf[:cut], buf[cut:]
        starts: set[int] = set()
        for needle in needles:
            pos = body.find(needle)
            while pos >= 0:
                starts.add(_line_start(body, pos))
                pos = body.find(needle, body.find(b"\n", pos) + 1 or len(body))
        if lower_needles:
            lowered = body.lower()
            for needle in lower_needles:
                pos = lowered.find(needle)
                while pos >= 0:
                    starts.add(_line_start(body, pos))
                    pos = lowered.find(needle, lowered.find(b"\n", pos) + 1 or len(body))
        counted_to, lineno = 0, lineno_base
        for start in sorted(starts):
            end = body.find(b"\n", start)
            end = len(body) if end < 0 else end
            lineno += body.count(b"\n", counted_to, start)
            counted_to = start
            line = body[start:end].rstrip(b"\r")
            yield lineno + 1, line[:max_line], len(line) > max_line
        lineno_base += body.count(b"\n")
        if final:
            return

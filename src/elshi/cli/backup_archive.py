"""The encrypted backup archive: a tar stream sealed in AES-256-GCM chunks, read and written in
bounded memory (one chunk at a time), so that gigabytes of media never sit in memory.

Format, version 1::

    b"ELSHIBK1"                         magic
    uint32 big-endian N, N bytes        header, JSON: {"v": 1, "kdf": "scrypt", "n", "r", "p",
                                        "salt" (base64), "nonce" (base64, 8 bytes), "check" (hex),
                                        "chunk": plaintext bytes per chunk}
    repeated:
      uint32 big-endian L, L bytes      AES-GCM(chunk) with its 16-byte tag

The 64-byte scrypt output of the passphrase is split in two: the first half is the AES key, the
SHA-256 of the second half is ``check``, so a wrong passphrase is told apart from a damaged file
before anything is decrypted. Chunk ``i``'s nonce is the header's 8 random bytes followed by ``i``
(uint32); its associated data is the header, ``i`` and a last-chunk flag, so chunks cannot be
reordered, dropped, spliced from another backup or cut off at the end without the read failing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import struct
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["MIN_PASSPHRASE", "ArchiveError", "DecryptingReader", "EncryptingWriter", "WrongPassphrase"]

MAGIC = b"ELSHIBK1"
CHUNK = 1 << 20
MIN_PASSPHRASE = 12
# scrypt at 2**15 x 8: about 32 MiB and a tenth of a second, once per backup or restore.
SCRYPT = {"n": 1 << 15, "r": 8, "p": 1}


class ArchiveError(ValueError):
    """The file is not an elshi backup, or it was damaged or cut short."""


class WrongPassphrase(ArchiveError):
    """The passphrase does not open this backup."""


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> tuple[bytes, str]:
    material = hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=64
    )
    return material[:32], hashlib.sha256(material[32:]).hexdigest()


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + struct.pack(">I?", index, last)


class EncryptingWriter(io.RawIOBase):
    """A write-only file object: what is written comes out encrypted in ``target``. Close it (or use it
    as a context manager) to seal the last chunk."""

    def __init__(self, target: IO[bytes], passphrase: str, chunk: int = CHUNK) -> None:
        super().__init__()
        salt, prefix = os.urandom(16), os.urandom(8)
        key, check = _derive(passphrase, salt, **SCRYPT)
        self._header = json.dumps(
            {
                "v": 1,
                "kdf": "scrypt",
                **SCRYPT,
                "salt": base64.b64encode(salt).decode(),
                "nonce": base64.b64encode(prefix).decode(),
                "check": check,
                "chunk": chunk,
            },
            sort_keys=True,
        ).encode()
        self._target, self._aes, self._prefix, self._chunk = target, AESGCM(key), prefix, chunk
        self._buffer = bytearray()
        self._index = 0
        target.write(MAGIC + struct.pack(">I", len(self._header)) + self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._buffer += data
        # Keep at least one byte back: the last chunk is sealed only on close, flagged as last.
        while len(self._buffer) > self._chunk:
            self._seal(bytes(self._buffer[: self._chunk]), last=False)
            del self._buffer[: self._chunk]
        return len(data)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aes.encrypt(
            _nonce(self._prefix, self._index), plain, _aad(self._header, self._index, last)
        )
        self._target.write(struct.pack(">I", len(sealed)) + sealed)
        self._index += 1

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._target.flush()
        super().close()


class DecryptingReader(io.RawIOBase):
    """A read-only file object over an archive written by :class:`EncryptingWriter`."""

    def __init__(self, source: IO[bytes], passphrase: str) -> None:
        super().__init__()
        if source.read(len(MAGIC)) != MAGIC:
            raise ArchiveError("not an elshi backup (written by `elshi backup`)")
        (size,) = struct.unpack(">I", _exactly(source, 4))
        self._header = _exactly(source, size)
        try:
            meta = json.loads(self._header)
            salt, prefix = base64.b64decode(meta["salt"]), base64.b64decode(meta["nonce"])
            key, check = _derive(passphrase, salt, int(meta["n"]), int(meta["r"]), int(meta["p"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise ArchiveError(f"the backup's header is damaged: {exc}") from exc
        if meta.get("v") != 1:
            raise ArchiveError(f"backup format version {meta.get('v')!r} is not known to this elshi")
        if not hmac.compare_digest(check, str(meta["check"])):
            raise WrongPassphrase("wrong passphrase: it does not open this backup")
        self._source, self._aes, self._prefix = source, AESGCM(key), prefix
        self._plain = b""
        self._index = 0
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._plain and not self._done:
            self._open_next()
        count = min(len(buffer), len(self._plain))
        buffer[:count] = self._plain[:count]
        self._plain = self._plain[count:]
        return count

    def _open_next(self) -> None:
        raw = self._source.read(4)
        if len(raw) < 4:
            raise ArchiveError("the backup is cut short: its last part is missing")
        sealed = _exactly(self._source, struct.unpack(">I", raw)[0])
        nonce = _nonce(self._prefix, self._index)
        for last in (False, True):
            try:
                self._plain = self._aes.decrypt(nonce, sealed, _aad(self._header, self._index, last))
            except InvalidTag:
                continue
            self._done = last
            self._index += 1
            if last and self._source.read(1):
                raise ArchiveError("the backup has data after its last part: it was tampered with")
            return
        raise ArchiveError(f"part {self._index} of the backup is damaged or was changed")


def _exactly(source: IO[bytes], size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise ArchiveError("the backup is cut short")
    return data

"""Secrets at rest: channel credentials and tokens are encrypted with Fernet (AES-128-CBC + HMAC-SHA256).

Keys come from ``ELSHI_CREDENTIALS_KEYS`` (comma-separated, newest first), or from
``ELSHI_HOME/credentials.keys`` (one per line, newest first, mode 0600), generated on
first use. Every key in the list can decrypt; only the first encrypts. ``elshi keys
rotate`` adds a new key, re-encrypts every stored secret with it, and can drop the old.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "decrypt_json", "encrypt_json", "key_file", "keys", "reset_cache"]

_cache: MultiFernet | None = None


def key_file() -> Path:
    return Path(settings.ELSHI_HOME) / "credentials.keys"


def keys() -> list[bytes]:
    raw = os.environ.get("ELSHI_CREDENTIALS_KEYS", "").strip()
    if raw:
        found = [k.strip().encode() for k in raw.split(",") if k.strip()]
    else:
        path = key_file()
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(Fernet.generate_key().decode() + "\n")
        found = [line.strip().encode() for line in path.read_text("ascii").splitlines() if line.strip()]
    for key in found:
        try:
            Fernet(key)
        except ValueError as exc:
            raise ImproperlyConfigured(
                "ELSHI_CREDENTIALS_KEYS holds a key that is not a Fernet key (32 url-safe base64 bytes)"
            ) from exc
    return found


def _fernet() -> MultiFernet:
    global _cache
    if _cache is None:
        _cache = MultiFernet([Fernet(k) for k in keys()])
    return _cache


def reset_cache() -> None:
    global _cache
    _cache = None
    _decrypt_text.cache_clear()


def encrypt_json(value: Any) -> str:
    return _fernet().encrypt(json.dumps(value).encode("utf-8")).decode("ascii")


def decrypt_json(token: str) -> Any:
    if not token:
        return None
    return json.loads(_fernet().decrypt(token.encode("ascii")))


@functools.lru_cache(maxsize=4096)
def _decrypt_text(token: str) -> str:
    return _fernet().decrypt(token.encode("ascii")).decode("utf-8")


def decrypt_json_cached(token: str) -> Any:
    """As :func:`decrypt_json`, remembering the plaintext per ciphertext (a bounded cache): a worker
    sending thousands of deliveries decrypts each channel's credentials once, not once per delivery.
    Keyed by the ciphertext itself, so it cannot go stale: new credentials are a new ciphertext."""
    if not token:
        return None
    return json.loads(_decrypt_text(token))


def rotate(token: str) -> str:
    return _fernet().rotate(token.encode("ascii")).decode("ascii") if token else token

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
import secrets
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "AuditKeyMissing",
    "InvalidToken",
    "audit_key",
    "audit_key_file",
    "decrypt_json",
    "encrypt_json",
    "key_file",
    "keys",
    "reset_cache",
]

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
    _audit_keys.clear()


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


# The audit chain's HMAC key. Kept outside the database on purpose: someone who can write the
# database but not ELSHI_HOME (a stolen dump, a rogue SQL session) cannot re-hash a changed chain.
AUDIT_KEY_ENV = "ELSHI_AUDIT_KEY"
_audit_keys: dict[tuple[str, str], bytes] = {}


class AuditKeyMissing(ImproperlyConfigured):
    """The audit chain holds keyed events but its key is gone: verifying or appending would be a lie."""


def audit_key_file() -> Path:
    return Path(settings.ELSHI_HOME) / "keys" / "audit.key"


def audit_key(*, create: bool) -> bytes:
    """``ELSHI_AUDIT_KEY``, else ``ELSHI_HOME/keys/audit.key`` (mode 0600). Generated only when
    ``create`` is true: the caller allows it while no event was ever keyed, since a key invented
    later would silently fork the chain instead of telling the operator to restore the old one."""
    raw = os.environ.get(AUDIT_KEY_ENV, "").strip()
    path = audit_key_file()
    cached = _audit_keys.get((raw, str(path)))
    if cached is not None:
        return cached
    if raw:
        if len(raw) < 32:
            raise ImproperlyConfigured(f"{AUDIT_KEY_ENV} must be at least 32 characters")
        key = raw.encode("utf-8")
    else:
        if not path.exists():
            if not create:
                raise AuditKeyMissing(
                    f"the audit key is missing: restore {path} (mode 0600) from a backup or set "
                    f"{AUDIT_KEY_ENV}; the chain holds events keyed with it"
                )
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48) + "\n")
        key = path.read_text("ascii").strip().encode("ascii")
        if len(key) < 32:
            raise ImproperlyConfigured(f"{path} holds fewer than 32 characters: not an audit key")
    _audit_keys[(raw, str(path))] = key
    return key

"""Typed readers for elshi's environment variables.

Each helper refuses a bad value with ``ImproperlyConfigured`` naming the
variable, so a typo in a deployment fails at start-up rather than at 3 a.m.
Every variable read here is documented in the README's Configuration table.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "database_config",
    "elshi_home",
    "envbool",
    "envint",
    "envlist",
    "envstr",
    "email_config",
    "redis_url",
    "secret_key",
]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def envbool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off")


def envint(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from exc
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum {minimum}")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} is set but empty: give a comma-separated list")
    return items


def elshi_home() -> Path:
    raw = envstr("ELSHI_HOME")
    home = Path(raw).expanduser() if raw else Path.home() / ".local" / "share" / "elshi"
    if home.exists() and not home.is_dir():
        raise ImproperlyConfigured(f"ELSHI_HOME={home} exists and is not a directory")
    return home


def secret_key(home: Path) -> str:
    """ELSHI_SECRET_KEY, or a key generated once and kept in ELSHI_HOME/secret_key (mode 0600)."""
    key = envstr("ELSHI_SECRET_KEY")
    if key:
        if len(key) < 50 or len(set(key)) < 5:
            raise ImproperlyConfigured(
                "ELSHI_SECRET_KEY must be at least 50 characters with at least 5 distinct ones"
            )
        return key
    path = home / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def database_config(home: Path) -> dict[str, Any]:
    """DATABASE_URL (postgres:// or sqlite:///path), default SQLite in WAL mode under ELSHI_HOME."""
    url = envstr("DATABASE_URL") or f"sqlite:///{home / 'elshi.sqlite3'}"
    scheme = urlsplit(url).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL scheme {scheme!r} is not supported: use sqlite:///PATH or postgres://USER@HOST:PORT/NAME"
        )
    try:
        config: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=600 if scheme == "sqlite" else 60)
        )
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if scheme == "sqlite":
        # WAL lets the web server read while the worker writes; IMMEDIATE avoids
        # "database is locked" when two transactions upgrade to writers at once.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    else:
        config.setdefault("OPTIONS", {})
        config["CONN_HEALTH_CHECKS"] = True
    return config


def redis_url() -> str:
    url = envstr("REDIS_URL")
    if url and urlsplit(url).scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(f"REDIS_URL={url!r} must start with redis://, rediss:// or unix://")
    return url


def email_config() -> dict[str, Any]:
    """ELSHI_EMAIL_URL such as smtp://user:pass@host:587/?tls=True; default: e-mails go to the log."""
    url = envstr("ELSHI_EMAIL_URL")
    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}

    scheme = urlsplit(url).scheme
    if scheme not in dj_email_url.SCHEMES:
        known = ", ".join(sorted(dj_email_url.SCHEMES))
        raise ImproperlyConfigured(f"ELSHI_EMAIL_URL scheme {scheme!r} is not supported: use one of {known}")
    parsed = dj_email_url.parse(url)
    return {
        "EMAIL_BACKEND": parsed["EMAIL_BACKEND"],
        "EMAIL_HOST": parsed["EMAIL_HOST"] or "localhost",
        "EMAIL_PORT": parsed["EMAIL_PORT"] or 25,
        "EMAIL_HOST_USER": parsed["EMAIL_HOST_USER"] or "",
        "EMAIL_HOST_PASSWORD": parsed["EMAIL_HOST_PASSWORD"] or "",
        "EMAIL_USE_TLS": bool(parsed["EMAIL_USE_TLS"]),
        "EMAIL_USE_SSL": bool(parsed["EMAIL_USE_SSL"]),
        "EMAIL_TIMEOUT": parsed.get("EMAIL_TIMEOUT") or 10,
        "DEFAULT_FROM_EMAIL": parsed.get("DEFAULT_FROM_EMAIL") or "elshi@localhost",
        "SERVER_EMAIL": parsed.get("SERVER_EMAIL") or "elshi@localhost",
    }

from __future__ import annotations

import os
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from elshi.web import env


def test_envbool_accepts_known_words_and_refuses_others(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELSHI_DEBUG", "yes")
    assert env.envbool("ELSHI_DEBUG") is True
    monkeypatch.setenv("ELSHI_DEBUG", "0")
    assert env.envbool("ELSHI_DEBUG", True) is False
    monkeypatch.setenv("ELSHI_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="ELSHI_DEBUG='maybe' is not a boolean"):
        env.envbool("ELSHI_DEBUG")


def test_envlist_refuses_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ELSHI_ALLOWED_HOSTS", " , ")
    with pytest.raises(ImproperlyConfigured, match="ELSHI_ALLOWED_HOSTS"):
        env.envlist("ELSHI_ALLOWED_HOSTS", [])
    monkeypatch.setenv("ELSHI_ALLOWED_HOSTS", "elshi.mfa.kz, 10.0.0.5")
    assert env.envlist("ELSHI_ALLOWED_HOSTS", []) == ["elshi.mfa.kz", "10.0.0.5"]


def test_database_url(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("DATABASE_URL", raising=False)
    sqlite = env.database_config(tmp_path)
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert sqlite["NAME"] == str(tmp_path / "elshi.sqlite3")
    assert "journal_mode=WAL" in sqlite["OPTIONS"]["init_command"]
    monkeypatch.setenv("DATABASE_URL", "postgres://elshi:pw@db.internal:5433/elshi")
    pg = env.database_config(tmp_path)
    assert (pg["ENGINE"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        5433,
        "elshi",
    )
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/elshi")
    with pytest.raises(ImproperlyConfigured, match="scheme 'mysql' is not supported"):
        env.database_config(tmp_path)


def test_secret_key_generated_once_private(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("ELSHI_SECRET_KEY", raising=False)
    first = env.secret_key(tmp_path)
    assert len(first) >= 50
    assert env.secret_key(tmp_path) == first
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600
    monkeypatch.setenv("ELSHI_SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="at least 50"):
        env.secret_key(tmp_path)


def test_redis_and_email_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "http://localhost:6379")
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        env.redis_url()
    monkeypatch.setenv("ELSHI_EMAIL_URL", "smtp://bot:secret@mail.mfa.kz:587/?tls=True")
    mail = env.email_config()
    assert (mail["EMAIL_HOST"], mail["EMAIL_PORT"], mail["EMAIL_USE_TLS"]) == ("mail.mfa.kz", 587, True)
    monkeypatch.setenv("ELSHI_EMAIL_URL", "carrier-pigeon://loft")
    with pytest.raises(ImproperlyConfigured, match="ELSHI_EMAIL_URL"):
        env.email_config()


def test_home_must_be_a_directory(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    afile = tmp_path / "file"
    afile.write_text("x")
    monkeypatch.setenv("ELSHI_HOME", str(afile))
    with pytest.raises(ImproperlyConfigured, match="not a directory"):
        env.elshi_home()

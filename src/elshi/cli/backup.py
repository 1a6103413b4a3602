"""`elshi backup`, `elshi restore`: the whole installation in one encrypted archive.

What a backup holds (a tar stream inside the format of ``elshi.cli.backup_archive``):
``manifest.json`` (format, time, database kind), ``database.sqlite3`` (SQLite's online backup) or
``database.pgdump`` (``pg_dump --format=custom``), ``secrets/secret_key``, ``keys/credentials.keys``,
``keys/audit.key``, ``audit/anchors.jsonl`` and ``media/``. Without the keys a database full of
encrypted credentials and a keyed audit chain is worth little, hence all in one file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from elshi.cli._django import fail, setup
from elshi.cli.backup_archive import MIN_PASSPHRASE, EncryptingWriter

console = Console()

PASSPHRASE_ENV = "ELSHI_BACKUP_PASSPHRASE"  # noqa: S105 - the variable's name, not a secret
FORMAT = 1
PassphraseFile = typer.Option(
    None,
    "--passphrase-file",
    help=f"A file whose first line is the passphrase (default: the {PASSPHRASE_ENV} variable).",
)


def passphrase(path: Path | None) -> str:
    if path is not None:
        try:
            lines = path.read_text("utf-8").splitlines()
        except OSError as exc:
            raise fail(f"cannot read the passphrase file {path}: {exc.strerror}", 2) from exc
        found = lines[0].strip() if lines else ""
    else:
        found = os.environ.get(PASSPHRASE_ENV, "").strip()
    if not found:
        raise fail(f"no passphrase: give --passphrase-file PATH or set {PASSPHRASE_ENV}", 2)
    if len(found) < MIN_PASSPHRASE:
        raise fail(f"the passphrase must be at least {MIN_PASSPHRASE} characters", 2)
    return found


def pg_env(db: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    return env


def pg_tool(name: str) -> str:
    tool = shutil.which(name)
    if tool is None:
        raise fail(
            f"{name} is not installed: install PostgreSQL's client tools (Debian: postgresql-client)", 1
        )
    return tool


def _snapshot_database(work: Path) -> Path:
    # Imported when the command runs: after Django's setup(), off the CLI's start-up path.
    from django.db import connection

    if connection.vendor == "sqlite":
        # The online backup API copies a consistent snapshot while others keep writing.
        connection.ensure_connection()
        target = work / "database.sqlite3"
        copy = sqlite3.connect(target)
        connection.connection.backup(copy, pages=1024)
        copy.close()
        return target
    target = work / "database.pgdump"
    result = subprocess.run(  # noqa: S603 - fixed argument list, no shell
        [pg_tool("pg_dump"), "--format=custom", "--file", str(target)],
        env=pg_env(connection.settings_dict),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise fail(f"pg_dump failed: {result.stderr.strip()}")
    return target


def _secrets() -> dict[str, bytes]:
    # Imported when the command runs: after Django's setup(), off the CLI's start-up path.
    from django.conf import settings

    from elshi.audit.models import AuditHead
    from elshi.common import crypto

    head = AuditHead.objects.filter(pk=1).first()
    keyed = head is not None and head.count > head.legacy_count
    return {
        "secrets/secret_key": settings.SECRET_KEY.encode("utf-8"),
        "keys/credentials.keys": b"".join(k + b"\n" for k in crypto.keys()),
        "keys/audit.key": crypto.audit_key(create=not keyed) + b"\n",
    }


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o600) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, int(dt.datetime.now(dt.UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def backup(
    path: Path = typer.Argument(..., help="Where to write the backup file."),
    passphrase_file: Path | None = PassphraseFile,
) -> None:
    """Back up the database, keys, secret key, audit anchors and media into one encrypted file, while
    elshi runs."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from django.conf import settings
    from django.db import connection

    from elshi.audit.anchors import anchor_file
    from elshi.audit.log import record
    from elshi.common.crypto import AuditKeyMissing

    secret = passphrase(passphrase_file)
    if path.exists():
        raise fail(f"{path} exists: choose a new file name", 2)
    # Taken before the snapshot: whatever happens after it is not in the backup, and a restore holds
    # what may have been sent from then on.
    taken_at = dt.datetime.now(dt.UTC)
    manifest = {"format": FORMAT, "created_at": taken_at.isoformat(), "database": connection.vendor}
    partial = path.with_name(path.name + ".partial")
    media = Path(settings.MEDIA_ROOT)
    try:
        keys = _secrets()
    except AuditKeyMissing as exc:
        raise fail(str(exc), 2) from exc
    # Read before the database snapshot: an anchor written meanwhile would name events the backup's
    # chain does not hold, and `elshi audit verify` would fail after a restore.
    if anchor_file().exists():
        keys["audit/anchors.jsonl"] = anchor_file().read_bytes()
    try:
        with tempfile.TemporaryDirectory(prefix="elshi-backup-", dir=path.parent) as work:
            with console.status("Backing up…"):
                database = _snapshot_database(Path(work))
                fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as raw, EncryptingWriter(raw, secret) as sealed:
                    with tarfile.open(fileobj=sealed, mode="w|") as tar:
                        _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode(), 0o644)
                        tar.add(database, arcname=database.name)
                        for name, data in keys.items():
                            _add_bytes(tar, name, data)
                        if media.is_dir():
                            tar.add(media, arcname="media")
    except BaseException:
        # A half-written backup must never pass for one.
        partial.unlink(missing_ok=True)
        raise
    partial.rename(path)
    record(
        None,
        "backup.create",
        None,
        changes={"file": path.name, "taken_at": manifest["created_at"]},
        actor_label="cli",
    )
    console.print(f"backup written: {path} ({path.stat().st_size:,} bytes, encrypted)")

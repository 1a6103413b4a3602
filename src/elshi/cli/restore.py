"""`elshi restore`: put back what `elshi backup` wrote, then hold what may have gone out since.

The whole archive is decrypted and authenticated into a scratch folder before anything is changed,
so a wrong passphrase or a damaged file leaves the installation as it was. Files replaced (keys,
secret key, anchors) are kept beside themselves as ``NAME.before-restore-<time>``.
"""

from __future__ import annotations

import datetime as dt
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
from elshi.cli.backup import FORMAT, PassphraseFile, passphrase, pg_env, pg_tool
from elshi.cli.backup_archive import ArchiveError, DecryptingReader, WrongPassphrase

console = Console()

SECRET_FILES = ("secrets/secret_key", "keys/credentials.keys", "keys/audit.key", "audit/anchors.jsonl")
DATABASES = ("database.sqlite3", "database.pgdump")


def _allowed(name: str) -> bool:
    return (
        name in ("manifest.json", *SECRET_FILES, *DATABASES) or name == "media" or name.startswith("media/")
    )


def _unpack(path: Path, secret: str, work: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as raw, DecryptingReader(raw, secret) as plain:
            with tarfile.open(fileobj=plain, mode="r|") as tar:
                for member in tar:
                    if not _allowed(member.name):
                        raise ArchiveError(f"the backup holds an unexpected entry {member.name!r}")
                    # The "data" filter refuses links out, absolute paths and device files.
                    tar.extract(member, work, filter="data")
    except WrongPassphrase as exc:
        raise fail(f"{exc}; nothing was changed", 2) from exc
    except (ArchiveError, tarfile.TarError) as exc:
        raise fail(f"{path} is not a usable elshi backup: {exc}; nothing was changed", 2) from exc
    try:
        manifest: dict[str, Any] = json.loads((work / "manifest.json").read_text("utf-8"))
        manifest["taken_at"] = dt.datetime.fromisoformat(manifest["created_at"])
    except (OSError, ValueError, KeyError) as exc:
        raise fail(f"the backup's manifest is missing or damaged: {exc}", 2) from exc
    if manifest.get("format") != FORMAT:
        raise fail(f"backup format {manifest.get('format')!r} is not known to this elshi", 2)
    return manifest


def _put(source: Path, target: Path, stamp: str) -> None:
    """Replace ``target`` with ``source`` (mode 0600), keeping a different old one beside it."""
    if not source.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if target.exists():
        if target.read_bytes() == source.read_bytes():
            return
        target.rename(target.with_name(f"{target.name}.before-restore-{stamp}"))
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)


def _restore_files(work: Path, stamp: str) -> list[str]:
    # Imported when the command runs: after Django's setup(), off the CLI's start-up path.
    from django.conf import settings

    from elshi.audit.anchors import anchor_file
    from elshi.common import crypto

    home = Path(settings.ELSHI_HOME)
    _put(work / "secrets/secret_key", home / "secret_key", stamp)
    _put(work / "keys/credentials.keys", crypto.key_file(), stamp)
    _put(work / "keys/audit.key", crypto.audit_key_file(), stamp)
    # The anchors of the backup's own chain: later ones name events the restore takes away.
    current = anchor_file()
    if current.exists():
        current.rename(current.with_name(f"{current.name}.before-restore-{stamp}"))
    _put(work / "audit/anchors.jsonl", current, stamp)
    if (work / "media").is_dir():
        shutil.copytree(work / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)
    crypto.reset_cache()
    overridden = [
        var
        for var in ("ELSHI_SECRET_KEY", "ELSHI_CREDENTIALS_KEYS", crypto.AUDIT_KEY_ENV)
        if os.environ.get(var, "").strip()
    ]
    return overridden


def _restore_database(work: Path, vendor: str) -> None:
    # Imported when the command runs: after Django's setup(), off the CLI's start-up path.
    from django.db import connection

    if connection.vendor != vendor:
        raise fail(f"the backup holds a {vendor} database, this installation runs on {connection.vendor}", 2)
    if vendor == "sqlite":
        source = sqlite3.connect(f"file:{work / 'database.sqlite3'}?mode=ro", uri=True)
        try:
            source.execute("SELECT count(*) FROM django_migrations").fetchone()
            connection.ensure_connection()
            source.backup(connection.connection)
        except sqlite3.DatabaseError as exc:
            raise fail(f"the backup's database is not an elshi SQLite database: {exc}", 2) from exc
        finally:
            source.close()
        return
    db = connection.settings_dict  # the database in use (a test run renames it)
    connection.close()
    args = [
        pg_tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--dbname",
        db["NAME"],
        str(work / "database.pgdump"),
    ]
    result = subprocess.run(args, env=pg_env(db), capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise fail(f"pg_restore failed: {result.stderr.strip()}")


def hold_deliveries(taken_at: dt.datetime) -> list[int]:
    """Hold every delivery that the installation may have sent after the backup was taken: being
    sent at that moment, or due (or due again) by now. Sending them again blind could post twice, so
    a person checks the platform first (DESIGN §5: unconfirmed)."""
    # Imported when the command runs: after Django's setup(), off the CLI's start-up path.
    from django.db.models import Q
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from elshi.publishing.models import Delivery, DeliveryState
    from elshi.publishing.states import SYSTEM, Event, transition_many

    now = timezone.now()
    note = _("restored from a backup taken at %(at)s: check the platform before sending again") % {
        "at": taken_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    }
    at_risk = Delivery.objects.filter(Q(state=DeliveryState.PUBLISHING) | Q(due_at__lte=now))
    return transition_many(
        at_risk,
        Event.RESTORE_HOLD,
        actor=SYSTEM,
        changes={"note": note, "backup_taken_at": taken_at.isoformat()},
        last_error=note,
        last_error_at=now,
    )


def restore(
    path: Path = typer.Argument(..., help="A file written by `elshi backup`."),
    passphrase_file: Path | None = PassphraseFile,
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Replace the database, keys, secret key, anchors and media with a backup. Stop `elshi up` first."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from django.conf import settings
    from django.db import connection, transaction

    from elshi.audit.log import record

    secret = passphrase(passphrase_file)
    if not path.is_file():
        raise fail(f"{path} is not a file", 2)
    with tempfile.TemporaryDirectory(prefix="elshi-restore-", dir=settings.ELSHI_HOME) as scratch:
        work = Path(scratch)
        with console.status("Decrypting and checking the backup…"):
            manifest = _unpack(path, secret, work)
        taken_at: dt.datetime = manifest["taken_at"]
        if not yes and not typer.confirm(
            f"Replace this installation with the backup taken at {taken_at.isoformat()}?"
        ):
            raise typer.Exit(1)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        with console.status("Restoring…"):
            overridden = _restore_files(work, stamp)
            _restore_database(work, str(manifest.get("database")))
    connection.close()
    with transaction.atomic():
        held = hold_deliveries(taken_at)
        record(
            None,
            "backup.restore",
            None,
            changes={"file": path.name, "taken_at": taken_at.isoformat(), "held_deliveries": len(held)},
            actor_label="cli",
        )
    console.print(f"restored the backup taken at {taken_at.isoformat()} from {path}")
    if held:
        console.print(
            f"{len(held)} delivery(ies) held as unconfirmed: they may have gone out after the backup; "
            "check each on its platform, then mark it published or send it again"
        )
    for var in overridden:
        console.print(f"[yellow]note:[/yellow] {var} is set and wins over the restored file")
    console.print("restart elshi (the secret key and keys are read at start), then run `elshi audit verify`")

"""`elshi backup` / `elshi restore`: one encrypted archive of the whole installation, and a restore
that holds what may have gone out after the backup (issue 17)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from typer.testing import CliRunner

from elshi.audit.models import AuditEvent
from elshi.cli import app
from elshi.cli.backup_archive import ArchiveError, DecryptingReader, EncryptingWriter, WrongPassphrase
from elshi.common import crypto
from elshi.content.models import Post, PostState, Variant
from elshi.missions.models import Channel, Membership
from elshi.publishing.models import Delivery, DeliveryState
from tests.publish.conftest import webhook  # noqa: F401  (shared fixtures)
from tests.tell.conftest import EN, tell, write_post  # noqa: F401

runner = CliRunner()
PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def home(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An ELSHI_HOME of this test's own, set before any event is keyed: keys, anchors and media here."""
    settings.ELSHI_HOME = tmp_path / "home"
    settings.MEDIA_ROOT = tmp_path / "home" / "media"
    (tmp_path / "home").mkdir()
    for var in ("ELSHI_CREDENTIALS_KEYS", crypto.AUDIT_KEY_ENV, "ELSHI_BACKUP_PASSPHRASE"):
        monkeypatch.delenv(var, raising=False)
    crypto.reset_cache()
    yield tmp_path / "home"
    crypto.reset_cache()


def run(*args: str, passphrase: str | None = PASSPHRASE) -> Any:
    env = {"ELSHI_BACKUP_PASSPHRASE": passphrase} if passphrase else {}
    return runner.invoke(app, list(args), env=env)


def test_archive_round_trip_in_chunks_and_refuses_tampering() -> None:
    data = bytes(range(256)) * 41
    sealed = io.BytesIO()
    with EncryptingWriter(sealed, PASSPHRASE, chunk=1000) as writer:
        writer.write(data)
    blob = sealed.getvalue()
    assert data[:64] not in blob
    assert DecryptingReader(io.BytesIO(blob), PASSPHRASE).read() == data
    with pytest.raises(WrongPassphrase):
        DecryptingReader(io.BytesIO(blob), "another passphrase")
    with pytest.raises(ArchiveError, match="cut short"):
        DecryptingReader(io.BytesIO(blob[:-1020]), PASSPHRASE).read()
    flipped = bytearray(blob)
    flipped[len(blob) // 2] ^= 1
    with pytest.raises(ArchiveError, match="damaged"):
        DecryptingReader(io.BytesIO(bytes(flipped)), PASSPHRASE).read()


@pytest.mark.django_db(transaction=True)
def test_backup_refuses_without_a_passphrase(people: dict[str, Any], tmp_path: Path) -> None:
    result = run("backup", str(tmp_path / "b"), passphrase=None)
    assert result.exit_code == 2 and "no passphrase" in result.output
    result = run("backup", str(tmp_path / "b"), passphrase="short")
    assert result.exit_code == 2 and "at least 12" in result.output
    assert not (tmp_path / "b").exists()


@pytest.mark.django_db(transaction=True)
def test_round_trip_brings_back_database_keys_secret_key_and_media(
    people: dict[str, Any], home: Path, tmp_path: Path
) -> None:
    (home / "media" / "assets").mkdir(parents=True)
    (home / "media" / "assets" / "card.png").write_bytes(b"\x89PNG original")
    crypto.keys()  # made on first use, as a first channel would
    keys_before = crypto.key_file().read_bytes()
    audit_key_before = crypto.audit_key_file().read_bytes()
    assert run("audit", "anchor").exit_code == 0
    target = tmp_path / "elshi.backup"
    result = run("backup", str(target))
    assert result.exit_code == 0, result.output
    blob = target.read_bytes()
    assert b"SQLite format" not in blob and audit_key_before.strip() not in blob
    assert run("backup", str(target)).exit_code == 2  # never overwrites

    Membership.objects.filter(user__username="author").delete()
    (home / "media" / "assets" / "card.png").write_bytes(b"changed")
    crypto.key_file().write_text("not-the-key\n")

    wrong = run("restore", str(target), "--yes", passphrase="a wrong passphrase")
    assert (
        wrong.exit_code == 2 and "wrong passphrase" in wrong.output and "nothing was changed" in wrong.output
    )
    assert not Membership.objects.filter(user__username="author").exists()

    passfile = tmp_path / "pass.txt"
    passfile.write_text(PASSPHRASE + "\n")
    result = run("restore", str(target), "--yes", "--passphrase-file", str(passfile), passphrase=None)
    assert result.exit_code == 0, result.output
    connection.close()
    crypto.reset_cache()
    assert Membership.objects.filter(user__username="author").exists()
    assert (home / "media" / "assets" / "card.png").read_bytes() == b"\x89PNG original"
    assert crypto.key_file().read_bytes() == keys_before
    assert crypto.audit_key_file().read_bytes() == audit_key_before
    assert list(home.glob("credentials.keys.before-restore-*"))  # the replaced file is kept aside
    assert (home / "secret_key").read_text().startswith("test-")
    restored = AuditEvent.objects.filter(action="backup.restore").get()
    assert restored.actor_label == "cli" and restored.changes["held_deliveries"] == 0
    verify = run("audit", "verify")
    assert verify.exit_code == 0 and "1 anchor(s) matched" in verify.output, verify.output


@pytest.mark.django_db(transaction=True)
def test_damaged_or_foreign_file_is_refused(people: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "elshi.backup"
    assert run("backup", str(target)).exit_code == 0
    blob = bytearray(target.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(bytes(blob))
    result = run("restore", str(damaged), "--yes")
    assert result.exit_code == 2 and "damaged" in result.output
    bogus = tmp_path / "bogus"
    bogus.write_text("not a backup")
    result = run("restore", str(bogus), "--yes")
    assert result.exit_code == 2 and "not an elshi backup" in result.output


def _delivery(make_post: Any, channel: Channel, state: str, due: dt.datetime) -> Delivery:
    post = make_post()
    Post.objects.filter(pk=post.pk).update(state=PostState.SCHEDULED)
    variant = Variant.objects.create(post=post, platform=channel.platform, language="en", text=EN)
    return Delivery.objects.create(post=post, channel=channel, variant=variant, due_at=due, state=state)


@pytest.mark.django_db(transaction=True)
def test_restore_holds_deliveries_that_may_have_gone_out_since(
    write_post: Any,  # noqa: F811 - the shared fixture
    webhook: Channel,  # noqa: F811
    tmp_path: Path,
) -> None:
    now = timezone.now()
    overdue = _delivery(write_post, webhook, DeliveryState.SCHEDULED, now - dt.timedelta(minutes=1))
    sending = _delivery(write_post, webhook, DeliveryState.PUBLISHING, now - dt.timedelta(minutes=5))
    retrying = _delivery(write_post, webhook, DeliveryState.FAILED_RETRYABLE, now - dt.timedelta(seconds=30))
    tomorrow = _delivery(write_post, webhook, DeliveryState.SCHEDULED, now + dt.timedelta(days=1))
    done = _delivery(write_post, webhook, DeliveryState.PUBLISHED, now - dt.timedelta(hours=1))
    target = tmp_path / "elshi.backup"
    assert run("backup", str(target)).exit_code == 0
    # After the backup the installation sent them; then the server was lost and the backup restored.
    Delivery.objects.filter(pk__in=[overdue.pk, sending.pk]).update(state=DeliveryState.PUBLISHED)
    result = run("restore", str(target), "--yes")
    assert result.exit_code == 0, result.output
    assert "3 delivery(ies) held" in result.output
    connection.close()
    states = dict(Delivery.objects.values_list("pk", "state"))
    assert states[overdue.pk] == states[sending.pk] == states[retrying.pk] == DeliveryState.UNCONFIRMED
    assert states[tomorrow.pk] == DeliveryState.SCHEDULED and states[done.pk] == DeliveryState.PUBLISHED
    held = Delivery.objects.get(pk=overdue.pk)
    assert "restored from a backup taken at" in held.last_error
    assert "check the platform before sending again" in held.last_error and held.last_error_at is not None
    moves = AuditEvent.objects.filter(action="delivery.restore_hold")
    assert moves.count() == 3 and {e.actor_label for e in moves} == {"system"}
    assert AuditEvent.objects.get(action="backup.restore").changes["held_deliveries"] == 3
    assert run("audit", "verify").exit_code == 0

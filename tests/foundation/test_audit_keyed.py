"""The keyed chain, its anchors and its key (issue 17)."""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone
from typer.testing import CliRunner

from elshi.audit import anchors
from elshi.audit.anchors import read_anchors, write_anchor
from elshi.audit.log import record, verify_chain
from elshi.audit.models import GENESIS, AuditEvent, AuditHead
from elshi.audit.tasks import anchor_audit_head
from elshi.cli import app
from elshi.common import crypto


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """This test's own audit key and anchors file: the session's ELSHI_HOME stays untouched."""
    monkeypatch.delenv(crypto.AUDIT_KEY_ENV, raising=False)
    monkeypatch.setattr(crypto, "audit_key_file", lambda: tmp_path / "keys" / "audit.key")
    monkeypatch.setattr(anchors, "anchor_file", lambda: tmp_path / "audit" / "anchors.jsonl")
    crypto.reset_cache()
    yield tmp_path
    crypto.reset_cache()


def _raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


@pytest.fixture
def chain(people: dict[str, Any]) -> list[AuditEvent]:
    for i in range(4):
        record(people["admin"], "test.event", people["author"], mission_slug="berlin", changes={"i": i})
    return list(AuditEvent.objects.order_by("id"))


def _rehash(events: list[AuditEvent], key: bytes | None, start: int = 0) -> None:
    """What a tamperer holding ``key`` does: re-hash every event from ``start`` and fix the head."""
    prev = events[start - 1].hash if start else GENESIS
    for event in events[start:]:
        event.prev_hash = prev
        event.hash = prev = event.compute_hash(key)
        _raw(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s, changes = %s WHERE id = %s",
            [event.prev_hash, event.hash, json.dumps(event.changes), event.pk],
        )
    AuditHead.objects.filter(pk=1).update(last_hash=prev, count=len(events))


def test_key_file_is_made_once_with_mode_0600(chain: list[AuditEvent], isolated: Path) -> None:
    path = isolated / "keys" / "audit.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = path.read_bytes().strip()
    expected = hmac.new(key, chain[-1]._canonical(legacy=False), hashlib.sha256).hexdigest()
    assert chain[-1].hash == expected
    assert chain[-1].hash != chain[-1].compute_hash(None)  # not the plain SHA-256 any more


def test_changed_actor_id_is_caught(chain: list[AuditEvent], people: dict[str, Any]) -> None:
    victim = chain[-2]
    assert victim.actor_ref == str(people["admin"].pk)
    _raw("UPDATE audit_auditevent SET actor_id = %s WHERE id = %s", [people["author"].pk, victim.pk])
    report = verify_chain()
    assert not report.ok and report.broken_at == victim.pk
    assert "actor" in report.reason


def test_changed_actor_ref_is_caught(chain: list[AuditEvent], people: dict[str, Any]) -> None:
    victim = chain[-2]
    _raw(
        "UPDATE audit_auditevent SET actor_ref = %s, actor_id = %s WHERE id = %s",
        [str(people["author"].pk), people["author"].pk, victim.pk],
    )
    report = verify_chain()
    assert not report.ok and report.broken_at == victim.pk and "changed" in report.reason


def test_chain_rewritten_with_a_wrong_key_is_caught(chain: list[AuditEvent]) -> None:
    chain[1].changes = {"i": 99}
    _rehash(chain, b"m" * 48)
    report = verify_chain()
    assert not report.ok and report.broken_at == chain[0].pk
    assert "do not match its hash" in report.reason


def test_rewrite_with_the_key_passes_without_anchor_and_fails_after_one(chain: list[AuditEvent]) -> None:
    key = crypto.audit_key(create=False)
    chain[1].changes = {"i": 99}
    _rehash(chain, key, start=1)
    assert verify_chain().ok  # the key alone cannot tell: that is what anchors are for
    chain[1].changes = {"i": 1}
    _rehash(chain, key, start=1)
    anchor = write_anchor()
    assert anchor is not None and anchor.seq == len(chain) and anchor.event_id == chain[-1].pk
    assert verify_chain().ok and verify_chain().anchors == 1
    chain[1].changes = {"i": 99}
    _rehash(chain, key, start=1)
    report = verify_chain()
    assert not report.ok and report.broken_at == chain[-1].pk
    assert "anchor" in report.reason and "rewritten" in report.reason


def test_events_deleted_after_an_anchor_are_caught(chain: list[AuditEvent]) -> None:
    write_anchor()
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [chain[-1].pk])
    AuditHead.objects.filter(pk=1).update(last_hash=chain[-2].hash, count=len(chain) - 1)
    report = verify_chain()
    assert not report.ok and "anchored" in report.reason


def test_damaged_anchor_file_is_reported(chain: list[AuditEvent], isolated: Path) -> None:
    write_anchor()
    with (isolated / "audit" / "anchors.jsonl").open("a") as handle:
        handle.write("{not json\n")
    report = verify_chain()
    assert not report.ok and "line 2" in report.reason


def test_missing_key_is_a_clear_error(chain: list[AuditEvent], isolated: Path) -> None:
    (isolated / "keys" / "audit.key").unlink()
    crypto.reset_cache()
    report = verify_chain()
    assert not report.ok and "audit key is missing" in report.reason and "ELSHI_AUDIT_KEY" in report.reason
    with pytest.raises(crypto.AuditKeyMissing, match="restore"):
        record(None, "test.after_loss")
    assert not (isolated / "keys" / "audit.key").exists()  # never silently replaced


def test_key_from_the_environment(monkeypatch: pytest.MonkeyPatch, people: dict[str, Any]) -> None:
    monkeypatch.setenv(crypto.AUDIT_KEY_ENV, "short")
    crypto.reset_cache()
    with pytest.raises(ImproperlyConfigured, match="at least 32"):
        crypto.audit_key(create=True)
    monkeypatch.setenv(crypto.AUDIT_KEY_ENV, "k" * 40)
    crypto.reset_cache()
    event = record(None, "test.env_key")
    assert event.hash == event.compute_hash(b"k" * 40)


def test_legacy_chain_switches_to_keyed_and_the_switch_is_anchored(db: Any, isolated: Path) -> None:
    prev = GENESIS
    for i in range(3):  # a chain written before the key existed: plain SHA-256, no actor id
        event = AuditEvent(
            at=timezone.now(), actor_label="cli", action="old", changes={"i": i}, prev_hash=prev
        )
        event.hash = prev = event.compute_hash(None)
        event.save()
    AuditHead.objects.create(pk=1, last_hash=prev, count=3)
    assert not verify_chain().ok  # as keyed rows they do not verify: the switch point is needed
    migration = importlib.import_module("elshi.audit.migrations.0003_keyed_chain_and_actor_ref")
    migration.record_switch_point(django_apps, None)
    assert AuditHead.objects.get(pk=1).legacy_count == 3
    assert [a.seq for a in read_anchors()] == [3]
    record(None, "test.new", actor_label="cli")
    report = verify_chain()
    assert report.ok and report.checked == 4, report.reason
    AuditHead.objects.filter(pk=1).update(legacy_count=4)  # pass the keyed event off as an old one
    report = verify_chain()
    assert not report.ok and "switch point" in report.reason


def test_daily_anchor_task_writes_file_log_and_mail(
    chain: list[AuditEvent], settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.ELSHI_AUDIT_ANCHOR_EMAIL = ["archive@mfa.example"]
    with caplog.at_level("INFO", logger="elshi.audit.anchors"):
        seq = anchor_audit_head.call_local()
    assert seq == len(chain)
    (anchor,) = read_anchors()
    assert anchor.hash == chain[-1].hash and anchor.at.tzinfo is not None
    assert chain[-1].hash in caplog.text
    assert mail.outbox[-1].to == ["archive@mfa.example"] and chain[-1].hash in mail.outbox[-1].body


@pytest.mark.django_db(transaction=True)
def test_cli_anchor_then_verify(people: dict[str, Any]) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["audit", "anchor"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0 and "1 anchor(s) matched" in result.output, result.output

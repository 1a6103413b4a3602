from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from typer.testing import CliRunner

from elshi.audit.log import record, verify_chain
from elshi.audit.models import AppendOnlyError, AuditEvent


def _raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A tamperer with superuser rights can disable the append-only trigger; the chain still tells.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


@pytest.fixture
def chain(people: dict[str, Any]) -> list[AuditEvent]:
    for i in range(5):
        record(
            people["admin"],
            "test.event",
            people["author"],
            mission_slug="berlin",
            changes={"i": i, "name": "Қазақстан"},
        )
    return list(AuditEvent.objects.order_by("id"))


def test_actions_write_a_linked_chain(chain: list[AuditEvent]) -> None:
    assert chain[0].action == "mission.create"
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.prev_hash == before.hash
    report = verify_chain()
    assert report.ok and report.checked == len(chain)


def test_changed_row_is_caught(chain: list[AuditEvent]) -> None:
    victim = chain[-3]
    _raw("UPDATE audit_auditevent SET changes = %s WHERE id = %s", ['{"i": 99}', victim.pk])
    report = verify_chain()
    assert not report.ok
    assert report.broken_at == victim.pk
    assert "changed" in report.reason


def test_deleted_row_is_caught_at_the_next(chain: list[AuditEvent]) -> None:
    victim = chain[-3]
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    report = verify_chain()
    assert not report.ok and report.broken_at == chain[-2].pk


def test_truncated_tail_is_caught(chain: list[AuditEvent]) -> None:
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [chain[-1].pk])
    report = verify_chain()
    assert not report.ok and report.broken_at is None and "ends early" in report.reason


def test_orm_refuses_changes(chain: list[AuditEvent]) -> None:
    event = chain[0]
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)
def test_postgres_trigger_refuses_raw_update(chain: list[AuditEvent]) -> None:
    from django.db import DatabaseError, transaction

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [chain[0].pk])


@pytest.mark.django_db(transaction=True)
def test_cli_verify_exit_codes(people: dict[str, Any]) -> None:
    from elshi.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output
    victim = AuditEvent.objects.order_by("id")[2]
    _raw("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["mallory", victim.pk])
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"broken at event #{victim.pk}" in result.output

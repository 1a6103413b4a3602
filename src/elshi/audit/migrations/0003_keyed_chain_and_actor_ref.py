"""Key the audit chain from here on, without rewriting a single past event.

Events already written keep their plain SHA-256 hashes: rewriting them would need the append-only
trigger off, and would vouch for rows nobody checked. ``AuditHead.legacy_count`` records how many
there are (the switch point); every later event is HMAC-keyed and covers its actor's id
(``actor_ref``). The switch point is anchored at once in ``ELSHI_HOME/audit/anchors.jsonl``, so that
moving it later (to pass forged plain events off as old ones) is caught by ``elshi audit verify``.
"""

import datetime as dt

from django.db import migrations, models


def record_switch_point(apps, schema_editor):  # noqa: ANN001
    # Imported here: the data step runs only when the migration is applied.
    from elshi.audit.anchors import Anchor, append_anchor

    AuditHead = apps.get_model("audit", "AuditHead")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    head = AuditHead.objects.filter(pk=1).first()
    if head is None or head.count == 0:
        return
    head.legacy_count = head.count
    head.save(update_fields=["legacy_count"])
    event_id = AuditEvent.objects.filter(hash=head.last_hash).values_list("pk", flat=True).first()
    append_anchor(
        Anchor(
            seq=head.count,
            event_id=event_id,
            hash=head.last_hash,
            at=dt.datetime.now(dt.UTC),
            legacy_count=head.count,
        )
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="actor_ref",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="audithead",
            name="legacy_count",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.RunPython(record_switch_point, migrations.RunPython.noop),
    ]

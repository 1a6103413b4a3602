"""Fill the daily rollups from the mentions already stored (installations that predate them)."""

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    # The rollup code reads the current models; on a fresh database there are no mentions and this is a no-op.
    Mention = apps.get_model("monitoring", "Mention")
    if not Mention.objects.exists():
        return
    from elshi.monitoring.rollup import rebuild

    rebuild()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0005_monthly_outlets")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

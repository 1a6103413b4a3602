from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone

# Tokens made before scopes existed could do everything their owner could: they keep that,
# but now run out like every new token, so a forgotten one stops working by itself.
ALL_SCOPES = ["read", "write", "approve", "publish"]


def existing_tokens_expire(apps, schema_editor):
    ApiToken = apps.get_model("missions", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=timezone.now() + timedelta(days=90), scopes=ALL_SCOPES
    )


class Migration(migrations.Migration):
    dependencies = [("missions", "0004_installation_notification")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(default=list, verbose_name="scopes"),
        ),
        migrations.RunPython(existing_tokens_expire, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="expires"),
        ),
        migrations.AlterField(
            model_name="securitypolicy",
            name="require_2fa_for_privileged",
            field=models.BooleanField(
                default=False,
                verbose_name="require two-factor authentication for administrators, approvers and HQ editors",
            ),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("content", "0003_claim_values_by")]

    operations = [
        migrations.AddField(
            model_name="variant",
            name="options",
            field=models.JSONField(blank=True, default=dict, verbose_name="platform choices"),
        ),
    ]

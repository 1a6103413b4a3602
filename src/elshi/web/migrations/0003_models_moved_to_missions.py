# Installation and Notification now belong to ``missions`` (its migration 0004 took over the same
# tables); the shell app keeps no models, so only Django's state is removed here.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("web", "0002_notification"),
        ("missions", "0004_installation_notification"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="Installation"),
            ],
            database_operations=[],
        ),
    ]

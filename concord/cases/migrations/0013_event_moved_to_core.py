"""The event record now belongs to `core` (the table was renamed there; nothing moves here)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_title_bigrams"),
        ("core", "0003_ledger"),
        ("open311", "0003_event_in_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Event")],
            database_operations=[],
        ),
    ]

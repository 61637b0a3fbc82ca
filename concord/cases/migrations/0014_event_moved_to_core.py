"""The event record now belongs to `core` (the table was renamed there; nothing moves here)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_clock_kind_table"),
        ("core", "0004_ledger"),
        ("open311", "0003_event_in_core"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Event")],
            database_operations=[],
        ),
    ]

"""An Open311 update points at the ledger's event, now in `core` (the column is unchanged)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("open311", "0002_seed_attributes"),
        ("core", "0004_ledger"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="postedupdate",
                    name="event",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.event",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]

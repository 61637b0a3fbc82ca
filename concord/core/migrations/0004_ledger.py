"""The event record moves from `cases` to `core` as the ledger, with stream heads and checkpoints.

The table is renamed, not copied; existing rows keep digest version 1 (they are never rehashed).
The append-only triggers move with it, and every stream's head is filled from its last event.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

PG_TRIGGERS = """
DROP TRIGGER IF EXISTS cases_event_append_only ON core_event;
CREATE OR REPLACE FUNCTION concord_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_event_append_only BEFORE UPDATE OR DELETE ON core_event
    FOR EACH ROW EXECUTE FUNCTION concord_append_only();
CREATE TRIGGER core_checkpoint_append_only BEFORE UPDATE OR DELETE ON core_checkpoint
    FOR EACH ROW EXECUTE FUNCTION concord_append_only();
CREATE TRIGGER core_checkpointleaf_append_only BEFORE UPDATE OR DELETE ON core_checkpointleaf
    FOR EACH ROW EXECUTE FUNCTION concord_append_only();
DROP FUNCTION IF EXISTS concord_events_append_only();
"""
PG_DROP = """
DROP TRIGGER IF EXISTS core_event_append_only ON core_event;
DROP TRIGGER IF EXISTS core_checkpoint_append_only ON core_checkpoint;
DROP TRIGGER IF EXISTS core_checkpointleaf_append_only ON core_checkpointleaf;
"""
# SQLite refuses updates; deletes stay possible only so that test databases can be flushed, and
# the ORM refuses them everywhere.
SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS cases_event_no_update",
    "CREATE TRIGGER IF NOT EXISTS core_event_no_update BEFORE UPDATE ON core_event "
    "BEGIN SELECT RAISE(ABORT, 'core_event is append-only: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS core_checkpoint_no_update BEFORE UPDATE ON core_checkpoint "
    "BEGIN SELECT RAISE(ABORT, 'core_checkpoint is append-only: UPDATE refused'); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_event_no_update",
    "DROP TRIGGER IF EXISTS core_checkpoint_no_update",
]
FILL_HEADS = """
INSERT INTO core_streamhead (stream, seq, hash, pending)
SELECT e.stream, e.seq, e.hash, %s FROM core_event e
JOIN (SELECT stream, MAX(seq) AS top FROM core_event GROUP BY stream) t
  ON e.stream = t.stream AND e.seq = t.top
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute(FILL_HEADS, [True])
    if vendor == "postgresql":
        schema_editor.execute(PG_TRIGGERS)
    elif vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute("DELETE FROM core_streamhead")
    if vendor == "postgresql":
        schema_editor.execute(PG_DROP)
    elif vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_holiday_schedule"),
        ("cases", "0013_clock_kind_table"),
        # Its key to cases_event must exist before the table is renamed.
        ("open311", "0002_seed_attributes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Event",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("stream", models.CharField(max_length=48)),
                        ("seq", models.PositiveIntegerField()),
                        ("kind", models.CharField(max_length=48)),
                        ("created_at", models.DateTimeField()),
                        ("public", models.BooleanField(default=False, help_text="The resident may see this event.")),
                        ("data", models.JSONField(default=dict)),
                        ("prev_hash", models.CharField(max_length=64)),
                        ("hash", models.CharField(max_length=64)),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("case", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="events", to="cases.case")),
                    ],
                    options={
                        "verbose_name": "event",
                        "verbose_name_plural": "events",
                        "ordering": ["stream", "seq"],
                        "db_table": "cases_event",
                        "constraints": [models.UniqueConstraint(fields=("stream", "seq"), name="event_stream_seq")],
                        "indexes": [
                            models.Index(fields=["case", "seq"], name="cases_event_case_id_17253f_idx"),
                            models.Index(fields=["kind", "created_at"], name="cases_event_kind_8ca8f5_idx"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="event", table=None),
        migrations.AddField(
            model_name="event",
            name="version",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="digest version"),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="StreamHead",
            fields=[
                ("stream", models.CharField(max_length=48, primary_key=True, serialize=False)),
                ("seq", models.PositiveIntegerField()),
                ("hash", models.CharField(max_length=64)),
                ("pending", models.BooleanField(default=True)),
            ],
            options={
                "verbose_name": "stream head",
                "verbose_name_plural": "stream heads",
                "indexes": [models.Index(condition=models.Q(("pending", True)), fields=["pending"], name="core_head_pending")],
            },
        ),
        migrations.CreateModel(
            name="Checkpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(unique=True)),
                ("created_at", models.DateTimeField()),
                ("streams", models.PositiveIntegerField()),
                ("events", models.PositiveBigIntegerField()),
                ("root", models.CharField(max_length=64)),
                ("signature", models.CharField(max_length=128)),
            ],
            options={
                "verbose_name": "ledger checkpoint",
                "verbose_name_plural": "ledger checkpoints",
                "ordering": ["number"],
            },
        ),
        migrations.CreateModel(
            name="CheckpointLeaf",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("stream", models.CharField(max_length=48)),
                ("seq", models.PositiveIntegerField()),
                ("hash", models.CharField(max_length=64)),
                ("checkpoint", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.checkpoint")),
            ],
            options={
                "indexes": [models.Index(fields=["stream", "checkpoint"], name="core_leaf_stream")],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]

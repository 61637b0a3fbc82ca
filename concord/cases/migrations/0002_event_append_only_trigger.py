"""Make the database itself refuse UPDATE and DELETE on events (PostgreSQL)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION concord_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'cases_event is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS cases_event_append_only ON cases_event;
CREATE TRIGGER cases_event_append_only BEFORE UPDATE OR DELETE ON cases_event
    FOR EACH ROW EXECUTE FUNCTION concord_events_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS cases_event_append_only ON cases_event;
DROP FUNCTION IF EXISTS concord_events_append_only();
"""
SQLITE_CREATE = """
CREATE TRIGGER IF NOT EXISTS cases_event_no_update BEFORE UPDATE ON cases_event
BEGIN SELECT RAISE(ABORT, 'cases_event is append-only: UPDATE refused'); END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS cases_event_no_update;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(CREATE)
    elif vendor == "sqlite":
        # SQLite refuses updates; deletes stay possible only so that test databases can be
        # flushed, and the ORM refuses them everywhere.
        schema_editor.execute(SQLITE_CREATE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(DROP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]

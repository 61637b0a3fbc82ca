"""Finer planner statistics for cases.place_path (PostgreSQL).

A village holds a few thousand of a county's million cases, below what the default histogram
(100 buckets) resolves; the planner then overestimates a village's cases and walks the whole
created_at index to page through its history instead of reading its rows. With 1,000 buckets
the estimate is close and the plan right (docs/PERFORMANCE.md, "Scale at 1,000,000 cases").
"""

from django.db import migrations


def finer(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cases_case ALTER COLUMN place_path SET STATISTICS 1000")


def default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cases_case ALTER COLUMN place_path SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("cases", "0010_resolved_at_index")]

    operations = [migrations.RunPython(finer, default)]

from django.db import migrations


def seed(apps, schema_editor):
    from concord.cases.seed import load_categories

    load_categories(apps.get_model("cases", "Category"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_event_append_only_trigger")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

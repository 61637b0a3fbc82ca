from django.db import migrations


def seed(apps, schema_editor):
    from concord.open311.seed import load_default_attributes

    load_default_attributes(
        apps.get_model("open311", "ServiceAttribute"), apps.get_model("open311", "AttributeValue")
    )


class Migration(migrations.Migration):
    dependencies = [("open311", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

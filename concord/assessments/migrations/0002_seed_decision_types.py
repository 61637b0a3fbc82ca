from django.db import migrations


def seed(apps, schema_editor):
    from concord.assessments.seed import load_decision_types

    load_decision_types(apps.get_model("assessments", "DecisionType"))


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

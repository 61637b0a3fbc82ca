"""Hour clocks keep the instant they run out. The petition review and re-review opinions are
the reviewing body's own work (信访工作条例 arts 35-36), and so are a 12345 ticket's complex and
working-day handling: their clocks now govern and escalate like the other work clocks."""

from django.db import migrations, models

REVIEW_WORK = [
    "petition:review_decision",
    "petition:recheck_decision",
    "service_dispatch:complex_handling",
    "service_dispatch:working_day_handling",
]


def review_clocks_are_owner_work(apps, schema_editor):
    Clock = apps.get_model("cases", "Clock")
    Clock.objects.filter(kind__in=REVIEW_WORK).update(escalates=True)


def undo(apps, schema_editor):
    Clock = apps.get_model("cases", "Clock")
    Clock.objects.filter(kind__in=REVIEW_WORK).update(escalates=False)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_event_moved_to_core"),
    ]

    operations = [
        migrations.AddField(
            model_name="clock",
            name="due_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(review_clocks_are_owner_work, undo),
    ]

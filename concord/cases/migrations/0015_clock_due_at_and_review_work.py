"""Hour clocks keep the instant they run out. A simple-procedure decision, the petition review
and re-review opinions (信访工作条例 arts 35-36) and a 12345 ticket's complex and working-day
handling are the owning body's own work: their clocks now govern and escalate like the other
work clocks."""

from django.db import migrations, models

OWNER_WORK = [
    ":simple_decision",
    ":review_decision",
    ":recheck_decision",
    ":complex_handling",
    ":working_day_handling",
]


def _owner_work(Clock):
    query = models.Q()
    for suffix in OWNER_WORK:
        query |= models.Q(kind__endswith=suffix)
    return Clock.objects.filter(query)


def review_clocks_are_owner_work(apps, schema_editor):
    _owner_work(apps.get_model("cases", "Clock")).update(escalates=True)


def undo(apps, schema_editor):
    _owner_work(apps.get_model("cases", "Clock")).update(escalates=False)


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

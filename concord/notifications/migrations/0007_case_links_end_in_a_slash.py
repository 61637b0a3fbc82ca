"""Notices written before the deadline and holiday notices linked to the case page with its
trailing slash keep a link that is a 404 (the site does not append slashes): give them the slash."""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Concat

SLASHLESS_CASE_LINK = r"^/staff/cases/[0-9]+$"


def add_the_slash(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.filter(link__regex=SLASHLESS_CASE_LINK).update(
        link=Concat(F("link"), Value("/"))
    )


class Migration(migrations.Migration):
    dependencies = [("notifications", "0006_delivery_per_address")]

    operations = [migrations.RunPython(add_the_slash, migrations.RunPython.noop)]

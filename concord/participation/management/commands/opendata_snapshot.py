"""`concord opendata_snapshot [--month YYYY-MM]`: store a month's open-data snapshot."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from concord.participation import actions, opendata


class Command(BaseCommand):
    help = "Store the public tables of a complete month as an open-data snapshot."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (default: the last complete month)")

    def handle(self, *args, month=None, **options):
        try:
            chosen = datetime.strptime(month, "%Y-%m").date() if month else None
        except ValueError as exc:
            raise CommandError("--month must look like 2026-10") from exc
        chosen = chosen or opendata.last_complete_month()
        if chosen > opendata.last_complete_month():
            raise CommandError("Only complete months can be snapshotted.")
        snap = actions.opendata_snapshot(month=chosen)
        self.stdout.write(f"{snap.month:%Y-%m} {snap.sha256}")

"""`concord inspections schedule`: create the inspections falling due (idempotent)."""

from django.core.management.base import BaseCommand

from concord.safety.actions import inspections_schedule


class Command(BaseCommand):
    help = "Create the due inspections of every active inspection plan."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        schedule = sub.add_parser("schedule", help="create inspections due up to today")
        schedule.add_argument("--horizon-days", type=int, default=0)

    def handle(self, *args, action: str, horizon_days: int = 0, **options):
        created = inspections_schedule(horizon_days=horizon_days)
        self.stdout.write(f"{created} inspections scheduled")

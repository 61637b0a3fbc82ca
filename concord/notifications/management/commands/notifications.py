"""`concord notifications retry`: one pass of sending due and retried deliveries."""

from django.core.management.base import BaseCommand

from concord.notifications.actions import deliveries_retry_due


class Command(BaseCommand):
    help = "Send notification deliveries that are due (new, or waiting to be retried)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        retry = sub.add_parser("retry", help="send every due delivery once")
        retry.add_argument("--limit", type=int, default=500)

    def handle(self, *args, action: str, limit: int = 500, **options):
        tried = deliveries_retry_due(limit=limit)
        self.stdout.write(f"{tried} deliveries tried")

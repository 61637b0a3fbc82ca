from django.core.management.base import BaseCommand

from concord.channels.deadlines import deadlines_tick


class Command(BaseCommand):
    help = "Deadline job: warn before due dates, mark breaches, escalate, schedule revisits."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("tick", help="Run one pass of the clock job.")

    def handle(self, *args, **options):
        report = deadlines_tick()
        self.stdout.write(
            f"due soon: {report.due_soon}, breached: {report.breached}, "
            f"escalated: {report.escalated}, revisits: {report.revisits}"
        )
        for error in report.errors:
            self.stderr.write(error)

from django.core.management.base import BaseCommand

from concord.wellbeing.actions import wellbeing_tick


class Command(BaseCommand):
    help = "Referral clocks: alert the team lead about missed first contacts and follow-ups."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("tick", help="Run one pass of the referral clock job.")

    def handle(self, *args, **options):
        report = wellbeing_tick()
        self.stdout.write(
            f"contact overdue: {report.contact_overdue}, "
            f"follow-ups missed: {report.follow_ups_missed}"
        )

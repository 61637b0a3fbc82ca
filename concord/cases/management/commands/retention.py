import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from concord.cases.actions import case_erase_personal_data, cases_due_for_erasure
from concord.core import conf


class Command(BaseCommand):
    help = "Erase personal data of cases finished longer ago than the retention period."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        apply = sub.add_parser("apply", help="Erase what is due.")
        apply.add_argument("--days", type=int, default=None)

    def handle(self, *args, **options):
        days = options["days"] if options["days"] is not None else conf.concord().retention_days
        due = list(cases_due_for_erasure(days=days).values_list("pk", flat=True))
        for pk in tqdm(due, unit="case", disable=not sys.stderr.isatty(), file=sys.stderr):
            case_erase_personal_data(case=pk, reason=f"retention {days} days")
        self.stdout.write(f"Erased personal data of {len(due)} cases.")

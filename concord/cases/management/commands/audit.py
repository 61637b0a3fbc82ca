import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from concord.cases.audit import verify_chain
from concord.cases.models import Event


class Command(BaseCommand):
    help = "Check the hash chain of every event; exit 1 naming the first broken event."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Walk the whole event chain.")

    def handle(self, *args, **options):
        total = Event.objects.count()
        bar = tqdm(
            total=total,
            unit="event",
            disable=total < 10_000 or not sys.stderr.isatty(),
            file=sys.stderr,
        )
        done = 0
        problem = None
        for checked, found in verify_chain():
            bar.update(checked - done)
            done = checked
            if found:
                problem = found
                break
        bar.close()
        if problem:
            self.stderr.write(
                f"BROKEN at event id={problem.event_id} stream={problem.stream} "
                f"seq={problem.seq}: {problem.reason}"
            )
            sys.exit(1)
        self.stdout.write(f"OK: {done} events in an intact chain.")

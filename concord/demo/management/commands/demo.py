"""`concord demo`: build a synthetic county with staff, two years of cases and surges."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from concord.cases.models import Case
from concord.demo.generator import DEMO_PASSWORD, DemoExists, build_demo


class Command(BaseCommand):
    help = (
        "Build a demo county: places, units, staff of every role, two years of cases with "
        "seasonality, injected surges and duplicates. Prints the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=["small", "medium", "large"], default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already holds cases.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")

    def handle(self, *args, **options):
        if options["if_empty"] and Case.objects.exists():
            self.stdout.write("Cases exist already; the demo was not built.")
            return
        started = time.perf_counter()
        try:
            summary = build_demo(
                size=options["size"],
                seed=options["seed"],
                progress=not options["no_progress"] and options["verbosity"] > 0,
                stream=sys.stderr,
            )
        except DemoExists as exc:
            raise CommandError(f"{exc} Use a fresh database.") from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Built the {options['size']} demo county in {elapsed:.1f} s: {summary.places} places, "
            f"{summary.units} units, {summary.users} staff, {summary.cases} cases, "
            f"{summary.events} events."
        )
        for surge in summary.surges:
            self.stdout.write(
                f"  surge {surge.key}: {surge.count} cases, {surge.start}..{surge.end}, "
                f"{len(surge.place_codes)} grids, categories {', '.join(surge.category_codes)}"
            )
        self.stdout.write(f"  {len(summary.duplicate_pairs)} injected duplicate reports")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for every account: {DEMO_PASSWORD}):")
        rows = [("username", "role", "unit", "place")] + [
            (x.username, x.role, x.unit, x.place) for x in summary.logins
        ]
        widths = [max(_width(r[i]) for r in rows) for i in range(4)]
        for n, row in enumerate(rows):
            self.stdout.write("  ".join(_pad(v, w) for v, w in zip(row, widths, strict=True)))
            if n == 0:
                self.stdout.write("  ".join("-" * w for w in widths))


def _width(text: str) -> int:
    """Return the display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))

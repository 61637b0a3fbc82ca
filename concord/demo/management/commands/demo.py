"""`concord demo`: build a synthetic county with staff, two years of cases and surges."""

from __future__ import annotations

import importlib
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from concord.cases.models import Case
from concord.core import checkpoints
from concord.demo.bulk import BULK_DAYS, build_bulk_demo
from concord.demo.generator import DEMO_PASSWORD, DemoExists, build_demo
from concord.wellbeing import grants

# Other apps' demo content, built on top of the county; each module has populate(seed, today).
# extra_assessments joins once its events hash the same timestamps the database stores
# (`concord audit verify` fails after it today).
EXTRAS = [
    "extra_populations",
    "extra_channels",
    "extra_safety",
    "extra_wellbeing",
    "extra_open311",
    "extra_assessments",
    "extra_participation",
    "extra_residents",
]


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
        parser.add_argument(
            "--cases",
            type=int,
            help=(
                "Bulk-load this many cases over --days instead of the full case histories "
                "(fast: a million in minutes). Each case gets its current state, parties, "
                "handling clock, rating and its 'submitted' event."
            ),
        )
        parser.add_argument(
            "--days",
            type=int,
            default=BULK_DAYS,
            help="With --cases: the number of days the cases span (default: three years).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar.")
        parser.add_argument(
            "--core-only",
            action="store_true",
            help="Build places, staff and cases only, without the other apps' demo content.",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Case.objects.exists():
            self.stdout.write("Cases exist already; the demo was not built.")
            return
        if options["cases"] is not None and (options["cases"] < 1 or options["days"] < 28):
            raise CommandError("--cases must be at least 1 and --days at least 28.")
        started = time.perf_counter()
        now = timezone.now()  # taken once: every part of the demo is relative to it
        extras: dict[str, dict] = {}
        try:
            progress = not options["no_progress"] and options["verbosity"] > 0
            with transaction.atomic():
                if options["cases"] is not None:
                    summary = build_bulk_demo(
                        size=options["size"],
                        cases=options["cases"],
                        days=options["days"],
                        seed=options["seed"],
                        now=now,
                        progress=progress,
                        stream=sys.stderr,
                    )
                else:
                    summary = build_demo(
                        size=options["size"],
                        seed=options["seed"],
                        now=now,
                        progress=progress,
                        stream=sys.stderr,
                    )
                if not options["core_only"]:
                    for name in EXTRAS:
                        module = importlib.import_module(f"concord.demo.{name}")
                        extras[name] = module.populate(
                            seed=options["seed"], today=timezone.localdate(now)
                        )
                # The demo's one administrator cannot approve a grant alone: the first
                # counsellor of each team is granted from the server, recorded as a bootstrap.
                if not checkpoints.has_signing_key():
                    checkpoints.generate_key()
                bootstrapped = grants.bootstrap_teams(note="demo")
        except DemoExists as exc:
            raise CommandError(f"{exc} Use a fresh database.") from exc

        if connection.vendor == "postgresql":
            # Fresh statistics after a bulk load, so the planner picks good plans at once; a
            # VACUUM also sets the visibility map that index-only scans (queue counts) rely on.
            # (Autovacuum does both in production; it cannot run inside a transaction.)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
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
        self.stdout.write(f"  bootstrap counsellor grants: {len(bootstrapped)}")
        for name, made in extras.items():
            details = ", ".join(f"{key}: {value}" for key, value in (made or {}).items())
            self.stdout.write(f"  {name.removeprefix('extra_')}: {details}")
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
        resident = extras.get("extra_residents") or {}
        if resident.get("login"):
            self.stdout.write(
                f"Resident account: {resident['login']} (home {resident['home']}; or sign in "
                "at /accounts/resident/ with a new mainland mobile number and the code in the "
                "SMS outbox)"
            )


def _width(text: str) -> int:
    """Return the display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))

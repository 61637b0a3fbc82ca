from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from concord.channels.holidays import holiday_schedule_load, parse_schedule
from concord.core.errors import ConcordError


class Command(BaseCommand):
    help = "Load a year's official holiday schedule (JSON or CSV) and recompute provisional clocks."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="Load one year's schedule from a .json or .csv file.")
        load.add_argument("path", type=Path)
        load.add_argument("--year", type=int, help="The year (required for CSV).")
        load.add_argument("--source", default="", help="The notice it comes from (for CSV).")

    def handle(self, *args, **options):
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        fmt = path.suffix.lower().lstrip(".")
        try:
            schedule = parse_schedule(
                path.read_bytes(), fmt=fmt, year=options["year"], source=options["source"]
            )
            report = holiday_schedule_load(actor=None, schedule=schedule)
        except ConcordError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"year: {report.year}, holidays: {report.holidays}, "
            f"working days: {report.working_days}, clocks recomputed: {report.recomputed}, "
            f"due days moved: {len(report.moved)}"
        )

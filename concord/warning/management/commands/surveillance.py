"""``concord surveillance detect|scan``: run early-warning algorithms on files."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from concord.warning.algorithms.detectors import METHODS
from concord.warning.algorithms.io import detect_csv
from concord.warning.algorithms.stscan import scan_files


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r}; use YYYY-MM-DD") from None


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError("must be a fraction in (0, 1]")
    return value


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CommandError(f"--param expects key=value, got {pair!r}")
        params[key.strip()] = value.strip()
    return params


class Command(BaseCommand):
    help = "Run surveillance algorithms: count detectors (detect) and space-time scans (scan)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)

        detect = sub.add_parser(
            "detect",
            help="Run a count detector on a weekly date,count[,population] CSV (date-based).",
        )
        detect.add_argument("--method", required=True, choices=sorted(METHODS))
        detect.add_argument("--input", required=True, help="CSV with columns date,count")
        detect.add_argument("--output", required=True, help="CSV to write")
        detect.add_argument(
            "--from",
            dest="from_date",
            type=_iso_date,
            help="first week to evaluate (default: the first with enough history)",
        )
        detect.add_argument(
            "--index-based",
            action="store_true",
            help="count reference weeks by position (R sts without dates) instead of by date",
        )
        detect.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="override a method parameter, e.g. alpha=0.01 or noPeriods=10",
        )

        scan = sub.add_parser("scan", help="Prospective space-time permutation scan.")
        scan.add_argument("--cases", required=True, help="SaTScan case file (location count time)")
        scan.add_argument("--geo", required=True, help="SaTScan coordinates file (location x y)")
        scan.add_argument("--start", required=True, type=int, help="start of the study period")
        scan.add_argument("--end", required=True, type=int, help="end of the study period")
        scan.add_argument("--max-space-fraction", type=_fraction, default=0.5)
        scan.add_argument("--max-time-fraction", type=_fraction, default=0.5)
        scan.add_argument("--replications", type=int, default=999)
        scan.add_argument("--seed", type=int, default=None)
        scan.add_argument("--output", required=True, help="JSON file to write")

        sub.add_parser("run", help="Run the platform's scheduled early-warning pass now.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "run":
            from concord.warning.run import surveillance_run

            run = surveillance_run()
            self.stdout.write(
                f"{run.series} series, {run.alerts_created} new alerts in {run.seconds} s"
            )
            return
        if options["action"] == "detect":
            self._detect(options)
        else:
            self._scan(options)

    def _detect(self, options: dict[str, Any]) -> None:

        params = _parse_params(options["param"])
        try:
            detection = detect_csv(
                method=options["method"],
                input_path=options["input"],
                output_path=options["output"],
                from_date=options["from_date"],
                params=params,
                by_date=not options["index_based"],
            )
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        periods = detection.alarm.shape[1]
        alarms = int(detection.alarm.sum())
        self.stdout.write(
            f"{options['method']}: {periods} weeks evaluated, {alarms} alarms; "
            f"wrote {options['output']}"
        )

    def _scan(self, options: dict[str, Any]) -> None:
        # Imported here so that detect works even where the scan module is unavailable.

        if options["replications"] < 0:
            raise CommandError("--replications must not be negative")
        try:
            clusters = scan_files(
                options["cases"],
                options["geo"],
                start=options["start"],
                end=options["end"],
                max_space_fraction=options["max_space_fraction"],
                max_time_fraction=options["max_time_fraction"],
                replications=options["replications"],
                seed=options["seed"],
            )
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        try:
            with open(options["output"], "w", encoding="utf-8") as handle:
                json.dump(clusters, handle, indent=2)
                handle.write("\n")
        except OSError as exc:
            raise CommandError(f"cannot write {options['output']}: {exc.strerror}") from exc
        self.stdout.write(f"{len(clusters)} clusters; wrote {options['output']}")

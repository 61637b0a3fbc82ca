"""CSV input and output for running a detector on one weekly series (``date,count``)."""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .detectors import Detection, detect, earliest_start, make_params

PERIOD = dt.timedelta(days=7)


class SeriesInputError(ValueError):
    """The input file is not a valid weekly count series."""


@dataclass
class Series:
    """A weekly count series: consecutive dates, one count each."""

    dates: list[dt.date]
    counts: np.ndarray
    population: np.ndarray | None = None  # from an optional ``population`` column


def read_series_csv(path: str | Path) -> Series:
    """Return the series in a ``date,count`` CSV file, validating it.

    Dates must be ISO dates (YYYY-MM-DD), ascending and exactly one week apart; counts must be
    non-negative integers. An optional ``population`` column (positive numbers) feeds a
    population offset.
    """
    try:
        handle = open(path, newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise SeriesInputError(f"cannot read {path}: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [col for col in ("date", "count") if col not in header]
        if missing:
            raise SeriesInputError(
                f"{path}: missing column(s) {', '.join(missing)}; expected a header 'date,count'"
            )
        reader.fieldnames = header
        has_population = "population" in header
        dates: list[dt.date] = []
        counts: list[int] = []
        population: list[float] = []
        for row in reader:
            line = reader.line_num
            dates.append(_parse_date(row.get("date"), path, line))
            counts.append(_parse_count(row.get("count"), path, line))
            if has_population:
                population.append(_parse_population(row.get("population"), path, line))
            if len(dates) > 1:
                step = dates[-1] - dates[-2]
                if step <= dt.timedelta(0):
                    raise SeriesInputError(
                        f"{path}, line {line}: dates must be in ascending order "
                        f"({dates[-1]} follows {dates[-2]})"
                    )
                if step != PERIOD:
                    raise SeriesInputError(
                        f"{path}, line {line}: weeks must be contiguous, one row per week "
                        f"({dates[-1]} is {step.days} days after {dates[-2]})"
                    )
    if not dates:
        raise SeriesInputError(f"{path}: no data rows")
    return Series(
        dates=dates,
        counts=np.array(counts, dtype=float),
        population=np.array(population, dtype=float) if has_population else None,
    )


def _parse_population(text: str | None, path: str | Path, line: int) -> float:
    try:
        value = float((text or "").strip())
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or value <= 0:
        raise SeriesInputError(
            f"{path}, line {line}: invalid population {text!r}; populations are positive numbers"
        )
    return value


def _parse_date(text: str | None, path: str | Path, line: int) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise SeriesInputError(
            f"{path}, line {line}: invalid date {text!r}; use YYYY-MM-DD"
        ) from None


def _parse_count(text: str | None, path: str | Path, line: int) -> int:
    try:
        value = int((text or "").strip())
    except ValueError:
        raise SeriesInputError(
            f"{path}, line {line}: invalid count {text!r}; counts are whole numbers"
        ) from None
    if value < 0:
        raise SeriesInputError(f"{path}, line {line}: negative count {value}")
    return value


def _format_number(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.15g}"


def write_detection_csv(path: str | Path, series: Series, detection: Detection) -> int:
    """Write ``date,count,threshold,alarm,reason`` for the evaluated periods; return the row
    count. ``reason`` says why a threshold is empty (empty where there is one).

    A method whose threshold bounds its statistic rather than the count (``glrnb``: R's
    ``upperbound`` is the GLR statistic) also gets ``expected`` and ``statistic`` columns.
    """
    from .detectors import METHODS

    start = detection.start
    statistic = not METHODS[detection.method].count_threshold
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        header = ["date", "count", "threshold", "alarm", "reason"]
        writer.writerow(header + ["expected", "statistic"] if statistic else header)
        for i, when in enumerate(series.dates[start:]):
            row = [
                when.isoformat(),
                int(series.counts[start + i]),
                _format_number(float(detection.threshold[0, i])),
                int(bool(detection.alarm[0, i])),
                detection.reason[0, i],
            ]
            if statistic:
                row += [
                    _format_number(float(detection.expected[0, i])),
                    _format_number(float(detection.score[0, i])),
                ]
            writer.writerow(row)
    return len(series.dates) - start


def detect_csv(
    *,
    method: str,
    input_path: str | Path,
    output_path: str | Path,
    from_date: dt.date | None = None,
    params: Mapping[str, Any] | None = None,
    by_date: bool = True,
) -> Detection:
    """Run ``method`` on a ``date,count`` CSV file and write the evaluated periods as CSV.

    Periods before ``from_date`` (default: the first period with enough history) are history
    only. The series is date-based, as R's ``sts(..., epochAsDate = TRUE)``, unless
    ``by_date`` is false (an index-based ``sts``). Raise ``SeriesInputError`` or
    ``ValueError`` with a message fit for users.
    """
    resolved = make_params(method, params)
    series = read_series_csv(input_path)
    dates = series.dates if by_date else None
    need = earliest_start(method, len(series.dates), resolved, dates)
    if from_date is None:
        start = need
        if start >= len(series.dates):
            raise SeriesInputError(
                f"{method} needs {need} weeks of history before the first evaluated week, "
                f"but the input has only {len(series.dates)} weeks"
            )
    else:
        try:
            start = series.dates.index(from_date)
        except ValueError:
            raise SeriesInputError(
                f"--from {from_date} is not one of the input weeks "
                f"({series.dates[0]} to {series.dates[-1]})"
            ) from None
        if start < need:
            earliest = series.dates[need] if need < len(series.dates) else None
            hint = f"; the earliest possible is {earliest}" if earliest else ""
            raise SeriesInputError(
                f"{method} needs {need} weeks of history before {from_date}{hint}"
            )
    if getattr(resolved, "population_offset", False) and series.population is None:
        raise SeriesInputError(
            f"{input_path}: populationOffset needs a 'population' column (date,count,population)"
        )
    detection = detect(
        method,
        series.counts[None, :],
        start=start,
        params=resolved,
        dates=dates,
        population=series.population,
    )
    write_detection_csv(output_path, series, detection)
    return detection

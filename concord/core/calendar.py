"""Working-day calendar and statutory deadline arithmetic.

Pure module: no Django import, so the rules engine and tests can use it alone.

Counting rules (民事诉讼法 art 85; 民法典 arts 201-203; 行政复议法 art 88):

- The day on which a period starts is not counted: a 5-day period started on the 1st ends on
  the 6th.
- A period counted in calendar days, months or years that ends on a non-working day (a weekend
  that is not an adjusted working day, or a public holiday) ends on the next working day.
- A period counted in working days counts only working days, so it always ends on one.
  An adjusted weekend working day (调休上班日) counts as a working day.
- A month or year period ends on the corresponding day of the last month; when that month has
  no such day (31 January + 1 month) it ends on the last day of the month (民法典 art 202).
- A pause stops the clock: the paused days do not count. A pause is an inclusive range of
  local dates ``(first, last)``; with working-day units only the working days inside it push
  the deadline, with calendar units every day does. Use ``pause_dates`` to turn the instants at
  which a case was paused and resumed into such a range.
- An approved extension lengthens the period in the clock's own unit for day units (a 60-day
  clock extended by 30 days is a 90-day clock from the same start), and is added as calendar
  days after the month arithmetic for month and year units. Roll-over applies once, at the end.

Datetime level: cases arrive at a time of day. Every aware datetime is first converted to a
local date in the calendar's time zone (Asia/Shanghai by default); that date is the start day
and is not counted. A deadline is the whole due day: ``due_at(due)`` is the first instant after
it (local midnight that ends the day), and a clock is breached when ``now >= due_at(due)``.
Naive datetimes are refused because they cannot be placed on a local day safely. Hour clocks
(12345 emergency tiers) run round the clock from the exact instant and ignore holidays.

Years without a loaded holiday schedule use the statutory public holidays of 全国年节及纪念日
放假办法 (2024 revision) computed for that year (``concord.core.holidays``), without the
adjusted working weekends no law fixes; years before that revision without a schedule count
Monday-Friday. ``Calendar.covers`` tells the caller when a result depends on a year whose
official schedule is not loaded, so it can be shown as provisional.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from .holidays import FIRST_COMPUTED_YEAR, statutory_days_off

DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_CALENDAR_PATH = Path(__file__).resolve().parent / "data" / "holidays_cn.json"

# The working-day table is precomputed over this span; dates outside it are refused rather than
# silently treated as plain weekdays.
FIRST_DAY = date(1990, 1, 1)
LAST_DAY = date(2149, 12, 31)

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

Pause = tuple[date, date]


class Unit(StrEnum):
    """The unit a statutory or configured clock is counted in."""

    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"
    YEARS = "years"
    HOURS = "hours"


class CalendarRangeError(ValueError):
    """A date lies outside the span the calendar can count over."""


@dataclass(frozen=True)
class Remaining:
    """Time left until a due day, seen from one local day."""

    calendar_days: int
    working_days: int
    overdue: bool


class Calendar:
    """A working-day calendar: weekends, public holidays and adjusted working weekends.

    Build it from plain data (``from_dict``, ``from_json``, ``from_entries``) so the platform can
    build one from the database rows administrators edit.
    """

    def __init__(
        self,
        *,
        holidays: Iterable[date] = (),
        working_days: Iterable[date] = (),
        years: Iterable[int] = (),
        timezone: str = DEFAULT_TIMEZONE,
        compute_missing_years: bool = True,
    ) -> None:
        self.holidays = frozenset(holidays)
        self.working_weekends = frozenset(working_days)
        self.years = frozenset(years)
        # Statutory days off computed for the years without a loaded schedule (provisional).
        self.computed_holidays = (
            _computed_days_off(self.years) if compute_missing_years else frozenset()
        )
        self.timezone = timezone
        self.tz = ZoneInfo(timezone)

        both = self.holidays & self.working_weekends
        if both:
            raise ValueError(f"Days cannot be both holidays and working days: {sorted(both)}")
        weekdays = sorted(d for d in self.working_weekends if d.weekday() < 5)
        if weekdays:
            # An adjusted working day is always a weekend day; a weekday here is a data error.
            raise ValueError(f"Adjusted working days must fall on a weekend: {weekdays}")
        for day in self.holidays | self.working_weekends:
            _check_range(day)

        ordinals = np.arange(FIRST_DAY.toordinal(), LAST_DAY.toordinal() + 1, dtype=np.int64)
        # date.fromordinal(1) is a Monday, so (ordinal - 1) % 7 is date.weekday().
        working = (ordinals - 1) % 7 < 5
        if self.computed_holidays:
            working[_offsets(self.computed_holidays)] = False
        if self.holidays:
            working[_offsets(self.holidays)] = False
        if self.working_weekends:
            working[_offsets(self.working_weekends)] = True
        self._working_mask = working
        self._working_ordinals = ordinals[working]

    def __repr__(self) -> str:
        years = f"{min(self.years)}-{max(self.years)}" if self.years else "none"
        return f"<Calendar {self.timezone} years={years}>"

    # Construction ---------------------------------------------------------------------------

    @classmethod
    def from_entries(
        cls,
        entries: Iterable[tuple[date, bool]],
        *,
        years: Iterable[int] = (),
        timezone: str = DEFAULT_TIMEZONE,
    ) -> Calendar:
        """Return a calendar from ``(day, is_working_day)`` rows, as an admin table stores them.

        ``is_working_day`` False marks a public holiday, True an adjusted weekend working day.
        """
        holidays: list[date] = []
        working: list[date] = []
        for day, is_working in entries:
            (working if is_working else holidays).append(day)
        return cls(holidays=holidays, working_days=working, years=years, timezone=timezone)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calendar:
        """Return a calendar from the structure of ``holidays_cn.json``."""
        holidays: list[date] = []
        working: list[date] = []
        for year in data["years"].values():
            for period in year["holidays"]:
                first = date.fromisoformat(period["from"])
                last = date.fromisoformat(period["to"])
                if last < first:
                    raise ValueError(f"Holiday period ends before it starts: {period}")
                holidays.extend(first + timedelta(days=i) for i in range((last - first).days + 1))
            working.extend(date.fromisoformat(row["date"]) for row in year["working_days"])
        return cls(
            holidays=holidays,
            working_days=working,
            years=(int(y) for y in data["years"]),
            timezone=data.get("timezone", DEFAULT_TIMEZONE),
        )

    @classmethod
    def from_json(cls, path: str | Path) -> Calendar:
        """Return a calendar read from a JSON file shaped like ``holidays_cn.json``."""
        with open(path, encoding="utf-8") as handle:
            return cls.from_dict(json.load(handle))

    # Days -----------------------------------------------------------------------------------

    def covers(self, day: date) -> bool:
        """Return whether the holiday schedule for ``day``'s year is known."""
        return day.year in self.years

    def covers_range(self, first: date, last: date) -> bool:
        """Return whether every year from ``first`` to ``last`` has a known schedule."""
        low, high = sorted((first.year, last.year))
        return all(year in self.years for year in range(low, high + 1))

    def is_working_day(self, day: date) -> bool:
        """Return whether ``day`` is a working day."""
        return bool(self._working_mask[_offset(day)])

    def next_working_day(self, day: date) -> date:
        """Return ``day`` if it is a working day, otherwise the first working day after it."""
        index = int(np.searchsorted(self._working_ordinals, _ordinal(day), side="left"))
        return self._working_day_at(index)

    def roll_over(self, day: date) -> date:
        """Return the day a period ending on ``day`` really ends on (next working day)."""
        return self.next_working_day(day)

    def add_working_days(self, start: date, n: int) -> date:
        """Return the ``n``-th working day after ``start`` (``start`` itself is not counted).

        ``n == 0`` returns ``start`` unchanged.
        """
        _check_amount(n)
        if n == 0:
            return _check_range(start)
        index = int(np.searchsorted(self._working_ordinals, _ordinal(start), side="right"))
        return self._working_day_at(index + n - 1)

    def add_calendar_days(self, start: date, n: int, roll_over: bool = True) -> date:
        """Return ``start`` + ``n`` days, moved to the next working day if ``roll_over``."""
        _check_amount(n)
        end = _check_range(start + timedelta(days=n))
        return self.next_working_day(end) if roll_over else end

    def add_months(self, start: date, n: int, roll_over: bool = True) -> date:
        """Return the corresponding day ``n`` months after ``start`` (民法典 art 202)."""
        _check_amount(n)
        end = _check_range(_shift_months(start, n))
        return self.next_working_day(end) if roll_over else end

    def working_days_between(self, a: date, b: date) -> int:
        """Return the number of working days in ``(a, b]``; negative when ``b`` is before ``a``.

        It is the inverse of ``add_working_days``: ``working_days_between(s,
        add_working_days(s, n)) == n``.
        """
        if b < a:
            return -self.working_days_between(b, a)
        low = np.searchsorted(self._working_ordinals, _ordinal(a), side="right")
        high = np.searchsorted(self._working_ordinals, _ordinal(b), side="right")
        return int(high - low)

    # Deadlines ------------------------------------------------------------------------------

    def deadline(
        self,
        start: date | datetime,
        amount: int,
        unit: Unit | str,
        *,
        pauses: Sequence[Pause] = (),
        extension_days: int = 0,
    ) -> date:
        """Return the due day of a period of ``amount`` ``unit`` starting on ``start``.

        The start day is not counted, paused days are skipped, ``extension_days`` lengthens the
        period (see the module docstring for units) and a due day that is not a working day
        rolls to the next working day.
        """
        unit = Unit(unit)
        _check_amount(amount)
        _check_amount(extension_days)
        start_day = self.local_date(start)
        _check_range(start_day)
        merged = _merge_pauses(pauses, after=start_day)

        if unit is Unit.WORKING_DAYS:
            total = amount + extension_days
            if total == 0:
                return self.next_working_day(start_day)
            base = int(np.searchsorted(self._working_ordinals, _ordinal(start_day), side="right"))
            end_index = base + total - 1
            for first, last in merged:
                if _ordinal(first) > int(self._working_day_ordinal_at(end_index)):
                    break
                end_index += self._working_days_in(first, last)
            return self._working_day_at(end_index)

        if unit is Unit.CALENDAR_DAYS:
            end = start_day + timedelta(days=amount + extension_days)
        elif unit is Unit.MONTHS:
            end = _shift_months(start_day, amount) + timedelta(days=extension_days)
        elif unit is Unit.YEARS:
            end = _shift_months(start_day, 12 * amount) + timedelta(days=extension_days)
        else:
            raise ValueError("Hour clocks have no due day; use deadline_at().")
        for first, last in merged:
            if first > end:
                break
            end += timedelta(days=(last - first).days + 1)
        return self.next_working_day(_check_range(end))

    def deadline_at(
        self,
        start: datetime,
        amount: int,
        unit: Unit | str,
        *,
        pauses: Sequence[Pause] = (),
        extension_days: int = 0,
    ) -> datetime:
        """Return the instant a clock is breached: ``due_at`` of its due day, or for hour clocks
        the exact instant ``amount`` hours after ``start``.
        """
        unit = Unit(unit)
        _require_aware(start)
        if unit is Unit.HOURS:
            _check_amount(amount)
            if pauses or extension_days:
                raise ValueError("Hour clocks run round the clock; they cannot pause or extend.")
            return start.astimezone(self.tz) + timedelta(hours=amount)
        due = self.deadline(start, amount, unit, pauses=pauses, extension_days=extension_days)
        return self.due_at(due)

    def due_at(self, due: date) -> datetime:
        """Return the first instant after the due day (local midnight that ends it)."""
        return datetime.combine(due + timedelta(days=1), time.min, tzinfo=self.tz)

    def is_breached(self, due: date, now: datetime) -> bool:
        """Return whether a clock due on ``due`` is breached at instant ``now``."""
        _require_aware(now)
        return now >= self.due_at(due)

    def remaining(self, due: date, today: date | datetime) -> Remaining:
        """Return the calendar and working days left from ``today`` until ``due``.

        Both counts exclude ``today`` and include ``due``; they are negative once overdue.
        """
        day = self.local_date(today)
        return Remaining(
            calendar_days=(due - day).days,
            working_days=self.working_days_between(day, due),
            overdue=day > due,
        )

    # Time zone ------------------------------------------------------------------------------

    def local_date(self, value: date | datetime) -> date:
        """Return the local calendar day of ``value`` (dates pass through unchanged)."""
        if isinstance(value, datetime):
            _require_aware(value)
            return value.astimezone(self.tz).date()
        return value

    def pause_dates(self, paused_at: datetime, resumed_at: datetime) -> Pause | None:
        """Return the days a pause removes from a clock, or None when it removes none.

        The day the clock is paused has already run, so it still counts; like the first day of
        a period, the day it resumes is not counted. A pause from Monday 15:00 to Wednesday
        09:00 therefore removes Tuesday and Wednesday.
        """
        first = self.local_date(paused_at) + timedelta(days=1)
        last = self.local_date(resumed_at)
        if last < first:
            return None
        return (first, last)

    # Vectorised -----------------------------------------------------------------------------

    def is_working_day_array(self, days: np.ndarray) -> np.ndarray:
        """Return a boolean array: which of ``days`` (datetime64[D]) are working days."""
        offsets = _array_offsets(days)
        return self._working_mask[offsets]

    def add_working_days_array(self, starts: np.ndarray, n: np.ndarray | int) -> np.ndarray:
        """Return ``add_working_days`` for many starts at once, as datetime64[D]."""
        amounts = np.broadcast_to(np.asarray(n, dtype=np.int64), np.shape(starts))
        if np.any(amounts < 0):
            raise ValueError("Amounts must not be negative.")
        ordinals = _array_offsets(starts) + FIRST_DAY.toordinal()
        index = np.searchsorted(self._working_ordinals, ordinals, side="right") + amounts - 1
        if np.any(index >= len(self._working_ordinals)):
            raise CalendarRangeError(f"A result falls after {LAST_DAY}.")
        result = np.where(amounts == 0, ordinals, self._working_ordinals[np.maximum(index, 0)])
        return (result - _EPOCH_ORDINAL).astype("datetime64[D]")

    # Internals ------------------------------------------------------------------------------

    def _working_day_ordinal_at(self, index: int) -> int:
        if index >= len(self._working_ordinals):
            raise CalendarRangeError(f"The result falls after {LAST_DAY}.")
        return int(self._working_ordinals[index])

    def _working_day_at(self, index: int) -> date:
        return date.fromordinal(self._working_day_ordinal_at(index))

    def _working_days_in(self, first: date, last: date) -> int:
        """Return the number of working days in the inclusive range ``[first, last]``."""
        low = np.searchsorted(self._working_ordinals, _ordinal(first), side="left")
        high = np.searchsorted(self._working_ordinals, _ordinal(last), side="right")
        return int(high - low)


@lru_cache(maxsize=1)
def default_calendar() -> Calendar:
    """Return the calendar built from the shipped ``holidays_cn.json`` (cached)."""
    return Calendar.from_json(DEFAULT_CALENDAR_PATH)


@lru_cache(maxsize=8)
def _computed_days_off(loaded_years: frozenset[int]) -> frozenset[date]:
    """Return the statutory days off of every year in the span that has no loaded schedule."""
    days: set[date] = set()
    for year in range(max(FIRST_COMPUTED_YEAR, FIRST_DAY.year), LAST_DAY.year + 1):
        if year not in loaded_years:
            days.update(d for d in statutory_days_off(year) if d.year not in loaded_years)
    return frozenset(d for d in days if FIRST_DAY <= d <= LAST_DAY)


def _merge_pauses(pauses: Sequence[Pause], *, after: date) -> list[Pause]:
    """Return the pauses clipped to days after ``after``, sorted and merged."""
    clipped: list[Pause] = []
    for first, last in pauses:
        if last < first:
            raise ValueError(f"A pause ends before it starts: {first} > {last}")
        first = max(first, after + timedelta(days=1))
        if first <= last:
            clipped.append((first, last))
    clipped.sort()
    merged: list[Pause] = []
    for first, last in clipped:
        if merged and first <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last_day = _stdlib_calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def _check_amount(amount: int) -> None:
    if amount < 0:
        raise ValueError(f"Amounts must not be negative: {amount}")


def _check_range(day: date) -> date:
    if isinstance(day, datetime):
        raise TypeError("Pass a date or convert the datetime with Calendar.local_date().")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise CalendarRangeError(f"{day} is outside {FIRST_DAY}..{LAST_DAY}.")
    return day


def _require_aware(value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("Naive datetimes are ambiguous; pass an aware datetime.")


def _ordinal(day: date) -> int:
    return _check_range(day).toordinal()


def _offset(day: date) -> int:
    return _ordinal(day) - FIRST_DAY.toordinal()


def _offsets(days: Iterable[date]) -> np.ndarray:
    return np.fromiter((_offset(d) for d in days), dtype=np.int64)


def _array_offsets(days: np.ndarray) -> np.ndarray:
    ordinals = np.asarray(days, dtype="datetime64[D]").astype(np.int64) + _EPOCH_ORDINAL
    offsets = ordinals - FIRST_DAY.toordinal()
    if np.any(offsets < 0) or np.any(ordinals > LAST_DAY.toordinal()):
        raise CalendarRangeError(f"Dates must lie within {FIRST_DAY}..{LAST_DAY}.")
    return offsets

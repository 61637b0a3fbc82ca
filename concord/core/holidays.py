"""Statutory public holidays of a year, computed from the law when no official schedule is loaded.

Pure module: no Django import.

全国年节及纪念日放假办法 (State Council, 2024 revision, in force from 2025-01-01), art 2 — holidays
for all citizens:

- 元旦 New Year's Day: 1 day (1 January);
- 春节 Spring Festival: 4 days (除夕, the last day of the lunar year, to 正月初三);
- 清明节 Qingming: 1 day (the day of the Qingming solar term, the sun at ecliptic longitude 15°);
- 劳动节 Labour Day: 2 days (1 and 2 May);
- 端午节 Dragon Boat Festival: 1 day (五月初五);
- 中秋节 Mid-Autumn Festival: 1 day (八月十五);
- 国庆节 National Day: 3 days (1 to 3 October).

Art 6: a holiday for all citizens that falls on a Saturday or Sunday is made up on a working
day. Here every such day is made up on the first weekdays after the festival that are not
holidays themselves, which is how the State Council's notices have done it.

What cannot be computed: the adjusted working weekends (调休) and the longer bridges the yearly
notice (国务院办公厅关于YYYY年部分节假日安排的通知) arranges. A computed year is therefore always
provisional until its official schedule is loaded.

Lunar dates and the solar term come from ``lunar_python`` (a maintained PyPI library; its
astronomical tables cover years 1 to 9999, beyond this platform's calendar span). Each year is
computed once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from lunar_python import LunarYear, Solar

# The 2024 revision applies from this year on; earlier years follow earlier versions and are
# shipped as official schedules.
FIRST_COMPUTED_YEAR = 2025


@dataclass(frozen=True)
class Festival:
    """One festival of a computed year, with the days it is off and the days made up for it."""

    name_zh: str
    name_en: str
    days: tuple[date, ...]
    make_up: tuple[date, ...] = ()


def _span(first: date, n: int) -> tuple[date, ...]:
    return tuple(first + timedelta(days=i) for i in range(n))


def _solar(julian_day: float) -> date:
    solar = Solar.fromJulianDay(julian_day)
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


def _lunar_day(year: int, month: int, day: int) -> date:
    """Return the Gregorian date of day ``day`` of (non-leap) lunar month ``month`` of ``year``."""
    for lunar_month in LunarYear.fromYear(year).getMonths():
        if lunar_month.getYear() == year and lunar_month.getMonth() == month:
            return _solar(lunar_month.getFirstJulianDay()) + timedelta(days=day - 1)
    raise ValueError(f"Lunar year {year} has no month {month}.")


def _qingming(year: int) -> date:
    # Solar terms of LunarYear(year) run from the previous winter; 清明 is the one in April.
    table = LunarYear.fromYear(year).getJieQiJulianDays()
    days = [_solar(jd) for jd in table]
    matches = [d for d in days if d.year == year and d.month == 4 and 3 <= d.day <= 6]
    if len(matches) != 1:
        raise ValueError(f"Could not place the Qingming solar term in {year}.")
    return matches[0]


@lru_cache(maxsize=256)
def festivals(year: int) -> tuple[Festival, ...]:
    """Return the statutory festivals of ``year`` with their make-up days (art 2 and art 6)."""
    if year < FIRST_COMPUTED_YEAR:
        raise ValueError(f"The 2024 rules apply from {FIRST_COMPUTED_YEAR}; {year} is earlier.")
    new_year = _lunar_day(year, 1, 1)
    raw = [
        ("元旦", "New Year's Day", _span(date(year, 1, 1), 1)),
        ("春节", "Spring Festival", _span(new_year - timedelta(days=1), 4)),
        ("清明节", "Qingming Festival", _span(_qingming(year), 1)),
        ("劳动节", "Labour Day", _span(date(year, 5, 1), 2)),
        ("端午节", "Dragon Boat Festival", _span(_lunar_day(year, 5, 5), 1)),
        ("中秋节", "Mid-Autumn Festival", _span(_lunar_day(year, 8, 15), 1)),
        ("国庆节", "National Day", _span(date(year, 10, 1), 3)),
    ]
    taken = {d for _, _, days in raw for d in days}
    result = []
    for name_zh, name_en, days in raw:
        owed = sum(1 for d in days if d.weekday() >= 5)
        make_up: list[date] = []
        day = days[-1]
        while len(make_up) < owed:
            day += timedelta(days=1)
            if day.weekday() < 5 and day not in taken:
                make_up.append(day)
                taken.add(day)
        result.append(Festival(name_zh, name_en, days, tuple(make_up)))
    return tuple(result)


def statutory_days_off(year: int) -> frozenset[date]:
    """Return every day of ``year`` that is off by law: festival days and their make-up days.

    A 除夕 in the previous December (it cannot happen: 春节 falls from 21 January on) or a
    make-up day pushed into the next year are kept; the caller places them by date.
    """
    return frozenset(d for f in festivals(year) for d in (*f.days, *f.make_up))

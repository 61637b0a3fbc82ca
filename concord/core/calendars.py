"""The platform's working-day calendar: the shipped schedule plus the admin's entries."""

from __future__ import annotations

from django.core.cache import cache

from .calendar import Calendar, default_calendar
from .models import CalendarDay, HolidaySchedule

_CACHE_KEY = "concord:calendar-version"
_built: dict[str, Calendar] = {}


def platform_calendar() -> Calendar:
    """Return the calendar to compute deadlines with (rebuilt when the admin edits it)."""
    version = cache.get(_CACHE_KEY, "0")
    if version in _built:
        return _built[version]
    cal = build_calendar()
    _built.clear()
    _built[version] = cal
    return cal


def build_calendar() -> Calendar:
    """Return a calendar read now from the shipped schedule and the database (not cached)."""

    base = default_calendar()
    rows = list(CalendarDay.objects.values_list("day", "is_working_day"))
    loaded = set(HolidaySchedule.objects.values_list("year", flat=True))
    if not rows and not loaded:
        return base
    overrides = dict(rows)
    holidays = {d for d in base.holidays if d not in overrides}
    holidays |= {d for d, working in overrides.items() if not working}
    working = {d for d in base.working_weekends if d not in overrides}
    working |= {d for d, w in overrides.items() if w and d.weekday() >= 5}
    # A year counts as known only when its whole official schedule is loaded; a single
    # administrator's entry adjusts a day but leaves the year's computed holidays in place.
    years = set(base.years) | loaded
    return Calendar(holidays=holidays, working_days=working, years=years, timezone=base.timezone)


def calendar_changed() -> None:
    """Make the next `platform_calendar()` call rebuild (called by the calendar actions)."""
    import time

    cache.set(_CACHE_KEY, str(time.time_ns()), None)
    _built.clear()

"""Loading a year's official holiday schedule: parse, validate, store, audit, recompute clocks.

The State Council publishes each year's schedule (国务院办公厅关于YYYY年部分节假日安排的通知)
late in the year before. Until it is loaded, deadlines over that year count the statutory
holidays computed from the law and are provisional. Loading it replaces the year's calendar
rows, recomputes every provisional clock and tells the owners of clocks whose due day moved.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.cases.actions import lock_case, record_event
from concord.cases.clocks import due_date, is_provisional
from concord.cases.models import Clock
from concord.core.bilingual import each
from concord.core.calendar import FIRST_DAY, LAST_DAY
from concord.core.calendars import build_calendar, calendar_changed
from concord.core.errors import InvalidInput, PermissionDenied
from concord.core.ledger import append_event
from concord.core.models import CalendarDay, HolidaySchedule
from concord.notifications.actions import notify

from .deadlines import clock_label, owners_and_supervisors


@dataclass(frozen=True)
class Schedule:
    """A year's official schedule: days off by name, and the adjusted working weekends."""

    year: int
    source: str
    holidays: tuple[tuple[date, str], ...]
    working_days: tuple[tuple[date, str], ...]
    digest: str = ""


@dataclass
class LoadReport:
    year: int
    holidays: int
    working_days: int
    recomputed: int = 0
    moved: list[tuple[int, str, date, date]] = field(default_factory=list)


def _day(value: str, where: str, errors: list[str]) -> date | None:
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors.append(
            _("%(where)s: %(value)s is not a date (YYYY-MM-DD).")
            % {
                "where": where,
                "value": value,
            }
        )
        return None


def parse_schedule(raw: bytes, *, fmt: str, year: int | None = None, source: str = "") -> Schedule:
    """Read a schedule from JSON or CSV and validate it; raise InvalidInput listing every error.

    JSON: ``{"year": 2027, "source": "...", "holidays": [{"name_zh": "春节", "from":
    "2027-02-05", "to": "2027-02-11"}], "working_days": [{"date": "2027-02-14", "for_zh":
    "春节"}]}``. CSV: a header ``date,type,name`` and one row per day, ``type`` being
    ``holiday`` or ``working_day``.
    """
    errors: list[str] = []
    holidays: list[tuple[date, str]] = []
    working: list[tuple[date, str]] = []
    periods: list[tuple[date, date, str]] = []
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            _("The file is not UTF-8 text."), fields={"file": _("Not UTF-8.")}
        ) from None
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                _("The file is not valid JSON: %(error)s") % {"error": exc.msg},
                fields={"file": exc.msg},
            ) from exc
        if not isinstance(data, dict):
            raise InvalidInput(_("The JSON file must hold one object."), fields={"file": "?"})
        year = year or data.get("year")
        source = source or str(data.get("source", ""))
        for i, period in enumerate(data.get("holidays", [])):
            where = _("holiday %(n)d") % {"n": i + 1}
            first = _day(period.get("from", ""), where, errors)
            last = _day(period.get("to", period.get("from", "")), where, errors)
            name = str(period.get("name_zh") or period.get("name") or "")
            if first and last:
                if last < first:
                    errors.append(_("%(where)s ends before it starts.") % {"where": where})
                    continue
                periods.append((first, last, name))
        for i, row in enumerate(data.get("working_days", [])):
            where = _("working day %(n)d") % {"n": i + 1}
            day = _day(row.get("date", ""), where, errors)
            if day:
                working.append((day, str(row.get("for_zh") or row.get("name") or "")))
    elif fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or not {"date", "type"} <= set(reader.fieldnames):
            raise InvalidInput(
                _("The CSV file needs the columns date, type and name."),
                fields={"file": _("Missing columns.")},
            )
        for i, row in enumerate(reader, start=2):
            where = _("line %(n)d") % {"n": i}
            day = _day(row.get("date", ""), where, errors)
            kind = (row.get("type") or "").strip()
            if day is None:
                continue
            if kind == "holiday":
                periods.append((day, day, (row.get("name") or "").strip()))
            elif kind == "working_day":
                working.append((day, (row.get("name") or "").strip()))
            else:
                errors.append(
                    _("%(where)s: type must be holiday or working_day.") % {"where": where}
                )
    else:
        raise InvalidInput(_("Load a .json or .csv file."), fields={"file": _("Unknown format.")})
    try:
        year = int(year) if year is not None else None
    except (TypeError, ValueError):
        year = None
    if year is None or not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise InvalidInput(
            _("Say which year the schedule is for (%(first)d-%(last)d).")
            % {"first": FIRST_DAY.year, "last": LAST_DAY.year},
            fields={"year": _("Missing or out of range.")},
        )
    periods.sort()
    for (a_first, a_last, a_name), (b_first, _b_last, b_name) in zip(
        periods, periods[1:], strict=False
    ):
        if b_first <= a_last:
            errors.append(
                _("Holidays overlap: %(a)s (%(a_from)s to %(a_to)s) and %(b)s (from %(b_from)s).")
                % {"a": a_name, "a_from": a_first, "a_to": a_last, "b": b_name, "b_from": b_first}
            )
    for first, last, name in periods:
        holidays.extend((first + timedelta(days=i), name) for i in range((last - first).days + 1))
    off = {d for d, _name in holidays}
    seen: set[date] = set()
    for day, _name in working:
        if day in seen:
            errors.append(_("%(day)s is listed twice as a working day.") % {"day": day})
        seen.add(day)
        if day in off:
            errors.append(_("%(day)s is both a holiday and a working day.") % {"day": day})
        if day.weekday() < 5:
            errors.append(
                _("%(day)s is a weekday; an adjusted working day must fall on a weekend.")
                % {"day": day}
            )
    for day in sorted(off | seen):
        if day.year != year:
            errors.append(_("%(day)s lies outside %(year)d.") % {"day": day, "year": year})
    if not holidays:
        errors.append(_("The schedule lists no holidays."))
    if not source.strip():
        errors.append(_("Name the notice the schedule comes from."))
    if errors:
        raise InvalidInput(" ".join(errors), fields={"file": "; ".join(errors)})
    return Schedule(
        year=year,
        source=source.strip()[:300],
        holidays=tuple(holidays),
        working_days=tuple(working),
        digest=hashlib.sha256(raw).hexdigest(),
    )


@transaction.atomic
def holiday_schedule_load(*, actor, schedule: Schedule) -> LoadReport:
    """Store a year's official schedule, audit it, and recompute every provisional clock.

    ``actor`` None is the operator at the command line; a person needs the platform
    administrator's capability.
    """
    if actor is not None and not (
        perms.can(actor, Cap.PLATFORM_ADMIN) or actor.has_perm("core.add_holidayschedule")
    ):
        raise PermissionDenied(_("Only a platform administrator may load a holiday schedule."))
    record, created = HolidaySchedule.objects.select_for_update().get_or_create(
        year=schedule.year, defaults={"source": schedule.source}
    )
    CalendarDay.objects.filter(day__year=schedule.year).delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(day=d, is_working_day=False, note=name[:120]) for d, name in schedule.holidays]
        + [
            CalendarDay(day=d, is_working_day=True, note=name[:120])
            for d, name in schedule.working_days
        ]
    )
    record.source = schedule.source
    record.save(update_fields=["source", "loaded_at"])
    append_event(
        stream=f"calendar:{schedule.year}",
        kind="holiday_schedule_loaded",
        actor=actor,
        data={
            "year": schedule.year,
            "source": schedule.source,
            "holidays": len(schedule.holidays),
            "working_days": len(schedule.working_days),
            "sha256": schedule.digest,
            "replaced": not created,
        },
    )
    report = LoadReport(
        year=schedule.year,
        holidays=len(schedule.holidays),
        working_days=len(schedule.working_days),
    )
    _recompute_provisional_clocks(build_calendar(), report)
    # Every process rebuilds its calendar: now (this transaction sees the new rows) and again
    # once they are committed and visible to all.
    calendar_changed()
    transaction.on_commit(calendar_changed)
    return report


def _recompute_provisional_clocks(cal, report: LoadReport) -> None:
    clocks = (
        Clock.objects.live()
        .filter(provisional=True)
        .exclude(unit="hours")
        .select_related("case__place", "case__owner_unit")
        .order_by("case_id", "id")
    )
    for clock in clocks:
        before = clock.due_on
        clock.due_on = due_date(clock, cal)
        clock.provisional = is_provisional(clock, cal)
        moved = clock.due_on != before
        if moved:
            clock.due_soon_notified = False
        clock.save(update_fields=["due_on", "provisional", "due_soon_notified"])
        report.recomputed += 1
        if not moved:
            continue
        case = lock_case(clock.case_id)
        report.moved.append((case.pk, clock.kind, before, clock.due_on))
        record_event(
            case,
            "clock_recomputed",
            None,
            public=clock.resident_visible,
            clock=clock.kind,
            before=before.isoformat(),
            due=clock.due_on.isoformat(),
            year=report.year,
        )
        notify(
            recipients=owners_and_supervisors(case, supervisors=False),
            kind="clock_moved",
            subject=each("Deadline moved: %(code)s", code=case.receipt_code),
            body=each(
                "%(kind)s is now due on %(due)s instead of %(before)s: the official holiday "
                "schedule for %(year)d was loaded.",
                kind=lambda clock=clock: clock_label(clock),
                due=clock.due_on,
                before=before,
                year=report.year,
            ),
            case=case,
            dedupe_key=f"moved:{clock.pk}:{clock.due_on}",
            link=reverse("web:case", args=[case.pk]),
        )

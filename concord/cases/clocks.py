"""Clocks on cases: start, pause, resume, extend and recompute from their legal basis."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from concord.core.calendars import platform_calendar

from .models import Case, Clock, ClockState


def due_date(clock: Clock) -> date:
    """Return the due day of a clock from its start, amount, unit, pauses and extension."""
    pauses = [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in clock.pauses]
    return platform_calendar().deadline(
        clock.started_on,
        clock.amount,
        clock.unit,
        pauses=pauses,
        extension_days=clock.extension_days,
    )


def clock_start(
    *,
    case: Case,
    kind: str,
    amount: int,
    unit: str,
    started_on: date | None = None,
    basis: str = "",
    grade: str = "",
    channel: str = "",
    resident_visible: bool = True,
    replace: bool = True,
) -> Clock:
    """Start a clock (replacing a live clock of the same kind, which is cancelled)."""
    if replace:
        Clock.objects.filter(
            case=case, kind=kind, state__in=[ClockState.RUNNING, ClockState.PAUSED]
        ).update(state=ClockState.CANCELLED)
    clock = Clock(
        case=case,
        kind=kind,
        amount=amount,
        unit=unit,
        started_on=started_on or timezone.localdate(),
        basis=basis[:300],
        grade=grade,
        channel=channel or case.channel,
        resident_visible=resident_visible,
    )
    clock.due_on = due_date(clock)
    clock.save()
    return clock


def clocks_pause(case: Case) -> None:
    Clock.objects.filter(case=case, state=ClockState.RUNNING).update(
        state=ClockState.PAUSED, paused_since=timezone.localdate()
    )


def clocks_resume(case: Case) -> None:
    """Resume paused clocks; the days between pause and resume do not count."""
    today = timezone.localdate()
    for clock in Clock.objects.filter(case=case, state=ClockState.PAUSED):
        since = clock.paused_since or today
        # The pause day already ran; like a start day, the resume day is not counted.
        first = date.fromordinal(since.toordinal() + 1)
        if first <= today:
            clock.pauses = [*clock.pauses, [first.isoformat(), today.isoformat()]]
        clock.state = ClockState.RUNNING
        clock.paused_since = None
        clock.due_on = due_date(clock)
        clock.due_soon_notified = False
        clock.save(update_fields=["pauses", "state", "paused_since", "due_on", "due_soon_notified"])


def clocks_stop(case: Case, state: str) -> None:
    live = Clock.objects.filter(case=case, state__in=[ClockState.RUNNING, ClockState.PAUSED])
    if state == ClockState.MET:
        live.update(state=state, met_at=timezone.now(), paused_since=None)
    else:
        live.update(state=state, paused_since=None)

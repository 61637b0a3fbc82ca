"""Clocks on cases: start, pause, resume, extend, hand over and recompute from their basis.

A clock's row says what it is (``nature``, ``holder``, ``escalates``; see the channel rules'
clock-kind table): statutory clocks belong to the case and keep running whoever owns it; policy
clocks belong to the current owner, so a new owner gets fresh ones (``clocks_hand_over``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from concord.core import conf
from concord.core.calendar import Calendar
from concord.core.calendars import platform_calendar

from .models import LIVE_CLOCK_STATES, Case, Clock, ClockHolder, ClockNature, ClockState

# Hour clocks (a 12345 ticket's 2 or 24 hours) are due soon in the last quarter of their span,
# and at least in their last hour (never longer than the span); day clocks use the one "due
# soon" value in days (`conf.due_soon()`).
HOUR_CLOCK_SOON_SHARE = 4
HOUR_CLOCK_SOON_AT_LEAST = timedelta(hours=1)


def hour_soon_window(amount: int) -> timedelta:
    """Return how long before its due instant an hour clock of `amount` hours is due soon."""
    span = timedelta(hours=amount)
    return min(max(span / HOUR_CLOCK_SOON_SHARE, HOUR_CLOCK_SOON_AT_LEAST), span)


def due_soon_q(*, today: date, now: datetime) -> Q:
    """Clocks due soon: day clocks within the due-soon days, hour clocks within their window.

    One query reads the spans of the live hour clocks (a handful: 2, 24, ...), so the window is
    compared in the database for each span."""
    days = ~Q(unit="hours") & Q(due_on__gte=today, due_on__lte=today + conf.due_soon())
    spans = set(
        Clock.objects.live().filter(unit="hours").values_list("amount", flat=True).distinct()
    )
    for amount in sorted(spans):
        days |= Q(
            unit="hours", amount=amount, due_at__gt=now, due_at__lte=now + hour_soon_window(amount)
        )
    return days


def late_q(*, today: date, now: datetime) -> Q:
    """Clocks past due: a day clock the day after its due day, an hour clock at its instant."""
    return (~Q(unit="hours") & Q(due_on__lt=today)) | Q(unit="hours", due_at__lte=now)


def due_text(clock: Clock) -> str:
    """Return the due day, or for an hour clock its local due time ("2026-10-01 00:30")."""
    if clock.unit == "hours" and clock.due_at is not None:
        return timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M")
    return clock.due_on.isoformat()


def due_date(clock: Clock, cal: Calendar | None = None) -> date:
    """Return the due day of a clock from its start, amount, unit, pauses and extension.

    Hour clocks run round the clock from the instant they started: neither a pause nor an
    extension moves them, so their day stays the day of ``due_at``.
    """
    if clock.unit == "hours":
        return clock.due_on
    pauses = [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in clock.pauses]
    return (cal or platform_calendar()).deadline(
        clock.started_on,
        clock.amount,
        clock.unit,
        pauses=pauses,
        extension_days=clock.extension_days,
    )


def is_provisional(clock: Clock, cal: Calendar | None = None) -> bool:
    """Return whether the due day counts over a year whose official schedule is not loaded."""
    if clock.unit == "hours":
        return False
    return not (cal or platform_calendar()).covers_range(clock.started_on, clock.due_on)


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
    nature: str = ClockNature.POLICY,
    holder: str = ClockHolder.OWNER,
    escalates: bool = False,
    due_on: date | None = None,
    due_at: datetime | None = None,
) -> Clock:
    """Start a clock (replacing a live clock of the same kind, which is cancelled).

    ``due_on`` overrides the computed due day (hour clocks and restarted limits, which the
    rules engine computes itself). An hour clock runs out ``amount`` hours after it starts
    (now, unless ``due_at`` gives the instant).
    """
    if replace:
        Clock.objects.live().filter(case=case, kind=kind).update(state=ClockState.CANCELLED)
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
        nature=nature,
        holder=holder,
        escalates=escalates,
    )
    if unit == "hours":
        clock.due_at = due_at or timezone.now() + timedelta(hours=amount)
        clock.due_on = timezone.localdate(clock.due_at)
    else:
        clock.due_on = due_on or due_date(clock)
    clock.provisional = is_provisional(clock)
    clock.save()
    return clock


def clocks_hand_over(case: Case, *, basis_note: str = "") -> list[Clock]:
    """Close the previous owner's policy clocks and give the new owner fresh ones.

    Statutory clocks belong to the case and are left running. A policy clock that has just
    breached (and so caused the hand-over) is renewed as well. Return the fresh clocks.
    """
    owner_clocks = Clock.objects.filter(case=case, holder=ClockHolder.OWNER).order_by("kind", "-id")
    latest: dict[str, Clock] = {}
    for clock in owner_clocks:
        latest.setdefault(clock.kind, clock)
    fresh = []
    for kind, previous in latest.items():
        if previous.state not in (*LIVE_CLOCK_STATES, ClockState.BREACHED):
            continue
        fresh.append(
            clock_start(
                case=case,
                kind=kind,
                amount=previous.amount,
                unit=previous.unit,
                basis=basis_note or previous.basis,
                grade=previous.grade,
                channel=previous.channel,
                resident_visible=previous.resident_visible,
                nature=previous.nature,
                holder=previous.holder,
                escalates=previous.escalates,
            )
        )
    return fresh


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
        clock.provisional = is_provisional(clock)
        clock.due_soon_notified = False
        clock.save(
            update_fields=[
                "pauses",
                "state",
                "paused_since",
                "due_on",
                "provisional",
                "due_soon_notified",
            ]
        )


def clocks_stop(case: Case, state: str) -> None:
    live = Clock.objects.live().filter(case=case)
    if state == ClockState.MET:
        live.update(state=state, met_at=timezone.now(), paused_since=None)
    else:
        live.update(state=state, paused_since=None)

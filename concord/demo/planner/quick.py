"""Quick lives for bulk loads: a case's whole life drawn at once, and its event stream."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from concord.core.calendar import Calendar, default_calendar

from ..geography import CountyPlan
from ..texts import FEEDBACK_COMMENTS, GROUPS, GROUPS_BY_KEY
from .base import LEVELS, TZ, CategoryInfo, PlannedCase, Surge, _pick
from .lives import DEFAULT_OUTCOMES, OUTCOMES_BY_KIND, _hours
from .plan import _new_case, _surge_cases
from .seasons import plan_surges, seasonal_profile, weekly_factor

# --- quick lives for bulk loads ----------------------------------------------------------------


@dataclass
class Life:
    """Where a bulk-loaded case stands now: the milestones of `_simulate`, without its steps.

    Bulk loads of a million cases cannot afford a full event history each; they keep the
    submission event and the case's current state, dates and rating, drawn with the same
    probabilities as `_simulate`.
    """

    status: str = "submitted"
    level: str = ""
    department: str | None = None  # set when a transfer to this department was accepted
    escalations: int = 0
    assigned: bool = False
    accepted_at: datetime | None = None
    resolved_at: datetime | None = None  # the first resolution (the handling clock's end)
    closed_at: datetime | None = None
    paused_since: datetime | None = None
    pause: tuple[datetime, datetime] | None = None  # a pause already over
    outcome: str = ""
    # (answer, satisfaction 1-5, comment, when) of the resident's rating
    rating: tuple[str, int, str, datetime] | None = None
    last_at: datetime | None = None  # when anything last happened


def quick_life(rng: random.Random, case: PlannedCase, now: datetime) -> Life:
    """Return the state of a case at `now`, drawn like `_simulate` draws a full life."""
    cat = case.category
    group = GROUPS_BY_KEY[case.group]
    life = Life(level=case.start_level)
    t = case.created_at
    # (when, what happens): applied in order until `now`
    marks: list[tuple[datetime, str, object]] = []
    if cat.kind in {"dispute", "grievance"} and rng.random() < 0.02:
        marks.append((t + _hours(rng, 20), "not_accepted", None))
        return _apply(life, marks, now)
    t += _hours(rng, 6 if case.urgency == "normal" else 1)
    marks.append((t, "accepted", None))
    if group.department and rng.random() < 0.12:
        t += _hours(rng, 4) + timedelta(days=rng.uniform(0.5, 4))
        marks.append((t, "transferred", group.department))
        t += _hours(rng, 3)
        marks.append((t, "accepted", None))
    t += _hours(rng, 3)
    marks.append((t, "assigned", None))
    t += _hours(rng, 10)
    marks.append((t, "in_progress", None))
    handling = timedelta(days=cat.handling_days)
    late = rng.random() < 0.08
    fraction = rng.uniform(1.05, 2.0) if late else rng.uniform(0.15, 0.95)
    resolve_by = case.created_at + handling * fraction
    if rng.random() < 0.07:
        t += max(resolve_by - t, timedelta(hours=2)) * rng.uniform(0.2, 0.6)
        pause = timedelta(days=rng.uniform(2, 10))
        marks.append((t, "paused", None))
        marks.append((t + pause, "resumed", t))
        t += pause
        resolve_by += pause
    escalate = (
        not any(kind == "transferred" for _, kind, _ in marks)
        and case.start_level != "county"
        and rng.random() < 0.05
    )
    if escalate:
        t += max(resolve_by - t, timedelta(hours=2)) * rng.uniform(0.2, 0.5)
        marks.append((t, "escalated", LEVELS[LEVELS.index(case.start_level) - 1]))
        t += _hours(rng, 8)
        marks.append((t, "accepted", None))
        t += _hours(rng, 3)
        marks.append((t, "assigned", None))
        t += _hours(rng, 8)
        marks.append((t, "in_progress", None))
        resolve_by += handling * rng.uniform(0.1, 0.5)
    work = max(resolve_by - t, timedelta(hours=1))
    if rng.random() < 0.02:
        marks.append((t + work * rng.uniform(0.1, 0.5), "withdrawn", None))
        return _apply(life, marks, now)
    t += work
    outcome = _pick(rng, OUTCOMES_BY_KIND.get(cat.kind, DEFAULT_OUTCOMES))
    marks.append((t, "resolved", outcome))
    if not case.anonymous and rng.random() < 0.75:
        t += timedelta(days=rng.uniform(0.5, 6))
        answer = _pick(rng, [("yes", 0.8), ("partly", 0.13), ("no", 0.07)])
        score = {
            "yes": _pick(rng, [("5", 0.65), ("4", 0.3), ("3", 0.05)]),
            "partly": _pick(rng, [("4", 0.2), ("3", 0.6), ("2", 0.2)]),
            "no": _pick(rng, [("2", 0.4), ("1", 0.6)]),
        }[answer]
        comment = rng.choice(FEEDBACK_COMMENTS[int(score)]) if case.language != "en" else ""
        marks.append((t, "rated", (answer, int(score), comment, t)))
        if answer == "no":
            t += timedelta(seconds=1)
            marks.append((t, "reopened", None))
            t += _hours(rng, 20)
            marks.append((t, "in_progress", None))
            t += timedelta(days=rng.uniform(2, 10))
            marks.append((t, "resolved", outcome))
            t += timedelta(days=rng.uniform(7, 10))
        else:
            t += timedelta(seconds=1)
    else:
        t += timedelta(days=rng.uniform(7, 10))
    marks.append((t, "closed", None))
    return _apply(life, marks, now)


def _apply(life: Life, marks: list[tuple[datetime, str, object]], now: datetime) -> Life:
    for at, kind, value in marks:
        if at > now:
            break
        life.last_at = at
        if kind == "accepted":
            life.accepted_at = life.accepted_at or at
        elif kind == "transferred":
            life.department, life.level, life.assigned = str(value), "county", False
        elif kind == "escalated":
            life.level, life.assigned = str(value), False
            life.escalations += 1
        elif kind == "assigned":
            life.assigned = True
        elif kind == "paused":
            life.paused_since = at
        elif kind == "resumed":
            life.pause, life.paused_since = (value, at), None
            kind = "in_progress"
        elif kind == "resolved":
            life.resolved_at = life.resolved_at or at
            life.outcome = str(value)
        elif kind == "rated":
            life.rating = value  # type: ignore[assignment]
            continue
        elif kind == "withdrawn":
            life.outcome = "withdrawn"
        if kind in {"closed", "withdrawn", "not_accepted"}:
            life.closed_at = at
        elif kind == "reopened":
            life.closed_at = None
        life.status = kind
    return life


def case_stream(
    county: CountyPlan,
    categories: dict[str, CategoryInfo],
    *,
    total: int,
    seed: int,
    today: date,
    now: datetime,
    days: int,
    cal: Calendar | None = None,
) -> tuple[list[Surge], Iterator[list[PlannedCase]]]:
    """Return the injected surges and an iterator of each day's cases, oldest day first.

    The same seasonality, weekday, trend and household weights as `plan_cases`, but exactly
    `total` cases (surges included) spread over `days` by a multinomial draw, and generated one
    day at a time so that a million cases never sit in memory together. Cases carry no life
    yet (see `quick_life`) and are numbered from 1 in creation order.
    """
    cal = cal or default_calendar()
    first_day = today - timedelta(days=days - 1)
    day_list = [first_day + timedelta(days=i) for i in range(days)]
    gen = np.random.default_rng(seed)
    rng = random.Random(f"bulk:{seed}")
    by_code = county.by_code()
    surges = plan_surges(county, seed=seed, today=today, days=days)
    surge_days: dict[date, list[PlannedCase]] = {}
    for surge in surges:
        for case in _surge_cases(rng, surge, categories, by_code, now):
            if case.created_at <= now:
                surge_days.setdefault(case.created_at.astimezone(TZ).date(), []).append(case)
    background = max(0, total - sum(len(v) for v in surge_days.values()))

    weekly = weekly_factor(day_list, cal)
    trend = np.linspace(0.85, 1.15, days)
    shares = np.array([g.share for g in GROUPS])
    profiles = np.stack([seasonal_profile(g.season, day_list) for g in GROUPS])
    intensity = (shares / shares.sum())[:, None] * profiles * (weekly * trend)[None, :]
    counts = gen.multinomial(background, (intensity / intensity.sum()).ravel())
    counts = counts.reshape(intensity.shape)  # (groups, days)
    grids = county.grids
    weights = np.array([g.households for g in grids], dtype=float)
    weights /= weights.sum()

    def days_of_cases() -> Iterator[list[PlannedCase]]:
        number = 0
        for day_index, day in enumerate(day_list):
            out = surge_days.pop(day, [])
            for group_index in np.nonzero(counts[:, day_index])[0]:
                group = GROUPS[group_index]
                picks = gen.choice(len(grids), size=int(counts[group_index, day_index]), p=weights)
                for grid_index in picks:
                    out.append(
                        _new_case(rng, group, categories, grids[int(grid_index)], by_code, day, now)
                    )
            for case in out:
                case.slots = {}
                if case.created_at > now:  # today's later hours: filed a little before now
                    case.created_at = now - timedelta(seconds=rng.randrange(60, 7200))
            out.sort(key=lambda c: (c.created_at, c.grid_code, c.title))
            for case in out:
                number += 1
                case.number = number
            yield out

    return surges, days_of_cases()

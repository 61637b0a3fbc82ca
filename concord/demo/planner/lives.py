"""Each planned case's life: the steps it takes to its outcome, and the open states covered."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

from concord.core.calendar import Calendar

from ..texts import (
    ESCALATE_NOTES,
    FEEDBACK_COMMENTS,
    GROUPS_BY_KEY,
    NOT_ACCEPTED_ROUTES,
    PAUSE_REASONS,
    TRANSFER_REASONS,
)
from .base import LEVELS, PlannedCase, Step, _pick

# --- lives ---------------------------------------------------------------------------------

OUTCOMES_BY_KIND = {
    "dispute": [
        ("agreement", 0.75),
        ("referred", 0.1),
        ("explained", 0.1),
        ("not_substantiated", 0.05),
    ],
    "grievance": [
        ("decision", 0.4),
        ("explained", 0.35),
        ("not_substantiated", 0.15),
        ("referred", 0.1),
    ],
}
DEFAULT_OUTCOMES = [
    ("fixed", 0.7),
    ("explained", 0.2),
    ("referred", 0.05),
    ("not_substantiated", 0.05),
]


def _hours(rng, median: float, spread: float = 0.8) -> timedelta:
    return timedelta(hours=min(240.0, rng.lognormvariate(math.log(median), spread)))


def _simulate(
    rng: random.Random, case: PlannedCase, now: datetime, cal: Calendar, force: str | None = None
) -> None:
    """Fill `case.steps` with its life up to `now`.

    `force` names an open state the case must be in now ("submitted", "accepted", "assigned",
    "in_progress", "paused", "escalated", "transfer_pending"); its steps are then squeezed
    in between the submission and now.
    """
    cat = case.category
    group = GROUPS_BY_KEY[case.group]
    t = case.created_at
    steps = [
        Step(
            "submitted",
            t,
            True,
            "filer" if case.consent_note else None,
            {"intake_channel": case.intake, "on_behalf_consent": case.consent_note or None},
        )
    ]
    handling = timedelta(days=cat.handling_days)
    target = None  # index of the step that must be the last one before now

    if force is None and cat.kind in {"dispute", "grievance"} and rng.random() < 0.02:
        t += _hours(rng, 20)
        route, deadline = rng.choice(NOT_ACCEPTED_ROUTES)
        steps.append(
            Step(
                "not_accepted",
                t,
                True,
                "owner",
                {"reason": "不属于本单位受理范围", "route": route, "route_deadline": deadline},
            )
        )
        _finish(case, steps, now, None)
        return

    t += _hours(rng, 6 if case.urgency == "normal" else 1)
    steps.append(Step("accepted", t, True, "owner", {"note": None}))
    if force == "submitted":
        target = 0
    if force == "accepted":
        target = len(steps) - 1

    level = case.start_level
    transfer = group.department and (
        force == "transfer_pending" or (force is None and rng.random() < 0.12)
    )
    if transfer:
        t += _hours(rng, 4)
        steps.append(
            Step(
                "transfer_requested",
                t,
                False,
                "router",
                {"department": group.department, "reason": TRANSFER_REASONS[group.department]},
            )
        )
        if force == "transfer_pending":
            target = len(steps) - 1
        t += timedelta(days=rng.uniform(0.5, 4))
        steps.append(
            Step("transfer_accepted", t, True, "receiver", {"department": group.department})
        )
        level = "county"
        t += _hours(rng, 3)
        steps.append(Step("accepted", t, True, "owner", {"note": None}))

    t += _hours(rng, 3)
    steps.append(Step("assigned", t, False, "owner", {}))
    if force == "assigned":
        target = len(steps) - 1
    t += _hours(rng, 10)
    steps.append(Step("work_started", t, True, "assignee", {}))
    if force == "in_progress":
        target = len(steps) - 1

    # Most cases are resolved well within the handling clock; about one in twelve runs late.
    late = rng.random() < 0.08
    fraction = rng.uniform(1.05, 2.0) if late else rng.uniform(0.15, 0.95)
    resolve_by = case.created_at + handling * fraction
    if force == "paused" or (force is None and rng.random() < 0.07):
        t += max(resolve_by - t, timedelta(hours=2)) * rng.uniform(0.2, 0.6)
        steps.append(Step("paused", t, True, "assignee", {"reason": rng.choice(PAUSE_REASONS)}))
        if force == "paused":
            target = len(steps) - 1
        pause = timedelta(days=rng.uniform(2, 10))
        t += pause
        resolve_by += pause  # the clock stood still too
        steps.append(Step("resumed", t, True, "assignee", {}))
    if level != "county" and (force == "escalated" or (force is None and rng.random() < 0.05)):
        t += max(resolve_by - t, timedelta(hours=2)) * rng.uniform(0.2, 0.5)
        new_level = LEVELS[LEVELS.index(level) - 1]
        steps.append(
            Step(
                "escalated",
                t,
                True,
                "assignee",
                {
                    "reason_code": "unresolved_at_level",
                    "note": rng.choice(ESCALATE_NOTES),
                    "from_level": level,
                    "to_level": new_level,
                },
            )
        )
        if force == "escalated":
            target = len(steps) - 1
        level = new_level
        t += _hours(rng, 8)
        steps.append(Step("accepted", t, True, "owner", {"note": None}))
        t += _hours(rng, 3)
        steps.append(Step("assigned", t, False, "owner", {}))
        t += _hours(rng, 8)
        steps.append(Step("work_started", t, True, "assignee", {}))
        resolve_by += handling * rng.uniform(0.1, 0.5)
    work = max(resolve_by - t, timedelta(hours=1))

    if force is None and rng.random() < 0.02:
        t += work * rng.uniform(0.1, 0.5)
        steps.append(
            Step(
                "withdrawn",
                t,
                True,
                None,
                {"reason": "当事人已自行和解，申请撤回", "by_resident": True},
            )
        )
        _finish(case, steps, now, None)
        return

    t += work
    outcome = _pick(rng, OUTCOMES_BY_KIND.get(cat.kind, DEFAULT_OUTCOMES))
    case.outcome = outcome
    steps.append(
        Step("resolved", t, True, "assignee", {"outcome": outcome, "text": case.resolution_text})
    )
    _after_resolution(rng, case, steps, t)
    _finish(case, steps, now, target)


def _after_resolution(rng, case: PlannedCase, steps: list[Step], t: datetime) -> None:
    """Add the resident's rating (or the revisit) and closing steps after a resolution."""
    if not case.anonymous and rng.random() < 0.75:
        t += timedelta(days=rng.uniform(0.5, 6))
        answer = _pick(rng, [("yes", 0.8), ("partly", 0.13), ("no", 0.07)])
        score = {
            "yes": _pick(rng, [("5", 0.65), ("4", 0.3), ("3", 0.05)]),
            "partly": _pick(rng, [("4", 0.2), ("3", 0.6), ("2", 0.2)]),
            "no": _pick(rng, [("2", 0.4), ("1", 0.6)]),
        }[answer]
        comment = rng.choice(FEEDBACK_COMMENTS[int(score)]) if case.language != "en" else ""
        steps.append(
            Step(
                "feedback",
                t,
                True,
                None,
                {"resolved": answer, "satisfaction": int(score), "comment": comment or None},
            )
        )
        if answer == "no":
            t += timedelta(seconds=1)
            steps.append(
                Step(
                    "reopened",
                    t,
                    True,
                    None,
                    {"reason": "The resident said it was not resolved.", "by_resident": True},
                )
            )
            t += _hours(rng, 20)
            steps.append(Step("work_started", t, True, "assignee", {}))
            t += timedelta(days=rng.uniform(2, 10))
            steps.append(
                Step(
                    "resolved",
                    t,
                    True,
                    "assignee",
                    {
                        "outcome": case.outcome,
                        "text": "复查后再次处理：" + case.resolution_text,
                    },
                )
            )
            t += timedelta(days=rng.uniform(7, 10))
            steps.append(Step("closed", t, True, "owner", {"note": "回访后办结"}))
        else:
            t += timedelta(seconds=1)
            steps.append(
                Step("closed", t, True, None, {"note": "Closed after the resident's rating."})
            )
    else:
        t += timedelta(days=rng.uniform(7, 10))
        steps.append(Step("closed", t, True, "owner", {"note": "回访后办结"}))


def _finish(case: PlannedCase, steps: list[Step], now: datetime, target: int | None) -> None:
    if target is not None:
        # Squeeze steps 1..target between the submission and now; drop the rest.
        kept = steps[: target + 1]
        start = case.created_at
        span = (now - timedelta(minutes=30)) - start
        for i, step in enumerate(kept[1:], start=1):
            step.at = start + span * (i / (len(kept)))
        case.steps = kept
        return
    case.steps = [s for s in steps if s.at <= now]


OPEN_STATES = [
    "submitted",
    "accepted",
    "assigned",
    "in_progress",
    "paused",
    "escalated",
    "transfer_pending",
]


def current_state(case: PlannedCase) -> tuple[str, bool]:
    """Return (status, has a pending transfer) after the case's steps."""
    status, pending = "submitted", False
    moves = {
        "accepted": "accepted",
        "assigned": "assigned",
        "work_started": "in_progress",
        "paused": "paused",
        "resumed": "in_progress",
        "escalated": "escalated",
        "transfer_accepted": "transferred",
        "resolved": "resolved",
        "closed": "closed",
        "reopened": "reopened",
        "merged": "merged",
        "withdrawn": "withdrawn",
        "not_accepted": "not_accepted",
    }
    for step in case.steps:
        if step.kind == "transfer_requested":
            pending = True
        elif step.kind in {"transfer_accepted", "escalated"}:
            pending = False
        status = moves.get(step.kind, status)
    return status, pending and status not in {"merged", "withdrawn", "closed", "resolved"}


def _cover_open_states(rng, cases: list[PlannedCase], now: datetime, cal: Calendar) -> None:
    """Make sure recent cases show every open state, a few of each."""
    recent = [
        c
        for c in cases
        if c.surge is None
        and c.duplicate_of is None
        and timedelta(hours=2) < now - c.created_at < timedelta(days=6)
    ]
    rng.shuffle(recent)
    wanted = {state: 3 for state in OPEN_STATES}
    counted = set()
    for case in recent:
        status, pending = current_state(case)
        key = "transfer_pending" if pending else status
        if wanted.get(key, 0) > 0:
            wanted[key] -= 1
            counted.add(case.number)
    for state in OPEN_STATES:
        for case in recent:
            if wanted[state] == 0:
                break
            if case.number in counted:
                continue
            if state == "transfer_pending" and not GROUPS_BY_KEY[case.group].department:
                continue
            if state == "escalated" and case.start_level == "county":
                continue
            _simulate(rng, case, now, cal, force=state)
            counted.add(case.number)
            wanted[state] -= 1


def _merge_if_possible(rng, dup: PlannedCase, original: PlannedCase, now: datetime) -> None:
    """Merge a duplicate into its original while both are open; recent ones stay unmerged."""
    at = dup.created_at + _hours(rng, 6, 0.5)
    if at > now:
        return
    end_of_original = next(
        (
            s.at
            for s in original.steps
            if s.kind in {"resolved", "withdrawn", "not_accepted", "merged"}
        ),
        None,
    )
    if end_of_original is not None and end_of_original <= at:
        return
    dup_state_steps = [s for s in dup.steps if s.at < at and s.kind in {"submitted", "accepted"}]
    if not dup_state_steps:
        return
    dup.steps = dup_state_steps + [Step("merged", at, True, "router", {"into": original.number})]
    dup.merged_into = original.number
    original.steps.append(Step("merged_in", at, False, "router", {"merged_case": dup.number}))
    original.steps.sort(key=lambda s: s.at)

"""The crisis protocol's rules as plain functions: risk levels, clocks, queue order, suppression.

No Django here, so the rules can be read and tested on their own. The numbers come from the
policy (see `policy.py`): no national text sets response times per risk level, so they are
Concord's design choices, labelled "policy" wherever they are shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import numpy as np

IMMINENT = "imminent"
HIGH = "high"
MODERATE = "moderate"
LOW = "low"
RISK_ORDER = (IMMINENT, HIGH, MODERATE, LOW)
# Follow-ups are mandatory at these levels (hotline guideline: register, hand over, follow up).
FOLLOW_UP_REQUIRED = frozenset({IMMINENT, HIGH})

SCALE_MAX = 4


def risk_rank(risk: str) -> int:
    """Return 0 for imminent … 3 for low (the queue's first sort key)."""
    return RISK_ORDER.index(risk)


def higher_risk(a: str, b: str) -> str:
    """Return the more severe of two risk levels."""
    return a if risk_rank(a) <= risk_rank(b) else b


@dataclass(frozen=True)
class AssessmentAnswers:
    """The short structured assessment a counsellor completes.

    `ideation` is how strong the suicidal thoughts are (0 none, 1 passive wish to be dead,
    2 active thoughts without a method, 3 thoughts with a method, 4 with intent); `hopelessness`
    is 0 (none) to 4 (complete), as the hotline guideline asks both to be quantified.
    """

    ideation: int
    hopelessness: int
    has_plan: bool
    has_means: bool
    act_in_progress: bool
    protective_factors: int = 0

    def problems(self) -> dict[str, str]:
        """Return field → message for answers out of range (empty when valid)."""
        out = {}
        for name in ("ideation", "hopelessness"):
            value = getattr(self, name)
            if not isinstance(value, int) or not 0 <= value <= SCALE_MAX:
                out[name] = f"0 to {SCALE_MAX}"
        if self.protective_factors < 0:
            out["protective_factors"] = ">= 0"
        return out


def suggest_risk(a: AssessmentAnswers) -> str:
    """Return the risk level the answers point to; the counsellor confirms or raises it.

    Imminent means a plan, means or an act in progress (W7). Protective factors are recorded
    but never lower the suggestion: under-triage is the costly error, and the counsellor can
    still choose a lower level with a written reason.
    """
    if a.act_in_progress or (a.has_plan and a.has_means):
        return IMMINENT
    if a.ideation >= 4 and (a.has_plan or a.has_means):
        return IMMINENT
    if a.has_plan or a.has_means or a.ideation >= 3 or (a.hopelessness >= 3 and a.ideation >= 2):
        return HIGH
    if a.ideation >= 1 or a.hopelessness >= 2:
        return MODERATE
    return LOW


@dataclass(frozen=True)
class RiskRule:
    """What the policy asks for at one risk level."""

    alert_immediately: bool
    contact_minutes: int | None
    contact_same_day: bool
    contact_days: int | None
    safety_plan: bool
    follow_up_hours: tuple[int, ...]

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RiskRule:
        return cls(
            alert_immediately=bool(d.get("alert_immediately", False)),
            contact_minutes=d.get("contact_minutes"),
            contact_same_day=bool(d.get("contact_same_day", False)),
            contact_days=d.get("contact_days"),
            safety_plan=bool(d.get("safety_plan", False)),
            follow_up_hours=tuple(int(h) for h in d.get("follow_up_hours", ())),
        )


def contact_due(opened_at: datetime, rule: RiskRule, *, same_day_min_hours: int) -> datetime | None:
    """Return when the first counsellor contact is due, or None when the level has no clock.

    `opened_at` must be an aware datetime in local time. "Same day" means before local midnight,
    but never less than `same_day_min_hours` away, so a referral opened late in the evening is
    not overdue before anyone can act on it.
    """
    if rule.contact_minutes is not None:
        return opened_at + timedelta(minutes=rule.contact_minutes)
    if rule.contact_same_day:
        end_of_day = datetime.combine(opened_at.date(), time(23, 59, 59), tzinfo=opened_at.tzinfo)
        return max(end_of_day, opened_at + timedelta(hours=same_day_min_hours))
    if rule.contact_days is not None:
        return opened_at + timedelta(days=rule.contact_days)
    return None


def follow_up_times(start: datetime, rule: RiskRule) -> list[datetime]:
    """Return the mandatory follow-up times counted from `start`."""
    return [start + timedelta(hours=h) for h in sorted(rule.follow_up_hours)]


def suppress_counts(counts: Sequence[int], *, threshold: int) -> list[int | None]:
    """Return the counts with every cell 1 … threshold-1 replaced by None.

    When exactly one cell would be hidden, the next smallest non-zero cell is hidden too, so a
    published total cannot give the hidden cell back by subtraction. Zeros are shown: they
    identify nobody.
    """
    arr = np.asarray(counts, dtype=np.int64)
    hide = (arr > 0) & (arr < threshold)
    if hide.sum() == 1:
        candidates = np.where(~hide & (arr > 0), arr, np.iinfo(np.int64).max)
        if candidates.min() != np.iinfo(np.int64).max:
            hide[int(np.argmin(candidates))] = True
    return [None if h else int(v) for v, h in zip(arr.tolist(), hide.tolist(), strict=True)]


def suppress_total(total: int, *, threshold: int) -> int | None:
    """Return the total, or None when it is itself a small non-zero count."""
    return None if 0 < total < threshold else total

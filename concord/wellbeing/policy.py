"""The crisis protocol's policy: defaults here, overridden by settings.WELLBEING_POLICY.

No national text sets response times per risk level (PROCESS_RULES.md W7), so every number
below is a Concord design choice and the interface labels it "policy".
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .protocol import HIGH, IMMINENT, LOW, MODERATE, RiskRule

DEFAULT_POLICY: dict[str, Any] = {
    "risks": {
        # Imminent: the person who sees it calls 110/120 and stays with the person; the
        # on-duty counsellor is alerted at once and must make contact within the hour.
        IMMINENT: {
            "alert_immediately": True,
            "contact_minutes": 60,
            "safety_plan": True,
            "follow_up_hours": [24, 72, 168],
        },
        # High: counsellor contact the same day and a safety plan.
        HIGH: {
            "alert_immediately": True,
            "contact_same_day": True,
            "safety_plan": True,
            "follow_up_hours": [24, 168],
        },
        # Moderate: contact within 3 days.
        MODERATE: {"contact_days": 3, "follow_up_hours": []},
        # Low: information and an offer of support.
        LOW: {"follow_up_hours": []},
    },
    # A crisis signal in a submission is treated as high until a counsellor assesses it…
    "signal_risk": HIGH,
    # …unless the detector gives its level (W7): an act in progress or a plan with a time is
    # imminent, a plan or method high, ideation without a plan the normal (moderate) level.
    "signal_risks": {"imminent": IMMINENT, "plan": HIGH, "ideation": MODERATE},
    "same_day_min_hours": 4,
    # Aggregates below this are hidden (small-count suppression).
    "suppress_below": 5,
    # An approved export can be downloaded once within this many hours.
    "export_valid_hours": 24,
}


def policy() -> dict[str, Any]:
    """Return the policy in force: the defaults with the settings' overrides laid on top."""
    override = getattr(settings, "WELLBEING_POLICY", {}) or {}
    merged = {**DEFAULT_POLICY, **{k: v for k, v in override.items() if k != "risks"}}
    merged["risks"] = {
        level: {**DEFAULT_POLICY["risks"][level], **override.get("risks", {}).get(level, {})}
        for level in DEFAULT_POLICY["risks"]
    }
    return merged


def rule_for(risk: str) -> RiskRule:
    """Return the policy's rule for one risk level."""
    return RiskRule.from_dict(policy()["risks"][risk])

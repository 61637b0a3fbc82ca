"""The documented rules that turn a risk register into a risk level and bound the decision.

Pure module: no Django. PROCESS_RULES 1d defines the three levels of 发改投资〔2012〕2492号
art 4 in words:

* 高 (high): most people object, the reaction is very strong, a large group incident is possible;
* 中 (medium): some people object strongly, a conflict is possible;
* 低 (low): most people support, a few object, the risk is manageable.

Those words are made operational by two measurable things: the risk register (each risk point
scored likelihood × impact on 1–5 scales) and the stated stances of the public consultation.
The rule table (also printed in every report):

=====  =====================================================================================
rule   fires when
=====  =====================================================================================
R1     some risk point scores ≥ 15 (likely and severe)                             → high
R2     at least 3 risk points score ≥ 8 (several medium risks accumulate)            → high
R3     some risk point scores ≥ 8                                                     → medium
R4     at least 10 stances stated and more than half oppose ("most people object")   → high
R5     at least 10 stances stated and at least a fifth oppose ("some object")        → medium
=====  =====================================================================================

The overall level is the highest level any rule gives, low when none fires. Fewer than 10
stated stances are too few to read the public's view; the result then says so, and the
reviewer weighs the comments themselves (and may override with a written reason).

Decision rules (PROCESS_RULES 1d, 重大行政决策程序暂行条例 art 24, 2492号):

* investment projects: high or medium blocks approval ("implement" is refused);
* any decision: high means the risk is not controllable, so "implement" is refused until the
  draft is adjusted and re-assessed;
* medium (non-investment): "implement" needs a mitigation with an owner for every point
  scoring ≥ 8.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

HIGH, MEDIUM, LOW = "high", "medium", "low"
LEVEL_ORDER = {LOW: 0, MEDIUM: 1, HIGH: 2}
DIMENSIONS = ("legality", "reasonableness", "feasibility", "controllability")

POINT_HIGH = 15
POINT_MEDIUM = 8
ACCUMULATION_COUNT = 3
MIN_STANCES = 10
OPPOSE_HIGH = 0.5
OPPOSE_MEDIUM = 0.2

IMPLEMENT, POSTPONE, NOT_IMPLEMENT = "implement", "postpone", "not_implement"


@dataclass(frozen=True)
class PointInput:
    """One risk point as the rules see it."""

    key: str
    dimension: str
    likelihood: int
    impact: int
    has_mitigation: bool = False


@dataclass(frozen=True)
class Finding:
    rule: str
    level: str
    detail: dict


@dataclass
class LevelResult:
    level: str
    findings: list[Finding] = field(default_factory=list)
    scores: dict[str, int] = field(default_factory=dict)
    stances_counted: bool = False

    def as_dict(self) -> dict:
        return {
            "level": self.level,
            "findings": [
                {"rule": f.rule, "level": f.level, "detail": f.detail} for f in self.findings
            ],
            "scores": self.scores,
            "stances_counted": self.stances_counted,
        }


def validate_point(dimension: str, likelihood: int, impact: int) -> None:
    """Raise ValueError if a risk point is outside the register's scales."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if not 1 <= int(value) <= 5:
            raise ValueError(f"{name} must be between 1 and 5, got {value}")


def overall_level(
    points: Sequence[PointInput], *, support: int = 0, neutral: int = 0, oppose: int = 0
) -> LevelResult:
    """Return the overall level from the register and the stated stances, with the rules fired."""
    for p in points:
        validate_point(p.dimension, p.likelihood, p.impact)
    likelihood = np.array([p.likelihood for p in points], dtype=int)
    impact = np.array([p.impact for p in points], dtype=int)
    scores = likelihood * impact
    keys = [p.key for p in points]
    findings: list[Finding] = []

    severe = [keys[i] for i in np.flatnonzero(scores >= POINT_HIGH)]
    medium_or_more = [keys[i] for i in np.flatnonzero(scores >= POINT_MEDIUM)]
    if severe:
        findings.append(Finding("R1", HIGH, {"points": severe}))
    if len(medium_or_more) >= ACCUMULATION_COUNT:
        findings.append(Finding("R2", HIGH, {"points": medium_or_more}))
    if medium_or_more:
        findings.append(Finding("R3", MEDIUM, {"points": medium_or_more}))

    stated = support + neutral + oppose
    counted = stated >= MIN_STANCES
    if counted:
        share = oppose / stated
        detail = {"oppose": oppose, "stated": stated, "share": round(share, 4)}
        if share > OPPOSE_HIGH:
            findings.append(Finding("R4", HIGH, detail))
        elif share >= OPPOSE_MEDIUM:
            findings.append(Finding("R5", MEDIUM, detail))

    level = LOW
    for f in findings:
        if LEVEL_ORDER[f.level] > LEVEL_ORDER[level]:
            level = f.level
    return LevelResult(
        level=level,
        findings=findings,
        scores={k: int(s) for k, s in zip(keys, scores, strict=True)},
        stances_counted=counted,
    )


def decision_refusal(
    *, level: str, outcome: str, is_investment: bool, points: Sequence[PointInput]
) -> str | None:
    """Return why the outcome is not allowed at this level (a rule code), or None if allowed."""
    if outcome != IMPLEMENT:
        return None
    if is_investment and level in (HIGH, MEDIUM):
        return "investment_blocked"
    if level == HIGH:
        return "not_controllable"
    if level == MEDIUM:
        unmitigated = [
            p.key
            for p in points
            if p.likelihood * p.impact >= POINT_MEDIUM and not p.has_mitigation
        ]
        if unmitigated:
            return "unmitigated_points"
    return None

"""Plan two years of demo cases: when, where, what, and everything that happened to each.

Pure module (no Django import). The plan is a list of `PlannedCase`, each with the steps of its
life as symbolic events ("accepted by the owning unit", "escalated to town level"); the Django
writer in `generator.py` resolves units and people and turns steps into hash-chained events.
The same inputs always give the same plan, so tests and other teams can recompute the injected
surges and duplicate pairs without a database.

The package is split by subject; import from `concord.demo.planner` as before.
"""

from .base import (
    HOLIDAY_FACTOR,
    INTAKE_MIX,
    LEVELS,
    SPRING_FESTIVAL,
    TZ,
    WEEKDAY_FACTOR,
    CasePlan,
    CategoryInfo,
    PlannedCase,
    Step,
    Surge,
)
from .lives import DEFAULT_OUTCOMES, OPEN_STATES, OUTCOMES_BY_KIND, current_state
from .plan import REPEAT_PREFIXES, plan_cases
from .quick import Life, case_stream, quick_life
from .seasons import plan_surges, seasonal_profile, weekly_factor

__all__ = [
    "CasePlan",
    "CategoryInfo",
    "DEFAULT_OUTCOMES",
    "HOLIDAY_FACTOR",
    "INTAKE_MIX",
    "LEVELS",
    "Life",
    "OPEN_STATES",
    "OUTCOMES_BY_KIND",
    "PlannedCase",
    "REPEAT_PREFIXES",
    "SPRING_FESTIVAL",
    "Step",
    "Surge",
    "TZ",
    "WEEKDAY_FACTOR",
    "case_stream",
    "current_state",
    "plan_cases",
    "plan_surges",
    "quick_life",
    "seasonal_profile",
    "weekly_factor",
]

"""The demo plan's vocabulary: levels, the intake mix, and the records a plan is made of."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np

LEVELS = ["county", "town", "village", "grid"]
TZ = ZoneInfo("Asia/Shanghai")

# Lunar New Year's Day (春节) by year: wage arrears peak in the weeks before it.
SPRING_FESTIVAL = {
    2019: date(2019, 2, 5),
    2020: date(2020, 1, 25),
    2021: date(2021, 2, 12),
    2022: date(2022, 2, 1),
    2023: date(2023, 1, 22),
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
    2031: date(2031, 1, 23),
    2032: date(2032, 2, 11),
}
# Monday … Sunday: offices and hotlines are busiest early in the week.
WEEKDAY_FACTOR = np.array([1.15, 1.1, 1.05, 1.05, 1.0, 0.55, 0.45])
HOLIDAY_FACTOR = 0.5
INTAKE_MIX = [
    ("web", 0.3),
    ("hotline", 0.25),
    ("grid_worker", 0.2),
    ("walk_in", 0.12),
    ("open311", 0.08),
    ("letter", 0.05),
]


@dataclass(frozen=True)
class CategoryInfo:
    code: str
    kind: str
    level: str
    channel: str
    handling_days: int
    sensitivity: str
    open311_public: bool


@dataclass(frozen=True)
class Surge:
    """An injected cluster of cases an early-warning system should flag."""

    key: str
    description: str
    category_codes: tuple[str, ...]
    place_codes: tuple[str, ...]  # the grids the cases fall in
    start: date
    end: date  # inclusive
    count: int


@dataclass
class Step:
    """One thing that happened to a case; `generator` resolves actors and units."""

    kind: str
    at: datetime
    public: bool
    # "filer", "owner", "assignee", "receiver", "router" (a town caseworker) or None (resident)
    actor: str | None
    data: dict = field(default_factory=dict)


@dataclass
class PlannedCase:
    number: int  # 1-based position; the database id is first_id + number - 1
    created_at: datetime
    grid_code: str
    group: str
    category: CategoryInfo
    language: str
    title: str
    description: str
    address: str
    lng: float
    lat: float
    intake: str
    urgency: str
    anonymous: bool
    contact_consent: bool
    consent_note: str
    parties: list[dict]
    start_level: str
    steps: list[Step] = field(default_factory=list)
    outcome: str = ""
    resolution_text: str = ""
    surge: str | None = None
    duplicate_of: int | None = None  # number of the case this one repeats
    merged_into: int | None = None
    slots: dict = field(default_factory=dict, repr=False)  # kept to write duplicates
    template: int = 0

    @property
    def receipt_year(self) -> int:
        return self.created_at.astimezone(TZ).year


@dataclass
class CasePlan:
    cases: list[PlannedCase]
    surges: list[Surge]
    duplicates: list[tuple[int, int]]  # (duplicate number, original number)


def _pick(rng: random.Random, options: list[tuple[str, float]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]

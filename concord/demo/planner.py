"""Plan two years of demo cases: when, where, what, and everything that happened to each.

Pure module (no Django import). The plan is a list of `PlannedCase`, each with the steps of its
life as symbolic events ("accepted by the owning unit", "escalated to town level"); the Django
writer in `generator.py` resolves units and people and turns steps into hash-chained events.
The same inputs always give the same plan, so tests and other teams can recompute the injected
surges and duplicate pairs without a database.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from concord.core.calendar import Calendar, default_calendar

from .geography import CountyPlan, PlacePlan, SizeSpec, neighbours
from .texts import (
    CONSENT_NOTE,
    EN_RESOLUTIONS,
    ESCALATE_NOTES,
    FEEDBACK_COMMENTS,
    GROUPS,
    GROUPS_BY_KEY,
    NOT_ACCEPTED_ROUTES,
    PAUSE_REASONS,
    TRANSFER_REASONS,
    Group,
    PlaceText,
    fake_phone,
    fill_slots,
)

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


# --- seasonality ---------------------------------------------------------------------------


def _bump(doy: np.ndarray, centre: float, width: float) -> np.ndarray:
    d = np.abs(doy - centre)
    d = np.minimum(d, 365 - d)  # circular distance across the new year
    return np.exp(-0.5 * (d / width) ** 2)


def _days_to_festival(days: list[date]) -> np.ndarray:
    """Return signed days from each day to the nearest Spring Festival (negative before)."""
    out = np.empty(len(days))
    for i, d in enumerate(days):
        candidates = [
            SPRING_FESTIVAL[y] for y in (d.year - 1, d.year, d.year + 1) if y in SPRING_FESTIVAL
        ]
        out[i] = min(((d - f).days for f in candidates), key=abs) if candidates else 999
    return out


def seasonal_profile(season: str, days: list[date]) -> np.ndarray:
    """Return a multiplicative yearly-season factor for each day."""
    doy = np.array([d.timetuple().tm_yday for d in days], dtype=float)
    if season == "summer":
        return 1 + 0.7 * _bump(doy, 200, 40)
    if season == "rainy":  # the plum-rain season of June and early July
        return 0.3 + 3.0 * _bump(doy, 172, 22)
    if season == "winter":
        return 1 + 0.6 * _bump(doy, 15, 40)
    if season == "summer_winter":
        return 1 + 0.4 * _bump(doy, 205, 30) + 0.35 * _bump(doy, 15, 30)
    if season == "spring":
        return 1 + 0.6 * _bump(doy, 95, 25)
    if season == "school":
        return 1 + 1.2 * _bump(doy, 240, 15)
    to_festival = _days_to_festival(days)
    if season == "pre_spring_festival":
        return 1 + 2.2 * np.exp(-0.5 * ((to_festival + 18) / 12) ** 2)
    if season == "post_spring_festival":
        return 1 + 0.8 * np.exp(-0.5 * ((to_festival - 12) / 9) ** 2)
    return np.ones(len(days))


def weekly_factor(days: list[date], cal: Calendar) -> np.ndarray:
    """Return the day-of-week factor, lower on weekends and public holidays."""
    out = np.array([WEEKDAY_FACTOR[d.weekday()] for d in days])
    for i, d in enumerate(days):
        if cal.covers(d) and not cal.is_working_day(d):
            out[i] = min(out[i], HOLIDAY_FACTOR)
        elif cal.covers(d) and d.weekday() >= 5:  # an adjusted working weekend
            out[i] = 0.95
    return out


# --- surges --------------------------------------------------------------------------------


def plan_surges(county: CountyPlan, *, seed: int, today: date, days: int) -> list[Surge]:
    """Return the injected surges for a county, seed and date."""
    rng = random.Random(f"surges:{seed}")
    first_day = today - timedelta(days=days - 1)
    rural_towns = [t for t in county.towns if not t.name_en.endswith("Subdistrict")] or county.towns
    site_town = rng.choice(rural_towns)
    site_village = rng.choice(site_town.children)
    wage_start = today - timedelta(days=63)
    surges = [
        Surge(
            key="wage_arrears_site",
            description=f"{site_village.name_zh}一处工地集中欠薪 / Wage arrears at one site in "
            f"{site_village.name_en}",
            category_codes=("CM15.03.006",),
            place_codes=tuple(g.code for g in site_village.children),
            start=wage_start,
            end=wage_start + timedelta(days=16),
            count=rng.randint(30, 40),
        )
    ]
    # Odour complaints in three neighbouring grids of the county seat.
    seat_grids = [g for v in county.towns[0].children for g in v.children]
    centre = rng.choice(seat_grids)
    near = sorted(neighbours(county, centre), key=lambda g: g.code)[:2]
    odour_start = today - timedelta(days=24)
    surges.append(
        Surge(
            key="odour_cluster",
            description="三个相邻网格集中反映刺鼻气味 / "
            "Odour complaints in three neighbouring grids",
            category_codes=("CM04.02.006",),
            place_codes=tuple(g.code for g in [centre, *near]),
            start=odour_start,
            end=odour_start + timedelta(days=9),
            count=rng.randint(24, 32),
        )
    )
    # A storm in the most recent plum-rain season inside the period, else an autumn storm.
    storm = None
    for year in range(today.year, first_day.year - 1, -1):
        candidate = date(year, 7, 2) + timedelta(days=rng.randint(0, 8))
        if first_day + timedelta(days=14) <= candidate <= today - timedelta(days=14):
            storm = candidate
            break
    if storm is None:
        storm = today - timedelta(days=40)
    flood_town = rng.choice([t for t in county.towns if t.code != site_town.code] or county.towns)
    surges.append(
        Surge(
            key="storm_flooding",
            description=f"暴雨后{flood_town.name_zh}防汛险情激增 / Flooding reports in "
            f"{flood_town.name_en} after a storm",
            category_codes=("CM10.12.006",),
            place_codes=tuple(g.code for v in flood_town.children for g in v.children),
            start=storm,
            end=storm + timedelta(days=2),
            count=rng.randint(22, 30),
        )
    )
    return surges


# --- the plan ------------------------------------------------------------------------------


def plan_cases(
    county: CountyPlan,
    categories: dict[str, CategoryInfo],
    *,
    spec: SizeSpec,
    seed: int,
    today: date,
    now: datetime,
    days: int | None = None,
    cal: Calendar | None = None,
) -> CasePlan:
    """Return every case of the demo county, numbered in creation order."""
    cal = cal or default_calendar()
    days = days or spec.days
    first_day = today - timedelta(days=days - 1)
    day_list = [first_day + timedelta(days=i) for i in range(days)]
    gen = np.random.default_rng(seed)
    rng = random.Random(f"cases:{seed}")

    weekly = weekly_factor(day_list, cal)
    trend = np.linspace(0.85, 1.15, days)  # the platform gets better known over time
    shares = np.array([g.share for g in GROUPS])
    shares = shares / shares.sum()
    expected_total = spec.cases * days / 730
    profiles = np.stack([seasonal_profile(g.season, day_list) for g in GROUPS])  # (groups, days)
    intensity = shares[:, None] * profiles * (weekly * trend)[None, :]
    intensity *= expected_total / intensity.sum()
    counts = gen.poisson(intensity)  # (groups, days)

    grids = county.grids
    weights = np.array([g.households for g in grids], dtype=float)
    by_code = county.by_code()
    raw: list[PlannedCase] = []

    for day_index, day in enumerate(day_list):
        for group_index in np.nonzero(counts[:, day_index])[0]:
            group = GROUPS[group_index]
            n = int(counts[group_index, day_index])
            picks = gen.choice(len(grids), size=n, p=weights / weights.sum())
            for grid_index in picks:
                raw.append(
                    _new_case(rng, group, categories, grids[int(grid_index)], by_code, day, now)
                )

    surges = plan_surges(county, seed=seed, today=today, days=days)
    for surge in surges:
        raw.extend(_surge_cases(rng, surge, categories, by_code, now))

    raw = [c for c in raw if c.created_at <= now]
    raw.sort(key=lambda c: (c.created_at, c.grid_code, c.title))
    # Duplicates: about one case in a hundred is reported a second time.
    dup_pairs: list[tuple[PlannedCase, PlannedCase]] = []
    for original in list(raw):
        if original.surge is None and rng.random() < 0.01:
            dup = _duplicate_of(rng, original, categories, by_code)
            if dup.created_at <= now:
                dup_pairs.append((dup, original))
    raw.extend(d for d, _ in dup_pairs)
    raw.sort(key=lambda c: (c.created_at, c.grid_code, c.title))
    for number, case in enumerate(raw, start=1):
        case.number = number
    for dup, original in dup_pairs:
        dup.duplicate_of = original.number

    # Lives: simulate each case, then force a few recent ones into every open state.
    for case in raw:
        _simulate(rng, case, now, cal)
    _cover_open_states(rng, raw, now, cal)
    for dup, original in dup_pairs:
        _merge_if_possible(rng, dup, original, now)
    for case in raw:
        case.slots = {}  # only needed to write duplicates; large plans hold many cases
    return CasePlan(
        cases=raw, surges=surges, duplicates=[(d.number, o.number) for d, o in dup_pairs]
    )


def _place_text(grid: PlacePlan, by_code: dict[str, PlacePlan]) -> PlaceText:
    village = by_code[grid.parent_code]
    town = by_code[village.parent_code]
    return PlaceText(
        town_zh=town.name_zh,
        village_zh=village.name_zh,
        grid_zh=grid.name_zh,
        is_community=village.is_community,
        village_en=village.name_en,
    )


def _pick(rng: random.Random, options: list[tuple[str, float]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _submission_time(rng: random.Random, day: date, intake: str) -> datetime:
    if intake in {"walk_in", "letter"}:
        hour = rng.uniform(8.5, 17.5)  # office hours
    elif intake == "hotline":
        hour = rng.uniform(8, 21)
    else:
        hour = min(23.9, max(6.5, rng.gauss(14.5, 4.0)))
    seconds = int(hour * 3600) + rng.randrange(60)
    return datetime.combine(day, time(0), tzinfo=TZ) + timedelta(seconds=seconds)


def _new_case(
    rng,
    group: Group,
    categories,
    grid: PlacePlan,
    by_code,
    day: date,
    now,
    *,
    slots: dict | None = None,
    template: int | None = None,
) -> PlannedCase:
    category = categories[_pick(rng, group.categories)]
    where = _place_text(grid, by_code)
    slots = slots or fill_slots(rng, where)
    english = bool(group.en) and rng.random() < 0.04
    templates = group.en if english else group.zh
    index = template if template is not None and not english else rng.randrange(len(templates))
    title, body = templates[index % len(templates)]
    intake = _pick(rng, INTAKE_MIX)
    if intake == "open311" and not category.open311_public:
        intake = "web"
    x0, y0, x1, y1 = grid.box
    anonymous = intake in {"web", "open311"} and rng.random() < 0.15
    parties = []
    if not anonymous:
        parties.append(
            {
                "role": "complainant",
                "name": slots["complainant"],
                "phone": fake_phone(rng),
                "address": slots["address"],
            }
        )
    if category.kind == "dispute":
        parties.append(
            {
                "role": "respondent",
                "name": slots["other_party"],
                "phone": fake_phone(rng),
                "address": "",
            }
        )
    urgency = "normal"
    roll = rng.random()
    if roll < group.urgent * 0.1:
        urgency = "emergency"
    elif roll < group.urgent:
        urgency = "urgent"
    consent = ""
    if intake == "grid_worker":
        consent = CONSENT_NOTE
    elif intake in {"hotline", "walk_in", "letter"}:
        consent = {
            "hotline": "来电人同意由接线员代为登记",
            "walk_in": "来访人当面同意由工作人员代为登记",
            "letter": "来信人委托工作人员登记",
        }[intake]
    case = PlannedCase(
        number=0,
        created_at=_submission_time(rng, day, intake),
        grid_code=grid.code,
        group=group.key,
        category=category,
        language="en" if english else "zh-hans",
        title=title.format(**slots)[:200],
        description=body.format(**slots),
        address=slots["address_en" if english else "address"],
        lng=round(rng.uniform(x0, x1), 6),
        lat=round(rng.uniform(y0, y1), 6),
        intake=intake,
        urgency=urgency,
        anonymous=anonymous,
        contact_consent=not anonymous and rng.random() < 0.8,
        consent_note=consent,
        parties=parties,
        start_level=_start_level(category, "grid"),
    )
    resolutions = EN_RESOLUTIONS if english else group.resolutions
    case.resolution_text = rng.choice(resolutions).format(**slots)
    case.slots = slots
    case.template = index
    return case


def _start_level(category: CategoryInfo, place_level: str) -> str:
    """Mirror `routing.start_level`: the category's level, never below the place."""
    return LEVELS[min(LEVELS.index(category.level), LEVELS.index(place_level))]


def _surge_cases(rng, surge: Surge, categories, by_code, now) -> list[PlannedCase]:
    group = GROUPS_BY_KEY[
        "wages"
        if surge.key == "wage_arrears_site"
        else "pollution"
        if surge.key == "odour_cluster"
        else "flood"
    ]
    fixed_grid = by_code[surge.place_codes[0]]
    shared = fill_slots(rng, _place_text(fixed_grid, by_code))
    span = (surge.end - surge.start).days + 1
    out = []
    for _ in range(surge.count):
        grid = by_code[rng.choice(surge.place_codes)]
        slots = fill_slots(rng, _place_text(grid, by_code))
        # The same site, company and contractor run through the whole cluster.
        for key in ("site", "company", "other_party", "name2"):
            slots[key] = shared[key]
        # Front-load the storm: most reports come on its first day.
        offset = (
            min(span - 1, int(rng.expovariate(1.2)))
            if surge.key == "storm_flooding"
            else rng.randrange(span)
        )
        day = surge.start + timedelta(days=offset)
        case = _new_case(
            rng,
            group,
            categories,
            grid,
            by_code,
            day,
            now,
            slots=slots,
            template={"wage_arrears_site": 1, "odour_cluster": 0}.get(surge.key),
        )
        case.category = categories[surge.category_codes[0]]
        case.start_level = _start_level(case.category, "grid")
        if case.language != "zh-hans":
            zh_title, zh_body = group.zh[case.template % len(group.zh)]
            case.language, case.title = "zh-hans", zh_title.format(**slots)[:200]
            case.description, case.address = zh_body.format(**slots), slots["address"]
        if surge.key == "storm_flooding":
            case.urgency = "urgent" if rng.random() < 0.7 else "emergency"
        case.surge = surge.key
        out.append(case)
    return out


REPEAT_PREFIXES = ["再次反映：", "我也反映一下，", "同一问题：", "", "补充反映："]


def _duplicate_of(rng, original: PlannedCase, categories, by_code) -> PlannedCase:
    """Return a second report of the same matter, a few hours to three days later."""
    slots = dict(original.slots)
    if rng.random() < 0.5:  # a neighbour reports the same thing
        grid = by_code[original.grid_code]
        other = fill_slots(rng, _place_text(grid, by_code))
        slots.update({k: other[k] for k in ("complainant", "name", "name_en")})
    group = GROUPS_BY_KEY[original.group]
    templates = group.en if original.language == "en" else group.zh
    title, body = templates[original.template % len(templates)]
    dup = _new_case(
        rng,
        group,
        categories,
        by_code[original.grid_code],
        by_code,
        original.created_at.date(),
        original.created_at,
        slots=slots,
    )
    dup.category = original.category
    dup.start_level = original.start_level
    dup.language = original.language
    dup.title = title.format(**slots)[:200]
    prefix = rng.choice(REPEAT_PREFIXES) if original.language != "en" else ""
    dup.description = prefix + body.format(**slots)
    dup.created_at = original.created_at + timedelta(hours=rng.uniform(2, 72))
    # The same matter is at the same spot: a second reporter's map click lands within ~100 m.
    dup.lat = original.lat + rng.uniform(-0.0008, 0.0008)
    dup.lng = original.lng + rng.uniform(-0.0008, 0.0008)
    return dup


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

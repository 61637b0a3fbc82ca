"""The plan of cases: what each case is, where and when it comes, and its duplicates."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import numpy as np

from concord.core.calendar import Calendar, default_calendar

from ..geography import CountyPlan, PlacePlan, SizeSpec
from ..texts import (
    CONSENT_NOTE,
    EN_RESOLUTIONS,
    GROUPS,
    GROUPS_BY_KEY,
    Group,
    PlaceText,
    fake_phone,
    fill_slots,
)
from .base import INTAKE_MIX, LEVELS, TZ, CasePlan, CategoryInfo, PlannedCase, Surge, _pick
from .lives import _cover_open_states, _merge_if_possible, _simulate
from .seasons import plan_surges, seasonal_profile, weekly_factor

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
    # Drawn in this order (time, then place) so that a seed gives the cases it always gave.
    created_at = _submission_time(rng, day, intake)
    where_x, where_y = grid.point(rng.uniform(x0, x1), rng.uniform(y0, y1))
    case = PlannedCase(
        number=0,
        created_at=created_at,
        grid_code=grid.code,
        group=group.key,
        category=category,
        language="en" if english else "zh-hans",
        title=title.format(**slots)[:200],
        description=body.format(**slots),
        address=slots["address_en" if english else "address"],
        lng=round(where_x, 6),
        lat=round(where_y, 6),
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

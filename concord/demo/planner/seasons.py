"""When cases come: the seasonal and weekly profile, and surges."""

from __future__ import annotations

import random
from datetime import date, timedelta

import numpy as np

from concord.core.calendar import Calendar

from ..geography import CountyPlan, neighbours
from .base import HOLIDAY_FACTOR, SPRING_FESTIVAL, WEEKDAY_FACTOR, Surge

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

"""Counts of cases by place (every level) × category group × week, as numpy arrays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.db.models import Count
from django.db.models.functions import ExtractIsoYear, ExtractWeek
from django.utils import timezone

from concord.cases.models import Case
from concord.cases.selectors import local_midnight
from concord.places.models import Place


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class Series:
    """Weekly counts: rows are (place, category group) series, columns are weeks."""

    keys: list[tuple[int, str]]  # (place id, category root; "" = all categories)
    weeks: list[date]  # Monday of each week
    counts: np.ndarray  # shape (len(keys), len(weeks))


def weekly_counts(*, end: date, weeks: int, min_total: int = 1) -> Series:
    """Return weekly counts for every place at every level and category group (and "all").

    One grouped query by (place, category group, ISO week) over a created_at range the index
    can serve, returning plain integers (a million cases give some 700,000 groups, and turning
    each into a datetime would cost more than the query); the roll-up to every ancestor place
    and to "all categories" is one numpy bincount.
    Series with fewer than `min_total` cases are dropped. Keys are ordered by place path, then
    category group ("" first).
    """
    first = week_start(end) - timedelta(weeks=weeks - 1)
    tz = timezone.get_current_timezone()
    since = local_midnight(first)
    until = local_midnight(first + timedelta(weeks=weeks))
    rows = list(
        Case.objects.filter(created_at__gte=since, created_at__lt=until)
        .annotate(
            iso_year=ExtractIsoYear("created_at", tzinfo=tz),
            iso_week=ExtractWeek("created_at", tzinfo=tz),
        )
        .values_list("place_id", "category_root", "iso_year", "iso_week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    week_days = [first + timedelta(weeks=i) for i in range(weeks)]
    week_of = {tuple(day.isocalendar())[:2]: i for i, day in enumerate(week_days)}
    places = sorted(Place.objects.values_list("id", "path"), key=lambda p: p[1])
    if not rows or not places:
        return Series(keys=[], weeks=week_days, counts=np.zeros((0, weeks)))

    # Each place's ancestors (itself included) as row numbers into `places`, -1 padded.
    row_of_path = {path: i for i, (_pid, path) in enumerate(places)}
    row_of_id = {pid: i for i, (pid, _path) in enumerate(places)}
    depth = max(path.count("/") - 1 for _pid, path in places)
    ancestors = np.full((len(places), depth), -1, dtype=np.int64)
    for i, (_pid, path) in enumerate(places):
        parts = [p for p in path.split("/") if p]
        for d in range(len(parts)):
            ancestors[i, d] = row_of_path.get("/" + "/".join(parts[: d + 1]) + "/", -1)

    roots = sorted({row[1] or "" for row in rows} | {""})
    root_index = {r: i for i, r in enumerate(roots)}  # "" (all categories) is 0
    place_rows = np.array([row_of_id[row[0]] for row in rows], dtype=np.int64)
    root_cols = np.array([root_index[row[1] or ""] for row in rows], dtype=np.int64)
    week_cols = np.array([week_of[(row[2], row[3])] for row in rows], dtype=np.int64)
    n = np.array([row[4] for row in rows], dtype=float)

    # Every row counts for each of its places' ancestors, under its own category group
    # (categorised cases only) and under "all" (group 0).
    width = len(roots)
    series_parts, week_parts, n_parts = [], [], []
    for d in range(depth):
        anc = ancestors[place_rows, d]
        for use, cols in (
            ((anc >= 0) & (root_cols > 0), root_cols),
            (anc >= 0, np.zeros_like(root_cols)),
        ):
            series_parts.append(anc[use] * width + cols[use])
            week_parts.append(week_cols[use])
            n_parts.append(n[use])
    every = np.concatenate(series_parts)
    present = np.zeros(len(places) * width, dtype=bool)
    present[every] = True
    series_ids = np.nonzero(present)[0]
    inverse = (np.cumsum(present) - 1)[every]  # compact series numbers, in key order
    flat = inverse * weeks + np.concatenate(week_parts)
    counts = np.bincount(flat, weights=np.concatenate(n_parts), minlength=len(series_ids) * weeks)
    counts = counts.reshape(len(series_ids), weeks)
    keep = counts.sum(axis=1) >= max(min_total, 1)
    return Series(
        keys=[(places[k // width][0], roots[k % width]) for k in series_ids[keep]],
        weeks=week_days,
        counts=counts[keep],
    )

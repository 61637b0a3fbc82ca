"""Counts of cases by place (every level) × category group × week, as numpy arrays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from django.db.models import Count
from django.db.models.functions import TruncDate

from concord.cases.models import Case
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

    One grouped query by (place, category group, day); the roll-up to ancestor places and to
    weeks is done in numpy. Series with fewer than `min_total` cases are dropped.
    """
    first = week_start(end) - timedelta(weeks=weeks - 1)
    last = week_start(end) + timedelta(days=6)
    rows = (
        Case.objects.filter(created_at__date__gte=first, created_at__date__lte=last)
        .annotate(day=TruncDate("created_at"))
        .values_list("place_id", "category_root", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    places = {p.id: p for p in Place.objects.only("id", "path", "parent_id")}
    by_path = {p.path: p.id for p in places.values()}
    ancestors: dict[int, list[int]] = {}
    index: dict[tuple[int, str], int] = {}
    entries: list[tuple[int, int, int]] = []  # (series index, week index, n)
    for place_id, root, day, n in rows:
        if place_id not in ancestors:
            ancestors[place_id] = [
                by_path[a] for a in places[place_id].ancestors_paths() if a in by_path
            ]
        w = (day - first).days // 7
        for pid in ancestors[place_id]:
            for cat in (root or "", ""):
                key = (pid, cat)
                if key not in index:
                    index[key] = len(index)
                entries.append((index[key], w, n))
                if not root:
                    break
    counts = np.zeros((len(index), weeks))
    if entries:
        arr = np.array(entries)
        np.add.at(counts, (arr[:, 0], arr[:, 1]), arr[:, 2])
    keys = list(index)
    keep = counts.sum(axis=1) >= min_total
    return Series(
        keys=[k for k, ok in zip(keys, keep, strict=True) if ok],
        weeks=[first + timedelta(weeks=i) for i in range(weeks)],
        counts=counts[keep],
    )

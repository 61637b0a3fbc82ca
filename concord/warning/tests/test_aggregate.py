"""Weekly counts by place × category group × week match a count done case by case."""

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from concord.cases.models import Case
from concord.demo.bulk import build_bulk_demo
from concord.places.models import Place
from concord.warning.aggregate import week_start, weekly_counts

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 15, 30, tzinfo=TZ)


def reference(end, weeks: int) -> Counter:
    """Count every case under each of its places, its own category group and "all"."""
    first = week_start(end) - timedelta(weeks=weeks - 1)
    by_path = dict(Place.objects.values_list("path", "id"))
    counts: Counter = Counter()
    for path, root, created in Case.objects.values_list(
        "place_path", "category_root", "created_at"
    ):
        week = (created.astimezone(TZ).date() - first).days // 7
        if not 0 <= week < weeks:
            continue
        parts = [p for p in path.split("/") if p]
        for i in range(len(parts)):
            place = by_path["/" + "/".join(parts[: i + 1]) + "/"]
            counts[(place, "", week)] += 1
            if root:
                counts[(place, root, week)] += 1
    return counts


def test_weekly_counts_roll_up_to_every_place_and_to_all_categories():
    build_bulk_demo(size="tiny", cases=1_500, seed=3, now=NOW, days=400, progress=False)
    # Some cases wait for a category: they count under "all" only.
    Case.objects.filter(pk__in=list(Case.objects.values_list("pk", flat=True)[:40])).update(
        category_root=""
    )
    end = week_start(NOW.date()) - timedelta(days=1)
    series = weekly_counts(end=end, weeks=30)
    got = Counter(
        {
            (place, root, w): int(n)
            for (place, root), row in zip(series.keys, series.counts, strict=True)
            for w, n in enumerate(row)
            if n
        }
    )
    assert got == reference(end, 30)
    assert series.weeks[0].weekday() == 0 and len(series.weeks) == 30
    county = Place.objects.get(level="county").pk
    assert series.keys[0] == (county, "")  # ordered by place path, "all" first


def test_min_total_drops_quiet_series_and_an_empty_period_gives_no_series():
    build_bulk_demo(size="tiny", cases=300, seed=4, now=NOW, days=200, progress=False)
    end = week_start(NOW.date()) - timedelta(days=1)
    every = weekly_counts(end=end, weeks=20)
    busy = weekly_counts(end=end, weeks=20, min_total=10)
    assert 0 < len(busy.keys) < len(every.keys)
    assert all(row.sum() >= 10 for row in busy.counts)
    empty = weekly_counts(end=end - timedelta(days=3_000), weeks=5)
    assert empty.keys == [] and empty.counts.shape == (0, 5)

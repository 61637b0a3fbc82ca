"""Case statistics shared by the supervisor dashboard and the public dashboard.

Every number staff and the public see comes from here:
- received: cases filed in the period;
- resolved: of those, resolved or closed; on-time share: resolved within the handling clock;
- median days to resolve;
- response rate (响应率): share whose first staff response came within RESPONSE_HOURS;
- resolution rate (解决率): share of residents' ratings that say "resolved";
- satisfaction rate (满意率): share of ratings of 4 or 5; mean satisfaction.

Callers pass an already scoped queryset (staff: `cases_visible_to`; public: all cases with the
public privacy rules applied by the caller). A breakdown runs two queries (three with medians).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import asdict, dataclass
from datetime import timedelta

import numpy as np
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncMonth

from .models import Case, Status

RESPONSE_HOURS = 24
FINISHED = [Status.RESOLVED, Status.CLOSED]


@dataclass
class Summary:
    received: int = 0
    resolved: int = 0
    on_time: int = 0
    responded_in_time: int = 0
    median_days: float | None = None
    ratings: int = 0
    rated_resolved: int = 0
    satisfied: int = 0
    satisfaction_sum: int = 0

    @staticmethod
    def _share(n: int, d: int) -> float | None:
        return round(n / d, 4) if d else None

    @property
    def resolved_share(self) -> float | None:
        return self._share(self.resolved, self.received)

    @property
    def on_time_share(self) -> float | None:
        return self._share(self.on_time, self.resolved)

    @property
    def response_rate(self) -> float | None:
        return self._share(self.responded_in_time, self.received)

    @property
    def resolution_rate(self) -> float | None:
        return self._share(self.rated_resolved, self.ratings)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._share(self.satisfied, self.ratings)

    @property
    def mean_satisfaction(self) -> float | None:
        return round(self.satisfaction_sum / self.ratings, 2) if self.ratings else None

    def as_dict(self) -> dict:
        out = asdict(self)
        for name in (
            "resolved_share",
            "on_time_share",
            "response_rate",
            "resolution_rate",
            "satisfaction_rate",
            "mean_satisfaction",
        ):
            out[name] = getattr(self, name)
        return out


KEYS: dict[str, tuple[str, Callable]] = {
    # name: (ORM expression or field, how to present the key)
    "month": ("month", lambda v: v.date().isoformat()[:7] if v else None),
    "unit": ("owner_unit__code", lambda v: v),
    "category": ("category_root", lambda v: v or None),
    "place": ("place_id", lambda v: v),
    "level": ("level", lambda v: v),
}


def _annotate(qs: QuerySet[Case], keys: list[str]) -> QuerySet:
    if "month" in keys:
        qs = qs.annotate(month=TruncMonth("created_at"))
    return qs


def breakdown(
    qs: QuerySet[Case], keys: list[str], *, median: bool = True
) -> dict[tuple[Hashable, ...], Summary]:
    """Return a Summary per combination of `keys`: month, unit, category, place, level.

    The median days to resolve needs every resolved case's dates; callers that do not show it
    pass `median=False` and get `median_days=None` without that fetch.
    """
    unknown = set(keys) - set(KEYS)
    if unknown:
        raise ValueError(f"unknown breakdown keys: {sorted(unknown)}")
    fields = [KEYS[k][0] for k in keys]
    present = [KEYS[k][1] for k in keys]

    def key_of(row: dict) -> tuple:
        return tuple(p(row[f]) for f, p in zip(fields, present, strict=True))

    out: dict[tuple, Summary] = defaultdict(Summary)
    # With no keys, group by a constant so that values() does not fall back to every field.
    base = _annotate(qs.order_by(), keys).annotate(_all=Value(1))
    fields = fields or ["_all"]
    present = present or [lambda v: None]
    late = F("created_at") + timedelta(hours=RESPONSE_HOURS)
    # Two grouped queries: the cases alone, then the cases joined with their ratings. One query
    # over the join would have to count cases distinct (a case rated twice, after a reopening,
    # appears twice), which sorts every row: twice as slow over a county's quarter.
    for row in base.values(*fields).annotate(
        received=Count("pk"),
        resolved=Count("pk", filter=Q(status__in=FINISHED)),
        on_time=Count("pk", filter=Q(status__in=FINISHED, resolved_on_time=True)),
        responded_in_time=Count("pk", filter=Q(responded_at__isnull=False, responded_at__lte=late)),
    ):
        s = out[key_of(row)]
        s.received, s.resolved = row["received"], row["resolved"]
        s.on_time, s.responded_in_time = row["on_time"], row["responded_in_time"]
    # Filtering on the ratings before counting them makes one inner join that both use.
    for row in (
        base.filter(feedback__isnull=False)
        .values(*fields)
        .annotate(
            ratings=Count("feedback"),
            rated_resolved=Count("feedback", filter=Q(feedback__resolved="yes")),
            satisfied=Count("feedback", filter=Q(feedback__satisfaction__gte=4)),
            satisfaction_sum=Sum("feedback__satisfaction"),
        )
    ):
        s = out[key_of(row)]
        s.ratings, s.rated_resolved = row["ratings"], row["rated_resolved"]
        s.satisfied, s.satisfaction_sum = row["satisfied"], row["satisfaction_sum"] or 0
    if not median:
        return dict(out)

    durations: dict[tuple, list[float]] = defaultdict(list)
    # The database subtracts: one interval per case reads faster than two timestamps.
    took = ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())
    for row in (
        base.filter(status__in=FINISHED, resolved_at__isnull=False)
        .annotate(_took=took)
        .values(*fields, "_took")
    ):
        durations[key_of(row)].append(row["_took"].total_seconds())
    for key, secs in durations.items():
        out[key].median_days = round(float(np.median(secs)) / 86400, 2)

    return dict(out)


ADDITIVE = [
    "received",
    "resolved",
    "on_time",
    "responded_in_time",
    "ratings",
    "rated_resolved",
    "satisfied",
    "satisfaction_sum",
]


def total(parts: Iterable[Summary]) -> Summary:
    """Return the Summary of disjoint groups added up (no median: medians do not add)."""
    out = Summary()
    for part in parts:
        for name in ADDITIVE:
            setattr(out, name, getattr(out, name) + getattr(part, name))
    return out


def summarize(qs: QuerySet[Case], *, median: bool = True) -> Summary:
    """Return one Summary for the whole queryset."""
    return breakdown(qs, [], median=median).get((None,), Summary())

"""Reads for the resolution channels: tier metrics, the bounce queue, agreements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.cases.models import Case, Event, Status
from concord.cases.selectors import cases_visible_to
from concord.places.models import Place

FINISHED = [Status.RESOLVED, Status.CLOSED]


@dataclass
class TierMetrics:
    place: str
    start: date
    end: date
    finished: int
    village: int
    town: int
    county: int
    pushed_upward: int

    def share(self, n: int) -> float | None:
        return round(n / self.finished, 4) if self.finished else None

    def as_dict(self) -> dict:
        return {
            "place": self.place,
            "start": self.start,
            "end": self.end,
            "finished": self.finished,
            "village": self.village,
            "town": self.town,
            "county": self.county,
            "pushed_upward": self.pushed_upward,
            "village_share": self.share(self.village),
            "town_share": self.share(self.town),
            "county_share": self.share(self.county),
            "pushed_upward_share": self.share(self.pushed_upward),
        }


def tier_metrics(*, place: Place, start: date, end: date) -> TierMetrics:
    """Return where cases finished in the period: "small matters do not leave the village …".

    A case counts at the level it was resolved at; one referred above the county counts as
    pushed upward. Withdrawn, merged and redirected cases are left out.
    """
    referred = Event.objects.filter(case=OuterRef("pk"), kind="referred_upward")
    row = (
        Case.objects.filter(
            place_path__startswith=place.path,
            status__in=FINISHED,
            resolved_at__date__gte=start,
            resolved_at__date__lte=end,
        )
        .annotate(up=Exists(referred))
        .aggregate(
            finished=Count("pk"),
            village=Count("pk", filter=Q(level__in=["grid", "village"])),
            town=Count("pk", filter=Q(level="town")),
            county=Count("pk", filter=Q(level="county", up=False)),
            pushed_upward=Count("pk", filter=Q(up=True)),
        )
    )
    return TierMetrics(place=place.code, start=start, end=end, **row)


def bounce_queue(user):
    """Return cases whose transfers bounced and that this supervisor may decide."""
    if not perms.place_paths_with(user, Cap.CASE_SUPERVISE):
        return Case.objects.none()
    return (
        cases_visible_to(user)
        .filter(needs_ruling=True)
        .filter(perms.place_q(user, Cap.CASE_SUPERVISE, "place_path"))
        .select_related("owner_unit", "place", "category")
    )

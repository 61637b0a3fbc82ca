"""Reads for the resolution channels: tier metrics, the bounce queue, agreements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.cases.models import Case, Clock, Status
from concord.cases.selectors import cases_visible_to, local_midnight
from concord.core.errors import NotFound
from concord.core.models import Event
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
    return tier_metrics_of([place], start=start, end=end)[0]


def tier_metrics_of(places: list[Place], *, start: date, end: date) -> list[TierMetrics]:
    """Return `tier_metrics` for each of `places` with one grouped query.

    Counts are grouped by the case's place and summed up the tree in Python, so a place and its
    dozen children cost one scan of the period's resolutions, not thirteen.
    """
    if not places:
        return []
    referred = Event.objects.filter(kind="referred_upward").values("case_id")
    root = min((p.path for p in places), key=len)
    for p in places:  # the longest path every place shares
        while not p.path.startswith(root):
            root = root[: root.rstrip("/").rfind("/") + 1]
    rows = (
        Case.objects.filter(
            place_path__startswith=root,
            status__in=FINISHED,
            # Local days as a resolved_at range the index serves (not resolved_at__date).
            resolved_at__gte=local_midnight(start),
            resolved_at__lt=local_midnight(end + timedelta(days=1)),
        )
        .order_by()
        .values("place_path")
        .annotate(
            finished=Count("pk"),
            village=Count("pk", filter=Q(level__in=["grid", "village"])),
            town=Count("pk", filter=Q(level="town")),
            county=Count("pk", filter=Q(level="county") & ~Q(pk__in=referred)),
            pushed_upward=Count("pk", filter=Q(pk__in=referred)),
        )
    )
    names = ("finished", "village", "town", "county", "pushed_upward")
    totals = {p.path: dict.fromkeys(names, 0) for p in places}
    for row in rows:
        for path, total in totals.items():
            if row["place_path"].startswith(path):
                for n in names:
                    total[n] += row[n]
    return [TierMetrics(place=p.code, start=start, end=end, **totals[p.path]) for p in places]


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


def get_clock_for_user(user, clock_id: int) -> Clock:
    """Return a clock of a case the user may see, or raise NotFound."""
    clock = Clock.objects.filter(pk=clock_id, case__in=cases_visible_to(user)).first()
    if clock is None:
        raise NotFound()
    return clock

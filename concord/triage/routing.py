"""Routing suggestions: the category's rule first, then what staff actually did.

The rule (category defaults through `cases.routing.route_case`) gives level, channel and unit.
If, for the same category group in the same town, staff sent most recent similar cases to
another unit (after transfers and escalations), that unit is suggested instead, with the counts
as the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from concord.accounts.models import Unit
from concord.cases.models import Case, Status
from concord.cases.routing import route_case
from concord.cases.selectors import UNCOUNTED_Q

MIN_CASES = 10
MIN_SHARE = 0.6


@dataclass(frozen=True)
class RouteSuggestion:
    level: str
    channel: str
    unit_code: str
    unit_name: str
    reason: str
    learned: bool


def _town_path(case: Case) -> str:
    parts = [p for p in case.place_path.split("/") if p]
    return "/" + "/".join(parts[:2]) + "/"


def suggest_route(case: Case, *, days: int = 365) -> RouteSuggestion:
    rule = route_case(place=case.place, category=case.category, kind=case.kind)
    history = (
        Case.objects.filter(
            category_root=case.category_root,
            place_path__startswith=_town_path(case),
            status__in=[Status.RESOLVED, Status.CLOSED],
            created_at__gte=timezone.now() - timedelta(days=days),
        )
        .exclude(pk=case.pk)
        # Sealed counselling cases never inform routing advice that other readers see.
        .exclude(UNCOUNTED_Q)
        .filter(owner_unit__is_active=True)
        .values("owner_unit")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    rows = list(history[:5])
    total = sum(r["n"] for r in rows)
    if case.category_root and total >= MIN_CASES and rows[0]["n"] / total >= MIN_SHARE:
        unit = Unit.objects.select_related("place").get(pk=rows[0]["owner_unit"])
        if unit.pk != rule.unit.pk:
            return RouteSuggestion(
                level=unit.place.level,
                channel=rule.channel,
                unit_code=unit.code,
                unit_name=unit.localized_name(),
                learned=True,
                reason=_(
                    "Staff settled %(n)d of the last %(total)d similar cases in this town at "
                    "%(unit)s."
                )
                % {"n": rows[0]["n"], "total": total, "unit": unit.localized_name()},
            )
    return RouteSuggestion(
        level=rule.level,
        channel=rule.channel,
        unit_code=rule.unit.code,
        unit_name=rule.unit.localized_name(),
        reason=rule.reason,
        learned=False,
    )

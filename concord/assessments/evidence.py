"""Evidence from the platform for an assessment: cases, alerts, tier and satisfaction figures.

Counts cover every case in the affected places and related categories; the listed cases leave
out sensitive and sealed ones, whose contents are not for a report that the deciding body and
the public may read.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Avg, Count, Q

from concord.cases.models import OPEN_STATUSES, Case, Feedback, Sensitivity
from concord.channels.selectors import tier_metrics

from .models import Decision

RECENT_DAYS = 180
SATISFACTION_DAYS = 365
MAX_LISTED = 25


def _case_filter(decision: Decision) -> Q:
    places = Q()
    for place in decision.places.all():
        places |= Q(place_path__startswith=place.path)
    categories = Q()
    for code in decision.evidence_categories():
        categories |= Q(category__code=code) | Q(category__code__startswith=code + ".")
    return places & categories if categories else places


def alerts_for_decision(decision: Decision, *, since: date) -> list[dict]:
    """Return early-warning alerts since a day over the affected places and category groups.

    An alert counts when its place lies in an affected place or covers one (a town-level
    surge covers the village), and its category group is one the decision relates to.
    """
    from concord.warning.models import Alert

    places = Q()
    for place in decision.places.all():
        places |= Q(place__path__startswith=place.path) | Q(place__path__in=place.ancestors_paths())
    roots = sorted({code.split(".")[0] for code in decision.evidence_categories()})
    qs = Alert.objects.filter(places, period_end__gte=since).select_related("place")
    if roots:
        qs = qs.filter(Q(category_root__in=roots) | Q(category_root=""))
    return [
        {
            "id": a.pk,
            "method": a.method,
            "place": a.place.code,
            "category_root": a.category_root,
            "period_end": a.period_end.isoformat(),
            "observed": a.observed,
            "expected": a.expected,
            "state": a.state,
            "url": f"/api/v1/warning/alerts/{a.pk}",
        }
        for a in qs.order_by("-period_end", "-id")[:MAX_LISTED]
    ]


def platform_evidence(decision: Decision, *, today: date) -> dict:
    """Return open and recent cases, alerts, tier and satisfaction figures for the decision."""
    since = today - timedelta(days=RECENT_DAYS)
    base = Case.objects.filter(_case_filter(decision))
    open_q = Q(status__in=list(OPEN_STATUSES))
    recent_q = Q(created_at__date__gte=since)
    counts = base.aggregate(
        open=Count("pk", filter=open_q),
        recent=Count("pk", filter=recent_q),
    )
    by_category = list(
        base.filter(open_q | recent_q)
        .values("category__code", "category__name_zh", "category__name_en")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__code")[:10]
    )
    listed = (
        base.filter(open_q | recent_q)
        .filter(sensitivity=Sensitivity.NORMAL)
        .select_related("category", "place")
        .order_by("-created_at", "-id")[:MAX_LISTED]
    )
    items = [
        {
            "id": c.pk,
            "receipt": c.receipt_code,
            "title": c.title,
            "status": c.status,
            "open": c.is_open,
            "category": c.category.code if c.category else "",
            "place": c.place.code,
            "created": c.created_at.date().isoformat(),
            "url": f"/staff/cases/{c.pk}",
        }
        for c in listed
    ]
    tiers = []
    feedback_since = today - timedelta(days=SATISFACTION_DAYS)
    for place in decision.places.all().order_by("path"):
        tm = tier_metrics(place=place, start=feedback_since, end=today).as_dict()
        fb = Feedback.objects.filter(
            case__place_path__startswith=place.path, created_at__date__gte=feedback_since
        ).aggregate(n=Count("pk"), mean=Avg("satisfaction"))
        tiers.append(
            {
                "place": place.code,
                "name_zh": place.name_zh,
                "name_en": place.name_en,
                "finished": tm["finished"],
                "village_share": tm["village_share"],
                "town_share": tm["town_share"],
                "county_share": tm["county_share"],
                "pushed_upward_share": tm["pushed_upward_share"],
                "ratings": fb["n"],
                "satisfaction": round(fb["mean"], 2) if fb["mean"] is not None else None,
            }
        )
    return {
        "as_of": today.isoformat(),
        "since": since.isoformat(),
        "categories": decision.evidence_categories(),
        "open_cases": counts["open"],
        "recent_cases": counts["recent"],
        "by_category": [
            {
                "code": r["category__code"] or "",
                "name_zh": r["category__name_zh"] or "",
                "name_en": r["category__name_en"] or "",
                "count": r["n"],
            }
            for r in by_category
        ],
        "cases": items,
        "alerts": alerts_for_decision(decision, since=since),
        "places": tiers,
    }

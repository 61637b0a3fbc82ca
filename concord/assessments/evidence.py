"""Evidence from the platform for an assessment: cases, alerts, tier and satisfaction figures.

Everyone who may see the assessment (analysts included: they see aggregates only) sees counts
of the cases in the affected places and related categories (open now; filed in the last six
months, in all and by category, place and month) with small counts suppressed as the public
statistics suppress them (primary and exact complementary suppression below
CONCORD["PUBLIC_MIN_CELL"]). Sealed cases and counselling referrals are not counted.

Case-level lines (receipt codes and titles) are shown only to readers who may see those very
cases (`cases_visible_to`), and only ordinary ones: sensitive and sealed contents are not for a
report that the deciding body reads. The report's snapshot keeps the lines its issuer could
see; every reader, and every PDF, gets only the lines the reader or generating user may see.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse

from concord.accounts import permissions as perms
from concord.accounts.roles import Cap
from concord.cases.models import OPEN_STATUSES, Case, Feedback, Sensitivity
from concord.cases.selectors import UNCOUNTED_Q, cases_visible_to, local_midnight
from concord.channels.selectors import tier_metrics
from concord.core import conf
from concord.participation.opendata import Cells
from concord.places.models import Place
from concord.warning.models import Alert

from .models import Decision

RECENT_DAYS = 180
SATISFACTION_DAYS = 365
MAX_LISTED = 25
TOP_CATEGORIES = 10


def min_cell() -> int:
    """Return the smallest count that may be shown (the public statistics' threshold)."""
    return conf.concord().public_min_cell


def _case_filter(decision: Decision) -> Q:
    places = Q()
    for place in decision.places.all():
        places |= Q(place_path__startswith=place.path)
    categories = Q()
    for code in decision.evidence_categories():
        categories |= Q(category__code=code) | Q(category__code__startswith=code + ".")
    return places & categories if categories else places


def evidence_cases(decision: Decision):
    """Return the cases the evidence counts: in the affected places and related categories,
    without sealed cases and counselling referrals (these reach no statistics but the
    counselling team's own)."""
    return Case.objects.filter(_case_filter(decision)).exclude(UNCOUNTED_Q)


def alerts_for_decision(decision: Decision, *, since: date) -> list[dict]:
    """Return early-warning alerts since a day over the affected places and category groups.

    An alert counts when its place lies in an affected place or covers one (a town-level
    surge covers the village), and its category group is one the decision relates to.
    """

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


def _alerts_as_seen(alerts: list[dict], *, reader, threshold: int) -> list[dict]:
    """Return the alerts with their counts as `reader` may see them.

    An alert's observed and expected counts are statistics of one place, category group and
    week: readers who handle alerts at that place see them all; others see a count only when
    it reaches the public threshold, and no link to an alert page they could not open.
    """

    paths = dict(
        Place.objects.filter(code__in={a.get("place") for a in alerts}).values_list("code", "path")
    )
    seen = []
    for alert in alerts:
        path = paths.get(alert.get("place"))
        if path and perms.can(reader, Cap.ALERT_MANAGE, place_path=path):
            seen.append(alert)
            continue
        small = (alert.get("observed") or 0) < threshold
        seen.append(
            {
                **alert,
                "observed": None if small else alert.get("observed"),
                "expected": None if small else alert.get("expected"),
                "url": "",
            }
        )
    return seen


def _disjoint(paths: list[str]) -> bool:
    return not any(a != b and b.startswith(a) for a in paths for b in paths)


def _months(since: date, today: date, found) -> list[str]:
    """Return the months ("YYYY-MM") from the one of `since` to the one of `today`, and any
    other month a count was found in."""
    keys, first = set(found), since.replace(day=1)
    while first <= today:
        keys.add(first.isoformat()[:7])
        first = (first + timedelta(days=32)).replace(day=1)
    return sorted(keys)


def _counts(decision: Decision, base, *, since: date, today: date, threshold: int) -> dict:
    """Return the suppressed counts: cases open now, and cases filed since `since` in all and
    by category, by affected place and by month.

    The breakdowns all split the one published total of recent cases, so the relations between
    the cells are exact (``recent = Σ categories = Σ places = Σ months``) and a suppressed
    cell cannot be had by subtraction.
    """
    places = list(decision.places.all().order_by("path"))
    recent = base.filter(created_at__gte=local_midnight(since))
    totals = base.aggregate(
        open=Count("pk", filter=Q(status__in=list(OPEN_STATUSES))),
        recent=Count("pk", filter=Q(created_at__gte=local_midnight(since))),
    )
    in_place = recent.aggregate(
        **{
            f"p{i}": Count("pk", filter=Q(place_path__startswith=p.path))
            for i, p in enumerate(places)
        }
    )
    categories = list(
        recent.values("category__code", "category__name_zh", "category__name_en")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__code")
    )
    months = {
        row["month"].date().isoformat()[:7]: row["n"]
        for row in recent.annotate(month=TruncMonth("created_at"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
    }
    month_keys = _months(since, today, months)

    # The categories beyond the top ones go into a hidden remainder, which `relate` adds.
    cells = Cells()
    cells.add(("open",), totals["open"])
    cells.add(("recent",), totals["recent"])
    top = [("category", r["category__code"]) for r in categories[:TOP_CATEGORIES]]
    for key, r in zip(top, categories, strict=False):
        cells.add(key, r["n"])
    cells.relate(("recent",), top)
    by_place = [("place", p.code) for p in places]
    for i, key in enumerate(by_place):
        cells.add(key, in_place[f"p{i}"])
    if _disjoint([p.path for p in places]):
        cells.relate(("recent",), by_place)
    for k in month_keys:
        cells.add(("month", k), months.get(k, 0))
    cells.relate(("recent",), [("month", k) for k in month_keys])
    shown = cells.protect(threshold)
    return {
        "open_cases": shown[("open",)],
        "recent_cases": shown[("recent",)],
        "by_category": [
            {
                "code": r["category__code"] or "",
                "name_zh": r["category__name_zh"] or "",
                "name_en": r["category__name_en"] or "",
                "count": shown[key],
            }
            for r, key in zip(categories, top, strict=False)
        ],
        "by_place": [
            {"place": p.code, "name_zh": p.name_zh, "name_en": p.name_en, "count": shown[key]}
            for p, key in zip(places, by_place, strict=True)
        ],
        "by_month": [{"month": k, "count": shown[("month", k)]} for k in month_keys],
    }


def _tiers(decision: Decision, *, today: date, threshold: int) -> list[dict]:
    """Return where cases finished and how residents rated them, per affected place; a count
    below the threshold, and any share or mean taken over it, is not shown."""
    out = []
    since = today - timedelta(days=SATISFACTION_DAYS)
    for place in decision.places.all().order_by("path"):
        tm = tier_metrics(place=place, start=since, end=today).as_dict()
        fb = Feedback.objects.filter(
            case__place_path__startswith=place.path, created_at__gte=local_midnight(since)
        ).aggregate(n=Count("pk"), mean=Avg("satisfaction"))
        finished = tm["finished"] >= threshold
        rated = fb["n"] >= threshold
        out.append(
            {
                "place": place.code,
                "name_zh": place.name_zh,
                "name_en": place.name_en,
                "finished": tm["finished"] if finished else None,
                **{
                    key: tm[key] if finished else None
                    for key in (
                        "village_share",
                        "town_share",
                        "county_share",
                        "pushed_upward_share",
                    )
                },
                "ratings": fb["n"] if rated else None,
                "satisfaction": round(fb["mean"], 2) if rated and fb["mean"] is not None else None,
            }
        )
    return out


def _case_line(c: Case) -> dict:
    return {
        "id": c.pk,
        "receipt": c.receipt_code,
        "title": c.title,
        "status": c.status,
        "open": c.is_open,
        "category": c.category.code if c.category else "",
        "place": c.place.code,
        "created": c.created_at.date().isoformat(),
        "url": reverse("web:case", args=[c.pk]),
    }


def platform_evidence(decision: Decision, *, today: date, reader, snapshot: bool = False) -> dict:
    """Return the evidence for the decision as `reader` may see it: suppressed counts, alerts,
    tier and satisfaction figures, and lines of the ordinary cases the reader may see.

    For a report's `snapshot` the alerts keep all their counts: each later reader is shown
    them as that reader may see them (`evidence_for`), whoever issued the report.
    """
    threshold = min_cell()
    since = today - timedelta(days=RECENT_DAYS)
    base = evidence_cases(decision)
    alerts = alerts_for_decision(decision, since=since)
    listed = (
        base.filter(Q(status__in=list(OPEN_STATUSES)) | Q(created_at__gte=local_midnight(since)))
        .filter(sensitivity=Sensitivity.NORMAL, pk__in=cases_visible_to(reader).values("pk"))
        .select_related("category", "place")
        .order_by("-created_at", "-id")[:MAX_LISTED]
    )
    return {
        "as_of": today.isoformat(),
        "since": since.isoformat(),
        "categories": decision.evidence_categories(),
        "suppressed_below": threshold,
        **_counts(decision, base, since=since, today=today, threshold=threshold),
        "cases": [_case_line(c) for c in listed],
        "alerts": alerts
        if snapshot
        else _alerts_as_seen(alerts, reader=reader, threshold=threshold),
        "places": _tiers(decision, today=today, threshold=threshold),
    }


def evidence_for(evidence: dict | None, *, reader) -> dict:
    """Return stored evidence (a report's snapshot) as `reader` may see it.

    Case lines are kept only for cases that are still ordinary and that the reader may see now.
    A snapshot taken before counts were suppressed gets its small counts suppressed here.
    """
    if not evidence:
        return {}
    out = dict(evidence)
    lines = evidence.get("cases") or []
    ids = [line.get("id") for line in lines]
    visible = set(
        cases_visible_to(reader)
        .filter(pk__in=ids, sensitivity=Sensitivity.NORMAL)
        .values_list("pk", flat=True)
    )
    out["cases"] = [line for line in lines if line.get("id") in visible]
    out["alerts"] = _alerts_as_seen(
        evidence.get("alerts") or [], reader=reader, threshold=min_cell()
    )
    if "suppressed_below" not in evidence:
        out.update(_suppress_old(evidence, threshold=min_cell()))
    return out


def _suppress_old(evidence: dict, *, threshold: int) -> dict:
    """Suppress the counts of a snapshot taken before suppression: each small count is hidden.

    Its published counts have no relation a reader could subtract along (the categories were the
    ten largest of a total that was never shown), so hiding the small ones is enough.
    """

    def cell(n):
        return n if n is not None and n >= threshold else None

    places = []
    for p in evidence.get("places", []):
        finished = cell(p.get("finished"))
        ratings = cell(p.get("ratings"))
        places.append(
            {
                **p,
                "finished": finished,
                **{
                    k: (p.get(k) if finished is not None else None)
                    for k in ("village_share", "town_share", "county_share", "pushed_upward_share")
                },
                "ratings": ratings,
                "satisfaction": p.get("satisfaction") if ratings is not None else None,
            }
        )
    return {
        "suppressed_below": threshold,
        "open_cases": cell(evidence.get("open_cases")),
        "recent_cases": cell(evidence.get("recent_cases")),
        "by_category": [
            {**r, "count": cell(r.get("count"))} for r in evidence.get("by_category", [])
        ],
        "places": places,
    }
